"""What text a string expression is known to contain, as far as the file shows.

WeCom URLs are rarely plain literals: they are f-strings around a base constant, ``BASE + path``,
``"%s?access_token=%s" % (...)``, ``"{}/kf/send_msg".format(base)`` or a local name bound to one of these.
:func:`static_text` folds such expressions to their text, with :data:`UNKNOWN` standing in for every part
it cannot see, so that marker and endpoint tests work on the folded text.
"""

from __future__ import annotations

import ast
import re
import string
import warnings
from functools import lru_cache
from typing import Callable, Optional, Set, Union

import libcst as cst

from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.syntax import dotted_name

UNKNOWN = "\x00"
_MAX_DEPTH = 8
_PERCENT_FIELD = re.compile(r"%%|%(\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdiouxXeEfFgGcra]")
_ENV_LOOKUPS = {"os.environ.get", "os.getenv", "environ.get", "getenv"}


@lru_cache(maxsize=8192)
def _evaluate(code: str) -> Union[str, bytes]:
    """``SimpleString.evaluated_value``, once per distinct literal: the analyses ask about the same
    literals many times (every lookup of a URL constant folds it again), and each evaluation compiles.

    Compiling ``"\\."`` warns about the invalid escape: a silent DeprecationWarning up to Python 3.11, a
    SyntaxWarning printed on stderr from 3.12 (and an error under ``-W error``).  The file's own escapes
    are not the linter's report, and the value is the same on every version, so the warning is ignored.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.literal_eval(code)


def simple_string_value(node: cst.SimpleString) -> Union[str, bytes]:
    """The value a plain string literal stands for (``str``, or ``bytes`` for a ``b"…"`` literal)."""
    return _evaluate(node.value)


def literal_string(node: cst.CSTNode) -> Optional[str]:
    """The value of a plain (possibly implicitly concatenated) string literal, else None.

    ``"a" "b" "c"`` is ``ConcatenatedString("a", ConcatenatedString("b", "c"))``: the parts are walked down the
    right spine in a loop, not by recursion, since real files concatenate thousands of parts (the stdlib's
    ``pydoc_data/topics.py``: 2,214 in one string, past Python's default recursion limit).
    """
    parts = []
    while isinstance(node, cst.ConcatenatedString):
        parts.append(node.left)
        node = node.right
    parts.append(node)
    values = []
    for part in parts:
        value = simple_string_value(part) if isinstance(part, cst.SimpleString) else None
        if not isinstance(value, str):
            return None
        values.append(value)
    return "".join(values)


def _returned_by_same_file_function(call: cst.Call, index: SyntaxIndex) -> Optional[cst.BaseExpression]:
    """What ``url()``, ``self._url(path)`` or ``Bot.__get_uri(key)`` returns, when the file has one function of
    that name and it has one ``return``: its parameters stay unknown parts of the text.  A method of any other
    object (``client.url()``) may be anyone's."""
    func = call.func
    if isinstance(func, cst.Name):
        name = func.value
    elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and (
        func.value.value in ("self", "cls") or index.classes_named(func.value.value)
    ):
        name = func.attr.value
    else:
        return None
    functions = index.functions_named(name)
    if len(functions) != 1:
        return None
    returns = [r for r in index.within(cst.Return, functions[0]) if index.function_of(r) is functions[0]]
    return returns[0].value if len(returns) == 1 else None


def static_text(node: cst.CSTNode, index: SyntaxIndex, _depth: int = 0, _seen: Optional[Set[int]] = None) -> Optional[str]:
    """Fold ``node`` to the text it builds, or None when it is not a string expression at all."""
    if _depth > _MAX_DEPTH:
        return None
    seen = _seen if _seen is not None else set()
    fold = lambda child: static_text(child, index, _depth + 1, seen)  # noqa: E731

    if isinstance(node, cst.SimpleString):
        value = simple_string_value(node)
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = fold(node.left), fold(node.right)
        return None if left is None and right is None else (left or UNKNOWN) + (right or UNKNOWN)
    if isinstance(node, cst.FormattedString):
        parts = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value)
            elif isinstance(part, cst.FormattedStringExpression):
                parts.append(fold(part.expression) or UNKNOWN)
        return "".join(parts)
    if isinstance(node, cst.BinaryOperation):
        if isinstance(node.operator, cst.Add):
            left, right = fold(node.left), fold(node.right)
            if left is None and right is None:
                return None
            return (left or UNKNOWN) + (right or UNKNOWN)
        if isinstance(node.operator, cst.Modulo):
            template = fold(node.left)
            return None if template is None else _percent_format(template, node.right, fold)
        return None
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "format":
            template = fold(func.value)
            return None if template is None else _brace_format(template, node, fold)
        if isinstance(func, cst.Attribute) and func.attr.value in ("strip", "rstrip", "lstrip"):
            return fold(func.value)
        if dotted_name(func) in _ENV_LOOKUPS and len(node.args) >= 2:
            # ``os.environ.get("WECOM_BASE", "https://qyapi…")``: the default is the URL the code is written for
            return fold(node.args[1].value)
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if name in ("urljoin", "join") and node.args:
            texts = [fold(arg.value) for arg in node.args if arg.keyword is None]
            if any(text is not None for text in texts):
                return "/".join(text or UNKNOWN for text in texts)
        returned = _returned_by_same_file_function(node, index)
        return fold(returned) if returned is not None else None
    if isinstance(node, cst.Name):
        if id(node) in seen:
            return None
        seen.add(id(node))
        binding = index.lookup(node.value, node)
        if binding is not None and binding.value is not None and isinstance(binding.value, cst.BaseExpression):
            return fold(binding.value)
        return None
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        owner = node.value.value
        if owner in ("self", "cls"):
            binding = index.lookup_self_attribute(node.attr.value, node)
        else:
            binding = _class_constant(owner, node.attr.value, index)
        if binding is not None and isinstance(binding.value, cst.BaseExpression):
            return fold(binding.value)
        return None
    return None


def _percent_format(template: str, values: cst.BaseExpression, fold: Callable[[cst.CSTNode], Optional[str]]) -> str:
    """``"%s/kf/send_msg?access_token=%s" % (BASE, token)`` with the arguments' text (or UNKNOWN) put in."""
    positional = [element.value for element in values.elements] if isinstance(values, cst.Tuple) else [values]
    named = {}
    if isinstance(values, cst.Dict):
        for element in values.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                named[simple_string_value(element.key)] = element.value
    position = iter(positional)

    def put(match: "re.Match[str]") -> str:
        if match.group(0) == "%%":
            return "%"
        key = match.group(1)
        value = named.get(key[1:-1]) if key else next(position, None)
        text = fold(value) if value is not None else None
        return text if text is not None else UNKNOWN

    return _PERCENT_FIELD.sub(put, template)


def _brace_format(template: str, call: cst.Call, fold: Callable[[cst.CSTNode], Optional[str]]) -> str:
    """``"{}/kf/{}".format(BASE, name)`` with the arguments' text (or UNKNOWN) put in; a template
    ``str.format`` itself would reject is returned as it is."""
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    named = {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}
    parts = []
    automatic = 0
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return template
    for literal, field, _spec, _conversion in fields:
        parts.append(literal)
        if field is None:
            continue
        head = re.split(r"[.\[]", field, maxsplit=1)[0]
        if head == "":
            value = positional[automatic] if automatic < len(positional) else None
            automatic += 1
        elif head.isdigit():
            value = positional[int(head)] if int(head) < len(positional) else None
        else:
            value = named.get(head)
        text = fold(value) if value is not None and head == field else None
        parts.append(text if text is not None else UNKNOWN)
    return "".join(parts)


def _class_constant(class_name: str, attr: str, index: SyntaxIndex):
    for klass in index.classes_named(class_name):
        found = index.bindings.get((klass, attr))
        if found:
            return found[-1]
    return None
