"""Transport retries: urllib3 ``Retry`` and requests ``HTTPAdapter(max_retries=…)`` on the session WeCom calls go through."""

from __future__ import annotations

from typing import FrozenSet, List

import libcst as cst

from wxkf_lint.analysis.calls import CallAnalysis
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.retries.scope import inside, int_value
from wxkf_lint.analysis.retries.site import RetrySite
from wxkf_lint.analysis.syntax import callee_name, int_literal, keyword_arg, positional_args


def transport_sites(index: SyntaxIndex, calls: CallAnalysis) -> List[RetrySite]:
    """urllib3 ``Retry(total=n)`` and ``HTTPAdapter(max_retries=n)`` built where WeCom requests go out."""
    sites: List[RetrySite] = []
    if not any(call.kind == "http" for call in calls.calls.values()):
        return sites
    side = WeComSide(index, calls)
    for call in index.nodes(cst.Call):
        name = callee_name(call)
        if name in ("Retry", "HTTPAdapter") and not side.serves_wecom(call):
            continue
        if name == "Retry":
            total = keyword_arg(call, "total")
            value = total.value if total is not None else (positional_args(call)[0] if positional_args(call) else None)
            if value is None:
                continue
            bound = int_value(value, index)
            if isinstance(bound, int):
                sites.append(RetrySite(anchor=call, shape="transport", attempts=bound, pause=Fact.GOOD, bound_kind="retries"))
        elif name == "HTTPAdapter":
            retries = keyword_arg(call, "max_retries")
            if retries is not None and int_literal(retries.value) is not None:
                sites.append(RetrySite(anchor=call, shape="transport", attempts=int_literal(retries.value), pause=Fact.GOOD, bound_kind="retries"))
    return sites


class WeComSide:
    """Which functions are on the side of the file that sends WeCom requests: the functions that make a WeCom
    call and every method of their classes, found once, so that each transport retry asks a set, not every call."""

    def __init__(self, index: SyntaxIndex, calls: CallAnalysis) -> None:
        self.index = index
        self._senders: FrozenSet[cst.CSTNode] = frozenset(index.function_of(call) for call in calls.calls)
        self._classes: FrozenSet[cst.ClassDef] = frozenset(
            klass for klass in (index.class_of(sender) for sender in self._senders if isinstance(sender, cst.FunctionDef))
            if klass is not None
        )

    def serves_wecom(self, node: cst.CSTNode) -> bool:
        """A transport retry built where WeCom requests go out: at module level (the module's session), in a
        function or class that sends, or in a factory called from one (``s = wecom_session()`` in ``send``).
        A session for another API built in a file that also calls WeCom is not WeCom's retry."""
        function = self.index.function_of(node)
        if not isinstance(function, cst.FunctionDef):
            return True
        if self.sending_side(function):
            return True
        for call in self.index.calls_named(function.name.value):
            if inside(self.index, call, function):
                continue
            caller = self.index.function_of(call)
            if not isinstance(caller, cst.FunctionDef) or self.sending_side(caller):
                return True
        return False

    def sending_side(self, function: cst.FunctionDef) -> bool:
        """``function``, or a method of its class, makes a WeCom call."""
        if function in self._senders:
            return True
        klass = self.index.class_of(function)
        return klass is not None and klass in self._classes
