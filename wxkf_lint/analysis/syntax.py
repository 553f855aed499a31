"""Small questions about single expressions, shared by the analyses and the rules."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst


def dotted_name(node: cst.CSTNode) -> str:
    """``a.b.c`` for a Name/Attribute chain; ``""`` when any part is not a plain name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr.value}" if head else ""
    return ""


def callee_name(call: cst.Call) -> str:
    """The last name of what is called: ``post`` for ``self.session.post(...)``."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    if isinstance(func, cst.Name):
        return func.value
    return ""


def receiver(call: cst.Call) -> Optional[cst.BaseExpression]:
    """``self.session`` for ``self.session.post(...)``; None for a plain function call."""
    return call.func.value if isinstance(call.func, cst.Attribute) else None


def positional_args(call: cst.Call) -> list:
    return [arg.value for arg in call.args if arg.keyword is None and not arg.star]


def keyword_arg(call: cst.Call, *names: str) -> Optional[cst.Arg]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in names:
            return arg
    return None


def names_in(node: cst.CSTNode) -> Iterator[str]:
    """Every plain name used inside an expression (expressions are small; no index needed)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            yield current.value
        elif isinstance(current, (cst.Lambda, cst.FunctionDef, cst.ClassDef)):
            continue
        else:
            stack.extend(current.children)


def int_literal(node: cst.CSTNode) -> Optional[int]:
    """The value of ``5``, ``-1``, ``+3``; None otherwise."""
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Integer):
        value = int(node.expression.value, 0)
        if isinstance(node.operator, cst.Minus):
            return -value
        if isinstance(node.operator, cst.Plus):
            return value
    return None
