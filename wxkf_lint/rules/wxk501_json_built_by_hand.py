"""WXK501 json-built-by-hand: a WeCom request body built as text by formatting or concatenation.

A quote or newline in an interpolated value makes the body invalid JSON; WeCom then parses it partially and
answers with ``Warning: wrong json format.`` in errmsg.  ``str(body)`` / ``repr(body)`` of a dict is Python's
notation, not JSON (single quotes, ``True``, ``None``), and ``.replace("'", '"')`` mends it only until a value
holds a quote.  Send ``json=body`` or ``json.dumps(body, ensure_ascii=False)``.
"""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from wxkf_lint.analysis.strings import literal_string, static_text
from wxkf_lint.analysis.syntax import dotted_name
from wxkf_lint.rules.base import LintRule, Report

_BUILT = (cst.FormattedString, cst.BinaryOperation, cst.Call)


def _looks_like_json(text: str) -> bool:
    stripped = text.strip()
    return stripped[:1] in ("{", "[") and '"' in stripped and ":" in stripped


def _is_json_dumps(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and dotted_name(node.func) in ("json.dumps", "dumps")


def _python_repr_of_dict(value: cst.BaseExpression, bodies) -> Optional[cst.Call]:
    """``str(d)`` / ``repr(d)`` where ``d`` is visibly a dict, or ``str(x).replace("'", '"')`` of any ``x`` (the
    quote swap is only ever done to pass Python's notation off as JSON): the ``str()``/``repr()`` call, else None."""
    swaps_quotes = False
    while isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and value.func.attr.value in ("replace", "encode"):
        if value.func.attr.value == "replace":
            texts = [literal_string(arg.value) for arg in value.args[:2]]
            swaps_quotes = swaps_quotes or texts == ["'", '"']
        value = value.func.value
    if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in ("str", "repr")):
        return None
    if len(value.args) != 1 or value.args[0].keyword is not None or value.args[0].star:
        return None
    argument = bodies.resolve(value.args[0].value)
    is_dict_call = isinstance(argument, cst.Call) and isinstance(argument.func, cst.Name) and argument.func.value == "dict"
    return value if swaps_quotes or isinstance(argument, (cst.Dict, cst.DictComp)) or is_dict_call else None


class JsonBuiltByHand(LintRule):
    code = "WXK501"

    def check(self) -> Iterator[Report]:
        reported = set()
        bodies = self.context.bodies
        for body in bodies.bodies:
            value = body.value
            if _is_json_dumps(value) and value.args:
                # ``json.dumps(text)`` of text built by hand encodes it once more: still hand-built JSON
                value = bodies.resolve(value.args[0].value)
            if not isinstance(value, _BUILT) or value in reported:
                continue
            if _python_repr_of_dict(value, bodies) is not None:
                reported.add(value)
                yield self.report(
                    value,
                    "request body sent as the str()/repr() of a dict: Python's notation is not JSON (quotes, True, "
                    "None) and WeCom answers 'Warning: wrong json format.' — send json=body "
                    "(or json.dumps(body, ensure_ascii=False))",
                )
                continue
            if isinstance(value, cst.Call) and not (isinstance(value.func, cst.Attribute) and value.func.attr.value == "format"):
                continue
            text = static_text(value, self.context.index)
            if text is not None and _looks_like_json(text):
                reported.add(value)
                yield self.report(
                    value,
                    "request body built as JSON text by hand; a quote in a value breaks it and WeCom answers "
                    "'Warning: wrong json format.' — send json=body (or json.dumps(body, ensure_ascii=False))",
                )
