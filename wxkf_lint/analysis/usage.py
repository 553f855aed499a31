"""How each WeCom response family is used: its fields read, its errcode checked, or handed on.

WXK103 (unchecked response) and the kf rules read this; it is derived from the index and the response
families without another walk: only the nodes that stand for a family are looked at, through their parent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Dict, List, Optional, Set

import libcst as cst

from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.responses import ERRCODE, ERRMSG, ResponseAnalysis, is_logging_call
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import callee_name, names_in

#: kf/sync_msg's paging fields: tested to decide whether to fetch the next page, not whether the call worked
_PAGING_FIELDS = {"has_more", "next_cursor"}
_GUARDING_EXCEPTIONS = {"KeyError", "LookupError", "Exception", "BaseException", "TypeError"}
_EXCEPTION_SUFFIXES = ("Error", "Exception")
#: What says only whether HTTP went well: WeCom's errors come with HTTP 200, so these judge nothing.
_HTTP_STATUS_ATTRIBUTES = {"raise_for_status", "status_code", "ok", "status", "reason"}
#: Expressions that put a value into text, on the way to a logging call.
_FORMATTING_NODES = (
    cst.FormattedStringExpression, cst.FormattedString, cst.Arg, cst.BinaryOperation, cst.Tuple, cst.Element,
    cst.Attribute, cst.Call,
)
#: The endpoint whose success answer is a file, not JSON, and the attributes that hold that file.
DOWNLOAD_ENDPOINT = "media/get"
DOWNLOAD_FIELD = "content"
_DOWNLOAD_ATTRIBUTES = {"content", "iter_content", "raw", "iter_bytes", "aiter_bytes"}
#: the raw body of an answer: handing it on whole is handing the answer on
_BODY_TEXT_ATTRIBUTES = {"text", "content"}
#: where a value goes back to the caller whole: returned, yielded, or put in a returned tuple, list or dict
_HANDING_ON = (cst.Return, cst.Yield, cst.Element, cst.DictElement, cst.StarredDictElement)


@dataclass
class FamilyUsage:
    """What one function does with one WeCom answer."""

    family: cst.CSTNode
    field_uses: List[cst.CSTNode] = field(default_factory=list)
    field_names: Dict[cst.CSTNode, str] = field(default_factory=dict)
    guarded_uses: Set[cst.CSTNode] = field(default_factory=set)
    delegated: bool = False
    #: the same-file helpers the whole answer is handed to that do not read errcode: they vouch for nothing
    #: (a helper from elsewhere, or one that reads errcode, is a delegation: see ``UsageAnalysis._hands_on``)
    handed_unchecked: bool = False
    membership_guard: bool = False
    #: ``r.headers`` read: a download told apart from WeCom's JSON error answer by its Content-Type
    reads_headers: bool = False
    #: some use other than binding, decoding, logging or an HTTP-status look (see ``UsageAnalysis._passes_by``)
    looked_at: bool = False

    def unguarded_field_uses(self) -> List[cst.CSTNode]:
        return [use for use in self.field_uses if use not in self.guarded_uses]


class UsageAnalysis:
    def __init__(self, index: SyntaxIndex, responses: ResponseAnalysis) -> None:
        self.index = index
        self.responses = responses
        self.families: Dict[cst.CSTNode, FamilyUsage] = {}
        self._collect()

    def _candidates(self) -> List[cst.CSTNode]:
        names = self.responses._family_names
        found: List[cst.CSTNode] = list(self.responses.calls.calls)
        found += self.index.nodes(cst.Await)
        found += [call for call in self.index.nodes(cst.Call) if call not in self.responses.calls.calls]
        found += [name for name in self.index.nodes(cst.Name) if name.value in names]
        return found

    def _collect(self) -> None:
        if not self.responses.calls.calls:
            return
        for node in self._candidates():
            for family in self.responses.families_of(node):
                if isinstance(family, cst.Call):
                    self._classify(node, self.families.setdefault(family, FamilyUsage(family)))
        for usage in self.families.values():
            for use in usage.field_uses:
                if self._is_guarded(use):
                    usage.guarded_uses.add(use)

    def _classify(self, node: cst.CSTNode, usage: FamilyUsage) -> None:
        parent = self.index.parent.get(node)
        if parent is None:
            return
        if not usage.looked_at and not self._passes_by(node):
            usage.looked_at = True
        if isinstance(parent, (cst.Await,)):
            return
        if isinstance(parent, cst.Subscript) and parent.value is node:
            key = self._subscript_key(parent)
            if key not in (ERRCODE, ERRMSG):
                self._add_field(usage, parent, key or "")
        elif isinstance(parent, cst.Attribute) and parent.value is node:
            grand = self.index.parent.get(parent)
            attribute = parent.attr.value
            if attribute == "get" and isinstance(grand, cst.Call) and grand.func is parent and grand.args:
                key = literal_string(grand.args[0].value)
                if key not in (ERRCODE, ERRMSG):
                    self._add_field(usage, grand, key or "")
            elif attribute in _DOWNLOAD_ATTRIBUTES and self._is_download(usage.family):
                # media/get answers a failure with HTTP 200 and errcode JSON: its bytes are the field used
                self._add_field(usage, parent, DOWNLOAD_FIELD)
            elif attribute == "headers":
                usage.reads_headers = True
            elif attribute in _BODY_TEXT_ATTRIBUTES and self._handed_on(parent):
                usage.delegated = True
            elif attribute == "keys" and isinstance(grand, cst.Call) and grand.func is parent and not grand.args:
                # ``"access_token" in data.keys()`` tests presence as ``in data`` does
                target = self.index.parent.get(grand)
                if isinstance(target, cst.ComparisonTarget) and isinstance(target.operator, (cst.In, cst.NotIn)):
                    usage.membership_guard = True
        elif isinstance(parent, cst.Arg):
            call = self.index.parent.get(parent)
            if (
                isinstance(call, cst.Call)
                and not is_logging_call(call)
                and not self._builds_exception(call)
                and self.responses.family_of(call) is None
            ):
                if self._helper_reads_no_errcode(call):
                    usage.handed_unchecked = True
                else:
                    usage.delegated = True
        elif isinstance(parent, _HANDING_ON):
            usage.delegated = True
        elif isinstance(parent, cst.Assign) and parent.value is node:
            if any(not isinstance(target.target, (cst.Name, cst.Tuple, cst.List)) for target in parent.targets):
                usage.delegated = True
        elif isinstance(parent, cst.ComparisonTarget) and isinstance(parent.operator, (cst.In, cst.NotIn)):
            usage.membership_guard = True

    @cached_property
    def _functions_reading_errcode(self) -> Set[cst.CSTNode]:
        """The functions that read an errcode or send a WeCom request themselves (and may check its answer)."""
        nodes = [read.node for read in self.responses.reads.values() if read.key == ERRCODE]
        nodes += list(self.responses.calls.calls)
        found: Set[cst.CSTNode] = set()
        for node in nodes:
            found.update(a for a in self.index.ancestors(node) if isinstance(a, cst.FunctionDef))
        return found

    def _helper_reads_no_errcode(self, call: cst.Call) -> bool:
        """``self._log_result(data)`` / ``save(data)`` of a same-file function (one of that name) that reads no
        errcode: handing the answer to it checks nothing, so the fields this function reads itself stay
        unchecked (SPEC WXK103).  A helper from another module is unknown: it may check."""
        func = call.func
        name = func.value if isinstance(func, cst.Name) else (
            func.attr.value if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls") else None)
        if name is None:
            return False
        helpers = self.index.functions_named(name)
        return len(helpers) == 1 and helpers[0] not in self._functions_reading_errcode

    def _handed_on(self, text: cst.Attribute) -> bool:
        """``return r.text``, or ``body = r.text`` … ``return token, body``: the raw answer goes back whole (or in
        a tuple, list or dict), so the caller judges it, as when ``r.json()`` is returned."""
        parent = self.index.parent.get(text)
        if isinstance(parent, _HANDING_ON):
            return True
        if not (isinstance(parent, cst.Assign) and parent.value is text and len(parent.targets) == 1):
            return False
        target = parent.targets[0].target
        if not isinstance(target, cst.Name):
            return False
        function = self.index.function_of(text)
        return any(
            isinstance(self.index.parent.get(use), _HANDING_ON) for use in self.index.name_uses(target.value, function)
        )

    def _passes_by(self, node: cst.CSTNode) -> bool:
        """``node`` is bound to a name, decoded (``r.json()``, ``json.loads(r.text)``: the decoded form's own uses
        are classified separately), logged or printed, or only its HTTP status is looked at: nothing that reads
        WeCom's answer."""
        parent = self.index.parent.get(node)
        if self._decoded_by(parent, node):
            return True
        if isinstance(parent, (cst.AssignTarget, cst.Expr, cst.WithItem, cst.AsName)):
            return True
        if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.NamedExpr)) and parent.value is node:
            targets = parent.targets if isinstance(parent, cst.Assign) else [parent]
            return all(isinstance(target.target, cst.Name) for target in targets)
        if isinstance(parent, cst.Attribute) and parent.attr.value in _HTTP_STATUS_ATTRIBUTES:
            return True
        return self._is_logged(node)

    def _decoded_by(self, parent: Optional[cst.CSTNode], node: cst.CSTNode) -> bool:
        """``await r``, ``r.json()``, ``json.loads(r.text)``, ``json.loads(r)``: a decoded form of the same answer."""
        container: Optional[cst.CSTNode] = parent
        if isinstance(parent, cst.Attribute) and parent.value is node:
            container = self.index.parent.get(parent)
        if isinstance(container, cst.Arg):
            container = self.index.parent.get(container)
        if not isinstance(container, (cst.Await, cst.Call)):
            return False
        family = self.responses.family_of(container)
        return family is not None and family in self.responses.families_of(node)

    def _is_logged(self, node: cst.CSTNode) -> bool:
        """``logger.info(f"sent: {resp.json()}")``, ``print(resp)``: the answer is shown, not judged."""
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.Call) and is_logging_call(ancestor):
                return True
            if not isinstance(ancestor, _FORMATTING_NODES):
                return False
        return False

    def _is_download(self, family: cst.CSTNode) -> bool:
        call = self.responses.family_call(family)
        return call is not None and (call.endpoint or "").startswith(DOWNLOAD_ENDPOINT)

    def _builds_exception(self, call: cst.Call) -> bool:
        """``raise RuntimeError(resp)``: the answer goes into an error message, nobody is handed it to judge."""
        name = callee_name(call)
        return isinstance(self.index.parent.get(call), cst.Raise) or name.endswith(_EXCEPTION_SUFFIXES)

    @staticmethod
    def _subscript_key(subscript: cst.Subscript) -> Optional[str]:
        if len(subscript.slice) == 1 and isinstance(subscript.slice[0].slice, cst.Index):
            return literal_string(subscript.slice[0].slice.value)
        return None

    @staticmethod
    def _add_field(usage: FamilyUsage, node: cst.CSTNode, key: str) -> None:
        usage.field_uses.append(node)
        usage.field_names[node] = key

    # -- guards ---------------------------------------------------------------------------------------
    def _is_guarded(self, use: cst.CSTNode) -> bool:
        """A ``.get()`` field tested for presence, or a field read inside ``try/except KeyError``.  Testing a
        paging field (``if not data.get("has_more"): break``) pages, it does not ask whether the call failed: an
        error answer lacks ``has_more`` too and ends the loop as if all messages had been read."""
        is_get = isinstance(use, cst.Call) and not _is_paging_read(use)
        child: cst.CSTNode = use
        for ancestor in self.index.ancestors(use):
            if is_get and self._is_test_of(ancestor, child):
                return True
            if isinstance(ancestor, cst.Try) and child is ancestor.body and self._catches_lookup(ancestor):
                return True
            if isinstance(ancestor, (cst.FunctionDef, cst.Lambda)):
                break
            child = ancestor
        if is_get:
            return self._bound_name_is_tested(use)
        return False

    @staticmethod
    def _is_test_of(ancestor: cst.CSTNode, child: cst.CSTNode) -> bool:
        return isinstance(ancestor, (cst.If, cst.While, cst.IfExp, cst.Assert)) and ancestor.test is child

    @staticmethod
    def _catches_lookup(node: cst.Try) -> bool:
        for handler in node.handlers:
            if handler.type is None:
                return True
            if any(name in _GUARDING_EXCEPTIONS for name in names_in(handler.type)):
                return True
        return False

    def _bound_name_is_tested(self, use: cst.CSTNode) -> bool:
        parent = self.index.parent.get(use)
        if not isinstance(parent, cst.Assign) or len(parent.targets) != 1:
            return False
        target = parent.targets[0].target
        if not isinstance(target, cst.Name):
            return False
        function = self.index.function_of(use)
        for kind in (cst.If, cst.While, cst.Assert, cst.IfExp):
            for test_owner in self.index.in_function(kind, function):
                if _tests_presence(test_owner.test, target.value):
                    return True
        return False

    def is_checked(self, family: cst.CSTNode) -> bool:
        call = self.responses.family_call(family)
        if call is not None and call.checked:
            return True
        usage = self.families.get(family)
        if usage is not None and (usage.delegated or usage.membership_guard or usage.guarded_uses or usage.reads_headers):
            # a presence test of one field (``if token is None: raise``) guards the whole answer
            return True
        return any(read.key == ERRCODE or self._compares_text(read.node) for read in self.responses.reads_of_family(family))

    def _compares_text(self, node: cst.CSTNode) -> bool:
        """An errmsg read that is compared or matched (``errmsg == "ok"``, ``errmsg.startswith(…)``): a success
        test, fragile but a test (WXK101 reports that one).  Printing errmsg, or testing its truthiness (it is
        ``"ok"`` on success), checks nothing (SPEC WXK103)."""
        parent = self.index.parent.get(node)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
            name = parent.targets[0].target.value  # ``status = data["errmsg"]`` … ``if status != "ok"``
            function = self.index.function_of(parent)
            return any(
                self._compares_text(use)
                for use in self.index.name_uses(name, function) if use is not parent.targets[0].target
            )
        return isinstance(parent, (cst.Comparison, cst.ComparisonTarget)) or (
            isinstance(parent, cst.Attribute) and parent.value is node
        )

    def is_delegated(self, family: cst.CSTNode) -> bool:
        """The whole answer is returned or passed on: the caller judges it."""
        usage = self.families.get(family)
        return usage is not None and usage.delegated


def _is_paging_read(use: cst.CSTNode) -> bool:
    return isinstance(use, cst.Call) and bool(use.args) and literal_string(use.args[0].value) in _PAGING_FIELDS


def _tests_presence(test: cst.BaseExpression, name: str) -> bool:
    """``token``, ``not token``, ``token is None``, ``token == ""`` (alone or in and/or): the code asks whether
    the field came back, which is how it notices an error answer.  ``len(batch) < 100`` is paging, not that."""
    if isinstance(test, cst.Name):
        return test.value == name
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _tests_presence(test.expression, name)
    if isinstance(test, cst.BooleanOperation):
        return _tests_presence(test.left, name) or _tests_presence(test.right, name)
    if _is_len_of(test, name):
        return True
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        other = test.comparisons[0].comparator
        sides = ((test.left, other), (other, test.left))
        return any(
            (isinstance(side, cst.Name) and side.value == name and _is_empty_value(value))
            or (_is_len_of(side, name) and isinstance(value, cst.Integer) and value.value == "0")
            for side, value in sides
        )
    return False


def _is_len_of(node: cst.BaseExpression, name: str) -> bool:
    """``len(name)``: compared with 0 it asks whether the field is empty, as ``not name`` does."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "len"
        and len(node.args) == 1
        and isinstance(node.args[0].value, cst.Name)
        and node.args[0].value.value == name
    )


def _is_empty_value(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value in ("None", "False")
    if isinstance(node, (cst.List, cst.Tuple, cst.Dict)):
        return not node.elements
    return isinstance(node, (cst.SimpleString, cst.Integer))
