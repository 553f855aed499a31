"""WXK101 errmsg-branch: program logic that decides on ``errmsg`` text.

WeCom documents ``errcode`` as the only stable signal and may reword ``errmsg`` at any time, so a test on
its text silently stops matching.  Reading errmsg to log it, to format it into an exception, to return or
store it is right; comparing, searching or looking it up to choose a path is not.

The advice (and the fix) is to test errcode instead, so an errmsg that is not of a WeCom answer is
reported in a file that makes no WeCom call and names no WeCom URL only where that file reads an errcode
too: Tencent Cloud SMS answers ``{"result": 0, "errmsg": "OK"}``, with no errcode to test.
"""

from __future__ import annotations

from functools import cached_property
from typing import Iterator, Optional

import libcst as cst

from wxkf_lint.analysis.responses import ERRCODE, Read
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import callee_name, dotted_name
from wxkf_lint.analysis.branches import in_branch_test
from wxkf_lint.rules.base import LintRule, Report

#: errmsg texts (lower-case fragments) that identify one errcode, most specific first
_TEXT_CODES = (
    ("access_token expired", 42001),
    ("invalid access_token", 40014),
    ("access_token missing", 41001),
    ("invalid credential", 40001),
    ("invalid secret", 40001),
    ("invalid open_kfid", 95000),
    ("invalid msgtype", 40008),
    ("invalid media_id", 40007),
    ("freq out of limit", 45009),
    ("system busy", -1),
)
_STRING_TESTS = {"startswith", "endswith", "find", "rfind", "index", "rindex", "count", "__contains__"}
_REGEX_TESTS = {"re.match", "re.search", "re.fullmatch", "match", "search", "fullmatch"}
_COMPARE = (cst.Equal, cst.NotEqual, cst.In, cst.NotIn, cst.Is, cst.IsNot)


def _code_for_text(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    lowered = text.strip().lower()
    if lowered == "ok":
        return 0
    for fragment, code in _TEXT_CODES:
        if fragment in lowered:
            return code
    return None


def _message(text: Optional[str]) -> str:
    code = _code_for_text(text)
    hint = f"errcode ({code} for {text.strip()!r})".replace("'", '"') if code is not None else "errcode instead"
    return f"branching on errmsg text; errmsg wording may change — test {hint}"


def _strings_of(node: cst.CSTNode) -> Optional[list]:
    """The literal strings of ``"ok"`` or ``("ok", "busy")``; None when ``node`` is not such a literal."""
    single = literal_string(node)
    if single is not None:
        return [single]
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)) and node.elements:
        texts = [literal_string(element.value) for element in node.elements]
        return texts if all(text is not None for text in texts) else None
    return None


_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})


class ErrmsgBranch(LintRule):
    """Finds tests of errmsg text: comparisons, string methods, regexes, ``match``, lookups keyed by it."""

    code = "WXK101"

    def check(self) -> Iterator[Report]:
        for call in self.nodes(cst.Call):
            yield from self._check_call(call)
        for comparison in self.nodes(cst.Comparison):
            yield from self._check_comparison(comparison)
        for match in self.nodes(cst.Match):
            yield from self._check_match(match)
        for subscript in self.nodes(cst.Subscript):
            yield from self._check_subscript(subscript)

    def _in_test_assertion(self, node: cst.CSTNode) -> bool:
        """``assert resp["errmsg"] == "ok"`` in a test checks the test's own canned answer: it decides nothing
        in the program, so WeCom rewording errmsg cannot send the program down a wrong path."""
        if not self.context.is_test_file:
            return False
        return any(isinstance(ancestor, cst.Assert) for ancestor in self.context.index.ancestors(node))

    def _only_shown(self, node: cst.CSTNode) -> bool:
        """``print(r["errmsg"] == "ok")`` or ``log.info(...)`` of the comparison shows a value; no path of the
        program depends on it, so a rewording of errmsg changes only what is printed."""
        ancestors = self.context.index.ancestors(node)
        argument, call = next(ancestors, None), next(ancestors, None)
        if not isinstance(argument, cst.Arg) or not isinstance(call, cst.Call):
            return False
        callee = call.func
        if isinstance(callee, cst.Name):
            return callee.value == "print"
        return isinstance(callee, cst.Attribute) and callee.attr.value in _LOG_METHODS

    def _errmsg_of(self, node: cst.CSTNode) -> Optional[Read]:
        read = self.context.responses.errmsg_of(node)
        if read is None or read.family is not None or self._errcode_is_there:
            return read
        return None

    @cached_property
    def _errcode_is_there(self) -> bool:
        """WeCom code, or a file that reads errcode: the answers its errmsg comes from carry an errcode."""
        if self.context.is_wecom_code:
            return True
        return any(read.key == ERRCODE for read in self.context.responses.reads.values())

    def _check_comparison(self, node: cst.Comparison) -> Iterator[Report]:
        if self._in_test_assertion(node) or self._only_shown(node):
            return
        left = node.left
        for target in node.comparisons:
            right = target.comparator
            if isinstance(target.operator, _COMPARE):
                for errmsg_side, other in ((left, right), (right, left)):
                    if self._errmsg_of(errmsg_side) is None:
                        continue
                    texts = _strings_of(other)
                    is_lookup = isinstance(target.operator, (cst.In, cst.NotIn)) and errmsg_side is left
                    if texts is not None or is_lookup:
                        yield self._report_comparison(node, texts[0] if texts else None)
                        return
            left = right

    def _report_comparison(self, node: cst.Comparison, text: Optional[str]) -> Report:
        replacement = self._fix(node)
        return self.report(
            node,
            _message(text),
            replacement=replacement,
            fix_description='test errcode == 0 instead of errmsg == "ok"' if replacement is not None else "",
        )

    def _fix(self, node: cst.Comparison) -> Optional[cst.Comparison]:
        """``x["errmsg"] == "ok"`` → ``x["errcode"] == 0`` (also ``!=`` and ``.get``)."""
        if len(node.comparisons) != 1:
            return None
        target = node.comparisons[0]
        if not isinstance(target.operator, (cst.Equal, cst.NotEqual)):
            return None
        read_side, literal_side = node.left, target.comparator
        swapped = False
        if literal_string(literal_side) is None:
            read_side, literal_side, swapped = literal_side, read_side, True
        if (literal_string(literal_side) or "").strip() != "ok" or not isinstance(literal_side, cst.SimpleString):
            return None
        new_read = self._errcode_read(read_side)
        if new_read is None:
            return None
        zero = cst.Integer("0")
        if swapped:
            return node.with_changes(left=zero, comparisons=[target.with_changes(comparator=new_read)])
        return node.with_changes(left=new_read, comparisons=[target.with_changes(comparator=zero)])

    @staticmethod
    def _errcode_read(node: cst.CSTNode) -> Optional[cst.BaseExpression]:
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            key = node.slice[0].slice.value
            if isinstance(key, cst.SimpleString) and literal_string(key) == "errmsg":
                quote = key.value[0]
                new_key = key.with_changes(value=f"{quote}errcode{quote}")
                return node.with_changes(slice=[node.slice[0].with_changes(slice=cst.Index(new_key))])
        if isinstance(node, cst.Call) and callee_name(node) == "get" and node.args:
            key = node.args[0].value
            if isinstance(key, cst.SimpleString) and literal_string(key) == "errmsg":
                quote = key.value[0]
                first = node.args[0].with_changes(value=key.with_changes(value=f"{quote}errcode{quote}"), comma=cst.MaybeSentinel.DEFAULT)
                return node.with_changes(args=[first])
        return None

    def _check_call(self, node: cst.Call) -> Iterator[Report]:
        if self._in_test_assertion(node):
            return
        func = node.func
        name = callee_name(node)
        if isinstance(func, cst.Attribute) and name in _STRING_TESTS and self._errmsg_of(func.value) is not None:
            if in_branch_test(self.context.index, node):
                yield self.report(node, _message(literal_string(node.args[0].value) if node.args else None))
        elif dotted_name(func) in _REGEX_TESTS and len(node.args) >= 2 and self._errmsg_of(node.args[1].value) is not None:
            yield self.report(node, _message(None))
        elif isinstance(func, cst.Attribute) and name == "get" and node.args and self._errmsg_of(node.args[0].value) is not None:
            yield self.report(node, _message(None))

    def _check_subscript(self, node: cst.Subscript) -> Iterator[Report]:
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            if self._errmsg_of(node.slice[0].slice.value) is not None:
                yield self.report(node, _message(None))

    def _check_match(self, node: cst.Match) -> Iterator[Report]:
        if self._errmsg_of(node.subject) is None:
            return
        for case in node.cases:
            if isinstance(case.pattern, cst.MatchValue) and literal_string(case.pattern.value) is not None:
                yield self.report(node, _message(literal_string(case.pattern.value)))
                return
