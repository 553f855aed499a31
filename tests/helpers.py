"""Running the linter in-process on a snippet, for the per-rule unit tests.

Rule tests assert exact findings, as Fixit's and ruff's do: :func:`assert_findings` takes the expected
``(line, column, code)`` of every finding (1-based, as the runner prints them), so a finding that moves,
disappears or appears fails the test.
"""

from __future__ import annotations

import textwrap
from typing import List, Optional, Sequence, Tuple

from wxkf_lint.engine import Linter
from wxkf_lint.findings import Finding
from wxkf_lint.options import MAX_RETRIES, WRAPPERS
from wxkf_lint.settings import Settings
from wxkf_lint.source import decode


def lint(source: str, *, select: Optional[Sequence[str]] = None, extend_select: Sequence[str] = (),
         max_retries: int = 3, wrappers: Sequence[str] = (), path: str = "snippet.py") -> List[Finding]:
    settings = Settings(
        select=list(select) if select is not None else None,
        extend_select=list(extend_select),
        options={MAX_RETRIES.key: max_retries, WRAPPERS.key: tuple(wrappers)},
    )
    code = textwrap.dedent(source)
    return Linter.from_settings(settings).lint_source(decode(code.encode("utf-8")), path)


def codes(source: str, **kwargs) -> List[str]:
    return [finding.code for finding in lint(source, **kwargs)]


def lines_of(source: str, code: str, **kwargs) -> List[int]:
    return [finding.line for finding in lint(source, **kwargs) if finding.code == code]


def line_of(source: str, text: str) -> int:
    """The 1-based line of the only line of the dedented source that contains ``text``."""
    [line] = [number for number, content in enumerate(textwrap.dedent(source).splitlines(), 1) if text in content]
    return line


Located = Tuple[int, int, str]


def located(source: str, **kwargs) -> List[Located]:
    """``(line, column, code)`` of every finding, in report order (by line, column, code)."""
    return [(finding.line, finding.column, finding.code) for finding in lint(source, **kwargs)]


def assert_findings(source: str, expected: Sequence[Located], **kwargs) -> None:
    """The snippet's findings are exactly ``expected`` (in any order), shown against the source if not."""
    found = located(source, **kwargs)
    if found != sorted(expected):
        lines = textwrap.dedent(source).splitlines()
        shown = "\n".join(
            f"  {line}:{column}: {code}  | {lines[line - 1].strip() if 0 < line <= len(lines) else ''}"
            for line, column, code in found
        )
        raise AssertionError(f"expected {sorted(expected)}\n   found {found}:\n{shown}")
