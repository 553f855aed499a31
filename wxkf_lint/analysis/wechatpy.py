"""What the file imports from wechatpy, and which of its names hold a wechatpy client.

wechatpy's clients raise ``WeChatClientException`` on every non-zero errcode and JSON-encode ``data=``
themselves (domain.md), so their results count as checked and their bodies as JSON.
"""

from __future__ import annotations

from typing import Optional, Set

import libcst as cst

from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.syntax import dotted_name


#: Attributes of a wechatpy client that are its raw HTTP transport, not its API.
_RAW_TRANSPORTS = {"session", "_http"}


def _module_name(node: Optional[cst.CSTNode]) -> str:
    return dotted_name(node) if node is not None else ""


class WechatpyUsage:
    """Client classes, exception classes and client-holding names of one file."""

    def __init__(self, index: SyntaxIndex) -> None:
        self.index = index
        self.modules: Set[str] = set()
        self.client_classes: Set[str] = set()
        self.exception_classes: Set[str] = set()
        self.client_holders: Set[str] = set()
        #: any import from wechatpy, even of its callback crypto alone: the file is WeCom (or WeChat) code
        self.imported = False
        self._collect_imports()
        if self.modules or self.client_classes or self.exception_classes:
            self._collect_subclasses()
            self._collect_holders()

    def _collect_imports(self) -> None:
        for node in self.index.nodes(cst.Import):
            for alias in node.names:
                name = dotted_name(alias.name)
                if name == "wechatpy" or name.startswith("wechatpy."):
                    self.imported = True
                    self.modules.add(dotted_name(alias.asname.name) if alias.asname else name.split(".")[0])
        for node in self.index.nodes(cst.ImportFrom):
            module = _module_name(node.module)
            if not (module == "wechatpy" or module.startswith("wechatpy.")):
                continue
            self.imported = True
            if isinstance(node.names, cst.ImportStar):
                continue
            for alias in node.names:
                imported = dotted_name(alias.name)
                local = dotted_name(alias.asname.name) if alias.asname else imported
                if imported.endswith(("Exception", "Error")):
                    self.exception_classes.add(local)
                elif "Client" in imported:
                    self.client_classes.add(local)
                elif imported in ("enterprise", "client", "work"):
                    self.modules.add(local)

    def _collect_subclasses(self) -> None:
        changed = True
        while changed:
            changed = False
            for klass in self.index.nodes(cst.ClassDef):
                name = klass.name.value
                for base in klass.bases:
                    if self.is_client_class(base.value) and name not in self.client_classes:
                        self.client_classes.add(name)
                        changed = True
                    elif self.is_exception_class(base.value) and name not in self.exception_classes:
                        self.exception_classes.add(name)
                        changed = True

    def _collect_holders(self) -> None:
        for assign in self.index.nodes(cst.Assign):
            value = assign.value
            if isinstance(value, cst.Call) and self.is_client_class(value.func):
                for target in assign.targets:
                    name = dotted_name(target.target)
                    if name:
                        self.client_holders.add(name)
        for param in self.index.nodes(cst.Param):
            if param.annotation is not None and self.is_client_class(param.annotation.annotation):
                self.client_holders.add(param.name.value)
        # ``client = get_client()`` where ``get_client`` is a factory of this file (a singleton getter)
        factories = {function.name.value for function in self.index.nodes(cst.FunctionDef) if self._makes_client(function)}
        for assign in self.index.nodes(cst.Assign):
            value = assign.value
            if isinstance(value, cst.Call) and dotted_name(value.func).rpartition(".")[2] in factories:
                for target in assign.targets:
                    name = dotted_name(target.target)
                    if name:
                        self.client_holders.add(name)

    def _makes_client(self, function: cst.FunctionDef) -> bool:
        """Annotated to return a client, or returns a client it builds or holds."""
        if function.returns is not None and self.is_client_class(function.returns.annotation):
            return True
        for node in self.index.in_function(cst.Return, function):
            value = node.value
            if value is None:
                continue
            if isinstance(value, cst.Call) and self.is_client_class(value.func):
                return True
            if dotted_name(value) in self.client_holders:
                return True
        return False

    def is_client_class(self, node: cst.CSTNode) -> bool:
        name = dotted_name(node)
        if not name:
            return False
        if name in self.client_classes:
            return True
        head, _, last = name.rpartition(".")
        return bool(head) and head.split(".")[0] in self.modules and "Client" in last

    def is_exception_class(self, node: cst.CSTNode) -> bool:
        name = dotted_name(node)
        if not name:
            return False
        if name in self.exception_classes:
            return True
        head, _, last = name.rpartition(".")
        return bool(head) and head.split(".")[0] in self.modules and last.endswith(("Exception", "Error"))

    def is_client_object(self, node: cst.CSTNode) -> bool:
        """``client``, ``self.client``, ``self.client.message`` or ``WeChatClient(...)`` itself.

        ``client.session`` is the plain ``requests.Session`` the client sends with: a request sent through it
        neither raises on errcode nor JSON-encodes ``data=``, so it is an ordinary HTTP call."""
        while isinstance(node, cst.Attribute):
            if dotted_name(node) in self.client_holders:
                return True
            if node.attr.value in _RAW_TRANSPORTS:
                return False
            node = node.value
        if isinstance(node, cst.Call):
            return self.is_client_class(node.func)
        return isinstance(node, cst.Name) and node.value in self.client_holders

    def catches_wechatpy(self, handler: cst.ExceptHandler) -> bool:
        kind = handler.type
        if kind is None:
            return False
        if isinstance(kind, cst.Tuple):
            return any(self.is_exception_class(element.value) for element in kind.elements)
        return self.is_exception_class(kind)
