"""Requests repeated after a token refresh: is the repeat built from the fresh token, or the old one?

On 40014/42001 the client fetches a new token and repeats the request once (domain.md).  The repeat fails with
the same code when what it sends was built from the old token before the refresh: a local URL with
``?access_token=`` formatted once (``url = f"…{token}"``), a local ``token`` read once, ``params=`` holding
such a local.  Found here: an ``if`` whose test singles out 40014/42001 and whose body refreshes, followed by

* a repeat in the same branch (``data = requests.post(url, …)`` again, or the function calling itself with the
  token it was given), or
* the loop around the first request coming round again (``continue``, or falling to the loop's end),

where the repeat sends a local that carries the token and that neither the branch nor the loop assigns again.
A token read from an attribute or a module name at the call (``self.token``, ``get_token()``) is fresh after the
refresh, and a URL that arrives as a parameter may or may not carry the token: neither is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Set

import libcst as cst

from wxkf_lint.analysis.bodies import dict_items
from wxkf_lint.analysis.calls import CallAnalysis, WeComCall
from wxkf_lint.analysis.codesets import OTHER, CodeTests
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.strings import UNKNOWN, static_text
from wxkf_lint.analysis.syntax import callee_name, keyword_arg, names_in
from wxkf_lint.kf_tables import TOKEN_CODES

_TOKEN_NAME = re.compile(r"^_*(access_?)?token$", re.I)
#: Keywords besides the URL that carry the token into a request.
_TOKEN_KEYWORDS = ("params", "headers")


@dataclass(frozen=True)
class StaleRepeat:
    """A repeat after a refresh that sends ``carrier``, a local built from the old token."""

    repeat: cst.Call
    refresh: cst.If
    carrier: str


class RefreshResends:
    """The stale repeats of one file, in :attr:`stale`, from its index, its WeCom calls and its errcode tests
    (which ``if`` singles out 40014/42001)."""

    def __init__(self, index: SyntaxIndex, calls: CallAnalysis, tests: CodeTests) -> None:
        self.index = index
        self.calls = calls
        self.tests = tests
        self.stale: List[StaleRepeat] = []
        self._rank: Optional[Dict[cst.Call, int]] = None
        if not calls.calls:
            return
        for branch in self.index.nodes(cst.If):
            if self._is_refresh_test(branch.test):
                found = self._stale_repeat(branch)
                if found is not None:
                    self.stale.append(found)

    def _is_refresh_test(self, test: cst.BaseExpression) -> bool:
        predicate = self.tests.predicate(test)
        if predicate is None:
            return False
        return any(predicate(code) for code in TOKEN_CODES) and not predicate(0) and not predicate(OTHER)

    def _stale_repeat(self, branch: cst.If) -> Optional[StaleRepeat]:
        function = self.index.function_of(branch)
        if not isinstance(function, cst.FunctionDef):
            return None
        body = branch.body
        if not self._refreshes(body):
            return None
        for call in self.index.within_block(cst.Call, body):
            sent = self.calls.calls.get(call)
            if sent is not None and sent.endpoint != "gettoken":
                carrier = self._stale_carrier(sent, body, function)
                if carrier is not None:
                    return StaleRepeat(call, branch, carrier)
            if callee_name(call) == function.name.value:
                carrier = self._stale_argument(call, function)
                if carrier is not None:
                    return StaleRepeat(call, branch, carrier)
        loop = self._loop_around(branch, function)
        if loop is not None and not _exits(body):
            for sent in self._calls_in(loop):
                if sent.endpoint != "gettoken" and self.index.order[sent.node] < self.index.order[branch]:
                    carrier = self._stale_carrier(sent, loop, function)
                    if carrier is not None:
                        return StaleRepeat(sent.node, branch, carrier)
        return None

    def _refreshes(self, body: cst.BaseSuite) -> bool:
        """The branch does something before repeating: a call that is not a WeCom request, or an assignment."""
        for call in self.index.within_block(cst.Call, body):
            if call not in self.calls.calls:
                return True
        return bool(self.index.within_block(cst.Assign, body))

    def _calls_in(self, region: cst.CSTNode) -> List[WeComCall]:
        """The WeCom calls that run as part of ``region``, in the order the call analysis found them."""
        calls = self.calls.calls
        if self._rank is None:
            self._rank = {node: number for number, node in enumerate(calls)}
        found = [node for node in self.index.within_block(cst.Call, region) if node in calls]
        return [calls[node] for node in sorted(found, key=self._rank.__getitem__)]

    def _loop_around(self, branch: cst.If, function: cst.FunctionDef) -> Optional[cst.CSTNode]:
        for ancestor in self.index.ancestors(branch):
            if ancestor is function:
                return None
            if isinstance(ancestor, (cst.For, cst.While)):
                return ancestor
        return None

    def _stale_carrier(self, sent: WeComCall, region: cst.CSTNode, function: cst.FunctionDef) -> Optional[str]:
        """A local the request sends (URL, params, headers), carrying the token, assigned nowhere in ``region``."""
        if sent.kind not in ("http", "wrapper"):
            return None
        parts: List[cst.BaseExpression] = [sent.url] if sent.url is not None else []
        for name in _TOKEN_KEYWORDS:
            argument = keyword_arg(sent.node, name)
            if argument is not None:
                parts.append(argument.value)
        params = self._parameters(function)
        for part in parts:
            for name in sorted(set(names_in(part))):
                if name in params or not self._bound_in(name, function):
                    continue
                if self._bound_in(name, function, region):
                    continue
                if self._carries_token(name, function):
                    return name
        return None

    def _stale_argument(self, call: cst.Call, function: cst.FunctionDef) -> Optional[str]:
        """``return self.send(token, body)`` inside ``send(self, token, body)``: the token it was given, again."""
        params = self._parameters(function)
        for argument in call.args:
            if isinstance(argument.value, cst.Name) and argument.value.value in params and _TOKEN_NAME.match(argument.value.value):
                if not self._bound_in(argument.value.value, function):
                    return argument.value.value
        return None

    def _inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        """``node`` runs as part of ``container`` (not in a function or class defined inside it)."""
        return self.index.in_same_block(node, container)

    @staticmethod
    def _parameters(function: cst.FunctionDef) -> Set[str]:
        p = function.params
        return {param.name.value for param in p.params + p.kwonly_params + p.posonly_params}

    def _bound_in(self, name: str, function: cst.FunctionDef, region: Optional[cst.CSTNode] = None) -> bool:
        bindings = self.index.bindings.get((function, name), [])
        if region is None:
            return any(not isinstance(b.node, cst.Param) for b in bindings)
        return any(self._inside(b.node, region) or b.node is region for b in bindings)

    def _carries_token(self, name: str, function: cst.FunctionDef) -> bool:
        """``token``/``access_token`` itself, or a local bound to text with ``access_token=<value>`` or to a dict
        with an ``access_token`` key whose value is not a literal."""
        if _TOKEN_NAME.match(name):
            return True
        for binding in self.index.bindings.get((function, name), []):
            value = binding.value
            if not isinstance(value, cst.BaseExpression):
                continue
            text = static_text(value, self.index)
            if text is not None and f"access_token={UNKNOWN}" in text:
                return True
            element = dict_items(value).get("access_token")
            if element is not None and static_text(element.value, self.index) is None:
                return True
        return False


def _exits(body: cst.BaseSuite) -> bool:
    """The branch leaves the loop (``break``, ``return``, ``raise``) instead of coming round again."""
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    last = statements[-1] if statements else None
    small = last.body if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
    return any(isinstance(s, (cst.Break, cst.Return, cst.Raise)) for s in small)
