"""Where WeCom responses flow in a file, and where their ``errcode``/``errmsg`` are read.

A *family* is everything that stands for one WeCom answer: the call, ``r.json()``, ``await r.json()``,
``json.loads(r.text)``, names bound to those (plain, tuple, walrus, ``with … as``), and for wechatpy the
exception caught in ``except WeChatClientException as e``.  Each family is keyed by the node it comes
from (the :class:`~wxkf_lint.analysis.calls.WeComCall` node, or the ``ExceptHandler``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set

import libcst as cst

from wxkf_lint.analysis.calls import CallAnalysis
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import callee_name, dotted_name
from wxkf_lint.analysis.wechatpy import WechatpyUsage

ERRCODE = "errcode"
ERRMSG = "errmsg"
_KEYS = (ERRCODE, ERRMSG)
#: Calls that turn a response into its parsed form, keeping the family.
_DECODERS = {"json.loads", "json.load", "loads", "load", "ujson.loads", "orjson.loads", "simplejson.loads"}
_DECODE_ATTRIBUTES = {"text", "content", "body", "data"}
#: Calls that give the whole answer again as text: what becomes of their value is what becomes of the answer
#: (``return json.dumps(data)`` hands it on; ``print(json.dumps(data))`` only shows it).
_SERIALISERS = {"json.dumps", "dumps", "ujson.dumps", "simplejson.dumps"}
#: Calls that only look at a value: passing a response to them is neither a check nor delegation.
_LOOK_ONLY = {"print", "str", "repr", "len", "isinstance", "type", "id", "bool", "dumps", "pformat", "pprint"}
_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "fatal"}


@dataclass(frozen=True)
class Read:
    """``x["errcode"]``, ``x.get("errmsg")``, ``e.errcode`` or ``str(e)`` (errmsg of a wechatpy exception)."""

    node: cst.BaseExpression
    key: str
    base: cst.BaseExpression
    family: Optional[cst.CSTNode]


def is_logging_call(call: cst.Call) -> bool:
    name = callee_name(call)
    if name in _LOOK_ONLY:
        return True
    if name in _LOG_METHODS and isinstance(call.func, cst.Attribute):
        return True
    return False


class ResponseAnalysis:
    """Families, errcode/errmsg reads and the names bound to them."""

    def __init__(self, index: SyntaxIndex, calls: CallAnalysis, wechatpy: WechatpyUsage) -> None:
        self.index = index
        self.calls = calls
        self.wechatpy = wechatpy
        self._family_memo: Dict[cst.CSTNode, Optional[cst.CSTNode]] = {}
        self.reads: Dict[cst.CSTNode, Read] = {}
        self._reads_by_family: Optional[Dict[cst.CSTNode, List[Read]]] = None
        self.exception_handlers: Set[cst.ExceptHandler] = {
            handler for handler in index.nodes(cst.ExceptHandler) if wechatpy.catches_wechatpy(handler)
        }
        self._family_names: Set[str] = set()
        #: while the names are collected, the set is incomplete: a name not in it yet may still be a family
        self._collecting = False
        if calls.calls or self.exception_handlers:
            self._collect_family_names()
        self._collect_reads()

    # -- families -------------------------------------------------------------------------------------
    def _collect_family_names(self) -> None:
        """Names ever bound to a family, so that other names are skipped without a lookup.  While collecting,
        every name is looked up: bindings are visited by kind (assignments before ``with … as``), so the
        ``data`` of ``async with session.post(...) as r: data = await r.json()`` comes before its ``r``, and a
        shortcut on the partial set would cache that ``data`` as no family (and only for the second such
        function in the file, the first having been looked up while the set was still empty)."""
        self._collecting = True
        try:
            for bindings in self.index.bindings.values():
                for binding in bindings:
                    if binding.value is not None and self.family_of(binding.value) is not None:
                        self._family_names.add(binding.name)
        finally:
            self._collecting = False

    def family_of(self, node: cst.CSTNode, _depth: int = 0) -> Optional[cst.CSTNode]:
        """The WeCom answer ``node`` stands for, or None."""
        if node in self._family_memo:
            return self._family_memo[node]
        if _depth > 12:
            return None
        self._family_memo[node] = None  # breaks cycles such as ``data = data``
        result = self._family(node, _depth)
        self._family_memo[node] = result
        return result

    def _family(self, node: cst.CSTNode, depth: int) -> Optional[cst.CSTNode]:
        if isinstance(node, cst.Call) and node in self.calls.calls:
            return node
        if isinstance(node, cst.ExceptHandler):
            return node if node in self.exception_handlers else None
        if isinstance(node, cst.Await):
            return self.family_of(node.expression, depth + 1)
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in ("json", "read") and not node.args:
                return self.family_of(func.value, depth + 1)
            if dotted_name(func) in _DECODERS and node.args:
                return self._decoded(node.args[0].value, depth)
            if dotted_name(func) in _SERIALISERS and node.args:
                return self.family_of(node.args[0].value, depth + 1)
            return None
        if isinstance(node, cst.Name):
            if node.value not in self._family_names and self._family_names_ready():
                return None
            binding = self.index.lookup(node.value, node)
            if binding is None or binding.value is None or binding.node is node:
                return None
            return self.family_of(binding.value, depth + 1)
        return None

    def _family_names_ready(self) -> bool:
        if self._collecting:
            return False
        return bool(self._family_names) or not (self.calls.calls or self.exception_handlers)

    def _decoded(self, node: cst.CSTNode, depth: int) -> Optional[cst.CSTNode]:
        if isinstance(node, cst.Attribute) and node.attr.value in _DECODE_ATTRIBUTES:
            return self.family_of(node.value, depth + 1)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "decode":
            return self._decoded(node.func.value, depth)
        if isinstance(node, cst.Name) and depth < 8:  # ``text = r.text`` … ``json.loads(text)``
            binding = self.index.lookup(node.value, node)
            if binding is not None and isinstance(binding.value, cst.BaseExpression) and binding.node is not node:
                return self._decoded(binding.value, depth + 1)
        return self.family_of(node, depth + 1)

    def families_of(self, node: cst.CSTNode) -> Set[cst.CSTNode]:
        """Every answer ``node`` may stand for.  A name re-bound in a loop (``data = post(); while
        data["errcode"] == -1: data = post()``) stands for each of its bindings: flow-insensitive on purpose,
        so that a check or a hand-over of any of them counts for all."""
        if isinstance(node, cst.Name) and node.value in self._family_names:
            scope = self.index.scope_of(node)
            bindings = self.index.bindings.get((scope, node.value)) or []
            found = {self.family_of(b.value) for b in bindings if b.value is not None}
            found.discard(None)
            if found:
                return found  # type: ignore[return-value]
        family = self.family_of(node)
        return {family} if family is not None else set()

    def family_call(self, family: cst.CSTNode):
        """The WeComCall of a family (None for a caught wechatpy exception)."""
        return self.calls.calls.get(family) if isinstance(family, cst.Call) else None

    # -- errcode / errmsg reads -----------------------------------------------------------------------
    def _collect_reads(self) -> None:
        for subscript in self.index.nodes(cst.Subscript):
            if len(subscript.slice) == 1 and isinstance(subscript.slice[0].slice, cst.Index):
                key = literal_string(subscript.slice[0].slice.value)
                if key in _KEYS:
                    self._add_read(subscript, key, subscript.value)
        for call in self.index.nodes(cst.Call):
            func = call.func
            if isinstance(func, cst.Attribute) and func.attr.value == "get" and call.args:
                key = literal_string(call.args[0].value)
                if key in _KEYS:
                    self._add_read(call, key, func.value)
            elif isinstance(func, cst.Name) and func.value == "getattr" and len(call.args) >= 2:
                key = literal_string(call.args[1].value)
                if key in _KEYS and self.family_of(call.args[0].value) is not None:
                    self._add_read(call, key, call.args[0].value)
            elif isinstance(func, cst.Name) and func.value == "str" and len(call.args) == 1:
                family = self.family_of(call.args[0].value)
                if isinstance(family, cst.ExceptHandler):
                    self._add_read(call, ERRMSG, call.args[0].value)
        for attribute in self.index.nodes(cst.Attribute):
            if attribute.attr.value in _KEYS and self.family_of(attribute.value) is not None:
                self._add_read(attribute, attribute.attr.value, attribute.value)

    def _add_read(self, node: cst.BaseExpression, key: str, base: cst.BaseExpression) -> None:
        self.reads[node] = Read(node, key, base, self.family_of(base))

    def read_of(self, node: cst.CSTNode, _depth: int = 0) -> Optional[Read]:
        """The errcode/errmsg read ``node`` evaluates to: the read itself, ``int(read)``, a walrus of one
        (``(code := data.get("errcode")) != 0``), or a name bound to one (``code = int(resp.get("errcode",
        -1))``).  ``str(read)`` is a different value: not followed."""
        if _depth > 8:
            return None
        if node in self.reads:
            return self.reads[node]
        if isinstance(node, (cst.Await, cst.NamedExpr)):
            return self.read_of(node.expression if isinstance(node, cst.Await) else node.value, _depth + 1)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "int" and len(node.args) >= 1:
            return self.read_of(node.args[0].value, _depth + 1)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            return self.read_of(node.left, _depth + 1)
        if isinstance(node, cst.Name):
            binding = self.index.lookup(node.value, node)
            if binding is not None and binding.value is not None and binding.node is not node:
                return self.read_of(binding.value, _depth + 1)
        return None

    def errcode_of(self, node: cst.CSTNode) -> Optional[Read]:
        read = self.read_of(node)
        return read if read is not None and read.key == ERRCODE else None

    def errmsg_of(self, node: cst.CSTNode, _depth: int = 0) -> Optional[Read]:
        """errmsg text: a read, a name bound to one, or that text lower-cased/stripped (also through a name:
        ``msg = resp["errmsg"].lower()``)."""
        current = node
        while (
            isinstance(current, cst.Call)
            and isinstance(current.func, cst.Attribute)
            and current.func.attr.value in ("lower", "upper", "strip", "casefold")
        ):
            current = current.func.value
        read = self.read_of(current)
        if read is None and isinstance(current, cst.Name) and _depth < 4:
            binding = self.index.lookup(current.value, current)
            if binding is not None and isinstance(binding.value, cst.Call) and binding.node is not current:
                return self.errmsg_of(binding.value, _depth + 1)
        return read if read is not None and read.key == ERRMSG else None

    def reads_of_family(self, family: cst.CSTNode) -> List[Read]:
        """The errcode/errmsg reads of ``family`` (of its own base, or of a name that may stand for it)."""
        if self._reads_by_family is None:
            self._reads_by_family = self._group_reads()
        return self._reads_by_family.get(family, [])

    def _group_reads(self) -> Dict[cst.CSTNode, List[Read]]:
        """Every read under each family it may belong to, in source order: grouped once, so that asking for
        each family's reads costs its own reads, not all of the file's."""
        grouped: Dict[cst.CSTNode, List[Read]] = {}
        for read in self.reads.values():
            families = self.families_of(read.base)
            if read.family is not None:
                families = families | {read.family}
            for family in families:
                grouped.setdefault(family, []).append(read)
        return grouped
