"""Findings are plain data, so that every front end (CLI, flake8, formatters, worker processes) shares them.

A finding carries 1-based line and column numbers as editors show them (flake8's plugin API wants a
0-based column; the flake8 adapter converts), and its message without the code, which is a field of its
own: each report format composes ``CODE message`` as it needs.  A fix is an offset edit of the decoded
text: rules describe a fix as a CST node swap, and the engine turns that into text once positions are
known, so that fixes can be serialised, cached, printed as a diff, and applied without keeping the tree
around.  Its line and column range is kept beside the offsets for the reports (JSON, SARIF).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Optional


@dataclass(frozen=True)
class Fix:
    """Replace ``text[start:end]`` of the decoded file by ``content``.

    (line, column)–(end_line, end_column) is the same range, 1-based and end exclusive, as reports show it.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    description: str
    start: int
    end: int
    #: the fix can change what the program does (ruff's "unsafe": a dead branch comes alive, the request goes
    #: out in another format); ``--fix`` applies it only with ``--unsafe-fixes``
    unsafe: bool = False


@dataclass(frozen=True)
class Finding:
    """One problem at one place in one file."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    name: str
    message: str
    fix: Optional[Fix] = None
    #: what a baseline fingerprint is made of besides code and path (see :mod:`wxkf_lint.baseline`): the
    #: qualified name of the enclosing function or class (``Client.send``, ``""`` at module level) and a
    #: digest of the reported node's text with its whitespace collapsed.  Not shown in any report.
    scope: str = field(default="", repr=False)
    node_hash: str = field(default="", repr=False)
    #: the baseline fingerprint, set by the command over all the findings of a run (empty until then)
    fingerprint: str = field(default="", compare=False, repr=False)
    # An internal error's traceback, for ``--verbose`` only: it travels with the finding (also back from
    # worker processes) but is no part of any report.
    detail: Optional[str] = field(default=None, compare=False, repr=False)

    def fixable(self, unsafe_fixes: bool = False) -> bool:
        """Whether ``--fix`` (with ``--unsafe-fixes`` as given) applies this finding's fix."""
        return self.fix is not None and (unsafe_fixes or not self.fix.unsafe)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> Dict[str, Any]:
        """The finding as reports show it: ranges as lines and columns, not offsets or fingerprint parts."""
        row = asdict(self)
        for private in ("detail", "scope", "node_hash", "fingerprint"):
            del row[private]
        if row["fix"] is not None:
            del row["fix"]["start"], row["fix"]["end"]
        return row
