"""Transport retries: urllib3 ``Retry`` and requests ``HTTPAdapter(max_retries=…)`` on the session WeCom calls go through."""

from __future__ import annotations

from typing import TYPE_CHECKING, List

import libcst as cst

from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.retries.scope import inside, int_value
from wxkf_lint.analysis.retries.site import RetrySite
from wxkf_lint.analysis.syntax import callee_name, int_literal, keyword_arg, positional_args

if TYPE_CHECKING:
    from wxkf_lint.analysis import FileContext


def transport_sites(context: "FileContext") -> List[RetrySite]:
    """urllib3 ``Retry(total=n)`` and ``HTTPAdapter(max_retries=n)`` built where WeCom requests go out."""
    sites: List[RetrySite] = []
    if not any(call.kind == "http" for call in context.calls.calls.values()):
        return sites
    for call in context.index.nodes(cst.Call):
        name = callee_name(call)
        if name in ("Retry", "HTTPAdapter") and not _serves_wecom(context, call):
            continue
        if name == "Retry":
            total = keyword_arg(call, "total")
            value = total.value if total is not None else (positional_args(call)[0] if positional_args(call) else None)
            if value is None:
                continue
            bound = int_value(value, context.index)
            if isinstance(bound, int):
                sites.append(RetrySite(anchor=call, shape="transport", attempts=bound, pause=Fact.GOOD, bound_kind="retries"))
        elif name == "HTTPAdapter":
            retries = keyword_arg(call, "max_retries")
            if retries is not None and int_literal(retries.value) is not None:
                sites.append(RetrySite(anchor=call, shape="transport", attempts=int_literal(retries.value), pause=Fact.GOOD, bound_kind="retries"))
    return sites


def _serves_wecom(context: "FileContext", node: cst.CSTNode) -> bool:
    """A transport retry built where WeCom requests go out: at module level (the module's session), in a
    function or class that sends, or in a factory called from one (``s = wecom_session()`` in ``send``).
    A session for another API built in a file that also calls WeCom is not WeCom's retry."""
    function = context.index.function_of(node)
    if not isinstance(function, cst.FunctionDef):
        return True
    if _sending_side(context, function):
        return True
    name = function.name.value
    for call in context.index.nodes(cst.Call):
        if callee_name(call) != name or inside(context.index, call, function):
            continue
        caller = context.index.function_of(call)
        if not isinstance(caller, cst.FunctionDef) or _sending_side(context, caller):
            return True
    return False


def _sending_side(context: "FileContext", function: cst.FunctionDef) -> bool:
    """``function``, or a method of its class, makes a WeCom call."""
    klass = context.index.class_of(function)
    for found in context.calls.calls.values():
        sender = context.index.function_of(found.node)
        if sender is function or (klass is not None and isinstance(sender, cst.FunctionDef) and context.index.class_of(sender) is klass):
            return True
    return False
