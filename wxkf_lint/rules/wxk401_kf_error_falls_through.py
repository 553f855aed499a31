"""WXK401 kf-error-falls-through: a kf response tested only for a few specific non-95xxx codes.

``if data["errcode"] == 40014: refresh()`` and nothing else treats every other answer — 95001 (send count
limit), 95002 (48-hour window), 95000/95004 (bad open_kfid) — exactly like success.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.kf_tables import kf_codes_text
from wxkf_lint.rules.base import LintRule, Report


class KfErrorFallsThrough(LintRule):
    code = "WXK401"

    def check(self) -> Iterator[Report]:
        context = self.context
        for call in context.calls.calls.values():
            if not call.is_kf or call.checked:
                continue
            family = call.node
            checks = context.checks.of(family)
            if not checks.tested or checks.separates_success or context.usage.is_delegated(family):
                continue
            if any(checks.singles_out(code) for code in range(95000, 95018)):
                continue
            codes = kf_codes_text(call.endpoint or "")
            listed = f" such as {codes}" if codes else ""
            yield self.report(
                call.node,
                f"{call.endpoint} answer is tested only for specific codes; every other errcode{listed} "
                f"passes as success — test errcode != 0 and handle the rest",
            )
