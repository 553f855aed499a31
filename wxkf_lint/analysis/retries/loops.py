"""Loops that re-send a WeCom request on failure: ``while``/``for`` loops, their bounds and counters."""

from __future__ import annotations

import re
from typing import List, Optional, Union

import libcst as cst

from wxkf_lint.analysis.codesets import Predicate
from wxkf_lint.analysis.responses import is_logging_call
from wxkf_lint.analysis.retries.decorators import DecoratorSites, imported_modules, read_settings
from wxkf_lint.analysis.retries.flow import Flow
from wxkf_lint.analysis.retries.scope import COUNTER_NAME, RetryFile, block_exits, int_value
from wxkf_lint.analysis.retries.site import UNKNOWN_BOUND, Bound, RetrySite
from wxkf_lint.analysis.retries.waits import Pauses, Renewals
from wxkf_lint.analysis.syntax import callee_name, dotted_name, names_in, positional_args


#: Calls that take an attempt counter without enforcing a bound: pauses, text, arithmetic.
_NOT_A_GUARD = re.compile(r"sleep|wait|backoff|delay|^print$|^str$|^int$|^len$|^format$|^min$|^max$|^range$|^pow$|uniform|randint|random", re.I)


class LoopSites:
    """A loop is a retry when a failure brings it round again while success leaves it."""

    def __init__(self, file: RetryFile, flow: Flow, pauses: Pauses, renewals: Renewals, decorators: DecoratorSites) -> None:
        self.file = file
        self.flow = flow
        self.pauses = pauses
        self.renewals = renewals
        self.decorators = decorators
        self.index = file.index
        self.tests = file.tests
        self.universe = file.universe
        self.context = file.context

    def find(self) -> List[RetrySite]:
        """The retry loops around the file's sending calls, in source order."""
        loops = []
        for call in self.index.nodes(cst.Call):
            if self.file.sends(call):
                loop = self.file.owner_loop(call)
                if loop is not None and loop not in loops:
                    loops.append(loop)
        sites = [self._loop_site(loop) for loop in loops]
        return [site for site in sites if site is not None]

    def _loop_site(self, loop: Union[cst.For, cst.While]) -> Optional[RetrySite]:
        attempts: Bound
        if isinstance(loop, cst.For):
            retrying = self._retrying_iterator(loop)
            if retrying is not None:
                return self._retrying_loop_site(loop, retrying)
            attempts = self._for_bound(loop)
            if attempts is False:  # iterating over data (recipients, pages): not a retry
                return None
        else:
            attempts = None
        paths = self.flow.run(list(loop.body.body), set(self.universe), loop)
        repeating = paths.fall | paths.cont
        if isinstance(loop, cst.While):
            predicate = self._loop_test_predicate(loop)
            if predicate is not None:
                repeating = set(self.tests.codes_where(predicate, self.universe))
        if 0 in repeating:
            return None  # success comes round again: paging, polling or a work loop, not a retry
        if not repeating and not paths.caught:
            return None
        if isinstance(loop, cst.While):
            attempts = self._while_bound(loop)
        elif attempts is None:
            attempts = self._counter_bound(loop)
        decorator = self._decorator_around(loop)
        if decorator is not None and isinstance(attempts, int) and self._bound_from_parameter(loop):
            attempts = UNKNOWN_BOUND  # ``range(times)`` of a factory called with its own ``times``
        return RetrySite(
            shared_by=self.file.sending_decorators[decorator][1] if decorator is not None else 1,
            retried=(loop,),
            anchor=loop,
            shape="loop",
            attempts=attempts,
            pause=self.pauses.pause_in(loop),
            codes=frozenset(repeating),
            exceptions=frozenset(paths.caught),
            refreshes_token=self.renewals.refreshes_in(loop),
            endpoint=self.file.endpoint_in(loop),
        )

    def _decorator_around(self, loop: cst.CSTNode) -> Optional[cst.FunctionDef]:
        """The same-file sending decorator whose wrapper this loop is in, if any."""
        for call in self.index.within_block(cst.Call, loop):
            if self.file.owner_loop(call) is loop:
                found = self.file.decorated_call(call)
                if found is not None:
                    return found
        return None

    def _bound_from_parameter(self, loop: cst.CSTNode) -> bool:
        """The loop's bound names a parameter of an enclosing function: its value arrives from the caller."""
        test = loop.iter if isinstance(loop, cst.For) else loop.test
        params = {
            p.name.value for a in self.index.ancestors(loop) if isinstance(a, cst.FunctionDef)
            for p in a.params.params + a.params.kwonly_params
        }
        return bool(set(names_in(test)) & params)

    def _loop_test_predicate(self, loop: cst.While) -> Optional[Predicate]:
        """The errcode condition of a ``while`` test, also through a flag set from errcode in the body
        (``while not ok: … ok = data["errcode"] == 0``)."""
        predicate = self.tests.predicate(loop.test)
        if predicate is not None:
            return predicate
        test, negated = loop.test, False
        read = self._errcode_read_in_test(loop)
        if read is not None and isinstance(test, cst.Comparison):
            return self.tests.predicate(test.with_changes(left=read))
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test, negated = test.expression, True
        if not isinstance(test, cst.Name):
            return None
        flags = self._assigned_in(loop, test.value)
        inner = self.tests.predicate(flags[0]) if len(flags) == 1 else None
        if inner is None or not negated:
            return inner
        return lambda code: None if inner(code) is None else not inner(code)

    def _errcode_read_in_test(self, loop: cst.While) -> Optional[cst.BaseExpression]:
        """``errcode = -1`` before ``while errcode != 0:`` and ``errcode = data["errcode"]`` in the body: from the
        second test on, the tested name holds the errcode the body read (that read, else None)."""
        test = loop.test
        if not (isinstance(test, cst.Comparison) and isinstance(test.left, cst.Name)):
            return None
        reads = self._assigned_in(loop, test.left.value)
        if len(reads) == 1 and self.context.responses.errcode_of(reads[0]) is not None:
            return reads[0]
        return None

    def _assigned_in(self, loop: cst.While, name: str) -> List[cst.BaseExpression]:
        """The values assigned to ``name`` inside ``loop``."""
        return [
            assign.value
            for assign in self.index.within_block(cst.Assign, loop)
            if any(dotted_name(t.target) == name for t in assign.targets)
        ]

    def _retrying_iterator(self, loop: cst.For) -> Optional[cst.Call]:
        """tenacity's ``for attempt in Retrying(...)`` / ``async for attempt in AsyncRetrying(...)``."""
        iterator = loop.iter
        if isinstance(iterator, cst.Call) and callee_name(iterator) in ("Retrying", "AsyncRetrying"):
            return iterator if "tenacity" in imported_modules(self.index) else None
        return None

    def _retrying_loop_site(self, loop: cst.For, call: cst.Call) -> RetrySite:
        """Each attempt runs the body inside ``with attempt:``; an exception from it brings the next one."""
        raised = self.flow.attempt_raises(loop, list(loop.body.body))
        return self.decorators.tenacity_site(read_settings(call, self.index), raised, dict(
            anchor=loop, retried=(loop,), refreshes_token=self.renewals.refreshes_in(loop), endpoint=self.file.endpoint_in(loop)))

    def _for_bound(self, loop: cst.For) -> Union[Bound, bool]:
        iterator = loop.iter
        if isinstance(iterator, cst.Call):
            name = dotted_name(iterator.func)
            if name in ("range", "xrange"):
                args = positional_args(iterator)
                if len(args) == 1:
                    return int_value(args[0], self.index)
                if len(args) >= 2:
                    start, stop = int_value(args[0], self.index), int_value(args[1], self.index)
                    if isinstance(start, int) and isinstance(stop, int):
                        return max(stop - start, 0)
                    return UNKNOWN_BOUND
                return UNKNOWN_BOUND
            if name in ("itertools.count", "count"):
                return None
            if name in ("itertools.repeat", "repeat") and len(iterator.args) == 1:
                return None
        return False

    def _while_bound(self, loop: cst.While) -> Bound:
        test = loop.test
        if self._errcode_read_in_test(loop) is not None:
            return self._counter_bound(loop)  # ``while errcode != 0`` holds an errcode, not an attempt count
        bound = self._bound_in_test(test)
        return bound if bound is not None else self._counter_bound(loop)

    def _bound_in_test(self, test: cst.CSTNode) -> Bound:
        """``attempt < 5``, ``retries > 0``, ``tries <= MAX`` in a loop condition (also inside ``and``)."""
        if isinstance(test, cst.BooleanOperation):
            if isinstance(test.operator, cst.And):
                left = self._bound_in_test(test.left)
                return left if left is not None else self._bound_in_test(test.right)
            return None
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            target = test.comparisons[0]
            left, right = test.left, target.comparator
            if self.context.responses.errcode_of(left) is not None or self.context.responses.errcode_of(right) is not None:
                return None
            counter = left if isinstance(left, (cst.Name, cst.Attribute)) else None
            if counter is None:
                # ``while time.monotonic() < deadline``, ``while len(tries) < n``: bounded by what is not visible
                ordered = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
                return UNKNOWN_BOUND if isinstance(target.operator, ordered) else None
            limit = int_value(right, self.index)
            if isinstance(target.operator, cst.LessThan):
                return limit
            if isinstance(target.operator, cst.LessThanEqual):
                return limit + 1 if isinstance(limit, int) else limit
            if isinstance(target.operator, (cst.GreaterThan, cst.GreaterThanEqual, cst.NotEqual)):
                start = self._initial_value(counter)
                if isinstance(start, int) and isinstance(limit, int):
                    return max(start - limit + (1 if isinstance(target.operator, cst.GreaterThanEqual) else 0), 0)
                return UNKNOWN_BOUND
        return None

    def _initial_value(self, counter: cst.CSTNode) -> Bound:
        if isinstance(counter, cst.Name):
            binding = self.index.lookup(counter.value, counter)
            if binding is not None and isinstance(binding.value, cst.BaseExpression):
                return int_value(binding.value, self.index)
        return UNKNOWN_BOUND

    def _counter_bound(self, loop: cst.CSTNode) -> Bound:
        """A counter tested inside the loop body with an exit: ``if attempt >= 5: raise``."""
        for node in self.index.within_block(cst.If, loop):
            if self.file.owner_loop(node) is not loop or self.tests.predicate(node.test) is not None:
                continue
            if not block_exits(node.body):
                continue
            for comparison in ([node.test] if isinstance(node.test, cst.Comparison) else []):
                if len(comparison.comparisons) != 1:
                    continue
                target = comparison.comparisons[0]
                counter = comparison.left
                if isinstance(counter, (cst.Name, cst.Attribute)) and COUNTER_NAME.search(dotted_name(counter) or ""):
                    limit = int_value(target.comparator, self.index)
                    if isinstance(target.operator, cst.GreaterThanEqual):
                        return limit
                    if isinstance(target.operator, (cst.GreaterThan, cst.Equal)):
                        return limit + 1 if isinstance(limit, int) else limit
                    return UNKNOWN_BOUND
        return UNKNOWN_BOUND if self._counter_handed_on(loop) else None

    def _counter_handed_on(self, loop: cst.CSTNode) -> bool:
        """An attempt counter passed to a call the loop makes (``self._give_up_after(attempt)``,
        ``policy.check(retries)``): the bound may be enforced there, where the file does not show it."""
        for call in self.index.within_block(cst.Call, loop):
            if self.file.owner_loop(call) is not loop or self.file.sends(call) or is_logging_call(call):
                continue
            name = callee_name(call)
            if _NOT_A_GUARD.search(name):
                continue
            for arg in call.args:
                if isinstance(arg.value, (cst.Name, cst.Attribute)) and COUNTER_NAME.search(dotted_name(arg.value) or ""):
                    return True
        return False
