"""Collects the bad/good examples of every rule page, so that the docs and the tests cannot drift apart.

A bad example says what it yields as ``examples/`` does: ``# expect: WXK101`` (several codes
comma-separated) at the end of each line a finding is reported on.  The test compares the whole list,
so a finding that is missing, extra or on another line fails it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

from wxkf_lint.rulebook import code_blocks, sections

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


def page_cases() -> List[Tuple[str, str, str, int]]:
    """(code, kind, source, n) for every ``## Example`` (kind "bad") and ``## Use instead`` ("good") block."""
    cases = []
    for page in sorted(RULES_DIR.glob("WXK*.md")):
        code = page.stem
        parts = sections(page.read_text(encoding="utf-8"))
        for kind, heading in (("bad", "Example"), ("good", "Use instead")):
            for number, block in enumerate(code_blocks(parts.get(heading, ""))):
                cases.append((code, kind, block, number))
    return cases


_EXPECT = re.compile(r"#\s*expect:\s*(WXK\d{3}(?:\s*,\s*WXK\d{3})*)\s*$")


def expected_findings(source: str) -> List[Tuple[int, str]]:
    """``(line, code)`` of every ``# expect:`` comment of an example, sorted as findings are."""
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        match = _EXPECT.search(line)
        if match:
            found.extend((number, code.strip()) for code in match.group(1).split(","))
    return sorted(found)


def without_expectations(source: str) -> str:
    """The example as a user would write it: its ``# expect:`` comments removed."""
    return "\n".join(_EXPECT.sub("", line).rstrip() if _EXPECT.search(line) else line for line in source.split("\n"))
