"""What every part of the retry analysis shares: the file, its code tests, which calls send, where a node sits."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Optional, Set

import libcst as cst

from wxkf_lint.analysis.codesets import CodeTests, int_set
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
    for ancestor in index.ancestors(node):
        if ancestor is container:
            return True
        if isinstance(ancestor, STOP_BLOCKS):
            return False
    return False


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


class RetryScope:
    """The state the parts of :class:`~wxkf_lint.analysis.retries.RetryAnalysis` read, and the questions they all ask."""

    context: "FileContext"
    index: SyntaxIndex
    tests: CodeTests
    universe: FrozenSet[int]
    _sending_names: Set[str]
    _errcode_exceptions: Dict[str, Set[int]]
    _carrying: Dict[str, Set[str]]
    _waiting_names: Optional[Set[str]]
    _renewal_nodes: Optional[List[cst.CSTNode]]
    _aliases: Optional[Dict[str, str]]

    def _sends(self, call: cst.Call) -> bool:
        return call in self.context.calls.calls or callee_name(call) in self._sending_names

    def _owner_loop(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, (cst.For, cst.While)):
                return ancestor
            if isinstance(ancestor, STOP_BLOCKS):
                return None
        return None

    def _endpoint_in(self, container: cst.CSTNode) -> Optional[str]:
        for call in self.context.calls.calls.values():
            if call.endpoint and inside(self.index, call.node, container):
                return call.endpoint
        return None

    def _checked_sender_in(self, container: cst.CSTNode) -> bool:
        """A call in ``container`` that raises on any non-zero errcode (wechatpy, a checking wrapper)."""
        checking = {f.name.value for f in self.context.calls.checking_functions}
        for call in self.index.nodes(cst.Call):
            if not inside(self.index, call, container):
                continue
            found = self.context.calls.calls.get(call)
            if (found is not None and found.checked) or callee_name(call) in checking & self._sending_names:
                return True
        return False
