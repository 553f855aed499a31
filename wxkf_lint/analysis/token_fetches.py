"""Where ``gettoken`` is called relative to the API calls it serves: once per API call, or cached.

WeCom throttles ``gettoken`` (45009) and asks clients to keep a token for its ``expires_in``.  A function that
sends a WeCom request and, on every call, also fetches the token that request carries — itself, or through a
same-file helper that fetches on every call — caches nothing.  The fetch is *guarded* (cached, or unknown) when
it sits under a test, an ``or`` or a ``while``, or after an early ``return <value>``, whose condition reads
anything but values fresh in this call (``if self._token is None``, ``if time.time() > self.expires_at``,
``token or fetch()``, a parameter the caller may fill, a ``global``), or in an ``except`` (a refresh on failure).
A test of a local set to a constant in the same call (``token = None; if not token: token = fetch()``) caches
nothing and is no guard.  A helper is a fetcher only when every definition of its name fetches unguarded and
carries no decorator other than ``staticmethod``/``classmethod`` (``lru_cache``, ``cached``, an imported
decorator: cached or unknown).  ``__init__`` fetching once per object is not per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set

import libcst as cst

from wxkf_lint.analysis.calls import CallAnalysis
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.syntax import callee_name, dotted_name

_PLAIN_DECORATORS = {"staticmethod", "classmethod"}


@dataclass
class PerCallFetch:
    """One ``gettoken`` call that runs on every call of the functions in ``serves`` (which send WeCom requests)."""

    gettoken: cst.Call
    serves: List[cst.FunctionDef]


class TokenFetches:
    """The per-call token fetches of one file, in :attr:`per_call`, from its index and its WeCom calls (which
    send, which are ``gettoken``, and the same-file functions by name)."""

    def __init__(self, index: SyntaxIndex, calls: CallAnalysis) -> None:
        self.index = index
        self.calls = calls
        self.per_call: List[PerCallFetch] = []
        self._rank: Optional[Dict[cst.Call, int]] = None
        gettoken = [c.node for c in calls.calls.values() if c.endpoint == "gettoken" and c.kind != "wechatpy"]
        if not gettoken:
            return
        #: fetcher function → the gettoken call its every call runs
        self._fetchers: Dict[cst.FunctionDef, cst.Call] = {}
        for call in gettoken:
            function = self.index.function_of(call)
            if isinstance(function, cst.FunctionDef) and self._plain(function) and not self._guarded(call, function):
                self._fetchers.setdefault(function, call)
        for _ in range(3):  # helpers of helpers: get_token() → self._fetch() → requests.get(gettoken)
            for call in self.index.nodes(cst.Call):
                root = self._fetcher_called(call)
                function = self.index.function_of(call)
                if root is not None and isinstance(function, cst.FunctionDef) and function not in self._fetchers:
                    if self._plain(function) and not self._guarded(call, function):
                        self._fetchers[function] = root
        self._find_per_call(gettoken)

    def _find_per_call(self, gettoken: List[cst.Call]) -> None:
        served: Dict[cst.Call, List[cst.FunctionDef]] = {}
        senders = {
            self.index.function_of(c.node) for c in self.calls.calls.values() if c.endpoint != "gettoken"
        }
        for sender in senders:
            if not isinstance(sender, cst.FunctionDef) or sender.name.value == "__init__":
                continue
            root = self._fetcher_roots_in(sender, gettoken)
            if root is not None:
                served.setdefault(root, []).append(sender)
        self.per_call = [PerCallFetch(call, functions) for call, functions in served.items()]

    def _fetcher_roots_in(self, sender: cst.FunctionDef, gettoken: List[cst.Call]) -> Optional[cst.Call]:
        own = self.index.in_function(cst.Call, sender)
        rank = self._gettoken_rank(gettoken)
        for call in sorted((c for c in own if c in rank), key=rank.__getitem__):
            if not self._guarded(call, sender) and self._serves(call, sender):
                return call
        for call in own:
            root = self._fetcher_called(call)
            if root is not None and not self._guarded(call, sender) and self._serves(call, sender):
                return root
        return None

    def _gettoken_rank(self, gettoken: List[cst.Call]) -> Dict[cst.Call, int]:
        """Each gettoken call's place in ``gettoken``: a sender's own fetches are tried in that order."""
        if self._rank is None:
            self._rank = {call: number for number, call in enumerate(gettoken)}
        return self._rank

    def _serves(self, fetch: cst.Call, sender: cst.FunctionDef) -> bool:
        """The fetched token reaches a WeCom request of ``sender``: inline, or through the names (``token``,
        ``url``, ``self.token``) the function binds from it."""
        carriers: Set[str] = set()
        # a helper that stores what it fetched (``self.token = …``) serves the requests that read that attribute
        for definition in self.calls.functions.get(callee_name(fetch), []) if fetch not in self.calls.calls else []:
            carriers |= {name for name, _ in self.index.bindings_in_function(definition) if name.startswith("self.")}
        bindings = [
            (name, binding.value) for name, binding in self.index.bindings_in_function(sender)
            if binding.value is not None
        ]
        changed = True
        while changed:
            changed = False
            for name, value in bindings:
                if name not in carriers and self._mentions(value, fetch, carriers):
                    carriers.add(name)
                    changed = True
        calls = self.calls.calls
        for node in self.index.in_function(cst.Call, sender):
            call = calls.get(node)
            if call is not None and call.endpoint != "gettoken":
                if any(self._mentions(arg.value, fetch, carriers) for arg in call.node.args):
                    return True
        return False

    def _mentions(self, node: cst.CSTNode, fetch: cst.Call, carriers: Set[str]) -> bool:
        stack = [node]
        while stack:
            current = stack.pop()
            if current is fetch:
                return True
            if isinstance(current, cst.Name) and current.value in carriers:
                return True
            if isinstance(current, cst.Attribute) and dotted_name(current).startswith("self.") and dotted_name(current) in carriers:
                return True
            stack.extend(current.children)
        return False

    def _fetcher_called(self, call: cst.Call) -> Optional[cst.Call]:
        """The gettoken call behind ``name(...)`` / ``self.name(...)`` when every same-file ``name`` is a fetcher."""
        func = call.func
        if isinstance(func, cst.Attribute) and not (isinstance(func.value, cst.Name) and func.value.value in ("self", "cls")):
            return None
        if not isinstance(func, (cst.Name, cst.Attribute)):
            return None
        definitions = self.calls.functions.get(callee_name(call), [])
        if not definitions or not all(d in self._fetchers for d in definitions):
            return None
        if any(self.index.is_inside(call, d) for d in definitions):
            return None  # recursion
        return self._fetchers[definitions[0]]

    @staticmethod
    def _plain(function: cst.FunctionDef) -> bool:
        """No decorator that may cache or is not known (``lru_cache``, ``cached``, an imported one)."""
        return all(dotted_name(d.decorator) in _PLAIN_DECORATORS for d in function.decorators)

    def _guarded(self, call: cst.CSTNode, function: cst.FunctionDef) -> bool:
        """``call`` runs only under a condition that is not about values fresh in this call: an enclosing test, an
        ``or``, an ``except``, or an earlier ``if …: return`` (``if self._token: return self._token``)."""
        fresh = self._fresh_locals(function, call)
        child: cst.CSTNode = call
        for ancestor in self.index.ancestors(call):
            if ancestor is function:
                return False
            if isinstance(ancestor, (cst.ExceptHandler, cst.Match)):
                return True
            if isinstance(ancestor, (cst.If, cst.IfExp, cst.While)) and child is not ancestor.test:
                if not self._fresh_test(ancestor.test, fresh):
                    return True
            if isinstance(ancestor, cst.BooleanOperation) and child is ancestor.right:
                if not self._fresh_test(ancestor.left, fresh):
                    return True
            if isinstance(ancestor, cst.IndentedBlock) and isinstance(child, cst.BaseStatement):
                for statement in ancestor.body[: ancestor.body.index(child)]:
                    if any(_returns_value(test.body) and not self._fresh_test(test.test, fresh)
                           for test in self._tests_in(statement, function)):
                        return True
            child = ancestor
        return False

    def _tests_in(self, statement: cst.BaseStatement, function: cst.FunctionDef) -> List[cst.If]:
        """The ``if``s of ``statement`` that run in ``function`` itself: the statement, or one nested in its
        blocks (``if not force: with LOCK: if cached: return cached[0]``)."""
        nested = [test for test in self.index.within(cst.If, statement) if self.index.function_of(test) is function]
        return ([statement] if isinstance(statement, cst.If) else []) + nested

    def _fresh_locals(self, function: cst.FunctionDef, call: cst.CSTNode) -> Set[str]:
        """Locals whose every value is a constant or the fetch itself: a "cache" reset on each call."""
        params = {p.name.value for p in function.params.params + function.params.kwonly_params + function.params.posonly_params}
        shared = {  # ``global TOKEN`` / ``nonlocal cache``: the name outlives the call
            item.name.value
            for kind in (cst.Global, cst.Nonlocal) for statement in self.index.in_function(kind, function)
            for item in statement.names
        }
        fresh = set()
        for name, bindings in self.index.bindings_of_scope(function):
            if name in params or name in shared or "." in name:
                continue
            if all(b.value is not None and (_constant(b.value) or self.index.is_inside(call, b.value)) for b in bindings):
                fresh.add(name)
        return fresh

    @staticmethod
    def _fresh_test(test: cst.CSTNode, fresh: Set[str]) -> bool:
        stack = [test]
        while stack:
            node = stack.pop()
            if isinstance(node, (cst.Attribute, cst.Subscript, cst.Await)):
                return False
            if isinstance(node, cst.Call) and dotted_name(node.func) not in ("len", "bool", "isinstance"):
                return False
            if isinstance(node, cst.Name) and node.value not in fresh and node.value not in ("None", "True", "False", "len", "bool", "isinstance", "str"):
                return False
            stack.extend(node.children)
        return True


def _constant(value: cst.CSTNode) -> bool:
    if isinstance(value, cst.Name):
        return value.value in ("None", "True", "False")
    if isinstance(value, (cst.Dict, cst.List, cst.Tuple)):
        return not value.elements  # type: ignore[union-attr]
    return isinstance(value, (cst.SimpleString, cst.Integer)) or (isinstance(value, cst.UnaryOperation) and isinstance(value.expression, cst.Integer))


def _returns_value(block: cst.BaseSuite) -> bool:
    """``return self._token`` (a value kept from before): the early exit of a cache.  ``raise`` or a bare
    ``return`` / ``return None`` is a validation (``if not self.corpid: return``), not a cache."""
    statements = block.body if isinstance(block, cst.IndentedBlock) else [block]
    for statement in statements:
        small = statement.body if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) else []
        if any(isinstance(s, cst.Return) and s.value is not None and not _constant(s.value) for s in small):
            return True
    return False
