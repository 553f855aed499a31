"""``# noqa`` and ``# noqa: WXK101,WXK203`` on the reported line, read the way flake8 reads them."""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Iterable, List, Optional

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


def comment_with_codes(comment: str, codes: Iterable[str]) -> str:
    """``comment`` (a whole ``#`` comment) made to suppress ``codes`` too, keeping what else it says.

    Codes are merged into a ``# noqa: …`` it has (its own codes first, in their order), and a comment
    without one gets `` # noqa: …`` after its text (``# type: ignore  # noqa: WXK101``), as ruff does.
    A bare ``# noqa`` already suppresses everything and is kept as it is.
    """
    match = _NOQA.search(comment)
    if match is not None and not match.group("codes"):
        return comment
    if match is None:
        return f"{comment.rstrip()}  # noqa: {', '.join(_unique(codes))}"
    own = [code.upper() for code in _CODE.findall(match.group("codes"))]
    merged = ", ".join(_unique([*own, *codes]))
    end = match.start() + len(match.group().rstrip(", \t"))
    return f"{comment[: match.start()]}# noqa: {merged}{comment[end:]}"


def _unique(codes: Iterable[str]) -> List[str]:
    return list(dict.fromkeys(codes))
