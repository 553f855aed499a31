"""``--add-noqa``: mark every reported line with ``# noqa: WXKnnn``, so that a legacy tree starts clean.

A comment can only end a line the tokenizer ends (a NEWLINE or NL token: the end of a statement, a
line inside brackets, a blank or comment line).  A line that ends inside a multi-line string, or with a
backslash continuation, has no place for one: ``# noqa`` there would be string text or a syntax error.
Such lines are left as they are and listed, so the user can suppress them another way (a baseline).

Codes are merged into a ``# noqa:`` the line already has, and any other comment is kept
(:func:`wxkf_lint.noqa.comment_with_codes`).  A file is rewritten like ``--fix`` rewrites it (atomically,
mode, encoding, BOM and newlines kept, and only if the result parses), and since every marked finding is
then suppressed, a second run finds nothing to mark and changes nothing.
"""

from __future__ import annotations

import io
import tokenize
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from wxkf_lint import codes
from wxkf_lint.findings import Finding
from wxkf_lint.lines import LineIndex
from wxkf_lint.noqa import comment_with_codes
from wxkf_lint.source import DecodeError, decode

#: why a reported line got no ``# noqa``, as the run says it
SKIPPED_REASON = "the line ends inside a multi-line string or after a backslash (use --baseline)"


@dataclass
class NoqaRun:
    """What ``--add-noqa`` did: directives added, lines it could not mark, files it could not write."""

    added: int = 0
    skipped: List[str] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"Added {self.added} noqa directive{'s' if self.added != 1 else ''}."


def add_noqa(findings: Sequence[Finding]) -> NoqaRun:
    """Add ``# noqa`` for the rule findings (never the engine's codes, which noqa cannot suppress)."""
    run = NoqaRun()
    by_path: Dict[str, Dict[int, List[str]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if finding.code not in codes.ENGINE_CODES and finding.path != "-":
            by_path[finding.path][finding.line].append(finding.code)
    for path, lines in by_path.items():
        _mark_file(path, lines, run)
    return run


def _mark_file(path: str, wanted: Dict[int, List[str]], run: NoqaRun) -> None:
    from wxkf_lint.fixes import FixError, write_fixed  # imports LibCST, which a run with findings has loaded

    try:
        with open(path, "rb") as handle:
            source = decode(handle.read())
    except (OSError, DecodeError) as error:
        run.errors.append(f"{path}: cannot read the file to add noqa: {error}")
        return
    text, added, skipped = marked_text(source.text, wanted)
    run.skipped.extend(f"{path}:{line}" for line in skipped)
    if not added:
        return
    try:
        write_fixed(path, source, text)
    except FixError as error:
        run.errors.append(str(error))
        return
    run.added += added


def marked_text(text: str, wanted: Dict[int, List[str]]) -> Tuple[str, int, List[int]]:
    """(the text with ``wanted``'s codes added on their lines, directives added, lines that could not be marked)."""
    lines = LineIndex(text)
    ends = _comment_places(lines)
    if ends is None:
        return text, 0, sorted(wanted)
    edits: List[Tuple[int, int, str]] = []
    skipped: List[int] = []
    for line in sorted(wanted):
        if line not in ends:
            skipped.append(line)
            continue
        comment_start = ends[line]
        start = lines.starts[line - 1]
        end = lines.line_end(line)
        if comment_start is None:
            code_text = text[start:end].rstrip(" \t\x0c")
            edits.append((start + len(code_text), end, f"  # noqa: {', '.join(dict.fromkeys(wanted[line]))}"))
        else:
            comment = text[start + comment_start : end]
            edits.append((start + comment_start, end, comment_with_codes(comment, wanted[line])))
    edits = [(begin, end, new) for begin, end, new in edits if text[begin:end] != new]
    for begin, end, new in reversed(edits):
        text = text[:begin] + new + text[end:]
    return text, len(edits), skipped


def _comment_places(lines: LineIndex) -> Optional[Dict[int, Optional[int]]]:
    """Line → the column (0-based) of its comment, or None when it has none, for each line a comment may end.

    The tokenizer reads the lines with ``\\n`` breaks whatever the file uses (lines and columns are the
    same), so a ``\\r``-only file tokenizes as Python reads it.  None when the text does not tokenize.
    """
    normalised = "".join(line + "\n" for line in lines.lines())
    places: Dict[int, Optional[int]] = {}
    comments: Dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(normalised).readline):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.start[1]
            elif token.type in (tokenize.NEWLINE, tokenize.NL):
                places[token.start[0]] = None
    except (tokenize.TokenError, SyntaxError):
        return None
    for line in places:
        places[line] = comments.get(line)
    return places
