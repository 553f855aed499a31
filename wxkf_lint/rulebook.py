"""The rule book: one Markdown page per rule (``rules/WXKnnn.md`` in the repository).

Wheels carry the pages as ``wxkf_lint/rulebook/`` (``force-include`` in pyproject.toml); a source
checkout or editable install reads them from the repository's top-level ``rules/`` folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Optional

_HERE = Path(__file__).resolve().parent
_CANDIDATES = (_HERE / "rulebook", _HERE.parent / "rules")
_SECTION = re.compile(r"^## (.+?)\s*$", re.M)
_CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def pages_folder() -> Optional[Path]:
    for folder in _CANDIDATES:
        if folder.is_dir() and any(folder.glob("WXK*.md")):
            return folder
    return None


def page_text(code: str) -> Optional[str]:
    folder = pages_folder()
    if folder is None:
        return None
    page = folder / f"{code}.md"
    return page.read_text(encoding="utf-8") if page.is_file() else None


def sections(text: str) -> Dict[str, str]:
    """``## Heading`` → the text under it."""
    parts = _SECTION.split(text)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def code_blocks(section_text: str) -> List[str]:
    return _CODE_BLOCK.findall(section_text)

