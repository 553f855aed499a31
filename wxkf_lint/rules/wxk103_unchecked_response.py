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

from typing import Dict, Iterator, List, Optional, Set

import libcst as cst

from wxkf_lint.analysis.calls import WeComCall
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.responses import ERRCODE
from wxkf_lint.analysis.strings import literal_string
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
        #: same-file wrappers that never read errcode → the dropped calls of them (one finding per wrapper)
        blind: Dict[cst.FunctionDef, List[WeComCall]] = {}
        for statement in self.nodes(cst.Expr):
            call = self._dropped_call(statement)
            if call is None:
                continue
            dropped.add(call.node)
            wrapper = self._blind_wrapper(call)
            if wrapper is not None:
                blind.setdefault(wrapper, []).append(call)
                continue
            yield self.report(
                call.node,
                f"result of {call.endpoint or 'a WeCom POST'} is dropped; WeCom answers failures "
                f"({failure_codes_text(call.endpoint)}) with HTTP 200 and an errcode — read the response and test errcode",
            )
        self.at = self.context.module
        for wrapper, callers in blind.items():
            yield self._blind_wrapper_report(wrapper, callers)
        yield from self._unchecked_families(dropped)

    def _blind_wrapper_report(self, wrapper: cst.FunctionDef, callers: List[WeComCall]) -> Report:
        endpoints = sorted({c.endpoint for c in callers if c.endpoint})
        sent = ", ".join(endpoints) or "WeCom requests"
        callers_text = f"{len(callers)} caller{'s' if len(callers) > 1 else ''}"
        returns = any(r.value is not None for r in self.context.index.within(cst.Return, wrapper))
        dropped = f"its {callers_text} drop its result" if returns else f"returns nothing to its {callers_text}"
        return self.report(
            wrapper.name,
            f"{wrapper.name.value}() sends {sent} and never tests errcode, and {dropped}; WeCom answers failures "
            f"({failure_codes_text(endpoints[0] if len(endpoints) == 1 else None)}) with HTTP 200 and an errcode "
            f"— test errcode in {wrapper.name.value}() and raise or return it",
        )

    def _unchecked_families(self, dropped: Set[cst.Call]) -> Iterator[Report]:
        context = self.context
        if not context.calls.calls:
            return
        usage = context.usage
        for family, family_usage in usage.families.items():
            call = context.responses.family_call(family)
            if call is None or usage.is_checked(family) or self._answered_by_getresponse(call.node):
                continue
            if context.callee_vets_answer(call) is not Fact.BAD:
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

    def _dropped_call(self, node: cst.Expr) -> Optional[WeComCall]:
        """The WeCom POST whose result this expression statement throws away, if the callee is known not to
        vet the answer itself."""
        value = node.value
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "raise_for_status":
            inner = value.func.value
            value = inner.expression if isinstance(inner, cst.Await) else inner
        call = self.context.calls.calls.get(value) if isinstance(value, cst.Call) else None
        if call is None or call.checked or call.method != "POST" or self._answered_by_getresponse(value):
            return None
        if self.context.callee_vets_answer(call) is not Fact.BAD:
            return None
        return call

    def _blind_wrapper(self, call: WeComCall) -> Optional[cst.FunctionDef]:
        """One root cause, one finding: the same-file wrapper a dropped call goes through, when that wrapper reads
        no errcode and does not hand the answer back whole (it returns fields, or nothing at all), so no caller
        could have checked it; the defect is the wrapper's, reported once there."""
        if call.kind != "wrapper":
            return None
        wrappers = [f for f in self.context.calls.wrappers if f.name.value == callee_name(call.node)]
        if len(wrappers) != 1:
            return None
        wrapper = wrappers[0]
        index = self.context.index
        responses = self.context.responses
        if any(read.key == ERRCODE and index.is_inside(read.node, wrapper) for read in responses.reads.values()):
            return None
        returns = [r for r in index.within(cst.Return, wrapper) if r.value is not None and index.function_of(r) is wrapper]
        if not returns and not any(index.function_of(y) is wrapper for y in index.within(cst.Yield, wrapper)):
            return wrapper  # it gives its callers nothing: the answer is dropped inside it
        reads_fields = any(
            isinstance(sub.value, cst.Name) and index.function_of(sub) is wrapper and len(sub.slice) == 1
            and isinstance(sub.slice[0].slice, cst.Index) and literal_string(sub.slice[0].slice.value) is not None
            for sub in index.nodes(cst.Subscript)
        )
        hands_back = any(not isinstance(r.value, (cst.Dict, cst.Name, cst.Subscript)) for r in returns) or any(
            isinstance(r.value, cst.Name) and not self._names_a_dict_literal(r.value, wrapper) for r in returns
        )
        return wrapper if reads_fields and not hands_back else None

    def _names_a_dict_literal(self, name: cst.Name, wrapper: cst.FunctionDef) -> bool:
        binding = self.context.index.lookup(name.value, name)
        return binding is not None and isinstance(binding.value, cst.Dict) and self.context.index.function_of(binding.node) is wrapper

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
            for other in index.in_function(cst.Call, scope)
        )
