"""WXK402 send-limits-not-distinguished (opt-in): kf/send_msg checked with no own path for 95001 and 95002.

95001 (at most 5 messages until the customer writes again) and 95002 (only within 48 hours of the customer's
last message) are ordinary business outcomes: queue the message or tell the agent, do not page someone or retry.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.rules.base import LintRule, Report


class SendLimitsNotDistinguished(LintRule):
    code = "WXK402"

    def check(self) -> Iterator[Report]:
        context = self.context
        for call in context.calls.calls.values():
            if call.endpoint != "kf/send_msg" or call.checked:
                continue
            checks = context.checks.of(call.node)
            if not checks.tested or context.usage.is_delegated(call.node):
                continue
            missing = [code for code in (95001, 95002) if not checks.names(code)]
            if missing:
                yield self.report(
                    call.node,
                    f"kf/send_msg answer has no own path for {' and '.join(map(str, missing))} "
                    f"(95001: 5 messages per customer turn, 95002: 48-hour window) — handle them as business "
                    f"outcomes (queue, tell the agent), not as faults to retry",
                )
