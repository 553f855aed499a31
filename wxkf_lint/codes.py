"""Codes the engine itself reports (not rules), and the code/prefix validation shared by every front end."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List

from wxkf_lint.registry import RULES_BY_CODE

SYNTAX_ERROR = "WXK001"
UNREADABLE = "WXK002"
INTERNAL_ERROR = "WXK003"

ENGINE_CODES: Dict[str, str] = {
    SYNTAX_ERROR: "syntax-error",
    UNREADABLE: "unreadable-file",
    INTERNAL_ERROR: "internal-error",
}

# One line each, for reports that describe every code they can contain (SARIF's rule descriptors).
ENGINE_SUMMARIES: Dict[str, str] = {
    SYNTAX_ERROR: "the file does not parse as Python, so no rule could check it",
    UNREADABLE: "the file could not be read or decoded, so no rule could check it",
    INTERNAL_ERROR: "wxkf-lint itself failed on this file (a bug to report); run with --verbose for the traceback",
}

_CODE_SHAPE = re.compile(r"^WXK\d{0,3}$")


def known_codes() -> List[str]:
    """Every rule code (read from the rule table: no rule module is imported) and the engine's own."""
    return sorted(set(RULES_BY_CODE) | set(ENGINE_CODES))


def invalid_selectors(selectors: Iterable[str]) -> List[str]:
    """The selectors that name no code: neither a full code nor a prefix of one (``WXK2`` is fine)."""
    codes = known_codes()
    bad = []
    for selector in selectors:
        if not _CODE_SHAPE.match(selector) or not any(code.startswith(selector) for code in codes):
            bad.append(selector)
    return bad
