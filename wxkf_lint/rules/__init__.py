"""The rule registry: every ``wxkNNN_*.py`` module in this package holds one rule class.

Rules are found by module name, so adding a rule is adding a module (and its page under ``rules/``).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Dict, List, Type

from wxkf_lint.rules.base import LintRule


def _load() -> List[Type[LintRule]]:
    found: List[Type[LintRule]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("wxk"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, LintRule) and value.__module__ == module.__name__:
                found.append(value)
    return sorted(found, key=lambda rule: rule.code)


ALL_RULES: List[Type[LintRule]] = _load()
RULES_BY_CODE: Dict[str, Type[LintRule]] = {rule.code: rule for rule in ALL_RULES}
