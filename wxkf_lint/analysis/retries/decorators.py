"""Retry decorators and iterators: tenacity ``@retry``/``Retrying``, backoff ``@backoff.on_exception``/``on_predicate``, retrying ``@retry``.

What a decorator's settings are is read the way the file shows them: keywords written in the call, a
``**RETRY_CONFIG`` dict or ``dict(...)`` constant of the same file, names bound once to a constant
(``stop=STOP``), and a decorator made once at module level (``net_retry = retry(...)``, then ``@net_retry``).
Settings that arrive from elsewhere (``**kwargs`` of a parameter, a config imported from another module)
leave the bound, the pause and the trigger unknown, never "none".  A decorator named ``retry`` that is not
tenacity's or retrying's (a same-file function, an import from another module) is not read as theirs.
A site made from one shared construct (the dict, the module-level decorator) is anchored at that construct,
so the analysis reports it once for all the functions it decorates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Set, Tuple

import libcst as cst

from wxkf_lint.analysis.codesets import Codes, constant_value
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.retries.flow import Flow
from wxkf_lint.analysis.retries.raises import Raises
from wxkf_lint.analysis.retries.scope import NETWORK_EXCEPTIONS, RetryFile, int_value
from wxkf_lint.analysis.retries.site import UNKNOWN_BOUND, Bound, RetrySite
from wxkf_lint.analysis.retries.waits import Renewals
from wxkf_lint.analysis.strings import simple_string_value
from wxkf_lint.analysis.syntax import callee_name, dotted_name, positional_args


def imported_modules(index: SyntaxIndex) -> Set[str]:
    found = set()
    for node in index.nodes(cst.Import):
        for alias in node.names:
            found.add(dotted_name(alias.name).split(".")[0])
    for node in index.nodes(cst.ImportFrom):
        if node.module is not None:
            found.add(dotted_name(node.module).split(".")[0])
    return found


def _imported_names(index: SyntaxIndex) -> Dict[str, str]:
    """Local name → the top-level module of the first ``from m import name`` (or ``… as name``) that binds it."""
    found: Dict[str, str] = {}
    for node in index.nodes(cst.ImportFrom):
        if node.module is None or isinstance(node.names, cst.ImportStar):
            continue
        module = dotted_name(node.module).split(".")[0]
        for alias in node.names:
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else dotted_name(alias.name)
            found.setdefault(local, module)
    return found


#: the modules whose ``retry`` decorator the analysis knows
RETRY_LIBRARIES = ("tenacity", "retrying")


@dataclass
class RetrySettings:
    """A retry decorator's (or ``Retrying(...)``'s) arguments as far as the file shows them."""

    call: cst.Call
    keywords: Dict[str, cst.BaseExpression] = field(default_factory=dict)
    positional: Tuple[cst.BaseExpression, ...] = ()
    #: ``**x`` / ``*x`` the file does not show: any setting not in ``keywords`` may be in it
    hidden: bool = False
    #: the shared construct the settings come from (a ``**CONFIG`` dict, a module-level decorator), if any
    shared: Optional[cst.CSTNode] = None

    def get(self, name: str, index: SyntaxIndex) -> Optional[cst.BaseExpression]:
        """A setting's value, followed through a name bound once to a constant (``stop=STOP``)."""
        value = self.keywords.get(name)
        if isinstance(value, (cst.Name, cst.Attribute)):
            return constant_value(value, index) or value
        return value


def read_settings(call: cst.Call, index: SyntaxIndex) -> RetrySettings:
    """The keywords of ``call``, with ``**NAME`` expanded where NAME is a same-file dict constant."""
    settings = RetrySettings(call=call, positional=tuple(positional_args(call)))
    for arg in call.args:
        if arg.keyword is not None:
            settings.keywords[arg.keyword.value] = arg.value
        elif arg.star == "**":
            expanded = _dict_items(arg.value, index)
            if expanded is None:
                settings.hidden = True
            else:
                settings.keywords.update(expanded)
                if isinstance(arg.value, (cst.Name, cst.Attribute)):
                    settings.shared = constant_value(arg.value, index)
        elif arg.star == "*":
            settings.hidden = True
    return settings


def _dict_items(node: cst.BaseExpression, index: SyntaxIndex) -> Optional[Dict[str, cst.BaseExpression]]:
    """``{"stop": …}``, ``dict(stop=…)``, or a name bound once to one of those; None when not shown."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        value = constant_value(node, index)
        return _dict_items(value, index) if value is not None and value is not node else None
    if isinstance(node, cst.Dict):
        items: Dict[str, cst.BaseExpression] = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return None
            key = element.key
            if not isinstance(key, cst.SimpleString):
                return None
            name = simple_string_value(key)
            if not (isinstance(name, str) and name.isidentifier()):
                return None
            items[name] = element.value
        return items
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict":
        if any(arg.keyword is None for arg in node.args):
            return None
        return {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
    return None


def _exception_names(node: Optional[cst.BaseExpression], index: SyntaxIndex) -> Optional[Set[str]]:
    """The class names of ``ReadTimeout`` or ``(requests.Timeout, ConnectionError)`` (also through a tuple
    constant); None when the classes cannot be read."""
    if node is None:
        return None
    if isinstance(node, (cst.Name, cst.Attribute)):
        value = constant_value(node, index)
        if isinstance(value, (cst.Tuple, cst.List)):
            node = value
    kinds = [e.value for e in node.elements] if isinstance(node, (cst.Tuple, cst.List)) else [node]
    names = set()
    for kind in kinds:
        dotted = dotted_name(kind)
        if not dotted:
            return None
        names.add(dotted.rsplit(".", 1)[-1])
    return names


class DecoratorSites:
    """Retries a library runs: decorated sending functions and tenacity's ``for attempt in Retrying(...)``."""

    def __init__(self, file: RetryFile, raises: Raises, flow: Flow, renewals: Renewals) -> None:
        self.file = file
        self.raises = raises
        self.flow = flow
        self.renewals = renewals
        self.index = file.index
        self.tests = file.tests
        self.universe = file.universe
        self._imported_from = _imported_names(self.index)

    def find(self) -> List[RetrySite]:
        """The retry decorators on the file's sending functions."""
        sites: List[RetrySite] = []
        imports = imported_modules(self.index)
        if not imports & {"tenacity", "backoff", "retrying"}:
            return sites
        # a call is in a function's own code when its innermost scope is that function (no def, lambda or class between)
        sending_scopes = {self.index.scope_of(call) for call in self.file.context.calls.calls}
        for function in self.index.nodes(cst.FunctionDef):
            if function.name.value not in self.file.sending_names and function not in sending_scopes:
                continue
            for decorator in function.decorators:
                site = self._decorator_site(function, decorator, imports)
                if site is not None:
                    sites.append(site)
        return sites

    def _library_of(self, name: str, at: cst.CSTNode) -> Optional[str]:
        """The module a decorator name comes from: ``tenacity`` for ``tenacity.retry`` or a ``retry`` imported
        from tenacity; None for a same-file function, a name bound in the file, or an import from elsewhere."""
        head, _, _ = name.partition(".")
        if "." in name:
            return head
        if self.index.functions_named(name) or self.index.lookup(name, at) is not None:
            return None  # the file's own ``def retry`` / ``retry = …`` shadows any import of that name
        return self._imported_from.get(name)

    def _decorator_site(self, function: cst.FunctionDef, decorator: cst.Decorator, imports: Set[str]) -> Optional[RetrySite]:
        expression = decorator.decorator
        shared: Optional[cst.CSTNode] = None
        if isinstance(expression, cst.Name):
            made = constant_value(expression, self.index)
            if isinstance(made, cst.Call):  # ``net_retry = retry(...)`` at module level, then ``@net_retry``
                expression, shared = made, made
        call = expression if isinstance(expression, cst.Call) else None
        name = dotted_name(call.func if call is not None else expression)
        last = name.rsplit(".", 1)[-1]
        library = self._library_of(name, decorator) if name else None
        raised = self.flow.attempt_raises(function, list(function.body.body) if isinstance(function.body, cst.IndentedBlock) else [])
        common = dict(refreshes_token=self.renewals.refreshes_in(function), endpoint=self.file.endpoint_in(function),
                      retried=(function,))
        if last == "retry" and library in RETRY_LIBRARIES:
            if call is None:
                return RetrySite(anchor=decorator, shape="tenacity", attempts=None, pause=Fact.BAD,
                                 codes=self.raises.exception_codes({"*"}, raised), exceptions=frozenset({"*"}), **common)
            settings = read_settings(call, self.index)
            settings.shared = settings.shared or shared
            anchor = settings.shared or decorator
            if library == "retrying":
                return self._retrying_site(settings, raised, dict(common, anchor=anchor))
            return self.tenacity_site(settings, raised, dict(common, anchor=anchor))
        if last in ("on_exception", "on_predicate") and library == "backoff" and call is not None:
            settings = read_settings(call, self.index)
            settings.shared = settings.shared or shared
            return self._backoff_site(last, settings, raised, dict(common, anchor=settings.shared or decorator))
        return None

    def _backoff_site(self, kind: str, settings: RetrySettings, raised: Codes, common: dict) -> RetrySite:
        """``@backoff.on_exception(wait_gen, exceptions, max_tries=…)``: backoff always waits (its wait_gen)."""
        tries, max_time = settings.get("max_tries", self.index), settings.get("max_time", self.index)
        attempts: Bound
        if tries is not None:
            attempts = int_value(tries, self.index)
        else:
            attempts = UNKNOWN_BOUND if max_time is not None or settings.hidden else None
        args = settings.positional
        trigger_known = True
        if kind == "on_exception":
            names = _exception_names(args[1] if len(args) >= 2 else settings.keywords.get("exception"), self.index)
            if names is None:
                names, trigger_known = set(), False
            codes = self.raises.exception_codes(names, raised)
            exceptions = frozenset({n for n in names if NETWORK_EXCEPTIONS.search(n)} or names)
        else:
            predicate = args[1] if len(args) >= 2 else settings.keywords.get("predicate")
            codes = self._lambda_codes(predicate)
            exceptions = frozenset()
        return RetrySite(shape="backoff", attempts=attempts, pause=Fact.GOOD, codes=codes, exceptions=exceptions,
                         trigger_known=trigger_known, **common)

    def tenacity_site(self, settings: RetrySettings, raised: Codes, common: dict) -> RetrySite:
        """``@retry(...)``, ``Retrying(...)``: bound from ``stop=``, pause from ``wait=``, trigger from ``retry=``."""
        stop = settings.get("stop", self.index)
        attempts: Bound = self._stop_attempts(stop) if stop is not None else (UNKNOWN_BOUND if settings.hidden else None)
        if "wait" in settings.keywords:
            pause = Fact.GOOD
        else:
            pause = Fact.UNKNOWN if settings.hidden else Fact.BAD
        retry = settings.get("retry", self.index)
        if retry is None and settings.hidden:
            exceptions, codes, known = frozenset(), frozenset(), False
        else:
            exceptions, codes, known = self._tenacity_trigger(retry, raised)
        return RetrySite(shape="tenacity", attempts=attempts, pause=pause, codes=codes, exceptions=exceptions,
                         trigger_known=known, **common)

    def _retrying_site(self, settings: RetrySettings, raised: Codes, common: dict) -> RetrySite:
        limit = settings.get("stop_max_attempt_number", self.index)
        delay = settings.get("stop_max_delay", self.index)
        attempts: Bound
        if limit is not None:
            attempts = int_value(limit, self.index)
        else:
            attempts = UNKNOWN_BOUND if delay is not None or settings.hidden else None
        waiting = ("wait_fixed", "wait_random_min", "wait_random_max", "wait_exponential_multiplier", "wait_func")
        if any(k in settings.keywords for k in waiting):
            pause = Fact.GOOD
        else:
            pause = Fact.UNKNOWN if settings.hidden else Fact.BAD
        return RetrySite(shape="retrying", attempts=attempts, pause=pause, codes=self.raises.exception_codes({"*"}, raised),
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

    def _tenacity_trigger(self, retry: Optional[cst.BaseExpression], raised: Codes) -> Tuple[FrozenSet[str], Codes, bool]:
        """(exceptions, codes, whether that is the whole trigger) of tenacity's ``retry=``."""
        if retry is None:
            return frozenset({"*"}), self.raises.exception_codes({"*"}, raised), True
        if isinstance(retry, cst.Call) and callee_name(retry) == "retry_if_exception_type" and retry.args:
            names = _exception_names(retry.args[0].value, self.index)
            if names is None:
                return frozenset(), frozenset(), False
            return frozenset(names), self.raises.exception_codes(names, raised), True
        if isinstance(retry, cst.Call) and callee_name(retry) == "retry_if_result" and retry.args:
            return frozenset(), self._lambda_codes(retry.args[0].value), True
        return frozenset(), frozenset(), False

    def _lambda_codes(self, predicate: Optional[cst.CSTNode]) -> Codes:
        if isinstance(predicate, cst.Lambda):
            body = predicate.body
            test = self.tests.predicate(body)
            if test is not None:
                return frozenset(self.tests.codes_where(test, self.universe) - {0})
        return frozenset()
