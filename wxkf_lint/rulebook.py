"""The rule book: one Markdown page per rule (``rules/WXKnnn.md`` in the repository).

Wheels carry the pages as ``wxkf_lint/rulebook/`` (``force-include`` in pyproject.toml); a source
checkout or editable install reads them from the repository's top-level ``rules/`` folder.

A page is also where its rule's metadata is declared, once: the title names the rule
(``# WXK101 errmsg-branch``) and a front-matter block above it holds the rest, one ``key: value``
line each, every value written as JSON (which makes the block valid YAML too, so GitHub shows it
as a table)::

    ---
    summary: "branching on errmsg text instead of errcode"
    default: true
    fix: "safe"
    ---
    # WXK101 errmsg-branch

Reading the table then costs one small file read per rule and neither LibCST nor a rule module
(:mod:`wxkf_lint.registry` builds the table from :func:`pages`).  What ``--explain`` prints, and
what the SARIF report carries as a rule's help, is the page without its front matter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

_HERE = Path(__file__).resolve().parent
_CANDIDATES = (_HERE / "rulebook", _HERE.parent / "rules")
_SECTION = re.compile(r"^## (.+?)\s*$", re.M)
_CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
_FENCE = "---\n"
_FIELD = re.compile(r"([a-z][a-z-]*): (.+)")


class RuleBookError(Exception):
    """The rule pages are missing, or one does not declare its rule as the rule table needs."""


@dataclass(frozen=True)
class Page:
    """One rule page, split into its front matter and the Markdown a reader sees."""

    path: Path
    #: the front matter: key → its JSON value, in the order written
    fields: Dict[str, Any]
    #: the page after the front matter, starting with its ``# WXKnnn name`` title
    text: str

    @property
    def title(self) -> str:
        return self.text.split("\n", 1)[0]


def pages_folder() -> Optional[Path]:
    for folder in _CANDIDATES:
        if folder.is_dir() and any(folder.glob("WXK*.md")):
            return folder
    return None


def pages() -> List[Page]:
    """Every rule page, in code order (the file names are the codes)."""
    folder = pages_folder()
    if folder is None:
        searched = " or ".join(str(path) for path in _CANDIDATES)
        raise RuleBookError(f"no rule pages (WXK*.md) in {searched}: a broken install")
    return [read_page(path) for path in sorted(folder.glob("WXK*.md"))]


def read_page(path: Path) -> Page:
    """The page at ``path``; :class:`RuleBookError` naming the file and line if its front matter is malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleBookError(f"{path}: cannot read the rule page: {error}") from None
    if not text.startswith(_FENCE):
        raise RuleBookError(f"{path}:1: a rule page starts with a front-matter block ('---' on its own line)")
    end = text.find("\n" + _FENCE, len(_FENCE) - 1)
    if end < 0:
        raise RuleBookError(f"{path}: the front-matter block has no closing '---' line")
    block = text[len(_FENCE) : end]
    fields: Dict[str, Any] = {}
    for number, line in enumerate(block.split("\n") if block else [], 2):
        match = _FIELD.fullmatch(line)
        if match is None:
            raise RuleBookError(f"{path}:{number}: expected 'key: value' (the value in JSON), got {line!r}")
        key, value = match.groups()
        if key in fields:
            raise RuleBookError(f"{path}:{number}: {key} is declared twice")
        try:
            fields[key] = json.loads(value)
        except ValueError:
            message = f"{key}: {value!r} is not a JSON value (quote text: \"...\")"
            raise RuleBookError(f"{path}:{number}: {message}") from None
    return Page(path=path, fields=fields, text=text[end + 1 + len(_FENCE) :])


def page_text(code: str) -> str:
    """The rule's page as a reader sees it: without the front matter."""
    folder = pages_folder()
    path = folder / f"{code}.md" if folder is not None else None
    if path is None or not path.is_file():
        raise RuleBookError(f"no rule page for {code}: a broken install")
    return read_page(path).text


def sections(text: str) -> Dict[str, str]:
    """``## Heading`` → the text under it."""
    parts = _SECTION.split(text)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def code_blocks(section_text: str) -> List[str]:
    return _CODE_BLOCK.findall(section_text)
