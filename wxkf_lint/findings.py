"""Findings are plain data, so that every front end (CLI, flake8, formatters, worker processes) shares them.

A finding carries 1-based line and column numbers as editors show them (flake8's plugin API wants a
0-based column; the flake8 adapter converts).  A fix is a text edit of one source range: rules describe a
fix as a CST node swap, and the engine turns that into text once positions are known, so that fixes can be
serialised, printed as a diff, and applied without keeping the tree around.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Optional


@dataclass(frozen=True)
class Fix:
    """Replace the source between (line, column) and (end_line, end_column), 1-based, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str
    description: str
    #: the fix changes what the program does (ruff's "unsafe"); ``--fix`` applies only safe fixes
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
    # An internal error's traceback, for ``--verbose`` only: it travels with the finding (also back from
    # worker processes) but is no part of any report.
    detail: Optional[str] = field(default=None, compare=False, repr=False)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.code)

    def as_dict(self) -> Dict[str, Any]:
        row = asdict(self)
        del row["detail"]
        return row
