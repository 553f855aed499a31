"""Retry decorators and iterators: tenacity ``@retry``/``Retrying``, backoff ``@backoff.on_exception``/``on_predicate``, retrying ``@retry``."""

from __future__ import annotations

from typing import FrozenSet, Optional, Set, Tuple

import libcst as cst

from wxkf_lint.analysis.codesets import Codes
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.retries.raises import Raises
from wxkf_lint.analysis.retries.scope import NETWORK_EXCEPTIONS, inside, int_value
from wxkf_lint.analysis.retries.site import UNKNOWN_BOUND, Bound, RetrySite
from wxkf_lint.analysis.retries.waits import WaitsAndRefreshes
from wxkf_lint.analysis.syntax import callee_name, dotted_name, keyword_arg, positional_args


def imported_modules(index: SyntaxIndex) -> Set[str]:
    found = set()
    for node in index.nodes(cst.Import):
        for alias in node.names:
            found.add(dotted_name(alias.name).split(".")[0])
    for node in index.nodes(cst.ImportFrom):
        if node.module is not None:
            found.add(dotted_name(node.module).split(".")[0])
    return found


class DecoratorSites(Raises, WaitsAndRefreshes):
    """Retries a library runs: decorated sending functions and tenacity's ``for attempt in Retrying(...)``."""

    def _find_decorators(self) -> None:
        imports = imported_modules(self.index)
        if not imports & {"tenacity", "backoff", "retrying"}:
            return
        for function in self.index.nodes(cst.FunctionDef):
            if function.name.value not in self._sending_names and not any(inside(self.index, c, function) for c in self.context.calls.calls):
                continue
            for decorator in function.decorators:
                site = self._decorator_site(function, decorator, imports)
                if site is not None:
                    self.sites.append(site)

    def _decorator_site(self, function: cst.FunctionDef, decorator: cst.Decorator, imports: Set[str]) -> Optional[RetrySite]:
        expression = decorator.decorator
        call = expression if isinstance(expression, cst.Call) else None
        name = dotted_name(call.func if call is not None else expression)
        last = name.rsplit(".", 1)[-1]
        raised = self._attempt_raises(function, list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else [])
        common = dict(anchor=decorator, refreshes_token=self._refreshes_in(function), endpoint=self._endpoint_in(function))
        if last == "retry" and ("tenacity" in imports or "retrying" in imports):
            if call is None:
                return RetrySite(shape="tenacity", attempts=None, waits=False,
                                 codes=self._exception_codes({"*"}, raised), exceptions=frozenset({"*"}), **common)
            if "retrying" in imports and "tenacity" not in imports:
                return self._retrying_site(call, raised, common)
            return self._tenacity_site(call, raised, common)
        if last in ("on_exception", "on_predicate") and "backoff" in imports and call is not None:
            tries = keyword_arg(call, "max_tries")
            max_time = keyword_arg(call, "max_time")
            attempts = int_value(tries.value, self.index) if tries is not None else (UNKNOWN_BOUND if max_time is not None else None)
            args = positional_args(call)
            if last == "on_exception":
                names = set()
                if len(args) >= 2:
                    for kind in ([e.value for e in args[1].elements] if isinstance(args[1], cst.Tuple) else [args[1]]):
                        dotted = dotted_name(kind)
                        names.add(dotted.rsplit(".", 1)[-1] if dotted else "*")
                codes = self._exception_codes(names, raised)
                exceptions = frozenset({n for n in names if NETWORK_EXCEPTIONS.search(n)} or names)
            else:
                predicate = args[1] if len(args) >= 2 else (keyword_arg(call, "predicate").value if keyword_arg(call, "predicate") else None)
                codes = self._lambda_codes(predicate)
                exceptions = frozenset()
            return RetrySite(shape="backoff", attempts=attempts, waits=True, codes=codes, exceptions=exceptions, **common)
        return None

    def _tenacity_site(self, call: cst.Call, raised: Codes, common: dict) -> RetrySite:
        """``@retry(...)``, ``Retrying(...)``: bound from ``stop=``, pause from ``wait=``, trigger from ``retry=``."""
        stop = keyword_arg(call, "stop")
        attempts: Bound = self._stop_attempts(stop.value) if stop is not None else None
        waits = keyword_arg(call, "wait") is not None
        exceptions, codes = self._tenacity_trigger(keyword_arg(call, "retry"), raised)
        return RetrySite(shape="tenacity", attempts=attempts, waits=waits, codes=codes, exceptions=exceptions, **common)

    def _retrying_site(self, call: cst.Call, raised: Codes, common: dict) -> RetrySite:
        limit = keyword_arg(call, "stop_max_attempt_number")
        delay = keyword_arg(call, "stop_max_delay")
        attempts: Bound = int_value(limit.value, self.index) if limit is not None else (UNKNOWN_BOUND if delay is not None else None)
        waits = any(keyword_arg(call, k) is not None for k in ("wait_fixed", "wait_random_min", "wait_random_max", "wait_exponential_multiplier", "wait_func"))
        return RetrySite(shape="retrying", attempts=attempts, waits=waits, codes=self._exception_codes({"*"}, raised),
                         exceptions=frozenset({"*"}), **common)

    def _stop_attempts(self, node: cst.CSTNode) -> Bound:
        if isinstance(node, cst.Call) and callee_name(node) == "stop_after_attempt" and node.args:
            return int_value(node.args[0].value, self.index)
        if isinstance(node, cst.BinaryOperation):
            for side in (node.left, node.right):
                found = self._stop_attempts(side)
                if isinstance(found, int):
                    return found
            return UNKNOWN_BOUND
        return UNKNOWN_BOUND

    def _tenacity_trigger(self, retry: Optional[cst.Arg], raised: Codes) -> Tuple[FrozenSet[str], Codes]:
        if retry is None:
            return frozenset({"*"}), self._exception_codes({"*"}, raised)
        value = retry.value
        if isinstance(value, cst.Call) and callee_name(value) == "retry_if_exception_type" and value.args:
            kinds = value.args[0].value
            names = set()
            for kind in ([e.value for e in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]):
                dotted = dotted_name(kind)
                names.add(dotted.rsplit(".", 1)[-1] if dotted else "*")
            return frozenset(names), self._exception_codes(names, raised)
        if isinstance(value, cst.Call) and callee_name(value) == "retry_if_result" and value.args:
            return frozenset(), self._lambda_codes(value.args[0].value)
        return frozenset(), frozenset()

    def _lambda_codes(self, predicate: Optional[cst.CSTNode]) -> Codes:
        if isinstance(predicate, cst.Lambda):
            body = predicate.body
            test = self.tests.predicate(body)
            if test is not None:
                return frozenset(self.tests.codes_where(test, self.universe) - {0})
        return frozenset()
