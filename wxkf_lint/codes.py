"""Codes the engine itself reports (not rules), and the code/prefix validation shared by every front end."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List

from wxkf_lint import registry

SYNTAX_ERROR = "WXK001"
UNREADABLE = "WXK002"
INTERNAL_ERROR = "WXK003"
TOO_COMPLEX = "WXK004"

ENGINE_CODES: Dict[str, str] = {
    SYNTAX_ERROR: "syntax-error",
    UNREADABLE: "unreadable-file",
    INTERNAL_ERROR: "internal-error",
    TOO_COMPLEX: "too-complex-to-parse",
}

# One line each, for reports that describe every code they can contain (SARIF's rule descriptors).
ENGINE_SUMMARIES: Dict[str, str] = {
    SYNTAX_ERROR: "the file does not parse as Python, so no rule could check it",
    UNREADABLE: "the file could not be read or decoded, so no rule could check it",
    INTERNAL_ERROR: "wxkf-lint itself failed on this file (a bug to report); run with --verbose for the traceback",
    TOO_COMPLEX: "LibCST cannot parse this file (too deeply nested, too long a chain, or over max-file-size), so no rule could check it",
}

# What ``--explain`` prints for each: the engine's codes have no rule page, so their page is here.
ENGINE_EXPLANATIONS: Dict[str, str] = {
    SYNTAX_ERROR: (
        "The file does not parse as Python (Python's own parser agrees), so no rule could check it. The finding\n"
        "stands where CPython reports the mistake, with its message. flake8 reports the same file as its E999."
    ),
    UNREADABLE: (
        "A path wxkf-lint could not check: a file it may not read, a folder it may not list, a symbolic link\n"
        "that loops, or bytes that are not text in the encoding the file declares (UTF-16 and UTF-32 files\n"
        "included: Python source is UTF-8 unless a coding cookie names another ASCII-compatible encoding).\n"
        "The run goes on with every other path; the exit status is 1, as for any finding."
    ),
    INTERNAL_ERROR: (
        "wxkf-lint itself failed on this file: a rule raised, or the process linting the file died. It is a bug\n"
        "to report; --verbose prints the traceback. The file's other findings are still reported, no `# noqa`\n"
        "hides this one, and the exit status is 2."
    ),
    TOO_COMPLEX: (
        "Python that LibCST, the parser wxkf-lint builds on, cannot take: brackets or expressions nested more\n"
        "than 1,000 deep (LibCST's native parser would crash), valid Python its grammar refuses (5,000\n"
        "implicitly concatenated literals), or a file over `max-file-size` (default 1 MiB; LibCST needs up to\n"
        "350 times a file's size in memory). Found with Python's own parser before LibCST is given the text,\n"
        "so the run goes on. Such files are mostly generated: exclude them (`extend-exclude`), or raise\n"
        "`max-file-size` (0: no limit) for a big file you want checked."
    ),
}

_CODE_SHAPE = re.compile(r"^WXK\d{0,3}$")


def known_codes() -> List[str]:
    """Every rule code (read from the rule table: no rule module is imported) and the engine's own."""
    return sorted(set(registry.RULES_BY_CODE) | set(ENGINE_CODES))


def invalid_selectors(selectors: Iterable[str]) -> List[str]:
    """The selectors that name no code: neither a full code nor a prefix of one (``WXK2`` is fine)."""
    codes = known_codes()
    bad = []
    for selector in selectors:
        if not _CODE_SHAPE.match(selector) or not any(code.startswith(selector) for code in codes):
            bad.append(selector)
    return bad
