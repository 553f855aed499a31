"""Running every enabled rule's ``check`` on one file, each isolated from the others' failures.

A rule that raises does not cost the file the other rules' findings: its exception is caught, its
reports for this file are dropped (what it yielded before failing may be half a decision), and the
caller reports a :class:`RuleFailure` as an internal error (WXK003) at the node the rule was at,
while the run goes on.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import libcst as cst

from wxkf_lint.rules.base import LintRule, Report


@dataclass(frozen=True)
class RuleFailure:
    """One rule raised on this file, while at ``node``: what the user needs to report the bug."""

    rule: LintRule
    node: cst.CSTNode
    error: Exception
    traceback: str


def run_rules(rules: Sequence[LintRule]) -> Tuple[List[Report], List[RuleFailure]]:
    """Every rule's reports, in rule order, and the rules that raised."""
    reports: List[Report] = []
    failures: List[RuleFailure] = []
    for rule in rules:
        try:
            found = list(rule.check())
        except Exception as error:  # any bug in one rule: the other rules must still run
            failures.append(RuleFailure(rule, rule.at, error, traceback.format_exc()))
            continue
        reports.extend(found)
    return reports, failures
