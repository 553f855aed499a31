"""The engine's findings as LSP diagnostics: the same code, place and message, in the client's units.

The message is the finding's, without the code: every client shows ``code`` beside it (``… [WXK101]``).
Rule findings are warnings, as flake8's and ruff's are in editors; the engine's own codes (a syntax
error, an unreadable text, an internal error) are errors, since they mean the document was not checked.
``codeDescription`` links to the rule's page where one is installed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from lsprotocol import types

from wxkf_lint import codes
from wxkf_lint.findings import Finding
from wxkf_lint.rulebook import pages_folder
from wxkf_lint.server.text import LspPositions

SOURCE = "wxkf-lint"


def lsp_range(lines: LspPositions, line: int, column: int, end_line: int, end_column: int) -> types.Range:
    start = lines.to_lsp(line, column)
    end = lines.to_lsp(end_line, end_column)
    if end < start:
        end = start
    return types.Range(types.Position(*start), types.Position(*end))


@lru_cache(maxsize=None)
def rule_page(code: str) -> Optional[str]:
    """The ``file:`` URI of the rule's page (``rules/WXKnnn.md``, or the copy a wheel carries), if there is one."""
    folder = pages_folder()
    page = folder / f"{code}.md" if folder is not None else None
    return page.resolve().as_uri() if page is not None and page.is_file() else None


def to_diagnostic(finding: Finding, lines: LspPositions) -> types.Diagnostic:
    page = rule_page(finding.code)
    return types.Diagnostic(
        range=lsp_range(lines, finding.line, finding.column, finding.end_line, finding.end_column),
        message=finding.message,
        severity=types.DiagnosticSeverity.Error if finding.code in codes.ENGINE_CODES else types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=types.CodeDescription(href=page) if page else None,
        source=SOURCE,
    )


def configuration_diagnostic(message: str) -> types.Diagnostic:
    """The one diagnostic of a document whose configuration is broken: no rule ran on it."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"not checked: {message}",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )
