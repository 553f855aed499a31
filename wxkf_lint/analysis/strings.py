"""What text a string expression is known to contain, as far as the file shows.

WeCom URLs are rarely plain literals: they are f-strings around a base constant, ``BASE + path``,
``"%s?access_token=%s" % (...)``, ``"{}/kf/send_msg".format(base)`` or a local name bound to one of these.
:func:`static_text` folds such expressions to their text, with :data:`UNKNOWN` standing in for every part
it cannot see, so that marker and endpoint tests work on the folded text.
"""

from __future__ import annotations

from typing import Optional, Set

import libcst as cst

from wxkf_lint.analysis.index import SyntaxIndex

UNKNOWN = "\x00"
_MAX_DEPTH = 8


def literal_string(node: cst.CSTNode) -> Optional[str]:
    """The value of a plain (possibly implicitly concatenated) string literal, else None."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = literal_string(node.left), literal_string(node.right)
        return None if left is None or right is None else left + right
    return None


def static_text(node: cst.CSTNode, index: SyntaxIndex, _depth: int = 0, _seen: Optional[Set[int]] = None) -> Optional[str]:
    """Fold ``node`` to the text it builds, or None when it is not a string expression at all."""
    if _depth > _MAX_DEPTH:
        return None
    seen = _seen if _seen is not None else set()
    fold = lambda child: static_text(child, index, _depth + 1, seen)  # noqa: E731

    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
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
            return fold(node.left)
        return None
    if isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("format", "strip", "rstrip", "lstrip"):
            return fold(func.value)
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if name in ("urljoin", "join") and node.args:
            texts = [fold(arg.value) for arg in node.args if arg.keyword is None]
            if any(text is not None for text in texts):
                return "/".join(text or UNKNOWN for text in texts)
        return None
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


def _class_constant(class_name: str, attr: str, index: SyntaxIndex):
    for klass in index.nodes(cst.ClassDef):
        if klass.name.value == class_name:
            found = index.bindings.get((klass, attr))
            if found:
                return found[-1]
    return None
