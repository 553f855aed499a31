"""WXK501 json-built-by-hand: a WeCom request body built as text by formatting or concatenation.

A quote or newline in an interpolated value makes the body invalid JSON; WeCom then parses it partially and
answers with ``Warning: wrong json format.`` in errmsg.  Send ``json=body`` or
``json.dumps(body, ensure_ascii=False)``.
"""

from __future__ import annotations

import libcst as cst

from wxkf_lint.analysis.strings import static_text
from wxkf_lint.analysis.syntax import dotted_name
from wxkf_lint.rules.base import LintRule

_BUILT = (cst.FormattedString, cst.BinaryOperation, cst.Call)


def _looks_like_json(text: str) -> bool:
    stripped = text.strip()
    return stripped[:1] in ("{", "[") and '"' in stripped and ":" in stripped


def _is_json_dumps(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Call) and dotted_name(node.func) in ("json.dumps", "dumps")


class JsonBuiltByHand(LintRule):
    code = "WXK501"
    name = "json-built-by-hand"
    summary = "a request body built as JSON text by formatting or concatenation"

    def leave_Module(self, original_node: cst.Module) -> None:
        reported = set()
        bodies = self.context.bodies
        for body in bodies.bodies:
            value = body.value
            if _is_json_dumps(value) and value.args:
                # ``json.dumps(text)`` of text built by hand encodes it once more: still hand-built JSON
                value = bodies.resolve(value.args[0].value)
            if not isinstance(value, _BUILT) or value in reported:
                continue
            if isinstance(value, cst.Call) and not (isinstance(value.func, cst.Attribute) and value.func.attr.value == "format"):
                continue
            text = static_text(value, self.context.index)
            if text is not None and _looks_like_json(text):
                reported.add(value)
                self.report(
                    value,
                    "request body built as JSON text by hand; a quote in a value breaks it and WeCom answers "
                    "'Warning: wrong json format.' — send json=body (or json.dumps(body, ensure_ascii=False))",
                )
