"""Which errcodes make a condition true: ``code == -1`` → {-1}, ``data["errcode"] != 0`` → every code but 0.

Conditions are evaluated over a small universe of sample codes: the codes domain.md names, the int
literals the file compares errcode with, and :data:`OTHER` for "any code not mentioned".  That is enough to
tell a retry on ``-1`` from a retry on "any error", and to tell which codes a kf handler separates.
"""

from __future__ import annotations

import re
from typing import Callable, FrozenSet, Iterable, Optional

import libcst as cst

from wxkf_lint.analysis.index import Binding, SyntaxIndex
from wxkf_lint.analysis.responses import ResponseAnalysis
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import dotted_name, int_literal

#: Stands for every errcode the code under test does not mention (compares as a large positive code).
OTHER = 999_999
BASE_UNIVERSE = frozenset({0, -1, 45009, 40001, 40014, 42001, 95000, 95001, 95002, OTHER})

Codes = FrozenSet[int]
#: sample code → True / False / None (the condition depends on something else too)
Predicate = Callable[[int], Optional[bool]]


def int_set(node: cst.CSTNode, index: SyntaxIndex, _depth: int = 0) -> Optional[FrozenSet[int]]:
    """The ints of ``5``, ``(-1, 45009)``, ``{40014, 42001}``, the keys of ``{95001: "…"}``, ``frozenset({...})``,
    or a name bound once to one of those (``SEND_LIMITS``, ``self.RETRYABLE``, ``Codes.BUSY``; see :func:`constant_value`).

    ``errcode in SEND_LIMITS`` tests the same codes as the literal would, so WXK401/WXK402 and the retry trigger
    read the set instead of giving up; anything that is not all ints is None (unknown), never a partial set.
    """
    single = int_literal(node)
    if single is not None:
        return frozenset({single})
    if _depth >= _MAX_DEPTH:
        return None
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return _union(int_set(element.value, index, _depth + 1) for element in node.elements)
    if isinstance(node, cst.Dict):
        keys = [element.key if isinstance(element, cst.DictElement) else element.value for element in node.elements]
        return _union(int_set(key, index, _depth + 1) for key in keys)  # ``**OTHER`` adds OTHER's keys
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in _COLLECTION_CALLS:
        if not node.args:
            return frozenset()
        if len(node.args) == 1 and node.args[0].keyword is None and not node.args[0].star:
            return int_set(node.args[0].value, index, _depth + 1)
        return None
    value = constant_value(node, index)
    return int_set(value, index, _depth + 1) if value is not None else None


#: How many names deep a constant is followed (``LIMITS = (SEND_COUNT, SEND_WINDOW)``, each a name).
_MAX_DEPTH = 4
_COLLECTION_CALLS = ("frozenset", "set", "tuple", "list")
#: Enum bases whose members compare equal to their int value; other Enum members need ``.value``.
_INT_ENUMS = re.compile(r"(^|\.)(IntEnum|IntFlag)$")
_ENUMS = re.compile(r"(Enum|Flag)$")


def _union(parts: Iterable[Optional[FrozenSet[int]]]) -> Optional[FrozenSet[int]]:
    found: FrozenSet[int] = frozenset()
    for part in parts:
        if part is None:
            return None
        found |= part
    return found


def constant_value(node: cst.CSTNode, index: SyntaxIndex) -> Optional[cst.BaseExpression]:
    """The expression a name stands for when it is bound exactly once: ``NAME`` (in its scope, no ``+=``, no
    ``global NAME`` elsewhere), ``self.NAME`` / ``cls.NAME`` (a class-level constant no method assigns), and
    ``Class.NAME`` of a same-file class (an IntEnum member, or ``Enum.NAME.value``).  A name bound twice may
    hold either value, so it stays unknown (None)."""
    if isinstance(node, cst.Name):
        binding = _sole_binding(node.value, node, index)
        return binding.value if binding is not None and isinstance(binding.value, cst.BaseExpression) else None
    if not isinstance(node, cst.Attribute):
        return None
    owner, attr, enum_value = node.value, node.attr.value, False
    if attr == "value" and isinstance(owner, cst.Attribute):
        owner, attr, enum_value = owner.value, owner.attr.value, True
    if not isinstance(owner, cst.Name):
        return None
    if owner.value in ("self", "cls") and not enum_value:
        klass = index.class_of(node)
        if klass is None or (klass, f"self.{attr}") in index.bindings:
            return None
    else:
        classes = [c for c in index.classes_named(owner.value) if isinstance(index.scope_of(c), cst.Module)]
        if len(classes) != 1:
            return None
        klass = classes[0]
        bases = [dotted_name(base.value) for base in klass.bases]
        if any(_ENUMS.search(base) for base in bases) and not enum_value and not any(_INT_ENUMS.search(base) for base in bases):
            return None  # ``Codes.BUSY`` of a plain Enum is a member, never equal to an int
    found = index.bindings.get((klass, attr), [])
    if len(found) != 1 or not isinstance(found[0].value, cst.BaseExpression):
        return None
    return found[0].value


def _sole_binding(name: str, at: cst.CSTNode, index: SyntaxIndex) -> Optional[Binding]:
    """The binding ``at`` sees (scopes searched as :meth:`SyntaxIndex.lookup` does) if it is the only one there."""
    scope, found = index.visible_bindings(name, at)
    if len(found) != 1 or scope is None or index.is_rebound(name, scope):
        return None
    return found[0]


class CodeTests:
    """Evaluates errcode conditions of one file."""

    def __init__(self, index: SyntaxIndex, responses: ResponseAnalysis) -> None:
        self.index = index
        self.responses = responses
        mentioned = set()
        for node in index.nodes(cst.Integer):
            value = int_literal(node)
            if value is not None and value >= 0:
                mentioned.add(value)
        for node in index.nodes(cst.UnaryOperation):
            value = int_literal(node)
            if value is not None:
                mentioned.add(value)
        self.universe: Codes = BASE_UNIVERSE | frozenset(code for code in mentioned if code == -1 or code >= 40000)

    def predicate(self, test: cst.CSTNode) -> Optional[Predicate]:
        """A predicate over codes if ``test`` involves an errcode read, else None."""
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            inner = self.predicate(test.expression)
            return None if inner is None else (lambda code: None if inner(code) is None else not inner(code))
        if isinstance(test, cst.BooleanOperation):
            left, right = self.predicate(test.left), self.predicate(test.right)
            if left is None and right is None:
                return None
            if isinstance(test.operator, cst.And):
                return lambda code: _and(left(code) if left else None, right(code) if right else None)
            return lambda code: _or(left(code) if left else None, right(code) if right else None)
        if isinstance(test, cst.Comparison):
            return self._comparison(test)
        if self.responses.errcode_of(test) is not None:
            return lambda code: code != 0
        return None

    def _comparison(self, test: cst.Comparison) -> Optional[Predicate]:
        parts = []
        left = test.left
        for target in test.comparisons:
            right = target.comparator
            part = self._pair(left, target.operator, right)
            if part is not None:
                parts.append(part)
            left = right
        if not parts:
            return None
        return lambda code: all(part(code) for part in parts)

    def _pair(self, left: cst.BaseExpression, operator: cst.BaseCompOp, right: cst.BaseExpression) -> Optional[Predicate]:
        if self.responses.errcode_of(left) is not None:
            values = int_set(right, self.index)
            flipped = False
        elif self.responses.errcode_of(right) is not None and not isinstance(operator, (cst.In, cst.NotIn)):
            values = int_set(left, self.index)
            flipped = True
        elif isinstance(operator, _TEXT_OPERATORS) and self._is_errcode_text(left):
            values = _numeric_texts(right)  # ``str(data["errcode"]) == "0"`` tests the code as ``== 0`` does
            flipped = False
        elif isinstance(operator, (cst.Equal, cst.NotEqual)) and self._is_errcode_text(right):
            values = _numeric_texts(left)
            flipped = True
        else:
            return None
        if values is None:
            return None
        value = next(iter(values)) if len(values) == 1 else None
        if isinstance(operator, (cst.Equal, cst.Is)) and value is not None:
            return lambda code: code == value
        if isinstance(operator, (cst.NotEqual, cst.IsNot)) and value is not None:
            return lambda code: code != value
        if isinstance(operator, cst.In):
            return lambda code: code in values
        if isinstance(operator, cst.NotIn):
            return lambda code: code not in values
        if value is None:
            return None
        ordered = {
            cst.LessThan: (lambda a, b: a < b),
            cst.LessThanEqual: (lambda a, b: a <= b),
            cst.GreaterThan: (lambda a, b: a > b),
            cst.GreaterThanEqual: (lambda a, b: a >= b),
        }.get(type(operator))
        if ordered is None:
            return None
        return (lambda code: ordered(value, code)) if flipped else (lambda code: ordered(code, value))

    def _is_errcode_text(self, node: cst.BaseExpression) -> bool:
        """``str(read)`` of an errcode read: compared with ``"0"`` it is a real test (WXK102 leaves it alone)."""
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value == "str"
            and len(node.args) == 1
            and self.responses.errcode_of(node.args[0].value) is not None
        )

    def codes_where(self, predicate: Predicate, within: Iterable[int]) -> Codes:
        """The codes of ``within`` for which the condition may hold (unknown counts as may)."""
        return frozenset(code for code in within if predicate(code) is not False)

    def codes_where_not(self, predicate: Predicate, within: Iterable[int]) -> Codes:
        return frozenset(code for code in within if predicate(code) is not True)


_TEXT_OPERATORS = (cst.Equal, cst.NotEqual, cst.In, cst.NotIn)


def _numeric_texts(node: cst.CSTNode) -> Optional[FrozenSet[int]]:
    """The codes of ``"0"`` or ``("40014", "42001")``, written as ``str(int)`` writes them; else None."""
    elements = [element.value for element in node.elements] if isinstance(node, (cst.Tuple, cst.List, cst.Set)) else [node]
    texts = [literal_string(element) for element in elements]
    if not texts or any(text is None or not re.fullmatch(r"-?[0-9]+", text) or str(int(text)) != text for text in texts):
        return None
    return frozenset(int(text) for text in texts if text is not None)


def _and(a: Optional[bool], b: Optional[bool]) -> Optional[bool]:
    if a is False or b is False:
        return False
    if a is True and b is True:
        return True
    return True if (a is None) != (b is None) else None


def _or(a: Optional[bool], b: Optional[bool]) -> Optional[bool]:
    if a is True or b is True:
        return True
    if a is False and b is False:
        return False
    return False if (a is None) != (b is None) else None


def describe(codes: Iterable[int]) -> str:
    """``any non-zero errcode`` or ``40001, 95001`` for messages."""
    values = sorted(set(codes))
    if OTHER in values:
        return "any non-zero errcode"
    return ", ".join(str(code) for code in values)
