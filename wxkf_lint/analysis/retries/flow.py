"""Following the branches of a loop body or an attempt: which codes leave a block by falling through, by ``continue``, by ``raise``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from wxkf_lint.analysis.codesets import OTHER, Codes, Predicate, int_set
from wxkf_lint.analysis.retries.raises import Raises
from wxkf_lint.analysis.retries.scope import BROAD_EXCEPTIONS, NETWORK_EXCEPTIONS, STOP_BLOCKS, RetryFile, ends_process
from wxkf_lint.analysis.syntax import callee_name, dotted_name, names_in


@dataclass
class _Paths:
    """Codes leaving a block by falling through, by ``continue``, and by ``raise``."""

    fall: Set[int] = field(default_factory=set)
    cont: Set[int] = field(default_factory=set)
    raised: Set[int] = field(default_factory=set)
    #: exception names caught by handlers that let the loop go round again
    caught: Set[str] = field(default_factory=set)


def handler_types(handler: cst.ExceptHandler) -> List[cst.CSTNode]:
    if handler.type is None:
        return []
    if isinstance(handler.type, cst.Tuple):
        return [element.value for element in handler.type.elements]
    return [handler.type]


def suite_statements(block: cst.BaseSuite) -> List[cst.CSTNode]:
    if isinstance(block, cst.IndentedBlock):
        return list(block.body)
    return [cst.SimpleStatementLine(body=list(block.body))] if isinstance(block, cst.SimpleStatementSuite) else []


class Flow:
    """The codes that bring a loop round again, found by following its body through ``if``, ``try`` and ``with``.

    While an except body is followed, the ``as`` name it binds carries the classes the caught errcodes were
    raised as (:attr:`_carrying`); that bookkeeping is this part's own, set and restored around each handler.
    """

    def __init__(self, file: RetryFile, raises: Raises) -> None:
        self.file = file
        self.raises = raises
        self.index = file.index
        self.tests = file.tests
        self.universe = file.universe
        #: while an except body is followed for the errcodes it caught: its ``as`` name → the classes they were raised as
        self._carrying: Dict[str, Set[str]] = {}
        self._aliases: Optional[Dict[str, str]] = None
        #: the file's errcode-checking functions by name (one of each name, as the set yields them), made once
        self._checking: Optional[Dict[str, cst.FunctionDef]] = None

    def attempt_raises(self, container: cst.CSTNode, statements: Sequence[cst.CSTNode]) -> Codes:
        """The errcodes on which one attempt (``statements`` of ``container``) ends in an exception: raised there,
        by a checking sender (wechatpy, a wrapper that raises on any errcode), or by a same-file checking helper."""
        codes = set(self.run(statements, set(self.universe), container).raised)
        if self.file.checked_sender_in(container):
            codes |= self.universe - {0}
        if self._checking is None:
            self._checking = {f.name.value: f for f in self.file.context.calls.checking_functions}
        checking = self._checking
        for call in self.index.within_block(cst.Call, container):
            helper = checking.get(callee_name(call))
            if helper is not None and helper is not container:
                codes |= self.raises.codes_raised_in(helper)
        codes.discard(0)
        return frozenset(codes)

    def run(self, statements: Sequence[cst.CSTNode], codes: Set[int], loop: cst.CSTNode) -> _Paths:
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
                    elif isinstance(small, (cst.Break, cst.Return)) or ends_process(small):
                        current = set()
                    elif isinstance(small, cst.Raise):
                        paths.raised |= current
                        current = set()
            elif isinstance(statement, cst.If):
                current = self._flow_if(statement, current, loop, paths)
            elif isinstance(statement, cst.Try):
                current = self._flow_try(statement, current, loop, paths)
            elif isinstance(statement, cst.With):
                inner = self.run(list(statement.body.body), current, loop)
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
            inner = self.run(suite_statements(branch.body), taken, loop)
            out |= inner.fall
            paths.cont |= inner.cont
            paths.raised |= inner.raised
            paths.caught |= inner.caught
            remaining = skipped
            branch = branch.orelse
        if isinstance(branch, cst.Else):
            inner = self.run(suite_statements(branch.body), remaining, loop)
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
            if isinstance(ancestor, STOP_BLOCKS):
                return False
            if isinstance(ancestor, cst.ExceptHandler) and ancestor.name is not None:
                if isinstance(ancestor.name.name, cst.Name) and ancestor.name.name.value == name:
                    return bool(self.handler_names(ancestor) & set(self.raises.errcode_exceptions))
        return False

    def _flow_try(self, node: cst.Try, codes: Set[int], loop: cst.CSTNode, paths: _Paths) -> Set[int]:
        body = self.run(suite_statements(node.body), codes, loop)
        paths.cont |= body.cont
        out = set(body.fall)
        sends = any(self.file.sends(call) for call in self.index.within_block(cst.Call, node.body))
        for handler in node.handlers:
            names = self.handler_names(handler)
            broad = "*" in names or bool(names & BROAD_EXCEPTIONS)
            errcode_exception = broad or any(self.file.context.wechatpy.is_exception_class(n) for n in handler_types(handler))
            incoming: Set[int] = set()
            if errcode_exception:
                incoming |= body.raised
                if self.file.checked_sender_in(node.body):
                    incoming |= set(self.universe) - {0}
            elif body.raised and self._raises_named(node.body, names):
                incoming |= body.raised
            if sends:  # ``except WeComError:`` around a same-file helper that raises it on errcodes
                for name in names:
                    incoming |= self.raises.errcode_exceptions.get(name, set())
            handler_paths, other_paths = self._flow_handler(handler, node.body, names, incoming, loop)
            again = (handler_paths.fall | handler_paths.cont) & incoming
            paths.cont |= again
            if sends and (other_paths.fall or other_paths.cont):
                network = {n for n in names if NETWORK_EXCEPTIONS.search(n)}
                if network or broad:
                    paths.caught |= (network or {"*"})
            paths.raised |= handler_paths.raised & incoming
        if node.orelse is not None:
            inner = self.run(suite_statements(node.orelse.body), out, loop)
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
        carriers = (self._raised_classes(body) | set(self.raises.errcode_exceptions)) & names
        statements = suite_statements(handler.body)
        if as_name is None or not carriers or not incoming:
            both = self.run(statements, incoming | {OTHER}, loop)
            return both, both
        saved = self._carrying.get(as_name)
        self._carrying[as_name] = carriers
        try:
            paths = self.run(statements, set(incoming), loop)
        finally:
            if saved is None:
                del self._carrying[as_name]
            else:
                self._carrying[as_name] = saved
        other = self.run(statements, {OTHER}, loop)
        return paths, other

    def _raised_classes(self, block: cst.CSTNode) -> Set[str]:
        """The classes ``raise`` statements inside ``block`` raise (``raise WeComError(…)`` → WeComError)."""
        found: Set[str] = set()
        for raise_node in self.index.within_block(cst.Raise, block):
            if raise_node.exc is not None:
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
        for raise_node in self.index.within_block(cst.Raise, block):
            if raise_node.exc is not None:
                if set(names_in(raise_node.exc)) & names:
                    return True
        return False

    def handler_names(self, handler: cst.ExceptHandler) -> Set[str]:
        if handler.type is None:
            return {"*"}
        names = set()
        for kind in handler_types(handler):
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
