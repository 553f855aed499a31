"""The bodies WeCom calls send, and the kf message literals of a file.

A body is followed from the call through a local name bound to a dict literal or ``dict(...)`` (the common
``body = {...}; body["text"] = {...}; requests.post(url, json=body)``), so that the kf rules see the message
that is sent.  Message literals are also recognised by their shape (a dict with ``open_kfid``, a ``msgmenu``),
because senders often build the message in one function and send it in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional

import libcst as cst

from wxkf_lint.analysis.calls import CallAnalysis, WeComCall
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.strings import literal_string


SEND_ENDPOINTS = ("kf/send_msg", "kf/send_msg_on_event")


@dataclass(frozen=True)
class Body:
    """What a WeCom call sends: the expression at the call and what it resolves to."""

    call: WeComCall
    expression: cst.BaseExpression
    #: the dict literal or ``dict(...)`` call the expression stands for, if visible
    value: cst.BaseExpression


def dict_items(node: cst.CSTNode) -> Dict[str, cst.DictElement]:
    """Literal-keyed elements of a dict literal."""
    items: Dict[str, cst.DictElement] = {}
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                key = literal_string(element.key)
                if key is not None:
                    items[key] = element
    return items


class BodyAnalysis:
    def __init__(self, index: SyntaxIndex, calls: CallAnalysis) -> None:
        self.index = index
        self.bodies: List[Body] = []
        #: dict literal → the endpoint it is sent to
        self.sent_to: Dict[cst.CSTNode, str] = {}
        for call in calls.calls.values():
            if call.body is None:
                continue
            value = self.resolve(call.body)
            self.bodies.append(Body(call, call.body, value))
            if call.endpoint and isinstance(value, cst.Dict):
                self.sent_to[value] = call.endpoint

    def resolve(self, expression: cst.BaseExpression, _depth: int = 0) -> cst.BaseExpression:
        """A name bound to a dict literal, ``dict(...)`` or a built string resolves to that value;
        ``text.encode("utf-8")`` resolves like ``text``, also through a name (``data = text.encode()``)."""
        if _depth > 8:
            return expression
        if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute) and expression.func.attr.value == "encode":
            return self.resolve(expression.func.value, _depth + 1)
        if isinstance(expression, cst.Name):
            binding = self.index.lookup(expression.value, expression)
            if binding is not None and isinstance(binding.value, cst.BaseExpression) and binding.node is not expression:
                value = binding.value
                if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value == "encode":
                    return self.resolve(value, _depth + 1)
                if isinstance(value, (cst.Dict, cst.Call, cst.FormattedString, cst.BinaryOperation, cst.SimpleString, cst.ConcatenatedString)):
                    return value
        return expression

    # -- kf message literals --------------------------------------------------------------------------
    def messages(self) -> Iterator[tuple]:
        """(dict literal, endpoint or None) for every kf message literal: sent to a kf send endpoint, or
        carrying ``open_kfid`` together with ``msgtype``."""
        for node in self.index.nodes(cst.Dict):
            items = dict_items(node)
            if "msgtype" not in items:
                continue
            endpoint = self.sent_to.get(node)
            if endpoint in SEND_ENDPOINTS or (endpoint is None and "open_kfid" in items):
                yield node, endpoint

    def menus(self) -> Iterator[cst.Dict]:
        """msgmenu bodies: the value of a ``"msgmenu"`` key, or a dict with ``head_content``/``tail_content`` and ``list``."""
        seen = set()
        for node in self.index.nodes(cst.Dict):
            items = dict_items(node)
            candidate: Optional[cst.CSTNode] = None
            if "msgmenu" in items:
                candidate = self.resolve(items["msgmenu"].value)
            elif "list" in items and ({"head_content", "tail_content"} & set(items)):
                candidate = node
            if isinstance(candidate, cst.Dict) and candidate not in seen:
                seen.add(candidate)
                yield candidate

    def menu_items(self, menu: cst.Dict) -> Optional[cst.BaseExpression]:
        element = dict_items(menu).get("list")
        if element is None:
            return None
        return self.resolve_list(element.value)

    def resolve_list(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(expression, cst.Name):
            binding = self.index.lookup(expression.value, expression)
            if binding is not None and isinstance(binding.value, cst.List):
                return binding.value
        return expression
