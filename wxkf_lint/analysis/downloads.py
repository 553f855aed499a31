"""Media downloads (``media/get``, ``media/get/jssdk``): whether their bytes are used before their content is checked.

WeCom answers a failed download (40007 expired media_id, 40014, 42001) with HTTP 200 and an errcode JSON body,
so the HTTP status says nothing; only the ``Content-Type`` (JSON means an error) or a parse of the body does.
A download counts as checked when the function that makes it reads a ``Content-Type`` (``resp.headers[...]``
with that key, aiohttp's ``resp.content_type``, any name or key spelled ``content_type``), parses the body
(``resp.json()``, ``json.loads(content)``), reads an ``errcode`` key, or looks into the bytes
(``b"errcode" in content``, ``content.startswith(b"{")``).  It is *unknown* — never reported — when the
response or its bytes are handed to code the analysis does not read (``save(resp)``, ``process(content)``),
or when the request goes through an object whose class the file does not show to be a known HTTP library's
(:class:`~wxkf_lint.analysis.callees.CalleeLibraries`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import libcst as cst

from wxkf_lint.analysis.callees import CalleeLibraries
from wxkf_lint.analysis.calls import CallAnalysis, WeComCall
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import callee_name, dotted_name

DOWNLOAD_ENDPOINTS = ("media/get", "media/get/jssdk")
#: Attributes and methods of a response that hold or yield its body.
_BODY_PARTS = {"content", "raw", "body", "data", "text", "read", "aread", "iter_content", "iter_bytes", "iter_raw",
               "aiter_bytes", "aiter_raw", "iter_chunked", "iter_any", "stream"}
#: Reading these of the response is a check of what came back.
_CHECKING_PARTS = {"json", "content_type", "mimetype", "getheader", "info"}
_CHECKING_METHODS = {"startswith", "endswith", "find"}
_WRITERS = {"write", "write_bytes", "writelines", "copyfileobj", "writestr"}
#: Content types an error answer comes as (``"application/json" in content_type``, ``.startswith("text/plain")``).
_JSON_TYPES = ("application/json", "text/plain", "text/json")
_JSON_PARSERS = {"json.loads", "loads", "ujson.loads", "orjson.loads", "simplejson.loads"}


@dataclass(frozen=True)
class Download:
    """A ``media/get`` request whose bytes are written or returned with no content check in its function."""

    call: WeComCall
    #: where the bytes are written or returned (the first such place)
    use: cst.CSTNode


class DownloadAnalysis:
    """Finds media downloads whose bytes reach a file or the caller unchecked (proven, not guessed), from the
    file's index, its WeCom calls and which library each call goes through: only a known HTTP library's answer
    is the raw download (an SDK's own ``self.download(...)`` may check it)."""

    def __init__(self, index: SyntaxIndex, calls: CallAnalysis, callees: CalleeLibraries) -> None:
        self.index = index
        self.unchecked: List[Download] = []
        for call in calls.calls.values():
            if call.kind == "http" and call.endpoint in DOWNLOAD_ENDPOINTS and callees.library_of(call.node) is not None:
                found = self._judge(call)
                if found is not None:
                    self.unchecked.append(found)

    # -- the response and its bytes -------------------------------------------------------------------
    def _is_response(self, node: cst.CSTNode, call: cst.Call) -> bool:
        if isinstance(node, cst.Await):
            node = node.expression
        if node is call:
            return True
        if isinstance(node, cst.Name):
            binding = self.index.lookup(node.value, node)
            return binding is not None and binding.node is not node and binding.value is not None and self._is_response(binding.value, call)
        return False

    def _is_bytes(self, node: cst.CSTNode, call: cst.Call) -> bool:
        """``resp.content``, ``await resp.read()``, ``resp.iter_content(…)``, ``resp.content.iter_chunked(…)``,
        or a name bound to one of those (also a ``for chunk in …`` target)."""
        if isinstance(node, cst.Await):
            node = node.expression
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            node = node.func
        if isinstance(node, cst.Attribute) and node.attr.value in _BODY_PARTS:
            base = node.value
            return self._is_response(base, call) or self._is_bytes(base, call)
        if isinstance(node, cst.Name):
            binding = self.index.lookup(node.value, node)
            if binding is None or binding.node is node:
                return False
            if isinstance(binding.node, cst.For):
                return self._is_bytes(binding.node.iter, call)
            return binding.value is not None and self._is_bytes(binding.value, call)
        return False

    def _holds(self, node: cst.CSTNode, call: cst.Call) -> bool:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.BaseExpression) and self._is_bytes(current, call):
                return True
            stack.extend(current.children)
        return False

    # -- judging one download -------------------------------------------------------------------------
    def _judge(self, call: WeComCall) -> Optional[Download]:
        function = self.index.function_of(call.node)
        in_function = self.index.in_function(cst.Call, function)
        if self._checks_content(function, call.node):
            return None
        use: Optional[cst.CSTNode] = None
        for node in in_function:
            if node is call.node or not node.args:
                continue
            name = callee_name(node)
            handed = [arg.value for arg in node.args if self._is_response(arg.value, call.node) or self._holds(arg.value, call.node)]
            if not handed:
                continue
            if name in _WRITERS:
                use = use or node
            elif not self._only_looks(node):
                return None  # bytes or response handed to code not read here: unknown
        for kind in (cst.Return, cst.Yield):
            for node in self.index.in_function(kind, function):
                if node.value is None:
                    continue
                if self._is_response(node.value, call.node):
                    return None  # the whole response goes to the caller, who may check it
                if self._holds(node.value, call.node):
                    use = use or node
        return Download(call, use) if use is not None else None

    def _only_looks(self, node: cst.Call) -> bool:
        """``len(content)``, ``print(...)``, ``logger.info(...)``, ``open(...)``: the bytes go nowhere else."""
        name = callee_name(node)
        return name in {"len", "print", "bool", "open", "debug", "info", "warning", "error", "exception", "log"}

    def _checks_content(self, function: cst.CSTNode, call: cst.Call) -> bool:
        index = self.index
        for string in index.in_function(cst.SimpleString, function):
            text = (literal_string(string) or "").lower()
            if text in ("errcode", "content-type", "content_type", "json") or text.startswith(_JSON_TYPES):
                return True
        for name in index.in_function(cst.Name, function):
            if name.value.lower() in ("content_type", "mimetype", "errcode"):
                return True
        for node in index.in_function(cst.Call, function):
            if dotted_name(node.func) in _JSON_PARSERS:
                return True
            if isinstance(node.func, cst.Attribute) and node.func.attr.value in _CHECKING_METHODS and self._holds(node.func.value, call):
                return True
        for attribute in index.in_function(cst.Attribute, function):
            if attribute.attr.value in _CHECKING_PARTS and self._is_response(attribute.value, call):
                return True
        for comparison in index.in_function(cst.Comparison, function):
            if any(
                isinstance(target.operator, (cst.In, cst.NotIn)) and self._holds(target.comparator, call)
                for target in comparison.comparisons
            ):
                return True
        return False
