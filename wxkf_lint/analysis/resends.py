"""Sends re-sent after a read timeout, where WeCom cannot tell the second request from a new message.

A retry site (:mod:`wxkf_lint.analysis.retries`) whose caught exceptions include a read timeout
(:mod:`wxkf_lint.analysis.exceptions`) and that re-sends ``kf/send_msg``, ``kf/send_msg_on_event`` or
``message/send`` may deliver the message twice.  The retry is safe when the duplicate is recognisable:

* ``kf/send_msg`` / ``kf/send_msg_on_event`` with a ``msgid`` chosen before the retry and so reused by it (a
  ``uuid4()`` computed inside the retried code is a new id on each attempt and recognises nothing);
* ``message/send`` with ``enable_duplicate_check`` set (not ``0``).

Unknown — never reported — when the body is not visible (a parameter, ``**spread``), when the send goes
through code the analysis does not read, or when a requests call has no ``timeout=`` (requests then waits
for ever and never raises a read timeout).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Optional

import libcst as cst

from wxkf_lint.analysis.bodies import dict_items
from wxkf_lint.analysis.calls import WeComCall
from wxkf_lint.analysis.exceptions import ExceptionNames
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import dotted_name, int_literal, keyword_arg

if TYPE_CHECKING:
    from wxkf_lint.analysis import FileContext
    from wxkf_lint.analysis.retries import RetrySite

KF_SENDS = ("kf/send_msg", "kf/send_msg_on_event")
APP_SEND = "message/send"


@dataclass(frozen=True)
class UnsafeResend:
    site: "RetrySite"
    send: WeComCall
    #: the caught exception that includes the read timeout, as written
    caught: str
    #: where the defect is written: the retry site, or the shared ``**CONFIG`` its decorator spreads
    construct: cst.CSTNode


class Resends:
    def __init__(self, context: "FileContext") -> None:
        self.context = context
        self.index = context.index
        self.unsafe: List[UnsafeResend] = []
        sends = [c for c in context.calls.calls.values() if c.endpoint in KF_SENDS + (APP_SEND,)]
        if not sends:
            return
        names = ExceptionNames(self.index)
        for site in context.retries.sites:
            container = self._retried_code(site.anchor)
            exceptions = self._spread_trigger(site.anchor)
            if exceptions is None:
                continue
            construct = self._spread_config(site.anchor) if exceptions else site.anchor
            if container is None:
                continue
            for send in sends:
                if not self.index.is_inside(send.node, container):
                    continue
                library = dotted_name(send.node.func).split(".", 1)[0] if send.kind == "http" else None
                caught = names.read_timeout_in(exceptions or site.exceptions, library)
                if caught is not None and self._may_time_out(send) and self._duplicate_unrecognised(send, container):
                    self.unsafe.append(UnsafeResend(site, send, caught, construct))
                    break

    def _retried_code(self, anchor: cst.CSTNode) -> Optional[cst.CSTNode]:
        """The code each attempt runs: the loop, the decorated function, the recursing function."""
        if isinstance(anchor, (cst.For, cst.While, cst.FunctionDef)):
            return anchor
        if isinstance(anchor, cst.Decorator):
            parent = self.index.parent.get(anchor)
            return parent if isinstance(parent, cst.FunctionDef) else None
        return None  # a transport Retry: its read retries depend on allowed_methods, not modelled here

    def _spread_config(self, anchor: cst.CSTNode) -> cst.CSTNode:
        """The dict literal a ``@retry(**CONFIG)`` spreads (the caller has checked it is visible)."""
        spread = next(arg.value for arg in anchor.decorator.args if arg.star == "**")  # type: ignore[attr-defined]
        binding = self.index.lookup(spread.value, spread)
        return binding.value if binding is not None and binding.value is not None else anchor

    def _spread_trigger(self, anchor: cst.CSTNode) -> Optional[frozenset]:
        """For ``@retry(**CONFIG)``: the exceptions ``CONFIG["retry"]`` names (a module dict the file shows),
        ``{"*"}`` when it has no ``retry`` key; None when the spread is not visible (unknown); empty when the
        decorator has no spread (the retry analysis read it)."""
        call = anchor.decorator if isinstance(anchor, cst.Decorator) else None
        spreads = [arg.value for arg in call.args if arg.star == "**"] if isinstance(call, cst.Call) else []
        if not spreads:
            return frozenset()
        if len(spreads) != 1 or keyword_arg(call, "retry") is not None or not isinstance(spreads[0], cst.Name):
            return None
        binding = self.index.lookup(spreads[0].value, spreads[0])
        config = binding.value if binding is not None else None
        if not isinstance(config, cst.Dict) or any(not isinstance(e, cst.DictElement) for e in config.elements):
            return None
        trigger = dict_items(config).get("retry")
        if trigger is None:
            return frozenset({"*"})
        value = trigger.value
        if not (isinstance(value, cst.Call) and dotted_name(value.func).endswith("retry_if_exception_type") and value.args):
            return None
        kinds = value.args[0].value
        found = frozenset(dotted_name(e.value) for e in kinds.elements) if isinstance(kinds, cst.Tuple) else frozenset({dotted_name(kinds)})
        return None if "" in found else found

    @staticmethod
    def _may_time_out(send: WeComCall) -> bool:
        """A requests call without ``timeout=`` (nor ``**kwargs``) waits for ever: no read timeout is raised."""
        node = send.node
        if send.kind == "http" and dotted_name(node.func).startswith("requests."):
            return keyword_arg(node, "timeout") is not None or any(arg.star == "**" for arg in node.args)
        return True

    def _duplicate_unrecognised(self, send: WeComCall, container: cst.CSTNode) -> bool:
        if send.body is None:
            return False
        body = self.context.bodies.resolve(send.body)
        if not isinstance(body, cst.Dict) or any(not isinstance(e, cst.DictElement) for e in body.elements):
            return False  # not visible: unknown
        values = {key: element.value for key, element in dict_items(body).items()}
        values.update(self._assigned_keys(send.body, body))
        if send.endpoint in KF_SENDS:
            msgid = values.get("msgid")
            return msgid is None or self._new_each_attempt(msgid, container)
        flag = values.get("enable_duplicate_check")
        return flag is None or int_literal(flag) == 0 or (isinstance(flag, cst.Name) and flag.value == "False")

    def _assigned_keys(self, expression: cst.BaseExpression, body: cst.Dict) -> dict:
        """``body["msgid"] = …`` on the name the call sends."""
        found = {}
        if not isinstance(expression, cst.Name):
            return found
        scope = self.index.function_of(expression)
        for assign in self.index.nodes(cst.Assign):
            if self.index.function_of(assign) is not scope:
                continue
            for target in assign.targets:
                node = target.target
                if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and node.value.value == expression.value:
                    key = literal_string(node.slice[0].slice.value) if isinstance(node.slice[0].slice, cst.Index) else None
                    if key is not None:
                        found[key] = assign.value
        return found

    def _new_each_attempt(self, value: cst.BaseExpression, container: cst.CSTNode) -> bool:
        """The msgid is computed (a call such as ``uuid4()``) inside the retried code, also through a local name."""
        if isinstance(value, cst.Name):
            binding = self.index.lookup(value.value, value)
            if binding is None or not isinstance(binding.value, cst.BaseExpression) or isinstance(binding.node, cst.Param):
                return False
            return self.index.is_inside(binding.node, container) and _computed(binding.value)
        return _computed(value) and self.index.is_inside(value, container)


def _computed(value: cst.CSTNode) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            return True
        stack.extend(node.children)
    return False
