"""WXK103 unchecked-response: a WeCom answer used without looking at its errcode.

WeCom reports failures as HTTP 200 with a non-zero ``errcode`` (40014 invalid token, 95001/95002 kf send
limits, …), so code that reads ``data["msgid"]`` or ``data["access_token"]`` without testing errcode treats
every failure as a success or dies on a ``KeyError``; and a POST whose result is dropped never learns the
request failed.  Returning the whole response or passing it on is delegation, not a finding; so are
wechatpy clients and same-file wrappers that check errcode themselves.  The result of a method whose library
the file does not show (an SDK base class's ``self.request(...)``, a client passed in) is not reported: the
callee may raise on a non-zero errcode, so the result is not proven unchecked.
"""

from __future__ import annotations

from typing import Iterator, Optional, Set

import libcst as cst

from wxkf_lint.analysis.calls import WeComCall
from wxkf_lint.analysis.syntax import callee_name, dotted_name, receiver
from wxkf_lint.analysis.usage import DOWNLOAD_ENDPOINT, DOWNLOAD_FIELD
from wxkf_lint.kf_tables import failure_codes_text
from wxkf_lint.rules.base import LintRule, Report


def _what(call: WeComCall) -> str:
    return f"response of {call.endpoint}" if call.endpoint else "WeCom response"


class UncheckedResponse(LintRule):
    """Reports the first field read of each unchecked response family, and dropped POST results."""

    code = "WXK103"

    def check(self) -> Iterator[Report]:
        #: POST calls reported as expression statements, so that their families are not reported again
        dropped: Set[cst.Call] = set()
        for statement in self.nodes(cst.Expr):
            report = self._dropped_result(statement)
            if report is not None:
                dropped.add(report.node)
                yield report
        self.at = self.context.module
        yield from self._unchecked_families(dropped)

    def _unchecked_families(self, dropped: Set[cst.Call]) -> Iterator[Report]:
        context = self.context
        if not context.calls.calls:
            return
        usage = context.usage
        for family, family_usage in usage.families.items():
            call = context.responses.family_call(family)
            if call is None or usage.is_checked(family) or self._answered_by_getresponse(call.node):
                continue
            if not context.answer_unvetted(call):
                continue  # a method of an object the file does not show may check errcode itself
            # a request that sends a body is one whose outcome matters; one without a body may be a guessed POST
            sent = call.method == "POST" and call.body is not None and not call.checked
            if sent and not family_usage.looked_at and call.node not in dropped:
                yield self.report(
                    call.node,
                    f"result of {call.endpoint or 'a WeCom POST'} is only logged or never read; WeCom answers failures "
                    f"({failure_codes_text(call.endpoint)}) with HTTP 200 and an errcode — test errcode",
                )
                continue
            uses = family_usage.unguarded_field_uses()
            if not uses:
                continue
            first = min(uses, key=lambda use: context.index.order.get(use, 0))
            if call.endpoint and call.endpoint.startswith(DOWNLOAD_ENDPOINT) and family_usage.field_names.get(first) == DOWNLOAD_FIELD:
                continue  # a download's bytes used unchecked are WXK104's finding
            field = family_usage.field_names.get(first) or "its fields"
            shown = f"'{field}'" if field != "its fields" else field
            yield self.report(
                first,
                f"{_what(call)} read ({shown}) without checking errcode; WeCom reports errors "
                f"({failure_codes_text(call.endpoint)}) as HTTP 200 — test errcode == 0 first",
            )

    def _dropped_result(self, node: cst.Expr) -> Optional[Report]:
        value = node.value
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "raise_for_status":
            inner = value.func.value
            value = inner.expression if isinstance(inner, cst.Await) else inner
        call = self.context.calls.calls.get(value) if isinstance(value, cst.Call) else None
        if call is None or call.checked or call.method != "POST" or self._answered_by_getresponse(value):
            return None
        if not self.context.answer_unvetted(call):
            return None
        return self.report(
            value,
            f"result of {call.endpoint or 'a WeCom POST'} is dropped; WeCom answers failures "
            f"({failure_codes_text(call.endpoint)}) with HTTP 200 and an errcode — read the response and test errcode",
        )

    def _answered_by_getresponse(self, call: cst.Call) -> bool:
        """http.client: ``conn.request(...)`` returns None and ``conn.getresponse()`` returns the answer, so the
        statement drops nothing when the same connection is asked for its response in the same function."""
        owner = receiver(call)
        if owner is None or not dotted_name(owner):
            return False
        index = self.context.index
        scope = index.function_of(call)
        return any(
            callee_name(other) == "getresponse"
            and (other_owner := receiver(other)) is not None
            and dotted_name(other_owner) == dotted_name(owner)
            and index.function_of(other) is scope
            for other in index.nodes(cst.Call)
        )
