"""Which rules a run enables, from select/ignore/extend-select/extend-ignore and per-file-ignores.

Selectors are codes or prefixes.  As in ruff, the most specific selector wins: ``--select WXK2
--ignore WXK`` runs the WXK2xx rules.  An opt-in rule (``default = False``) runs only when a selector
names it in full (``--extend-select WXK402``), so ``flake8 --select WXK`` means "the default rules".
The engine's own codes (WXK001 syntax error, WXK002 unreadable file, WXK003 internal error) are
always reported: a file that could not be checked must never look clean.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path, PurePath
from typing import Iterable, List, Optional, Sequence, Set

from wxkf_lint import registry
from wxkf_lint.registry import RuleInfo
from wxkf_lint.settings import Settings


def _longest_match(code: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


def _is_enabled(rule: RuleInfo, selected: Sequence[str], ignored: Sequence[str]) -> bool:
    if not rule.default and rule.code not in selected:
        return False
    chosen = _longest_match(rule.code, selected)
    return chosen >= 0 and chosen >= _longest_match(rule.code, ignored)


def enabled_rules(settings: Settings) -> List[RuleInfo]:
    """The rules a run with these settings executes, in code order (read from the table: nothing is imported)."""
    selected = list(settings.select if settings.select is not None else ["WXK"]) + list(settings.extend_select)
    ignored = list(settings.ignore) + list(settings.extend_ignore)
    return [rule for rule in registry.RULES if _is_enabled(rule, selected, ignored)]


def ignored_for_path(settings: Settings, path: Optional[str]) -> Set[str]:
    """The selectors that ``per-file-ignores`` applies to ``path`` (matched relative to the config root)."""
    if not path or not settings.per_file_ignores:
        return set()
    candidate = PurePath(path)
    try:
        relative = Path(path).resolve().relative_to(settings.root.resolve()).as_posix()
    except (ValueError, OSError):
        relative = candidate.as_posix()
    names = {relative, candidate.as_posix(), candidate.name}
    out: Set[str] = set()
    for pattern, codes in settings.per_file_ignores.items():
        if any(fnmatch.fnmatch(name, pattern) for name in names):
            out.update(codes)
    return out


def is_ignored(code: str, ignored: Iterable[str]) -> bool:
    return any(code.startswith(selector) for selector in ignored)
