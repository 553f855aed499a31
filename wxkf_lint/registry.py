"""The rule table: every rule's code, name, summary, default and fix, readable without running a rule.

Like ruff's ``codes.rs``, this table is what ``--select``, ``--list-rules``, ``--explain``, the SARIF
driver, configuration validation and the flake8 plugin read.  It imports neither LibCST nor any rule
module, so a run over files that never mention WeCom (most of a repository, a pre-commit hook) pays
for neither.  Each row is declared once, by the rule's page (:mod:`wxkf_lint.rulebook`): its title
gives the code and name, its front matter the summary, the default and the fix, so adding a rule
never edits this file.  A rule's options are declared with the option itself
(:mod:`wxkf_lint.options`), which names the rules that read it.

A rule's code lives in ``wxkf_lint/rules/wxk<digits>_<name>.py`` (``WXK101 errmsg-branch`` in
``wxk101_errmsg_branch.py``); :func:`load` imports it only when a file is about to be checked.
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple, Type

from wxkf_lint.options import OPTIONS, Option
from wxkf_lint.rulebook import Page, RuleBookError, pages

if TYPE_CHECKING:
    from wxkf_lint.rules.base import LintRule


@dataclass(frozen=True)
class RuleInfo:
    """One row of the table.  ``default`` False means opt-in; ``fix`` is ``"safe"`` or ``"unsafe"`` for a rule
    that offers a fix (an unsafe one can change what the program does: ``--fix`` never applies it)."""

    code: str
    name: str
    summary: str
    default: bool
    fix: Optional[str]

    @property
    def module(self) -> str:
        """The module that holds the rule's check, named after its code and name."""
        return f"wxkf_lint.rules.wxk{self.code[3:]}_{self.name.replace('-', '_')}"

    @property
    def options(self) -> Tuple[Option, ...]:
        """The options this rule reads, as the options declare it."""
        return tuple(option for option in OPTIONS if self.code in option.rules)


#: the declared fields of a page's front matter, and what each must hold
FIELDS = {
    "summary": "one line of text, in JSON quotes",
    "default": "true (on unless turned off) or false (opt-in)",
    "fix": '"safe", "unsafe" or "none"',
}
_TITLE = re.compile(r"# (WXK\d{3}) ([a-z][a-z0-9]*(?:-[a-z0-9]+)*)")
_FIX = {"safe": "safe", "unsafe": "unsafe", "none": None}

# The table, read from the pages on first use (PEP 562): ``from wxkf_lint.registry import RULES`` reads it
# then, and a module that reads ``registry.RULES`` only inside a function (the CLI, the flake8 plugin)
# pays for it, and can report a broken rule book, only on a path that needs the table.
RULES: Tuple[RuleInfo, ...]
RULES_BY_CODE: Dict[str, RuleInfo]


def __getattr__(name: str) -> Any:
    if name not in ("RULES", "RULES_BY_CODE"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    rules = tuple(rule_of(page) for page in pages())
    globals().update(RULES=rules, RULES_BY_CODE={rule.code: rule for rule in rules})
    return globals()[name]


def rule_of(page: Page) -> RuleInfo:
    """The rule a page declares; :class:`RuleBookError` naming the page and the field if it is malformed."""
    unknown = sorted(page.fields.keys() - FIELDS.keys())
    if unknown:
        raise RuleBookError(f"{page.path}: unknown front-matter field {unknown[0]!r} (the fields: {', '.join(FIELDS)})")
    for key, expected in FIELDS.items():
        if key not in page.fields:
            raise RuleBookError(f"{page.path}: the front matter lacks {key}: {expected}")
    summary, default, fix = (page.fields[key] for key in FIELDS)
    if not isinstance(summary, str) or not summary.strip() or summary != " ".join(summary.split()):
        raise RuleBookError(f"{page.path}: summary: expected {FIELDS['summary']}, got {summary!r}")
    if not isinstance(default, bool):
        raise RuleBookError(f"{page.path}: default: expected {FIELDS['default']}, got {json.dumps(default)}")
    if not isinstance(fix, str) or fix not in _FIX:
        raise RuleBookError(f"{page.path}: fix: expected {FIELDS['fix']}, got {json.dumps(fix)}")
    title = _TITLE.fullmatch(page.title)
    if title is None or title.group(1) != page.path.stem:
        raise RuleBookError(
            f"{page.path}: the title (first line after the front matter) must be '# {page.path.stem} kebab-case-name',"
            f" got {page.title!r}"
        )
    return RuleInfo(code=title.group(1), name=title.group(2), summary=summary, default=default, fix=_FIX[fix])


def load(rule: RuleInfo) -> Type[LintRule]:
    """The rule's class: the one ``LintRule`` subclass of its module whose ``code`` is the rule's.

    Importing it imports LibCST and the analysis the rule reads; the engine calls this only once a
    file has passed the prefilter.
    """
    from wxkf_lint.rules.base import LintRule

    module = importlib.import_module(rule.module)
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, LintRule) and getattr(value, "code", None) == rule.code
    ]
    if len(found) != 1:
        raise LookupError(f"{rule.module} defines {len(found)} rule classes with code {rule.code}, expected 1")
    return found[0]
