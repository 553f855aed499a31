"""Which errcodes end an attempt in an exception, and which exception classes the file raises on which errcodes."""

from __future__ import annotations

from typing import Dict, Optional, Set

import libcst as cst

from wxkf_lint.analysis.codesets import Codes
from wxkf_lint.analysis.retries.scope import BROAD_EXCEPTIONS, STOP_BLOCKS, RetryFile
from wxkf_lint.analysis.syntax import callee_name, dotted_name


class Raises:
    """Errcodes behind raised and caught exceptions: which same-file exception classes are raised on which
    errcodes (read once, at construction), and which codes a catch of some classes stands for."""

    def __init__(self, file: RetryFile) -> None:
        self.file = file
        self.index = file.index
        self.tests = file.tests
        self.universe = file.universe
        #: exception class name → the errcodes the file raises it on (``if data["errcode"]: raise ApiError``)
        self.errcode_exceptions: Dict[str, Set[int]] = self._find_errcode_exceptions()

    def exception_codes(self, names: Set[str], raised: Codes) -> Codes:
        """The errcodes behind the exceptions a retry catches: whatever the attempt raises on, for a broad catch;
        every non-zero code for wechatpy's exceptions; the codes a same-file exception class is raised on."""
        codes: Set[int] = set()
        if "*" in names or names & BROAD_EXCEPTIONS:
            codes |= raised
        if any(self.file.context.wechatpy.is_exception_class(cst.Name(n)) for n in names if n.isidentifier()):
            codes |= self.universe - {0}
        for name in names:
            codes |= self.errcode_exceptions.get(name, set())
        codes.discard(0)
        return frozenset(codes)

    def codes_raised_in(self, function: cst.FunctionDef) -> Set[int]:
        codes: Set[int] = set()
        for raise_node in self.index.within_block(cst.Raise, function):
            codes |= self._raise_codes(raise_node, function) or set()
        return codes

    def _raise_codes(self, raise_node: cst.Raise, function: cst.CSTNode) -> Optional[Set[int]]:
        """The errcodes that reach ``raise_node`` through the errcode tests around it (None: no such test)."""
        codes: Optional[Set[int]] = None
        child: cst.CSTNode = raise_node
        for ancestor in self.index.ancestors(raise_node):
            if ancestor is function or isinstance(ancestor, STOP_BLOCKS):
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
