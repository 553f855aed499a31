"""WXK105 error-falls-through: a non-kf WeCom answer tested only for a few specific non-zero codes.

``if data["errcode"] in (40014, 42001): refresh()`` and nothing else treats every other error — 40001, 45009,
60011, any code the endpoint adds — exactly like success: the caller reads fields that are not there or
reports a send that never happened.  kf answers have their own rule (WXK401), which lists the 95xxx codes.

"Passes as success" needs showing: the function reads a field of the answer (``data["msgid"]``,
``data.get("userid")``), or the request is a send, whose falling through means "sent".  A probe that only asks
whether the token still works (``if errcode in (40014, 42001): refresh()``, the answer read no further) treats
nothing as success and is not reported.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.rules.base import LintRule, Report

#: Sends: an answer that falls through is taken as "delivered" even when nothing else is read of it.
_SENDS = ("message/send", "appchat/send", "externalcontact/send_welcome_msg", "linkedcorp/message/send")


class ErrorFallsThrough(LintRule):
    code = "WXK105"
    def check(self) -> Iterator[Report]:
        context = self.context
        for call in context.calls.calls.values():
            # an endpoint that is not visible may be a kf one (WXK401's) or none at all: silent
            if not call.endpoint or call.is_kf or call.checked:
                continue
            checks = context.checks.of(call.node)
            if not checks.tested or checks.separates_success or context.usage.is_delegated(call.node):
                continue
            usage = context.usage.families.get(call.node)
            if call.endpoint not in _SENDS and (usage is None or not usage.field_uses):
                continue
            yield self.report(
                call.node,
                f"{call.endpoint} answer is tested only for specific non-zero codes (such as 40014/42001); every "
                f"other errcode (40001, 45009, …) passes as success — test errcode != 0 and handle the rest",
            )
