"""Code actions on the findings of one lint: the rule's safe fix, ``# noqa: WXKnnn``, and fix-all.

Each is what the runner does: the quick fix and fix-all are ``--fix``'s, the noqa line is what
``--add-noqa`` writes (``add_noqa.marked_text``: merged into a ``# noqa:`` the line has, after any other
comment, and nothing where the line ends inside a string or after a backslash).

Every action edits the text the findings were computed from, so the server offers actions only while
that text is still the document's (see ``app.py``).  A quick fix is offered only where the runner's
``--fix`` would apply it: never an unsafe fix (one that changes what the program sends), and only if
``fixes.apply_fixes``, applying it alone, does not refuse it for a result that does not parse.  That
costs a parse, so it is done for the fixes under the cursor only, once per lint.  Fix-all is ``--fix`` itself (every safe fix, to a fixed point) as one edit of the
whole document, offered only when the client asks for ``source.fixAll`` (on save, or from a menu),
since computing it costs a lint per pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from lsprotocol import types

from wxkf_lint import codes
from wxkf_lint.add_noqa import marked_text
from wxkf_lint.engine import Linter
from wxkf_lint.findings import Finding
from wxkf_lint.fixes import apply_fixes, fix_source
from wxkf_lint.lines import LineIndex
from wxkf_lint.noqa import is_suppressed, noqa_lines
from wxkf_lint.server.diagnostics import SOURCE, lsp_range
from wxkf_lint.server.text import LspPositions
from wxkf_lint.source import SourceText

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"


@dataclass
class LintResult:
    """One lint of one state of a document: the text it read, what it found, as published."""

    generation: int
    version: Optional[int]
    path: str
    source: SourceText
    lines: LspPositions
    linter: Linter
    findings: List[Finding]
    diagnostics: List[types.Diagnostic]
    #: finding index → whether its fix, applied alone, still parses (computed on first request)
    fix_parses: Dict[int, bool] = field(default_factory=dict)
    #: finding index → its line with the noqa comment, None where none can go (computed on first request)
    noqa_lines: Dict[int, Optional[str]] = field(default_factory=dict)


def _wanted(kind: str, only: Optional[Sequence[str]]) -> bool:
    """Whether an action of ``kind`` answers a request limited to ``only`` (LSP: kinds are dotted prefixes)."""
    return only is None or any(kind == asked or kind.startswith(asked + ".") for asked in only)


def _touches(inner: types.Range, outer: types.Range) -> bool:
    start, end = (inner.start.line, inner.start.character), (inner.end.line, inner.end.character)
    return start <= (outer.end.line, outer.end.character) and (outer.start.line, outer.start.character) <= end


def _edit(uri: str, result: LintResult, edits: List[types.TextEdit], versioned: bool) -> types.WorkspaceEdit:
    if versioned:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=result.version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)])
    return types.WorkspaceEdit(changes={uri: edits})


def _fix_parses(result: LintResult, index: int) -> bool:
    if index not in result.fix_parses:
        _, applied = apply_fixes(result.source.text, [result.findings[index]])
        result.fix_parses[index] = bool(applied)
    return result.fix_parses[index]


def _quick_fix(uri: str, result: LintResult, index: int, versioned: bool) -> Optional[types.CodeAction]:
    finding, diagnostic = result.findings[index], result.diagnostics[index]
    fix = finding.fix
    if fix is None or fix.unsafe or not _fix_parses(result, index):  # --fix never applies an unsafe fix
        return None
    edit = types.TextEdit(lsp_range(result.lines, fix.line, fix.column, fix.end_line, fix.end_column), fix.content)
    return types.CodeAction(
        title=f"{SOURCE} ({finding.code}): {fix.description or 'apply the safe fix'}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=_edit(uri, result, [edit], versioned),
        is_preferred=True,
    )


def _line_with_noqa(result: LintResult, index: int) -> Optional[str]:
    """The finding's line as ``--add-noqa`` would write it, or None where it writes nothing (the line ends
    inside a string or after a backslash) or where the result would not suppress the finding."""
    if index not in result.noqa_lines:
        finding = result.findings[index]
        text, added, _ = marked_text(result.source.text, {finding.line: [finding.code]})
        line = LineIndex(text).line_text(finding.line) if added else None
        works = line is not None and is_suppressed(finding.code, 1, noqa_lines([line]))
        result.noqa_lines[index] = line if works else None
    return result.noqa_lines[index]


def _noqa(uri: str, result: LintResult, index: int, versioned: bool) -> Optional[types.CodeAction]:
    finding, diagnostic = result.findings[index], result.diagnostics[index]
    if finding.code in codes.ENGINE_CODES:  # noqa never hides them: the document was not checked
        return None
    new = _line_with_noqa(result, index)
    if new is None:
        return None
    old = result.lines.line(finding.line)
    whole_line = lsp_range(result.lines, finding.line, 1, finding.line, len(old) + 1)
    return types.CodeAction(
        title=f"{SOURCE} ({finding.code}): add `# noqa: {finding.code}` to this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=_edit(uri, result, [types.TextEdit(whole_line, new)], versioned),
    )


def _fix_all(uri: str, result: LintResult, versioned: bool) -> Optional[types.CodeAction]:
    if not any(finding.fix is not None for finding in result.findings):
        return None
    outcome = fix_source(result.linter, result.source, result.path)
    if not outcome.changed:
        return None
    last = result.lines.line_count
    everything = lsp_range(result.lines, 1, 1, last, len(result.lines.line(last)) + 1)
    # later passes fix findings at positions of an intermediate text: only the first pass's are published
    published = {finding: diagnostic for finding, diagnostic in zip(result.findings, result.diagnostics)}
    return types.CodeAction(
        title=f"{SOURCE}: fix all safely fixable problems",
        kind=FIX_ALL,
        diagnostics=[published[finding] for finding in outcome.fixed if finding in published],
        edit=_edit(uri, result, [types.TextEdit(everything, outcome.text)], versioned),
    )


def code_actions(
    uri: str, result: LintResult, where: types.Range, only: Optional[Sequence[str]], versioned: bool
) -> List[types.CodeAction]:
    """The actions for the findings whose range touches ``where``, then fix-all if it was asked for by kind."""
    found: List[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix.value, only):
        under = [i for i, diagnostic in enumerate(result.diagnostics) if _touches(diagnostic.range, where)]
        for make in (_quick_fix, _noqa):
            found.extend(action for action in (make(uri, result, i, versioned) for i in under) if action is not None)
    if only is not None and _wanted(FIX_ALL, only):
        action = _fix_all(uri, result, versioned)
        if action is not None:
            found.append(action)
    return found
