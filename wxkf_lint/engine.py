"""Lint one file: read, decode, pre-filter, parse once, analyse once, run every rule in one pass.

Before LibCST is given a text, CPython's parser checks that LibCST can take it (see ``parse_limits.py``):
a tenth of the parse, which also says where the text may be cut, so that LibCST parses it one top-level
statement group at a time, in a third of the memory (``pieces.py``).  The parse is the floor; positions
take a code generation of each piece that holds a finding (``positions.py``), so a file with nothing to
report never pays for them.  Parents and bindings come from the shared analysis' own single walk.
LibCST, the analysis and the rules are imported only once a file passes the prefilter.
"""

from __future__ import annotations

import gc
import hashlib
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, List, Optional, Sequence, Tuple, Type

from wxkf_lint import codes
from wxkf_lint.findings import Finding, Fix
from wxkf_lint.lines import LineIndex
from wxkf_lint.noqa import is_suppressed, noqa_lines
from wxkf_lint.options import MAX_FILE_SIZE, WRAPPERS
from wxkf_lint.parse_limits import judge, oversized
from wxkf_lint.prefilter import Markers
from wxkf_lint.registry import RuleInfo, load
from wxkf_lint.selection import enabled_rules, ignored_for_path, is_ignored
from wxkf_lint.settings import Settings
from wxkf_lint.source import DecodeError, SourceText, decode, utf8_size, wide_encoding

if TYPE_CHECKING:  # LibCST, the rules and the analysis are imported on first parse (see Linter.rules)
    import libcst as cst

    from wxkf_lint.analysis.index import SyntaxIndex
    from wxkf_lint.dispatch import RuleFailure
    from wxkf_lint.pieces import ParsedFile, PieceCache
    from wxkf_lint.rules.base import LintRule, Report


@dataclass
class Linter:
    """The rules and markers of one run, prepared once and applied to many files."""

    settings: Settings
    markers: Markers
    #: keep parsed pieces for the next texts, which share most of them: an editor's re-lints after each edit
    keep_pieces: bool = False

    @classmethod
    def from_settings(cls, settings: Settings, *, keep_pieces: bool = False) -> "Linter":
        return cls(settings, Markers(settings.get(WRAPPERS)), keep_pieces)

    @cached_property
    def pieces(self) -> Optional[PieceCache]:
        """The parsed pieces kept between lints (see :mod:`wxkf_lint.pieces`), made on the first parse."""
        if not self.keep_pieces:
            return None
        from wxkf_lint.pieces import PieceCache

        return PieceCache()

    @cached_property
    def enabled(self) -> Sequence[RuleInfo]:
        """The rules this run executes, read from the rule table: no rule module is imported for it."""
        return enabled_rules(self.settings)

    @cached_property
    def rules(self) -> Sequence[Type[LintRule]]:
        """The enabled rules' classes, loaded when the first file passes the prefilter, not before.

        Loading them imports LibCST, the rules and the analysis: 0.17 s, more than a whole run over a
        tree whose files never mention WeCom (a pre-commit hook, 20,000 empty ``__init__.py``).
        """
        return [load(rule) for rule in self.enabled]

    def lint_path(self, path: str) -> List[Finding]:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return [_engine_finding(path, codes.UNREADABLE, f"cannot read file: {error.strerror or error}")]
        return self.lint_bytes(data, path)

    def needs_engine(self, data: bytes) -> bool:
        """Whether a file's bytes can give a finding: they mention WeCom, or they are not text Python can read."""
        return self.markers.search_bytes(data) or wide_encoding(data) is not None

    def lint_bytes(self, data: bytes, path: str) -> List[Finding]:
        if not self.needs_engine(data):
            return []
        return self.lint_passed_bytes(data, path)

    def lint_passed_bytes(self, data: bytes, path: str) -> List[Finding]:
        """Lint bytes that passed the prefilter already (the runner tests each file once, in one process)."""
        wide = wide_encoding(data)
        if wide is not None:  # its markers are not ASCII bytes: it passed the prefilter to be reported, not parsed
            return [_engine_finding(path, codes.UNREADABLE, f"cannot decode file: {wide}; Python reads source as UTF-8")]
        if not self.enabled:
            return []
        try:
            source = decode(data)
        except DecodeError as error:
            return [_engine_finding(path, codes.UNREADABLE, f"cannot decode file: {error}")]
        return self._lint_text(source.text, path)

    def lint_source(self, source: SourceText, path: str) -> List[Finding]:
        """Lint decoded text (flake8's lines, a fixed text): the prefilter runs on the text itself."""
        if not self.markers.search(source.text) or not self.enabled:
            return []
        return self._lint_text(source.text, path)

    def _lint_text(self, text: str, path: str) -> List[Finding]:
        too_big = oversized(utf8_size(text), self.settings.get(MAX_FILE_SIZE))
        if too_big is not None:
            return [_too_complex(path, too_big)]
        with _cycle_collection_paused():
            return self._lint_accepted_text(text, path)

    def _lint_accepted_text(self, text: str, path: str) -> List[Finding]:
        verdict = judge(text, path)
        if verdict.too_complex is not None:
            return [_too_complex(path, verdict.too_complex)]
        import libcst as cst

        from wxkf_lint.pieces import parse_file

        lines = LineIndex(text)
        try:
            parsed = parse_file(text, lines, verdict.statements, self.pieces)
        except cst.ParserSyntaxError as error:
            if verdict.accepted:  # valid Python that LibCST's grammar or limits refuse: not the user's mistake
                return [_too_complex(path, f"valid Python its grammar refuses (its parser stops at line {error.editor_line})")]
            return [_syntax_error(text, path, error)]
        except RecursionError:
            return [_too_complex(path, "nested too deeply for its parser")]
        try:
            findings, failures = self._check(parsed, lines, path)
        except RecursionError:
            return [_internal_error(path, "internal error: file too deeply nested to analyse")]
        except Exception as error:  # one file's internal error must not stop the run
            return [_internal_error(path, f"internal error: {_describe(error)}")]
        # No noqa or ignore hides an internal error: a file that was not fully checked must not look clean.
        return sorted(self._filter(findings, lines, path) + failures, key=lambda f: f.sort_key)

    def _check(self, parsed: ParsedFile, lines: LineIndex, path: str) -> Tuple[List[Finding], List[Finding]]:
        """The rules' findings, and a WXK003 for each rule that raised (the others' findings are kept)."""
        from wxkf_lint.analysis import FileContext
        from wxkf_lint.dispatch import run_rules
        from wxkf_lint.positions import resolve_positions

        module = parsed.module
        context = FileContext(module, self.settings, path)
        reports, failures = run_rules([rule(context) for rule in self.rules])
        if not reports and not failures:
            return [], []
        positions, spans = resolve_positions(
            parsed.piece_starts(context.index.order),
            [r.node for r in reports] + [f.node for f in failures],
            [r.replaced for r in reports if r.replacement is not None],
        )
        findings = _deduplicate(
            [_to_finding(report, module, context.index, lines, positions, spans, path) for report in reports]
        )
        return findings, [_rule_failure(failure, positions, path) for failure in failures]

    def _filter(self, findings: List[Finding], lines: LineIndex, path: str) -> List[Finding]:
        if not findings:
            return findings
        ignored = ignored_for_path(self.settings, path)
        noqa = noqa_lines(lines.lines())
        return sorted(
            (f for f in findings if not is_ignored(f.code, ignored) and not is_suppressed(f.code, f.line, noqa)),
            key=lambda f: f.sort_key,
        )


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while one file is parsed and analysed.

    A large file's tree is a million objects, none of them garbage while it is in use, yet the collector
    keeps scanning them as they are allocated: a third of the CPU time of a 16,000-line file (mypy raises
    the thresholds for the same reason).  When the file is done its objects are all still young, so the
    first collection after it looks at them alone and frees whatever cycles the analysis made.  The
    collector is left as it was found (flake8, or another thread, may have turned it off).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _to_finding(
    report: Report, module: cst.Module, index: SyntaxIndex, lines: LineIndex, positions, spans, path: str
) -> Finding:
    """The finding at the node's own (syntactic) position; its fix over all the text the replaced node owns.

    A fix replaces ``replaced`` by the code of ``replacement``, which includes the node's parentheses and,
    for an argument, its comma: the whitespace-inclusive span is exactly the text ``code_for_node`` gives.
    LibCST counts lines as :class:`LineIndex` does, so its positions translate to offsets of the same text.
    """
    where = positions[report.node]
    fix: Optional[Fix] = None
    if report.replacement is not None and report.replaced is not None:
        span = spans[report.replaced]
        start = (span.start.line, span.start.column + 1)
        end = (span.end.line, span.end.column + 1)
        fix = Fix(
            *start,
            *end,
            content=_fix_content(module, index, report),
            description=report.fix_description,
            start=lines.offset(*start),
            end=lines.offset(*end),
            unsafe=report.unsafe,
        )
    node_start = lines.offset(where.start.line, where.start.column + 1)
    node_end = lines.offset(where.end.line, where.end.column + 1)
    return Finding(
        path=path,
        line=where.start.line,
        column=where.start.column + 1,
        end_line=where.end.line,
        end_column=where.end.column + 1,
        code=report.code,
        name=report.name,
        message=report.message,
        fix=fix,
        scope=_qualified_name(index, report.node),
        node_hash=_text_hash(lines.text[node_start:node_end]),
    )


def _text_hash(text: str) -> str:
    """A digest of the node's text with its whitespace collapsed: re-indenting or re-wrapping keeps it."""
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8"), digest_size=8).hexdigest()


def _qualified_name(index: SyntaxIndex, node: cst.CSTNode) -> str:
    """``Class.method`` of the functions and classes that enclose ``node``; ``""`` at module level."""
    import libcst as cst

    names = [a.name.value for a in index.ancestors(node) if isinstance(a, (cst.FunctionDef, cst.ClassDef))]
    return ".".join(reversed(names))


def _fix_content(module: cst.Module, index: SyntaxIndex, report: Report) -> str:
    """The replacement's code as it will stand in the file.

    ``Module.code_for_node`` renders a node alone, without the indentation of the blocks around it, which
    the continuation lines of a node over several lines carry (``data={…},\n            timeout=10``).  So
    the node is rendered with the indentation of the blocks that hold the replaced node, as the module's
    own code generation would render it there, without generating the whole module again.
    """
    import libcst as cst
    from libcst._nodes.internal import CodegenState

    blocks = [node for node in index.ancestors(report.replaced) if isinstance(node, cst.IndentedBlock)]
    indents = [module.default_indent if block.indent is None else block.indent for block in reversed(blocks)]
    state = CodegenState(module.default_indent, module.default_newline, indent_tokens=indents)
    report.replacement._codegen(state)
    return "".join(state.tokens)


def _deduplicate(findings: List[Finding]) -> List[Finding]:
    """One finding per rule per place (SPEC §2): the same code at the same line and column is one finding."""
    seen = set()
    unique = []
    for finding in findings:
        key = (finding.line, finding.column, finding.code)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _syntax_error(text: str, path: str, error: cst.ParserSyntaxError) -> Finding:
    """WXK001 where and as CPython (and so flake8's E999) reports it; LibCST's own position otherwise.

    LibCST's parser reports the token where it gave up, often a line after the mistake; CPython's
    compiler, run only on files that failed to parse, names the line and says what is wrong.
    """
    line, column = error.editor_line, error.editor_column
    message = str(error.message).splitlines()[0] if error.message else "invalid syntax"
    try:
        with warnings.catch_warnings():  # a broken file's SyntaxWarnings are not the user's report
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as python_error:
        line, column = python_error.lineno or line, python_error.offset or column
        message = python_error.msg or message
    except (ValueError, RecursionError, MemoryError):
        pass
    return _engine_finding(path, codes.SYNTAX_ERROR, f"syntax error: {message}", line, max(column, 1))


def _rule_failure(failure: RuleFailure, positions, path: str) -> Finding:
    """WXK003 where the rule raised, naming the rule and the exception; the traceback for ``--verbose``."""
    rule = failure.rule.info
    where = positions.get(failure.node)
    line, column = (where.start.line, where.start.column + 1) if where is not None else (1, 1)
    message = f"internal error in rule {rule.code} ({rule.name}): {_describe(failure.error)}"
    return _engine_finding(path, codes.INTERNAL_ERROR, message, line, column, failure.traceback)


def path_error(path: str, reason: str) -> Finding:
    """WXK002 for a path that could not be read or examined (``reason``: "cannot list folder: Permission denied")."""
    return _engine_finding(path, codes.UNREADABLE, reason)


def _too_complex(path: str, reason: str) -> Finding:
    """WXK004 for the whole file: valid or not, it is not Python LibCST can be given (see parse_limits)."""
    return _engine_finding(path, codes.TOO_COMPLEX, f"LibCST cannot parse this file: {reason}")


def _internal_error(path: str, message: str) -> Finding:
    """WXK003 for the whole file; call it in the ``except`` block, whose traceback it keeps for ``--verbose``."""
    return _engine_finding(path, codes.INTERNAL_ERROR, message, detail=traceback.format_exc())


def _describe(error: BaseException) -> str:
    """``ValueError: first line of the message``: a finding is one line."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def _engine_finding(
    path: str, code: str, message: str, line: int = 1, column: int = 1, detail: Optional[str] = None
) -> Finding:
    return Finding(path, line, column, line, column, code, codes.ENGINE_CODES[code], message, detail=detail)
