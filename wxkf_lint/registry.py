"""The rule table: every rule's code, name, summary, default and fix, readable without running a rule.

Like ruff's ``codes.rs``, this table is what ``--select``, ``--list-rules``, ``--explain``, the SARIF
driver, configuration validation and the flake8 plugin read.  It imports neither LibCST nor any rule
module, so a run over files that never mention WeCom (most of a repository, a pre-commit hook) pays
for neither.  A rule's options are declared with the option itself (:mod:`wxkf_lint.options`), which
names the rules that read it.

A rule's code lives in ``wxkf_lint/rules/wxk<digits>_<name>.py`` (``WXK101 errmsg-branch`` in
``wxk101_errmsg_branch.py``); :func:`load` imports it only when a file is about to be checked.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Optional, Tuple, Type

from wxkf_lint.options import OPTIONS, Option

if TYPE_CHECKING:
    from wxkf_lint.rules.base import LintRule


@dataclass(frozen=True)
class RuleInfo:
    """One row of the table.  ``default`` False means opt-in; ``fix`` is ``"safe"`` or ``"unsafe"`` for a rule
    that offers a fix (an unsafe one can change what the program does: ``--fix`` never applies it)."""

    code: str
    name: str
    summary: str
    default: bool = True
    fix: Optional[str] = None

    @property
    def module(self) -> str:
        """The module that holds the rule's check, named after its code and name."""
        return f"wxkf_lint.rules.wxk{self.code[3:]}_{self.name.replace('-', '_')}"

    @property
    def options(self) -> Tuple[Option, ...]:
        """The options this rule reads, as the options declare it."""
        return tuple(option for option in OPTIONS if self.code in option.rules)


RULES: Tuple[RuleInfo, ...] = (
    RuleInfo("WXK101", "errmsg-branch", "branching on errmsg text instead of errcode", fix="safe"),
    RuleInfo("WXK102", "errcode-compared-to-str", "errcode compared with a string (errcode is an int)", fix="unsafe"),
    RuleInfo(
        "WXK103", "unchecked-response", "WeCom response fields used (or a POST result dropped) without checking errcode"
    ),
    RuleInfo(
        "WXK104", "media-download-unchecked", "a media/get download saved or returned without checking Content-Type or errcode"
    ),
    RuleInfo(
        "WXK105",
        "error-falls-through",
        "a non-kf answer tested only for specific non-zero codes: every other error passes as success",
    ),
    RuleInfo("WXK201", "unbounded-retry", "a retry of a WeCom request with no bound on attempts"),
    RuleInfo("WXK202", "too-many-retries", "a retry bounded above max-retries (default 3)"),
    RuleInfo("WXK203", "retry-without-backoff", "a retry with no pause between attempts"),
    RuleInfo("WXK204", "retry-on-permanent-error", "a retry triggered by errcodes that retrying cannot change"),
    RuleInfo(
        "WXK205", "send-retried-on-timeout", "a message send re-sent after a read timeout: the customer may get it twice"
    ),
    RuleInfo("WXK206", "retry-with-stale-token", "the repeat after a token refresh (40014/42001) re-sends the old token"),
    RuleInfo("WXK301", "hardcoded-access-token", "an access token literal in source"),
    RuleInfo("WXK302", "token-never-refreshed", "an access token obtained once and never renewed"),
    RuleInfo("WXK303", "hardcoded-secret", "a corpsecret literal in source"),
    RuleInfo("WXK304", "token-fetched-per-call", "gettoken called on every API call, with no cache: throttled (45009)"),
    RuleInfo(
        "WXK401", "kf-error-falls-through", "a kf response tested only for specific non-95xxx codes: kf errors pass as success"
    ),
    RuleInfo(
        "WXK402",
        "send-limits-not-distinguished",
        "kf/send_msg checked without its own path for 95001 and 95002",
        default=False,
    ),
    RuleInfo("WXK403", "menu-too-long", "a msgmenu with more than 10 items (95008)"),
    RuleInfo("WXK404", "invalid-menu-item", "a msgmenu item type other than click/view/miniprogram/text (95009)"),
    RuleInfo("WXK405", "invalid-kf-msgtype", "a msgtype the kf endpoint does not accept (40008)"),
    RuleInfo(
        "WXK406", "hardcoded-media-id", "a literal media_id in a message body (temporary media expire after 3 days: 40007)"
    ),
    RuleInfo("WXK501", "json-built-by-hand", "a request body built as JSON text by formatting or concatenation"),
    RuleInfo("WXK502", "form-encoded-body", "a dict sent with data= to a WeCom POST: sent form-encoded, not JSON", fix="unsafe"),
    RuleInfo(
        "WXK503",
        "body-in-query-params",
        "a JSON body passed as params= to a WeCom POST: sent in the query string, WeCom sees no body (44002)",
        fix="unsafe",
    ),
)

RULES_BY_CODE: Dict[str, RuleInfo] = {rule.code: rule for rule in RULES}


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
