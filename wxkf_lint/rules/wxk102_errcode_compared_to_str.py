"""WXK102 errcode-compared-to-str: ``errcode`` is a JSON number, so ``== "0"`` is never true.

``resp["errcode"] == "0"`` silently treats every success as a failure (and ``!= "0"`` every failure as a
success path).  Comparing ``str(resp["errcode"])`` with a string is deliberate and fine.

That errcode is a number is a fact about WeCom's answers, so a read that is not of a WeCom answer is
reported only where it may well be one: not in a file that makes no WeCom call and names no WeCom URL (a
client of some other service whose ``errcode`` is ``"0"``), and not in a file that itself writes errcode as
a string (``{"errcode": "4103", "errmsg": …}``: a server's own protocol, compared by its own code and
tests).  There the int "fix" would break a test that works.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Iterator, List, Optional

import libcst as cst

from wxkf_lint.analysis.responses import ERRCODE, Read
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import keyword_arg
from wxkf_lint.rules.base import LintRule, Report

_INT_TEXT = re.compile(r"^\s*-?\d+\s*$")
_COMPARE = (cst.Equal, cst.NotEqual, cst.In, cst.NotIn, cst.Is, cst.IsNot)


def _int_node(text: str) -> cst.BaseExpression:
    value = int(text.strip())
    integer = cst.Integer(str(abs(value)))
    return cst.UnaryOperation(cst.Minus(), integer) if value < 0 else integer


def _string_literals(node: cst.BaseExpression) -> Optional[List[cst.BaseExpression]]:
    if literal_string(node) is not None:
        return [node]
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)) and node.elements:
        items = [element.value for element in node.elements]
        return items if all(literal_string(item) is not None for item in items) else None
    return None


class ErrcodeComparedToStr(LintRule):
    """Finds errcode compared (==, !=, in, is) with string literals; fixes numeric strings to ints."""

    code = "WXK102"

    def check(self) -> Iterator[Report]:
        for comparison in self.nodes(cst.Comparison):
            report = self._check_comparison(comparison)
            if report is not None:
                yield report

    def _check_comparison(self, node: cst.Comparison) -> Optional[Report]:
        responses = self.context.responses
        left = node.left
        for position, target in enumerate(node.comparisons):
            right = target.comparator
            if isinstance(target.operator, _COMPARE):
                for code_side, other, other_is_right in ((left, right, True), (right, left, False)):
                    read = responses.errcode_of(code_side)
                    if read is None or not self._may_be_wecom(read):
                        continue
                    literals = _string_literals(other)
                    if literals is None:
                        continue
                    texts = [literal_string(item) or "" for item in literals]
                    if self._get_default(code_side, read) in texts:
                        continue  # ``.get("errcode", "missing") == "missing"`` tests for no errcode, not its value
                    return self._report(node, position, other, other_is_right, texts)
            left = right
        return None

    def _get_default(self, code_side: cst.BaseExpression, read: Read) -> Optional[str]:
        """The string default of the ``.get("errcode", default)`` behind the compared value (also through a
        name bound to it): comparing with it asks whether errcode is absent, a fact about the answer's shape."""
        for node in (read.node, code_side, self._bound_value(code_side)):
            if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
                if len(node.args) >= 2:
                    return literal_string(node.args[1].value)
                default = keyword_arg(node, "default")
                return literal_string(default.value) if default is not None else None
        return None

    def _bound_value(self, node: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        if isinstance(node, cst.Name):
            binding = self.context.index.lookup(node.value, node)
            if binding is not None and isinstance(binding.value, cst.BaseExpression):
                return binding.value
        return None

    def _may_be_wecom(self, read: Read) -> bool:
        """Whether the errcode read may be WeCom's (a number): always for a WeCom answer; for any other
        read, only in WeCom code whose own literals never give errcode a string value."""
        if read.family is not None:
            return True
        return self.context.is_wecom_code and not self._writes_string_errcodes

    @cached_property
    def _writes_string_errcodes(self) -> bool:
        """The file builds answers whose errcode is a string: ``{"errcode": "0"}``, ``dict(errcode="0")``
        or ``body["errcode"] = "0"``."""
        index = self.context.index
        for element in index.nodes(cst.DictElement):
            if literal_string(element.key) == ERRCODE and literal_string(element.value) is not None:
                return True
        for call in index.nodes(cst.Call):
            if isinstance(call.func, cst.Name) and call.func.value == "dict":
                if any(arg.keyword is not None and arg.keyword.value == ERRCODE and literal_string(arg.value) is not None for arg in call.args):
                    return True
        for assign in index.nodes(cst.Assign):
            if literal_string(assign.value) is None:
                continue
            for target in assign.targets:
                subscript = target.target
                if isinstance(subscript, cst.Subscript) and len(subscript.slice) == 1:
                    index_slice = subscript.slice[0].slice
                    if isinstance(index_slice, cst.Index) and literal_string(index_slice.value) == ERRCODE:
                        return True
        return False

    def _report(self, node: cst.Comparison, position: int, other: cst.BaseExpression, other_is_right: bool, texts: List[str]) -> Report:
        shown = ", ".join(texts)
        numeric = all(_INT_TEXT.match(text) for text in texts)
        replacement = None
        if numeric and self._fixable(node, other, texts):
            new_other = self._as_ints(other)
            if other_is_right:
                comparisons = list(node.comparisons)
                comparisons[position] = comparisons[position].with_changes(comparator=new_other)
                replacement = node.with_changes(comparisons=comparisons)
            elif position == 0:
                replacement = node.with_changes(left=new_other)
        hint = f"compare with the int {shown}" if numeric else "compare with an int errcode"
        return self.report(
            node,
            f"errcode compared with a string; errcode is a JSON number, so this test never matches — {hint}",
            replacement=replacement,
            fix_description="compare errcode with int literals" if replacement is not None else "",
            unsafe=True,  # the test that never matched now can: the branch it guards comes alive
        )

    @staticmethod
    def _fixable(node: cst.Comparison, other: cst.BaseExpression, texts: List[str]) -> bool:
        """Whether the int literal means exactly what the string was meant to, and nothing else changes.

        Only ``==``/``!=`` with one string, or ``in``/``not in`` with a tuple, list or set of them (``in "0"``
        is a substring test, ``is 0`` an identity test); only canonical numbers (``"007"`` and ``" 0"`` are
        someone's guess); and only a comparison that is not chained, where the literal would be shared
        with the next comparison (``a == "0" == b``).
        """
        if len(node.comparisons) != 1 or any(str(int(text)) != text for text in texts):
            return False
        operator = node.comparisons[0].operator
        if isinstance(other, (cst.Tuple, cst.List, cst.Set)):
            return isinstance(operator, (cst.In, cst.NotIn))
        return isinstance(operator, (cst.Equal, cst.NotEqual))

    @staticmethod
    def _as_ints(node: cst.BaseExpression) -> cst.BaseExpression:
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            return node.with_changes(
                elements=[element.with_changes(value=_int_node(literal_string(element.value) or "0")) for element in node.elements]
            )
        return _int_node(literal_string(node) or "0")
