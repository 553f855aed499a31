"""Which errcodes make a condition true: ``code == -1`` → {-1}, ``data["errcode"] != 0`` → every code but 0.

Conditions are evaluated over a small universe of sample codes: the codes domain.md names, the int
literals the file compares errcode with, and :data:`OTHER` for "any code not mentioned".  That is enough to
tell a retry on ``-1`` from a retry on "any error", and to tell which codes a kf handler separates.
"""

from __future__ import annotations

import re
from typing import Callable, FrozenSet, Iterable, Optional

import libcst as cst

from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.responses import ResponseAnalysis
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import int_literal

#: Stands for every errcode the code under test does not mention (compares as a large positive code).
OTHER = 999_999
BASE_UNIVERSE = frozenset({0, -1, 45009, 40001, 40014, 42001, 95000, 95001, 95002, OTHER})

Codes = FrozenSet[int]
#: sample code → True / False / None (the condition depends on something else too)
Predicate = Callable[[int], Optional[bool]]


def int_set(node: cst.CSTNode, index: SyntaxIndex, _depth: int = 0) -> Optional[FrozenSet[int]]:
    """The ints of ``5``, ``(-1, 45009)``, ``{40014, 42001}``, ``frozenset({...})`` or a name bound to one."""
    single = int_literal(node)
    if single is not None:
        return frozenset({single})
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        values = [int_literal(element.value) for element in node.elements]
        return frozenset(v for v in values if v is not None) if all(v is not None for v in values) else None
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in ("frozenset", "set", "tuple") and len(node.args) == 1:
        return int_set(node.args[0].value, index, _depth + 1)
    if isinstance(node, cst.Name) and _depth < 4:
        binding = index.lookup(node.value, node)
        if binding is not None and isinstance(binding.value, cst.BaseExpression):
            return int_set(binding.value, index, _depth + 1)
    return None


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
