"""Which HTTP library sends a WeCom call, where the file shows it.

Some facts depend on the callee, not the URL: requests, httpx and aiohttp form-encode a dict given as
``data=``, while an SDK's own ``self._post(url, data=body)`` may JSON-encode it; a library call returns the
raw answer, while an SDK method may already raise on a non-zero errcode.  SPEC §2: such a fact is proven
only for callees the analysis knows.  A call counts as a known library's when the file shows where the
callee comes from: the module itself (``requests.post``, ``from httpx import post``), or an object built
from it and bound to a name, an attribute of ``self`` or a ``with`` target (``session = requests.Session()``,
``self.http = urllib3.PoolManager()``, ``async with aiohttp.ClientSession() as s``).  A method of an object
that comes from a parameter, another module or a base class is unknown, whatever URL it is given.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import libcst as cst

from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.syntax import dotted_name
from wxkf_lint.analysis.wechatpy import WechatpyUsage

#: The libraries whose request functions the analysis knows, by their top-level module.
KNOWN_LIBRARIES = frozenset({"requests", "httpx", "aiohttp", "urllib", "urllib2", "urllib3", "http", "tornado"})
#: What only a raw HTTP answer has: reading one of these shows the callee handed back the transport's answer.
#: How deep a chain of names is followed (``self.s = s`` with ``s = requests.Session()``).
_MAX_DEPTH = 10


class CalleeLibraries:
    """Answers "which library does this call go through?" from the file's imports and bindings."""

    def __init__(self, index: SyntaxIndex, wechatpy: WechatpyUsage) -> None:
        self.index = index
        self.wechatpy = wechatpy
        self._imported = self._imports()
        self._functions: Dict[str, List[cst.FunctionDef]] = {}
        for function in index.nodes(cst.FunctionDef):
            self._functions.setdefault(function.name.value, []).append(function)

    def _imports(self) -> Dict[str, str]:
        """Local name → the top-level module it comes from, for ``import m``, ``import m.n as x`` and
        ``from m import f``."""
        found: Dict[str, str] = {}
        for node in self.index.nodes(cst.Import):
            for alias in node.names:
                full = dotted_name(alias.name)
                local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else full.split(".")[0]
                found[local] = full.split(".")[0]
        for node in self.index.nodes(cst.ImportFrom):
            if node.module is None or node.relative or isinstance(node.names, cst.ImportStar):
                continue
            module = dotted_name(node.module).split(".")[0]
            for alias in node.names:
                local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else dotted_name(alias.name)
                found[local] = module
        return found

    def sends_as(self, call: cst.Call, libraries: Tuple[str, ...]) -> Fact:
        """A callee-dependent fact about how a keyword is sent (``data=`` form-encoded, ``params=`` in the query
        string): BAD when the call goes through one of ``libraries``, GOOD through another known library,
        UNKNOWN when the file does not show the callee's library."""
        library = self.library_of(call)
        if library is None:
            return Fact.UNKNOWN
        return Fact.BAD if library in libraries else Fact.GOOD

    def library_of(self, call: cst.Call) -> Optional[str]:
        """The known library ``call`` goes through, or None when the file does not show it."""
        return self._origin(call.func, call, 0)

    def _origin(self, node: cst.CSTNode, at: cst.CSTNode, depth: int) -> Optional[str]:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, cst.Await):
            return self._origin(node.expression, at, depth + 1)
        if isinstance(node, cst.Call):
            made = self._made_by_function(node, depth)
            return made if made is not None else self._origin(node.func, at, depth + 1)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            # ``session or requests.Session()``: the fallback says what kind of object the parameter is
            return self._origin(node.left, at, depth + 1) or self._origin(node.right, at, depth + 1)
        if isinstance(node, cst.Name):
            module = self._imported.get(node.value)
            if module is not None and self.index.lookup(node.value, at) is None:
                return module if module in KNOWN_LIBRARIES else None
            binding = self.index.lookup(node.value, at)
            if binding is not None and isinstance(binding.node, cst.Param):
                return self._annotated(binding.node)
            if binding is not None and isinstance(binding.value, cst.BaseExpression):
                return self._origin(binding.value, binding.node, depth + 1)
            if binding is None and module is None and node.value in KNOWN_LIBRARIES:
                return node.value  # ``requests`` bound nowhere in the file: the module, through a star import
            return None
        if isinstance(node, cst.Attribute):
            owner = node.value
            if isinstance(owner, cst.Name) and owner.value in ("self", "cls"):
                binding = self.index.lookup_self_attribute(node.attr.value, at)
                if binding is not None and isinstance(binding.value, cst.BaseExpression):
                    return self._origin(binding.value, binding.node, depth + 1)
                return None
            if node.attr.value == "session" and self.wechatpy.is_client_object(owner):
                return "requests"  # wechatpy's client sends through its requests.Session
            return self._origin(owner, at, depth + 1)
        return None

    def _made_by_function(self, call: cst.Call, depth: int) -> Optional[str]:
        """``get_session()`` / ``self._session()`` of a same-file function (one of that name) whose every
        ``return`` gives an object of one known library: read as if inline."""
        func = call.func
        name = func.value if isinstance(func, cst.Name) else (
            func.attr.value if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls") else None)
        functions = self._functions.get(name or "", [])
        if len(functions) != 1:
            return None
        returns = [r for r in self.index.nodes(cst.Return) if r.value is not None and self.index.function_of(r) is functions[0]]
        found = {self._origin(r.value, r, depth + 1) for r in returns}
        return found.pop() if len(found) == 1 else None

    def _annotated(self, param: cst.Param) -> Optional[str]:
        """A parameter annotated with a known library's type (``session: requests.Session``, also inside
        ``Optional[…]``); None for an unannotated one, whose value comes from the caller."""
        if param.annotation is None:
            return None
        stack = [param.annotation.annotation]
        while stack:
            current = stack.pop()
            if isinstance(current, (cst.Attribute, cst.Name)):
                head = dotted_name(current).split(".")[0]
                module = self._imported.get(head)
                if module in KNOWN_LIBRARIES:
                    return module
                if isinstance(current, cst.Attribute):
                    continue
            stack.extend(current.children)
        return None
