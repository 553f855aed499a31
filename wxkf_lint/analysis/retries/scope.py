"""What every part of the retry analysis reads: the file, its code tests, which calls send, where a node sits."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, FrozenSet, Optional, Tuple

import libcst as cst

from wxkf_lint.analysis.codesets import int_set
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.retries.site import UNKNOWN_BOUND, Bound
from wxkf_lint.analysis.syntax import callee_name, dotted_name

if TYPE_CHECKING:
    from wxkf_lint.analysis import FileContext

NETWORK_EXCEPTIONS = re.compile(
    r"RequestException|ConnectionError|ConnectTimeout|ReadTimeout|Timeout|TimeoutError|HTTPError|ClientError|"
    r"TransportError|NetworkError|OSError|IOError|socket\.|URLError|ProtocolError|ServerDisconnected|ClientConnectorError"
)
BROAD_EXCEPTIONS = {"Exception", "BaseException"}
COUNTER_NAME = re.compile(r"retr|attempt|tries|try_|times|count|depth|left|remaining|^n$|^i$|^_?k$", re.I)
STOP_BLOCKS = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def inside(index: SyntaxIndex, node: cst.CSTNode, container: cst.CSTNode) -> bool:
    """``container`` holds ``node`` with no function, lambda or class (:data:`STOP_BLOCKS`) between them."""
    return index.in_same_block(node, container)


def int_value(node: cst.CSTNode, index: SyntaxIndex) -> Bound:
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)):
        left, right = int_value(node.left, index), int_value(node.right, index)
        if isinstance(left, int) and isinstance(right, int):
            return left + right if isinstance(node.operator, cst.Add) else left - right
        return UNKNOWN_BOUND
    values = int_set(node, index)
    if values is not None and len(values) == 1:
        return next(iter(values))
    return UNKNOWN_BOUND


#: Calls that never return: the process ends there, so no attempt follows (``sys.exit()`` in a retry loop's
#: error branch leaves the loop as surely as ``raise``).
NO_RETURN_CALLS = frozenset({"sys.exit", "exit", "quit", "os._exit", "os.abort"})


def ends_process(small: cst.BaseSmallStatement) -> bool:
    """``sys.exit(…)``, ``exit()``, ``os._exit(1)`` as a statement."""
    return (
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and dotted_name(small.value.func) in NO_RETURN_CALLS
    )


def block_exits(block: cst.BaseSuite) -> bool:
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        for small in getattr(statement, "body", []) if isinstance(statement, cst.SimpleStatementLine) else []:
            if isinstance(small, (cst.Break, cst.Return, cst.Raise)) or ends_process(small):
                return True
    if isinstance(block, cst.SimpleStatementSuite):
        return any(isinstance(small, (cst.Break, cst.Return, cst.Raise)) or ends_process(small) for small in block.body)
    return False


class RetryFile:
    """What every part of the retry analysis reads about the file, fixed once built: the index, the code tests
    over the file's errcode universe, which calls send a WeCom request, and questions about where a node sits.
    Nothing here changes after construction, so parts built on it share no mutable state."""

    def __init__(self, context: "FileContext") -> None:
        self.context = context
        self.index: SyntaxIndex = context.index
        self.tests = context.code_tests
        self.universe: FrozenSet[int] = frozenset(self.tests.universe)
        self.sending_names: FrozenSet[str] = frozenset(f.name.value for f in context.calls.wrappers)
        #: each WeCom call's place in the call analysis's order: the first endpoint of a container is the first in it
        self._rank: Dict[cst.Call, int] = {call: number for number, call in enumerate(context.calls.calls)}
        self._senders: FrozenSet[cst.CSTNode] = frozenset(self.index.function_of(call) for call in context.calls.calls)
        #: the names of the sending wrappers that also check errcode (a call of one raises on any error)
        self._checking_senders: FrozenSet[str] = frozenset(f.name.value for f in context.calls.checking_functions) & self.sending_names
        #: same-file decorators applied to sending functions → (the parameter holding the decorated function,
        #: how many sending functions they decorate): their wrapper's call of that parameter sends a request
        self.sending_decorators: Dict[cst.FunctionDef, Tuple[str, int]] = self._find_sending_decorators()

    def sends(self, call: cst.Call) -> bool:
        if call in self.context.calls.calls or callee_name(call) in self.sending_names:
            return True
        return isinstance(call.func, cst.Name) and self.decorated_call(call) is not None

    def decorated_call(self, call: cst.Call) -> Optional[cst.FunctionDef]:
        """The same-file decorator whose wrapper calls the decorated sending function here (``func(*a, **kw)``)."""
        if not isinstance(call.func, cst.Name):
            return None
        for ancestor in self.index.ancestors(call):
            if isinstance(ancestor, cst.FunctionDef) and ancestor in self.sending_decorators:
                return ancestor if self.sending_decorators[ancestor][0] == call.func.value else None
        return None

    def _find_sending_decorators(self) -> Dict[cst.FunctionDef, Tuple[str, int]]:
        """``def retry(func): def wrapper(*a, **kw): … func(*a, **kw) …`` (also made by a factory,
        ``def retry(times=3): def deco(func): …``), applied with ``@retry`` / ``@retry(...)`` to functions that
        send WeCom requests: read as if its loop were written around each of them."""
        decorators: Dict[str, cst.FunctionDef] = {}
        for function in self.index.nodes(cst.FunctionDef):
            params = function.params.params
            if len(params) != 1 or not any(
                isinstance(c.func, cst.Name) and c.func.value == params[0].name.value and self.index.function_of(c) is not function
                for c in self.index.within(cst.Call, function)
            ):
                continue
            outer = self.index.function_of(function)
            name = outer.name.value if isinstance(outer, cst.FunctionDef) else function.name.value
            decorators[name] = function
        if not decorators:
            return {}
        counts: Dict[cst.FunctionDef, int] = {}
        for function in self.index.nodes(cst.FunctionDef):
            if not self._sends_itself(function):
                continue
            for decorator in function.decorators:
                expression = decorator.decorator
                name = dotted_name(expression.func if isinstance(expression, cst.Call) else expression)
                if name in decorators:
                    counts[decorators[name]] = counts.get(decorators[name], 0) + 1
        return {d: (d.params.params[0].name.value, n) for d, n in counts.items()}

    def _sends_itself(self, function: cst.FunctionDef) -> bool:
        return function.name.value in self.sending_names or function in self._senders

    def owner_loop(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, (cst.For, cst.While)):
                return ancestor
            if isinstance(ancestor, STOP_BLOCKS):
                return None
        return None

    def endpoint_in(self, container: cst.CSTNode) -> Optional[str]:
        """The endpoint of the first WeCom call (in the call analysis's order) that runs as part of ``container``
        (a loop or a function): read from the container's own calls, not by testing every call of the file."""
        calls = self.context.calls.calls
        found = [calls[node] for node in self.index.within_block(cst.Call, container) if node in calls and calls[node].endpoint]
        return min(found, key=lambda call: self._rank[call.node]).endpoint if found else None

    def checked_sender_in(self, container: cst.CSTNode) -> bool:
        """A call in ``container`` that raises on any non-zero errcode (wechatpy, a checking wrapper)."""
        for call in self.index.within_block(cst.Call, container):
            found = self.context.calls.calls.get(call)
            if (found is not None and found.checked) or callee_name(call) in self._checking_senders:
                return True
        return False
