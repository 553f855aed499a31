"""Recursion sites: a sending function that calls itself after a failed WeCom call, and how often it may."""

from __future__ import annotations

from typing import List, Optional, Set

import libcst as cst

from wxkf_lint.analysis.retries.flow import Flow
from wxkf_lint.analysis.retries.scope import BROAD_EXCEPTIONS, COUNTER_NAME, NETWORK_EXCEPTIONS, RetryFile, block_exits, inside, int_value
from wxkf_lint.analysis.retries.site import UNKNOWN_BOUND, Bound, RetrySite
from wxkf_lint.analysis.retries.waits import Pauses, Renewals
from wxkf_lint.analysis.syntax import callee_name, int_literal, names_in


def conjuncts(test: cst.CSTNode) -> List[cst.CSTNode]:
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return conjuncts(test.left) + conjuncts(test.right)
    return [test]


class RecursionSites:
    """A sending function that calls itself under an errcode test or in an except handler."""

    def __init__(self, file: RetryFile, flow: Flow, pauses: Pauses, renewals: Renewals) -> None:
        self.file = file
        self.flow = flow
        self.pauses = pauses
        self.renewals = renewals
        self.index = file.index
        self.tests = file.tests
        self.universe = file.universe

    def find(self) -> List[RetrySite]:
        """The sending functions of the file that call themselves after a failure."""
        sites: List[RetrySite] = []
        for function in self.index.nodes(cst.FunctionDef):
            name = function.name.value
            if name not in self.file.sending_names:
                continue
            for call in self.index.within_block(cst.Call, function):
                if callee_name(call) != name:
                    continue
                func = call.func
                if isinstance(func, cst.Attribute) and not (isinstance(func.value, cst.Name) and func.value.value in ("self", "cls")):
                    continue
                site = self._recursion_site(function, call)
                if site is not None:
                    sites.append(site)
                    break
        return sites

    def _recursion_site(self, function: cst.FunctionDef, call: cst.Call) -> Optional[RetrySite]:
        codes: Set[int] = set()
        exceptions: Set[str] = set()
        child: cst.CSTNode = call
        for ancestor in self.index.ancestors(call):
            if ancestor is function:
                break
            if isinstance(ancestor, cst.If):
                predicate = self.tests.predicate(ancestor.test)
                if predicate is not None:
                    in_body = child is ancestor.body
                    chosen = self.tests.codes_where(predicate, self.universe) if in_body else self.tests.codes_where_not(predicate, self.universe)
                    codes = set(chosen) if not codes else codes & set(chosen)
            elif isinstance(ancestor, cst.ExceptHandler):
                names = self.flow.handler_names(ancestor)
                if "*" in names or names & BROAD_EXCEPTIONS and self.file.checked_sender_in(function):
                    codes |= set(self.universe) - {0}
                exceptions |= {n for n in names if NETWORK_EXCEPTIONS.search(n)} or ({"*"} if "*" in names or names & BROAD_EXCEPTIONS else set())
            child = ancestor
        codes.discard(0)
        if not codes and not exceptions:
            return None
        return RetrySite(
            anchor=function,
            retried=(function,),
            shape="recursion",
            attempts=self._recursion_bound(function, call),
            pause=self.pauses.pause_in(function),
            codes=frozenset(codes),
            exceptions=frozenset(exceptions),
            refreshes_token=self.renewals.refreshes_in(function),
            endpoint=self.file.endpoint_in(function),
        )

    def _recursion_bound(self, function: cst.FunctionDef, call: cst.Call) -> Bound:
        params = function.params.params + function.params.kwonly_params
        counters = [p for p in params if COUNTER_NAME.search(p.name.value) and p.name.value not in ("self", "cls")]
        for param in counters:
            name = param.name.value
            passed = any(name in set(names_in(arg.value)) and not isinstance(arg.value, cst.Name) for arg in call.args)
            passed = passed or any(arg.keyword is not None and arg.keyword.value == name for arg in call.args)
            if not passed:
                continue
            default = int_literal(param.default) if param.default is not None else None
            if default is not None:
                retries = self._counter_retries(function, call, name, default)
                if retries is not None:
                    return max(retries, 0) + 1
            if default is not None and default > 0:
                return default + 1
            if isinstance(param.default, cst.Name) and param.default.value in ("False", "None"):
                return 2  # a ``_retried=False`` flag: one more attempt
            return UNKNOWN_BOUND
        return None

    def _counter_retries(self, function: cst.FunctionDef, call: cst.Call, name: str, start: int) -> Optional[int]:
        """How many times the counter ``name`` (starting at ``start``) lets the function call itself: from a
        test around the call (``if … and retry_count < MAX:``) or a guard (``if retry_count >= MAX: raise``)."""
        guards = [(a.test, True) for a in self.index.ancestors(call) if isinstance(a, cst.If) and inside(self.index, a, function)]
        guards += [(i.test, False) for i in self.index.within_block(cst.If, function) if block_exits(i.body)]
        for test, around in guards:
            for comparison in conjuncts(test):
                if not isinstance(comparison, cst.Comparison) or len(comparison.comparisons) != 1:
                    continue
                target = comparison.comparisons[0]
                if not (isinstance(comparison.left, cst.Name) and comparison.left.value == name):
                    continue
                limit = int_value(target.comparator, self.index)
                if not isinstance(limit, int):
                    return None
                operator = type(target.operator)
                # counting up: recurse while ``n < limit`` (or stop once ``n >= limit``); counting down: while ``n > limit``
                table = {
                    (True, cst.LessThan): limit - start, (True, cst.LessThanEqual): limit - start + 1,
                    (True, cst.GreaterThan): start - limit, (True, cst.GreaterThanEqual): start - limit + 1,
                    (False, cst.GreaterThanEqual): limit - start, (False, cst.GreaterThan): limit - start + 1,
                    (False, cst.LessThanEqual): start - limit, (False, cst.LessThan): start - limit + 1,
                }
                if (around, operator) in table:
                    return table[(around, operator)]
        return None
