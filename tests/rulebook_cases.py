"""Collects the bad/good examples of every rule page, so that the docs and the tests cannot drift apart."""

from __future__ import annotations

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
