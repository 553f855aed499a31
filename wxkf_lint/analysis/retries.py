"""Every place a file re-sends a WeCom request because of a failure, with its bound, wait and trigger.

Shapes: loops (``while True``, ``while <errcode test>``, ``while attempt < n``, ``for _ in range(n)``,
``itertools.count()``), recursion (a function that calls itself after a failed WeCom call), decorators
(tenacity ``@retry``, backoff ``@backoff.on_exception``/``on_predicate``) and transport retries (urllib3
``Retry(total=n)``).  A loop is a retry only when a *failure* brings it round again while success leaves it:
the codes that reach the next iteration are worked out by following the loop body's branches
(:class:`_Flow`), so paging on ``has_more``, polling daemons and loops over recipients are not retries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from wxkf_lint.analysis.codesets import OTHER, Codes, CodeTests, Predicate, int_set
from wxkf_lint.analysis.syntax import callee_name, dotted_name, int_literal, keyword_arg, names_in, positional_args
from wxkf_lint.kf_tables import REFRESH_CODES, TOKEN_CODES, TRANSIENT_CODES

if TYPE_CHECKING:
    from wxkf_lint.analysis import FileContext

#: A bound that exists but cannot be read here (a setting, a parameter).
UNKNOWN_BOUND = "unknown"
Bound = Union[None, int, str]

_NETWORK_EXCEPTIONS = re.compile(
    r"RequestException|ConnectionError|ConnectTimeout|ReadTimeout|Timeout|TimeoutError|HTTPError|ClientError|"
    r"TransportError|NetworkError|OSError|IOError|socket\.|URLError|ProtocolError|ServerDisconnected|ClientConnectorError"
)
_BROAD_EXCEPTIONS = {"Exception", "BaseException"}
_COUNTER_NAME = re.compile(r"retr|attempt|tries|try_|times|count|depth|left|remaining|^n$|^i$|^_?k$", re.I)
_WAIT_CALL = re.compile(r"sleep|^_*wait$|backoff|delay", re.I)
_REFRESH = re.compile(r"token|refresh|renew", re.I)
_INVALIDATE = re.compile(r"delete|pop|clear|invalidate|expire|reset|remove", re.I)
#: A keyword that asks a token store for a new token: ``self._tokens.get(force=attempt > 0)``.
_FORCE_ARG = re.compile(r"force|refresh|renew|fresh|reload", re.I)
_STOP_BLOCKS = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


@dataclass
class RetrySite:
    """One retry: where to report it and what the rules need to judge it."""

    anchor: cst.CSTNode
    shape: str
    #: attempts allowed (int), None for no bound, UNKNOWN_BOUND when bounded by something not visible
    attempts: Bound
    waits: bool
    #: errcodes that lead to another attempt (OTHER = any code not named)
    codes: Codes = frozenset()
    #: the exception names a retry catches, "*" for any; errcode-raising exceptions are folded into ``codes``
    exceptions: FrozenSet[str] = frozenset()
    refreshes_token: bool = False
    endpoint: Optional[str] = None
    #: how ``attempts`` is counted: "attempts" (range(n), stop_after_attempt(n)) or "retries" (Retry(total=n))
    bound_kind: str = "attempts"

    @property
    def retries(self) -> Optional[int]:
        if not isinstance(self.attempts, int):
            return None
        return self.attempts if self.bound_kind == "retries" else max(self.attempts - 1, 0)

    @property
    def repeats_refresh(self) -> bool:
        """Only token death triggers it, yet the bound allows more than one retry: a token rejected right after a
        refresh stays rejected, so every further attempt is wasted (domain.md: refetch, then repeat *once*)."""
        retries = self.retries
        return bool(self.codes) and self.codes <= REFRESH_CODES and retries is not None and retries > 1

    @property
    def token_refresh(self) -> bool:
        """A token refresh, not a busy-retry: only token death brings the request round, no exception does, and
        it goes round once.  Either a refresh is visible (then 40001/41001 count too, as wechatpy refetches on
        them) and the bound is not known to allow more, or the trigger is only 40014/42001 and the bound is one
        retry: the token store may live in another module, and one more attempt is all the refresh asks for."""
        if not self.codes or self.exceptions or self.repeats_refresh:
            return False
        if self.refreshes_token:
            return self.codes <= REFRESH_CODES
        return self.codes <= TOKEN_CODES and self.retries == 1

    @property
    def permanent_codes(self) -> Codes:
        """The trigger codes a retry cannot change (-1 and 45009 are transient; 40014/42001 once, after a refresh)."""
        allowed = set(TRANSIENT_CODES) | {0}
        if self.token_refresh or (self.refreshes_token and not self.repeats_refresh):
            allowed |= set(REFRESH_CODES)
        elif self.retries == 1:
            allowed |= set(TOKEN_CODES)  # one more attempt on token death is the refresh shape; name only the rest
        return frozenset(code for code in self.codes if code not in allowed)


@dataclass
class _Paths:
    """Codes leaving a block by falling through, by ``continue``, and by ``raise``."""

    fall: Set[int] = field(default_factory=set)
    cont: Set[int] = field(default_factory=set)
    raised: Set[int] = field(default_factory=set)
    #: exception names caught by handlers that let the loop go round again
    caught: Set[str] = field(default_factory=set)


class RetryAnalysis:
    def __init__(self, context: "FileContext") -> None:
        self.context = context
        self.index = context.index
        self.sites: List[RetrySite] = []
        if not context.calls.calls and not context.calls.wrappers:
            return
        self.tests = CodeTests(self.index, context.responses)
        self.universe = frozenset(self.tests.universe)
        self._sending_names = {f.name.value for f in context.calls.wrappers}
        self._errcode_exceptions = self._find_errcode_exceptions()
        #: while an except body is followed for the errcodes it caught: its ``as`` name → the classes they were raised as
        self._carrying: Dict[str, Set[str]] = {}
        self._waiting_names: Optional[Set[str]] = None
        self._renewal_nodes: Optional[List[cst.CSTNode]] = None
        self._aliases: Optional[Dict[str, str]] = None
        self._find_loops()
        self._find_recursion()
        self._find_decorators()
        self._find_transport_retries()

    # -- what sends ----------------------------------------------------------------------------------
    def _sends(self, call: cst.Call) -> bool:
        return call in self.context.calls.calls or callee_name(call) in self._sending_names

    def _inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        for ancestor in self.index.ancestors(node):
            if ancestor is container:
                return True
            if isinstance(ancestor, _STOP_BLOCKS):
                return False
        return False

    def _owner_loop(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, (cst.For, cst.While)):
                return ancestor
            if isinstance(ancestor, _STOP_BLOCKS):
                return None
        return None

    def _endpoint_in(self, container: cst.CSTNode) -> Optional[str]:
        for call in self.context.calls.calls.values():
            if call.endpoint and self._inside(call.node, container):
                return call.endpoint
        return None

    def _checked_sender_in(self, container: cst.CSTNode) -> bool:
        """A call in ``container`` that raises on any non-zero errcode (wechatpy, a checking wrapper)."""
        checking = {f.name.value for f in self.context.calls.checking_functions}
        for call in self.index.nodes(cst.Call):
            if not self._inside(call, container):
                continue
            found = self.context.calls.calls.get(call)
            if (found is not None and found.checked) or callee_name(call) in checking & self._sending_names:
                return True
        return False

    # -- loops ---------------------------------------------------------------------------------------
    def _find_loops(self) -> None:
        loops = []
        for call in self.index.nodes(cst.Call):
            if self._sends(call):
                loop = self._owner_loop(call)
                if loop is not None and loop not in loops:
                    loops.append(loop)
        for loop in loops:
            site = self._loop_site(loop)
            if site is not None:
                self.sites.append(site)

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
        paths = self._flow(list(loop.body.body), set(self.universe), loop)
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
        return RetrySite(
            anchor=loop,
            shape="loop",
            attempts=attempts,
            waits=self._waits_in(loop),
            codes=frozenset(repeating),
            exceptions=frozenset(paths.caught),
            refreshes_token=self._refreshes_in(loop),
            endpoint=self._endpoint_in(loop),
        )

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
            for assign in self.index.nodes(cst.Assign)
            if self._inside(assign, loop) and any(dotted_name(t.target) == name for t in assign.targets)
        ]

    def _retrying_iterator(self, loop: cst.For) -> Optional[cst.Call]:
        """tenacity's ``for attempt in Retrying(...)`` / ``async for attempt in AsyncRetrying(...)``."""
        iterator = loop.iter
        if isinstance(iterator, cst.Call) and callee_name(iterator) in ("Retrying", "AsyncRetrying"):
            return iterator if "tenacity" in self._imported_modules() else None
        return None

    def _retrying_loop_site(self, loop: cst.For, call: cst.Call) -> RetrySite:
        """Each attempt runs the body inside ``with attempt:``; an exception from it brings the next one."""
        raised = self._attempt_raises(loop, list(loop.body.body))
        return self._tenacity_site(call, raised, dict(
            anchor=loop, refreshes_token=self._refreshes_in(loop), endpoint=self._endpoint_in(loop)))

    def _for_bound(self, loop: cst.For) -> Union[Bound, bool]:
        iterator = loop.iter
        if isinstance(iterator, cst.Call):
            name = dotted_name(iterator.func)
            if name in ("range", "xrange"):
                args = positional_args(iterator)
                if len(args) == 1:
                    return self._int_value(args[0])
                if len(args) >= 2:
                    start, stop = self._int_value(args[0]), self._int_value(args[1])
                    if isinstance(start, int) and isinstance(stop, int):
                        return max(stop - start, 0)
                    return UNKNOWN_BOUND
                return UNKNOWN_BOUND
            if name in ("itertools.count", "count"):
                return None
            if name in ("itertools.repeat", "repeat") and len(iterator.args) == 1:
                return None
        return False

    def _int_value(self, node: cst.CSTNode) -> Bound:
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)):
            left, right = self._int_value(node.left), self._int_value(node.right)
            if isinstance(left, int) and isinstance(right, int):
                return left + right if isinstance(node.operator, cst.Add) else left - right
            return UNKNOWN_BOUND
        values = int_set(node, self.index)
        if values is not None and len(values) == 1:
            return next(iter(values))
        return UNKNOWN_BOUND

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
            limit = self._int_value(right)
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
                return self._int_value(binding.value)
        return UNKNOWN_BOUND

    def _counter_bound(self, loop: cst.CSTNode) -> Bound:
        """A counter tested inside the loop body with an exit: ``if attempt >= 5: raise``."""
        for node in self.index.nodes(cst.If):
            if self._owner_loop(node) is not loop or self.tests.predicate(node.test) is not None:
                continue
            if not self._block_exits(node.body):
                continue
            for comparison in ([node.test] if isinstance(node.test, cst.Comparison) else []):
                if len(comparison.comparisons) != 1:
                    continue
                target = comparison.comparisons[0]
                counter = comparison.left
                if isinstance(counter, (cst.Name, cst.Attribute)) and _COUNTER_NAME.search(dotted_name(counter) or ""):
                    limit = self._int_value(target.comparator)
                    if isinstance(target.operator, cst.GreaterThanEqual):
                        return limit
                    if isinstance(target.operator, (cst.GreaterThan, cst.Equal)):
                        return limit + 1 if isinstance(limit, int) else limit
                    return UNKNOWN_BOUND
        return None

    def _block_exits(self, block: cst.BaseSuite) -> bool:
        statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
        for statement in statements:
            for small in getattr(statement, "body", []) if isinstance(statement, cst.SimpleStatementLine) else []:
                if isinstance(small, (cst.Break, cst.Return, cst.Raise)):
                    return True
        if isinstance(block, cst.SimpleStatementSuite):
            return any(isinstance(small, (cst.Break, cst.Return, cst.Raise)) for small in block.body)
        return False

    def _waits_in(self, container: cst.CSTNode) -> bool:
        """A pause in ``container``: a sleep/wait call, or a call of a same-file function that pauses
        (``_pause(attempt)`` wrapping ``time.sleep``)."""
        if self._waiting_names is None:
            self._waiting_names = self._find_waiting_functions()
        for call in self.index.nodes(cst.Call):
            name = callee_name(call)
            if (_WAIT_CALL.search(name) or name in self._waiting_names) and self._inside(call, container):
                return True
        return False

    def _find_waiting_functions(self) -> Set[str]:
        waiting: Set[str] = set()
        changed = True
        while changed:
            changed = False
            for call in self.index.nodes(cst.Call):
                name = callee_name(call)
                if not (_WAIT_CALL.search(name) or name in waiting):
                    continue
                function = self.index.function_of(call)
                if isinstance(function, cst.FunctionDef) and function.name.value not in waiting:
                    waiting.add(function.name.value)
                    changed = True
        return waiting

    def _refreshes_in(self, container: cst.CSTNode) -> bool:
        """A token refresh: ``refresh_token()``, ``self._cache.delete(self._token_key)``, ``self.token = None``,
        ``self._tokens.get(force=attempt > 0)``, or a call of a same-file function that does one of those."""
        if self._renewal_nodes is None:
            self._renewal_nodes = self._renewals(self._find_refreshing_functions())
        return any(self._inside(node, container) for node in self._renewal_nodes)

    def _renewals(self, refreshing: Set[str]) -> List[cst.CSTNode]:
        """The calls and assignments of the file that renew a token (calls of ``refreshing`` functions too)."""
        found: List[cst.CSTNode] = []
        for call in self.index.nodes(cst.Call):
            if call in self.context.calls.calls:
                continue
            name = callee_name(call)
            if (
                _REFRESH.search(name)
                or name in refreshing
                or (_INVALIDATE.search(name) and any(_REFRESH.search(n) for n in names_in(call)))
                or (_REFRESH.search(dotted_name(call.func)) and any(a.keyword is not None and _FORCE_ARG.search(a.keyword.value) for a in call.args))
            ):
                found.append(call)
        for assign in self.index.nodes(cst.Assign):
            if any(_REFRESH.search(dotted_name(t.target) or "") for t in assign.targets):
                found.append(assign)
        return found

    def _find_refreshing_functions(self) -> Set[str]:
        """Same-file functions that renew the token and send no request but ``gettoken`` (``def _reauth(self):
        self._token = None``): calling one in a retry is the refresh.  A sending wrapper is not one, or every
        loop around ``self._post(...)`` would count as refreshing."""
        senders = {self.index.function_of(c.node) for c in self.context.calls.calls.values() if c.endpoint != "gettoken"}
        refreshing: Set[str] = set()
        changed = True
        while changed:
            changed = False
            for node in self._renewals(refreshing):
                function = self.index.function_of(node)
                if isinstance(function, cst.FunctionDef) and function not in senders and function.name.value not in refreshing:
                    refreshing.add(function.name.value)
                    changed = True
        return refreshing

    # -- following the branches of a loop body --------------------------------------------------------
    def _flow(self, statements: Sequence[cst.CSTNode], codes: Set[int], loop: cst.CSTNode) -> _Paths:
        """Which codes fall out of ``statements``, which ``continue``, which ``raise``."""
        paths = _Paths()
        current = set(codes)
        for statement in statements:
            if not current:
                break
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Continue):
                        paths.cont |= current
                        current = set()
                    elif isinstance(small, (cst.Break, cst.Return)):
                        current = set()
                    elif isinstance(small, cst.Raise):
                        paths.raised |= current
                        current = set()
            elif isinstance(statement, cst.If):
                current = self._flow_if(statement, current, loop, paths)
            elif isinstance(statement, cst.Try):
                current = self._flow_try(statement, current, loop, paths)
            elif isinstance(statement, cst.With):
                inner = self._flow(list(statement.body.body), current, loop)
                paths.cont |= inner.cont
                paths.raised |= inner.raised
                paths.caught |= inner.caught
                current = inner.fall
        paths.fall |= current
        return paths

    def _flow_if(self, node: cst.If, codes: Set[int], loop: cst.CSTNode, paths: _Paths) -> Set[int]:
        out: Set[int] = set()
        remaining = set(codes)
        branch: Optional[Union[cst.If, cst.Else]] = node
        while isinstance(branch, cst.If):
            taken, skipped = self._split(branch.test, remaining)
            inner = self._flow(self._statements(branch.body), taken, loop)
            out |= inner.fall
            paths.cont |= inner.cont
            paths.raised |= inner.raised
            paths.caught |= inner.caught
            remaining = skipped
            branch = branch.orelse
        if isinstance(branch, cst.Else):
            inner = self._flow(self._statements(branch.body), remaining, loop)
            out |= inner.fall
            paths.cont |= inner.cont
            paths.raised |= inner.raised
            paths.caught |= inner.caught
            remaining = set()
        return out | remaining

    def _split(self, test: cst.CSTNode, codes: Set[int]) -> Tuple[Set[int], Set[int]]:
        """The codes that may take a branch and those that may skip it.  A condition that reads no errcode
        (``data["service_state"] == 3``) can go either way, so in ``errcode == 0 and <it>`` success may skip
        the branch too: a loop whose ``return`` needs more than success goes round after success (polling)."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            taken, skipped = self._split(test.expression, codes)
            return skipped, taken
        if isinstance(test, cst.BooleanOperation):
            left_taken, left_skipped = self._split(test.left, codes)
            right_taken, right_skipped = self._split(test.right, codes)
            if isinstance(test.operator, cst.And):
                return left_taken & right_taken, left_skipped | right_skipped
            return left_taken | right_taken, left_skipped & right_skipped
        if self._is_carrier_instance(test):
            return set(codes), set()
        predicate = self.tests.predicate(test) or self._caught_code_predicate(test)
        if predicate is None:
            return set(codes), set(codes)
        return set(self.tests.codes_where(predicate, codes)), set(self.tests.codes_where_not(predicate, codes))

    def _caught_code_predicate(self, test: cst.CSTNode) -> Optional[Predicate]:
        """``err.errcode != -1`` where ``err`` is the ``as`` name of a handler around the test that catches a
        same-file exception class raised on errcodes (wechatpy's own exceptions are read by the response analysis)."""
        if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
            return None
        target = test.comparisons[0]
        read, other = test.left, target.comparator
        if not (isinstance(read, cst.Attribute) and read.attr.value == "errcode" and isinstance(read.value, cst.Name)):
            return None
        if not self._caught_errcode_exception(read.value.value, test):
            return None
        values = int_set(other, self.index)
        if values is None:
            return None
        if isinstance(target.operator, (cst.Equal, cst.In)):
            return lambda code: code in values
        if isinstance(target.operator, (cst.NotEqual, cst.NotIn)):
            return lambda code: code not in values
        return None

    def _caught_errcode_exception(self, name: str, node: cst.CSTNode) -> bool:
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, _STOP_BLOCKS):
                return False
            if isinstance(ancestor, cst.ExceptHandler) and ancestor.name is not None:
                if isinstance(ancestor.name.name, cst.Name) and ancestor.name.name.value == name:
                    return bool(self._handler_names(ancestor) & set(self._errcode_exceptions))
        return False

    def _flow_try(self, node: cst.Try, codes: Set[int], loop: cst.CSTNode, paths: _Paths) -> Set[int]:
        body = self._flow(self._statements(node.body), codes, loop)
        paths.cont |= body.cont
        out = set(body.fall)
        sends = any(self._sends(call) and self._inside(call, node.body) for call in self.index.nodes(cst.Call))
        for handler in node.handlers:
            names = self._handler_names(handler)
            broad = "*" in names or bool(names & _BROAD_EXCEPTIONS)
            errcode_exception = broad or any(self.context.wechatpy.is_exception_class(n) for n in self._handler_types(handler))
            incoming: Set[int] = set()
            if errcode_exception:
                incoming |= body.raised
                if self._checked_sender_in(node.body):
                    incoming |= set(self.universe) - {0}
            elif body.raised and self._raises_named(node.body, names):
                incoming |= body.raised
            if sends:  # ``except WeComError:`` around a same-file helper that raises it on errcodes
                for name in names:
                    incoming |= self._errcode_exceptions.get(name, set())
            handler_paths, other_paths = self._flow_handler(handler, node.body, names, incoming, loop)
            again = (handler_paths.fall | handler_paths.cont) & incoming
            paths.cont |= again
            if sends and (other_paths.fall or other_paths.cont):
                network = {n for n in names if _NETWORK_EXCEPTIONS.search(n)}
                if network or broad:
                    paths.caught |= (network or {"*"})
            paths.raised |= handler_paths.raised & incoming
        if node.orelse is not None:
            inner = self._flow(self._statements(node.orelse.body), out, loop)
            paths.cont |= inner.cont
            paths.raised |= inner.raised
            out = inner.fall
        return out

    def _flow_handler(
        self, handler: cst.ExceptHandler, body: cst.CSTNode, names: Set[str], incoming: Set[int], loop: cst.CSTNode
    ) -> Tuple[_Paths, _Paths]:
        """The paths out of an except body of the errcodes it caught, and of every exception it caught (OTHER
        standing for the ones that carry no errcode).  The errcodes arrive as the classes the try body raised
        them as, so ``if isinstance(exc, WeComError): raise`` re-raises every one of them, while a network
        error caught beside it goes on; without such a test one flow serves both."""
        as_name = handler.name.name.value if handler.name is not None and isinstance(handler.name.name, cst.Name) else None
        carriers = (self._raised_classes(body) | set(self._errcode_exceptions)) & names
        statements = self._statements(handler.body)
        if as_name is None or not carriers or not incoming:
            both = self._flow(statements, incoming | {OTHER}, loop)
            return both, both
        saved = self._carrying.get(as_name)
        self._carrying[as_name] = carriers
        try:
            paths = self._flow(statements, set(incoming), loop)
        finally:
            if saved is None:
                del self._carrying[as_name]
            else:
                self._carrying[as_name] = saved
        other = self._flow(statements, {OTHER}, loop)
        return paths, other

    def _raised_classes(self, block: cst.CSTNode) -> Set[str]:
        """The classes ``raise`` statements inside ``block`` raise (``raise WeComError(…)`` → WeComError)."""
        found: Set[str] = set()
        for raise_node in self.index.nodes(cst.Raise):
            if raise_node.exc is not None and self._inside(raise_node, block):
                exc = raise_node.exc.func if isinstance(raise_node.exc, cst.Call) else raise_node.exc
                name = dotted_name(exc)
                if name:
                    found.add(name.rsplit(".", 1)[-1])
        return found

    def _is_carrier_instance(self, test: cst.CSTNode) -> bool:
        """``isinstance(exc, C)`` where ``exc`` holds a caught errcode exception raised as ``C``."""
        if not (isinstance(test, cst.Call) and isinstance(test.func, cst.Name) and test.func.value == "isinstance"):
            return False
        if len(test.args) != 2 or not isinstance(test.args[0].value, cst.Name):
            return False
        carriers = self._carrying.get(test.args[0].value.value)
        if not carriers:
            return False
        kinds = test.args[1].value
        classes = [element.value for element in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]
        return any((dotted_name(kind) or "").rsplit(".", 1)[-1] in carriers for kind in classes)

    def _raises_named(self, block: cst.CSTNode, names: Set[str]) -> bool:
        for raise_node in self.index.nodes(cst.Raise):
            if raise_node.exc is not None and self._inside(raise_node, block):
                if set(names_in(raise_node.exc)) & names:
                    return True
        return False

    @staticmethod
    def _handler_types(handler: cst.ExceptHandler) -> List[cst.CSTNode]:
        if handler.type is None:
            return []
        if isinstance(handler.type, cst.Tuple):
            return [element.value for element in handler.type.elements]
        return [handler.type]

    def _handler_names(self, handler: cst.ExceptHandler) -> Set[str]:
        if handler.type is None:
            return {"*"}
        names = set()
        for kind in self._handler_types(handler):
            name = dotted_name(kind)
            names.add(name.rsplit(".", 1)[-1] if name else "*")
            if name:
                names.add(name)
                names.add(self._import_aliases().get(name, name))  # ``ConnectionError as ConnError``
        return names

    def _import_aliases(self) -> Dict[str, str]:
        """Local name → imported name of ``from m import X as Y``: ``except Y`` catches what ``except X`` does."""
        if self._aliases is None:
            self._aliases = {}
            for node in self.index.nodes(cst.ImportFrom):
                if isinstance(node.names, cst.ImportStar):
                    continue
                for alias in node.names:
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                        self._aliases[alias.asname.name.value] = dotted_name(alias.name)
        return self._aliases

    @staticmethod
    def _statements(block: cst.BaseSuite) -> List[cst.CSTNode]:
        if isinstance(block, cst.IndentedBlock):
            return list(block.body)
        return [cst.SimpleStatementLine(body=list(block.body))] if isinstance(block, cst.SimpleStatementSuite) else []

    # -- recursion ------------------------------------------------------------------------------------
    def _find_recursion(self) -> None:
        for function in self.index.nodes(cst.FunctionDef):
            name = function.name.value
            if name not in self._sending_names:
                continue
            for call in self.index.nodes(cst.Call):
                if callee_name(call) != name or not self._inside(call, function):
                    continue
                func = call.func
                if isinstance(func, cst.Attribute) and not (isinstance(func.value, cst.Name) and func.value.value in ("self", "cls")):
                    continue
                site = self._recursion_site(function, call)
                if site is not None:
                    self.sites.append(site)
                    break

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
                names = self._handler_names(ancestor)
                if "*" in names or names & _BROAD_EXCEPTIONS and self._checked_sender_in(function):
                    codes |= set(self.universe) - {0}
                exceptions |= {n for n in names if _NETWORK_EXCEPTIONS.search(n)} or ({"*"} if "*" in names or names & _BROAD_EXCEPTIONS else set())
            child = ancestor
        codes.discard(0)
        if not codes and not exceptions:
            return None
        return RetrySite(
            anchor=function,
            shape="recursion",
            attempts=self._recursion_bound(function, call),
            waits=self._waits_in(function),
            codes=frozenset(codes),
            exceptions=frozenset(exceptions),
            refreshes_token=self._refreshes_in(function),
            endpoint=self._endpoint_in(function),
        )

    def _recursion_bound(self, function: cst.FunctionDef, call: cst.Call) -> Bound:
        params = function.params.params + function.params.kwonly_params
        counters = [p for p in params if _COUNTER_NAME.search(p.name.value) and p.name.value not in ("self", "cls")]
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
        guards = [(a.test, True) for a in self.index.ancestors(call) if isinstance(a, cst.If) and self._inside(a, function)]
        guards += [(i.test, False) for i in self.index.nodes(cst.If) if self._inside(i, function) and self._block_exits(i.body)]
        for test, around in guards:
            for comparison in self._conjuncts(test):
                if not isinstance(comparison, cst.Comparison) or len(comparison.comparisons) != 1:
                    continue
                target = comparison.comparisons[0]
                if not (isinstance(comparison.left, cst.Name) and comparison.left.value == name):
                    continue
                limit = self._int_value(target.comparator)
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

    @staticmethod
    def _conjuncts(test: cst.CSTNode) -> List[cst.CSTNode]:
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
            return RetryAnalysis._conjuncts(test.left) + RetryAnalysis._conjuncts(test.right)
        return [test]

    # -- decorators -----------------------------------------------------------------------------------
    def _find_decorators(self) -> None:
        imports = self._imported_modules()
        if not imports & {"tenacity", "backoff", "retrying"}:
            return
        for function in self.index.nodes(cst.FunctionDef):
            if function.name.value not in self._sending_names and not any(self._inside(c, function) for c in self.context.calls.calls):
                continue
            for decorator in function.decorators:
                site = self._decorator_site(function, decorator, imports)
                if site is not None:
                    self.sites.append(site)

    def _imported_modules(self) -> Set[str]:
        found = set()
        for node in self.index.nodes(cst.Import):
            for alias in node.names:
                found.add(dotted_name(alias.name).split(".")[0])
        for node in self.index.nodes(cst.ImportFrom):
            if node.module is not None:
                found.add(dotted_name(node.module).split(".")[0])
        return found

    def _decorator_site(self, function: cst.FunctionDef, decorator: cst.Decorator, imports: Set[str]) -> Optional[RetrySite]:
        expression = decorator.decorator
        call = expression if isinstance(expression, cst.Call) else None
        name = dotted_name(call.func if call is not None else expression)
        last = name.rsplit(".", 1)[-1]
        raised = self._attempt_raises(function, list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else [])
        common = dict(anchor=decorator, refreshes_token=self._refreshes_in(function), endpoint=self._endpoint_in(function))
        if last == "retry" and ("tenacity" in imports or "retrying" in imports):
            if call is None:
                return RetrySite(shape="tenacity", attempts=None, waits=False,
                                 codes=self._exception_codes({"*"}, raised), exceptions=frozenset({"*"}), **common)
            if "retrying" in imports and "tenacity" not in imports:
                return self._retrying_site(call, raised, common)
            return self._tenacity_site(call, raised, common)
        if last in ("on_exception", "on_predicate") and "backoff" in imports and call is not None:
            tries = keyword_arg(call, "max_tries")
            max_time = keyword_arg(call, "max_time")
            attempts = self._int_value(tries.value) if tries is not None else (UNKNOWN_BOUND if max_time is not None else None)
            args = positional_args(call)
            if last == "on_exception":
                names = set()
                if len(args) >= 2:
                    for kind in ([e.value for e in args[1].elements] if isinstance(args[1], cst.Tuple) else [args[1]]):
                        dotted = dotted_name(kind)
                        names.add(dotted.rsplit(".", 1)[-1] if dotted else "*")
                codes = self._exception_codes(names, raised)
                exceptions = frozenset({n for n in names if _NETWORK_EXCEPTIONS.search(n)} or names)
            else:
                predicate = args[1] if len(args) >= 2 else (keyword_arg(call, "predicate").value if keyword_arg(call, "predicate") else None)
                codes = self._lambda_codes(predicate)
                exceptions = frozenset()
            return RetrySite(shape="backoff", attempts=attempts, waits=True, codes=codes, exceptions=exceptions, **common)
        return None

    def _tenacity_site(self, call: cst.Call, raised: Codes, common: dict) -> RetrySite:
        """``@retry(...)``, ``Retrying(...)``: bound from ``stop=``, pause from ``wait=``, trigger from ``retry=``."""
        stop = keyword_arg(call, "stop")
        attempts: Bound = self._stop_attempts(stop.value) if stop is not None else None
        waits = keyword_arg(call, "wait") is not None
        exceptions, codes = self._tenacity_trigger(keyword_arg(call, "retry"), raised)
        return RetrySite(shape="tenacity", attempts=attempts, waits=waits, codes=codes, exceptions=exceptions, **common)

    def _retrying_site(self, call: cst.Call, raised: Codes, common: dict) -> RetrySite:
        limit = keyword_arg(call, "stop_max_attempt_number")
        delay = keyword_arg(call, "stop_max_delay")
        attempts: Bound = self._int_value(limit.value) if limit is not None else (UNKNOWN_BOUND if delay is not None else None)
        waits = any(keyword_arg(call, k) is not None for k in ("wait_fixed", "wait_random_min", "wait_random_max", "wait_exponential_multiplier", "wait_func"))
        return RetrySite(shape="retrying", attempts=attempts, waits=waits, codes=self._exception_codes({"*"}, raised),
                         exceptions=frozenset({"*"}), **common)

    def _stop_attempts(self, node: cst.CSTNode) -> Bound:
        if isinstance(node, cst.Call) and callee_name(node) == "stop_after_attempt" and node.args:
            return self._int_value(node.args[0].value)
        if isinstance(node, cst.BinaryOperation):
            for side in (node.left, node.right):
                found = self._stop_attempts(side)
                if isinstance(found, int):
                    return found
            return UNKNOWN_BOUND
        return UNKNOWN_BOUND

    def _tenacity_trigger(self, retry: Optional[cst.Arg], raised: Codes) -> Tuple[FrozenSet[str], Codes]:
        if retry is None:
            return frozenset({"*"}), self._exception_codes({"*"}, raised)
        value = retry.value
        if isinstance(value, cst.Call) and callee_name(value) == "retry_if_exception_type" and value.args:
            kinds = value.args[0].value
            names = set()
            for kind in ([e.value for e in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]):
                dotted = dotted_name(kind)
                names.add(dotted.rsplit(".", 1)[-1] if dotted else "*")
            return frozenset(names), self._exception_codes(names, raised)
        if isinstance(value, cst.Call) and callee_name(value) == "retry_if_result" and value.args:
            return frozenset(), self._lambda_codes(value.args[0].value)
        return frozenset(), frozenset()

    def _exception_codes(self, names: Set[str], raised: Codes) -> Codes:
        """The errcodes behind the exceptions a retry catches: whatever the attempt raises on, for a broad catch;
        every non-zero code for wechatpy's exceptions; the codes a same-file exception class is raised on."""
        codes: Set[int] = set()
        if "*" in names or names & _BROAD_EXCEPTIONS:
            codes |= raised
        if any(self.context.wechatpy.is_exception_class(cst.Name(n)) for n in names if n.isidentifier()):
            codes |= self.universe - {0}
        for name in names:
            codes |= self._errcode_exceptions.get(name, set())
        codes.discard(0)
        return frozenset(codes)

    def _attempt_raises(self, container: cst.CSTNode, statements: Sequence[cst.CSTNode]) -> Codes:
        """The errcodes on which one attempt (``statements`` of ``container``) ends in an exception: raised there,
        by a checking sender (wechatpy, a wrapper that raises on any errcode), or by a same-file checking helper."""
        codes = set(self._flow(statements, set(self.universe), container).raised)
        if self._checked_sender_in(container):
            codes |= self.universe - {0}
        checking = {f.name.value: f for f in self.context.calls.checking_functions}
        for call in self.index.nodes(cst.Call):
            helper = checking.get(callee_name(call))
            if helper is not None and helper is not container and self._inside(call, container):
                codes |= self._codes_raised_in(helper)
        codes.discard(0)
        return frozenset(codes)

    def _codes_raised_in(self, function: cst.FunctionDef) -> Set[int]:
        codes: Set[int] = set()
        for raise_node in self.index.nodes(cst.Raise):
            if self._inside(raise_node, function):
                codes |= self._raise_codes(raise_node, function) or set()
        return codes

    def _raise_codes(self, raise_node: cst.Raise, function: cst.CSTNode) -> Optional[Set[int]]:
        """The errcodes that reach ``raise_node`` through the errcode tests around it (None: no such test)."""
        codes: Optional[Set[int]] = None
        child: cst.CSTNode = raise_node
        for ancestor in self.index.ancestors(raise_node):
            if ancestor is function or isinstance(ancestor, _STOP_BLOCKS):
                break
            if isinstance(ancestor, cst.If):
                predicate = self.tests.predicate(ancestor.test)
                if predicate is not None:
                    where = self.tests.codes_where if child is ancestor.body else self.tests.codes_where_not
                    chosen = set(where(predicate, self.universe))
                    codes = chosen if codes is None else codes & chosen
            child = ancestor
        return codes

    def _find_errcode_exceptions(self) -> Dict[str, Set[int]]:
        """Exception classes the file raises under an errcode test (``if data["errcode"]: raise ApiError``)."""
        found: Dict[str, Set[int]] = {}
        for raise_node in self.index.nodes(cst.Raise):
            exc = raise_node.exc
            if exc is None:
                continue
            name = callee_name(exc) if isinstance(exc, cst.Call) else (dotted_name(exc) or "").rsplit(".", 1)[-1]
            codes = self._raise_codes(raise_node, self.index.function_of(raise_node)) if name else None
            if codes:
                found.setdefault(name, set()).update(codes - {0})
        return found

    def _lambda_codes(self, predicate: Optional[cst.CSTNode]) -> Codes:
        if isinstance(predicate, cst.Lambda):
            body = predicate.body
            test = self.tests.predicate(body)
            if test is not None:
                return frozenset(self.tests.codes_where(test, self.universe) - {0})
        return frozenset()

    # -- transport ------------------------------------------------------------------------------------
    def _find_transport_retries(self) -> None:
        if not any(call.kind == "http" for call in self.context.calls.calls.values()):
            return
        for call in self.index.nodes(cst.Call):
            name = callee_name(call)
            if name in ("Retry", "HTTPAdapter") and not self._serves_wecom(call):
                continue
            if name == "Retry":
                total = keyword_arg(call, "total")
                value = total.value if total is not None else (positional_args(call)[0] if positional_args(call) else None)
                if value is None:
                    continue
                bound = self._int_value(value)
                if isinstance(bound, int):
                    self.sites.append(RetrySite(anchor=call, shape="transport", attempts=bound, waits=True, bound_kind="retries"))
            elif name == "HTTPAdapter":
                retries = keyword_arg(call, "max_retries")
                if retries is not None and int_literal(retries.value) is not None:
                    self.sites.append(RetrySite(anchor=call, shape="transport", attempts=int_literal(retries.value), waits=True, bound_kind="retries"))

    def _serves_wecom(self, node: cst.CSTNode) -> bool:
        """A transport retry built where WeCom requests go out: at module level (the module's session), in a
        function or class that sends, or in a factory called from one (``s = wecom_session()`` in ``send``).
        A session for another API built in a file that also calls WeCom is not WeCom's retry."""
        function = self.index.function_of(node)
        if not isinstance(function, cst.FunctionDef):
            return True
        if self._sending_side(function):
            return True
        name = function.name.value
        for call in self.index.nodes(cst.Call):
            if callee_name(call) != name or self._inside(call, function):
                continue
            caller = self.index.function_of(call)
            if not isinstance(caller, cst.FunctionDef) or self._sending_side(caller):
                return True
        return False

    def _sending_side(self, function: cst.FunctionDef) -> bool:
        """``function``, or a method of its class, makes a WeCom call."""
        klass = self.index.class_of(function)
        for found in self.context.calls.calls.values():
            sender = self.index.function_of(found.node)
            if sender is function or (klass is not None and isinstance(sender, cst.FunctionDef) and self.index.class_of(sender) is klass):
                return True
        return False
