"""Running the linter in-process on a snippet, for the per-rule unit tests."""

from __future__ import annotations

import textwrap
from typing import List, Optional, Sequence

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
