"""``# noqa`` and ``# noqa: WXK101,WXK203`` on the reported line, read the way flake8 reads them."""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, List, Optional

# flake8's own pattern (flake8/defaults.py), so both front ends agree on what suppresses what.
_NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)

#: None means "every code"; a frozenset lists the codes (or prefixes) suppressed on that line
NoqaMap = Dict[int, Optional[FrozenSet[str]]]


def noqa_lines(lines: List[str]) -> NoqaMap:
    """1-based line number → suppressed codes, for the lines that carry a noqa comment."""
    found: NoqaMap = {}
    for number, line in enumerate(lines, start=1):
        if "#" not in line:
            continue
        match = _NOQA.search(line)
        if match is None:
            continue
        codes_text = match.group("codes")
        if not codes_text:
            found[number] = None
        else:
            found[number] = frozenset(code.upper() for code in _CODE.findall(codes_text))
    return found


def is_suppressed(code: str, line: int, noqa: NoqaMap) -> bool:
    if line not in noqa:
        return False
    codes = noqa[line]
    return codes is None or any(code.startswith(suppressed) for suppressed in codes)
