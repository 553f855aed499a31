"""Which calls of a file send a WeCom request, to which endpoint, with which body.

A call is a WeCom call when (SPEC §2):

* its URL argument (first positional, ``url=``, or the second positional of ``request("POST", url)``)
  folds to text containing a WeCom host or ``/cgi-bin/``, whatever the HTTP library: the callee's name
  must look like an HTTP verb or sender (``post``, ``get``, ``request``, ``urlopen``, ``fetch``, ``_post``,
  ``call_api``…), so that ``print(url)`` and ``urljoin(BASE, path)`` are not calls;
* or it calls a function of the same file that sends a request with a URL built from its parameters
  (a wrapper such as ``self._post("kf/send_msg", body)``) with a string argument that names an endpoint;
* or it calls a configured wrapper (the ``wrappers`` setting) or a wechatpy client method.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Set, Tuple

import libcst as cst

from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.strings import UNKNOWN, literal_string, static_text
from wxkf_lint.analysis.syntax import callee_name, dotted_name, keyword_arg, names_in, positional_args, receiver
from wxkf_lint.analysis.wechatpy import WechatpyUsage
from wxkf_lint.kf_tables import GET_ENDPOINTS, KNOWN_ENDPOINTS

WECOM_URL_MARKERS = ("qyapi.weixin.qq.com", "api.weixin.qq.com", "cgi-bin/")
_HTTP_CALLEE = re.compile(r"get|post|put|patch|delete|request|fetch|call|api|http|send|urlopen|invoke|query", re.I)
_NOT_HTTP_CALLEE = {"getattr", "get_text", "getLogger", "getenv", "get_json_body"}
_CHECKER_NAME = re.compile(r"check|raise_for|validate|verify|ensure|assert_ok|errcode", re.I)
_MOCK_RECEIVERS = re.compile(r"mock|responses|respx|aioresponses", re.I)
_ENDPOINT_SHAPE = re.compile(r"^/?(?:cgi-bin/)?([a-z][a-z0-9_]*(?:/[a-z0-9_]+)*)/?(?:\?.*)?$")
_BODY_KEYWORDS = ("json", "data", "content", "body", "payload", "params_json")
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}


def is_wecom_url_text(text: Optional[str]) -> bool:
    return text is not None and any(marker in text for marker in WECOM_URL_MARKERS)


def endpoint_of_url_text(text: str) -> Optional[str]:
    """``kf/send_msg`` for any text with ``cgi-bin/kf/send_msg?...``; None when the path is not visible."""
    start = text.find("cgi-bin/")
    if start < 0:
        return None
    path = re.split(r"[?\x00#]", text[start + len("cgi-bin/"):], maxsplit=1)[0].strip("/")
    if not path or UNKNOWN in path or not re.fullmatch(r"[A-Za-z0-9_/]+", path):
        return None
    return path


def endpoint_of_path_text(text: str) -> Optional[str]:
    """``kf/send_msg`` for ``"kf/send_msg"``, ``"/cgi-bin/kf/send_msg"``; None for text that is no path."""
    if is_wecom_url_text(text):
        return endpoint_of_url_text(text)
    match = _ENDPOINT_SHAPE.match(text)
    if not match:
        return None
    path = match.group(1)
    return path if ("/" in path or path in KNOWN_ENDPOINTS) else None


def is_request_constructor(name: str) -> bool:
    """urllib's ``Request``, tornado's ``HTTPRequest``, httpx's ``Request``: they describe a request that a later
    ``urlopen(req)`` / ``fetch(req)`` / ``send(req)`` sends, so the sending call is the WeCom call."""
    return name.endswith("Request")


def is_http_callee(name: str) -> bool:
    return bool(name) and name not in _NOT_HTTP_CALLEE and bool(_HTTP_CALLEE.search(name))


@dataclass(frozen=True)
class WeComCall:
    """One request sent to WeCom."""

    node: cst.Call
    endpoint: Optional[str]
    method: str
    #: "http" (a library call with a WeCom URL), "wrapper" (same-file), "configured", "wechatpy"
    kind: str
    #: the callee raises on non-zero errcode (wechatpy, or a same-file wrapper that checks errcode)
    checked: bool
    url: Optional[cst.BaseExpression]
    body: Optional[cst.BaseExpression]
    body_keyword: Optional[str]

    @property
    def is_kf(self) -> bool:
        return bool(self.endpoint) and self.endpoint.startswith("kf/")


def _guess_method(call: cst.Call, name: str, endpoint: Optional[str]) -> str:
    lowered = name.lower()
    for method in ("post", "put", "patch", "delete"):
        if method in lowered:
            return method.upper()
    args = positional_args(call)
    if args:
        first = literal_string(args[0])
        if first is not None and first.upper() in _METHODS:
            return first.upper()
    method_kw = keyword_arg(call, "method")
    if method_kw is not None:
        text = literal_string(method_kw.value)
        if text is not None and text.upper() in _METHODS:
            return text.upper()
    if "get" in lowered:
        return "GET"
    if lowered == "urlopen":
        return "POST" if (len(args) > 1 or keyword_arg(call, "data")) else "GET"
    if endpoint:
        return "GET" if endpoint in GET_ENDPOINTS else "POST"
    return "?"


def _request_method(request: cst.Call) -> Optional[str]:
    """What ``urlopen(req)`` sends for ``req = Request(url, data=…, method=…)``: the named method, else POST
    when there is a body (urllib's own rule); None when the request object does not say."""
    method_kw = keyword_arg(request, "method")
    text = literal_string(method_kw.value) if method_kw is not None else None
    if text is not None and text.upper() in _METHODS:
        return text.upper()
    args = positional_args(request)
    for arg in args[:2]:  # httpx.Request("POST", url, …), tornado HTTPRequest(url, "POST", …)
        text = literal_string(arg)
        if text is not None and text.upper() in _METHODS:
            return text.upper()
    if keyword_arg(request, "data", "body", "json", "content") is not None or len(args) > 1:
        return "POST"
    return None


class _WrapperTargets(NamedTuple):
    functions: FrozenSet[cst.FunctionDef]
    prefixes: List[str]
    checked: bool


class CallAnalysis:
    """Finds the WeCom calls of one file."""

    def __init__(self, index: SyntaxIndex, wechatpy: WechatpyUsage, wrappers: Iterable[str]) -> None:
        self.index = index
        self.wechatpy = wechatpy
        self.configured = {name.rsplit(".", 1)[-1] for name in wrappers}
        self.calls: Dict[cst.Call, WeComCall] = {}
        self.functions: Dict[str, List[cst.FunctionDef]] = {}
        for function in index.nodes(cst.FunctionDef):
            self.functions.setdefault(function.name.value, []).append(function)
        self.wrappers: Set[cst.FunctionDef] = set()
        #: the URL text a wrapper sends to, with UNKNOWN where its parameters go (``…/cgi-bin/kf/\x00``)
        self.wrapper_urls: Dict[cst.FunctionDef, str] = {}
        self.checking_functions: Set[cst.FunctionDef] = self._checking_functions()
        self._wrapper_memo: Dict[Tuple[str, int], _WrapperTargets] = {}
        self._find_calls()

    # -- wrappers -------------------------------------------------------------------------------------
    def _checking_functions(self) -> Set[cst.FunctionDef]:
        """Functions that read a literal ``errcode`` key or attribute: they check (and usually raise)."""
        found: Set[cst.FunctionDef] = set()
        for string in self.index.nodes(cst.SimpleString):
            if string.value.strip("'\"") == "errcode":
                self._add_enclosing_function(string, found)
        for attribute in self.index.nodes(cst.Attribute):
            if attribute.attr.value == "errcode":
                self._add_enclosing_function(attribute, found)
        # one level of delegation: a wrapper that hands the response to a checking helper (a helper called
        # with no argument, such as a token refresh, is not given the response and checks nothing of it)
        # A helper imported from elsewhere cannot be read; one named for checking (``check_response(data)``,
        # ``raise_for_errcode(r.json())``) is taken at its word.
        checking_names = {function.name.value for function in found}
        for call in self.index.nodes(cst.Call):
            name = callee_name(call)
            imported_checker = name not in self.functions and bool(_CHECKER_NAME.search(name))
            if call.args and (name in checking_names or imported_checker):
                self._add_enclosing_function(call, found)
        return found

    def _add_enclosing_function(self, node: cst.CSTNode, into: Set[cst.FunctionDef]) -> None:
        function = self.index.function_of(node)
        if isinstance(function, cst.FunctionDef):
            into.add(function)

    def _sends_with_parameter_url(self, call: cst.Call) -> bool:
        function = self.index.function_of(call)
        if not isinstance(function, cst.FunctionDef) or not is_http_callee(callee_name(call)):
            return False
        url = self._url_argument(call)
        if url is None:
            return False
        params = {p.name.value for p in function.params.params + function.params.kwonly_params}
        params.discard("self")
        params.discard("cls")
        return any(name in params for name in names_in(url))

    # -- calls ----------------------------------------------------------------------------------------
    def _url_argument(self, call: cst.Call) -> Optional[cst.BaseExpression]:
        keyword = keyword_arg(call, "url")
        if keyword is not None:
            return keyword.value
        args = positional_args(call)
        if not args:
            return None
        first = literal_string(args[0])
        if len(args) > 1 and first is not None and first.upper() in _METHODS:
            return args[1]
        return args[0]

    def _url_text(self, url: cst.BaseExpression) -> Optional[str]:
        text = static_text(url, self.index)
        if text is None and isinstance(url, cst.Name):
            # urllib: ``req = Request(url, ...)``, then ``urlopen(req)``
            binding = self.index.lookup(url.value, url)
            if binding is not None and isinstance(binding.value, cst.Call) and is_request_constructor(callee_name(binding.value)):
                inner = self._url_argument(binding.value)
                return static_text(inner, self.index) if inner is not None else None
        if text is None and isinstance(url, cst.Call) and is_request_constructor(callee_name(url)):
            inner = self._url_argument(url)
            return static_text(inner, self.index) if inner is not None else None
        return text

    def _endpoint_argument(self, call: cst.Call, prefixes: Iterable[str] = ()) -> Optional[str]:
        """The endpoint a string argument names; ``prefixes`` are the fixed path parts a wrapper puts before
        its parameter (``send_msg`` sent by a wrapper of ``…/cgi-bin/kf/{name}`` is ``kf/send_msg``)."""
        keyword = keyword_arg(call, "path", "url", "endpoint", "api", "uri")
        candidates = [keyword.value] if keyword is not None else []
        candidates += positional_args(call)[:2]
        for candidate in candidates:
            text = static_text(candidate, self.index)
            if text is not None:
                endpoint = None
                if not is_wecom_url_text(text):
                    endpoint = next(
                        (found for found in (endpoint_of_path_text(p + text.lstrip("/")) for p in prefixes) if found), None
                    )
                endpoint = endpoint or endpoint_of_path_text(text)
                if endpoint is not None:
                    return endpoint
        return None

    def _path_prefix(self, wrapper: cst.FunctionDef) -> Optional[str]:
        """``kf/`` for a wrapper that sends to ``…/cgi-bin/kf/`` + a parameter; None when no fixed path part
        sits between ``cgi-bin/`` and the parameter."""
        text = self.wrapper_urls.get(wrapper)
        start = text.find("cgi-bin/") if text is not None else -1
        if text is None or start < 0:
            return None
        rest = text[start + len("cgi-bin/"):]
        prefix, unknown, _ = rest.partition(UNKNOWN)
        if not unknown or not prefix.endswith("/") or not re.fullmatch(r"[a-z0-9_/]+", prefix):
            return None
        return prefix

    def _body(self, call: cst.Call, positional_index: int) -> tuple:
        keyword = keyword_arg(call, *_BODY_KEYWORDS)
        if keyword is not None:
            return keyword.value, keyword.keyword.value
        args = positional_args(call)
        if len(args) > positional_index:
            return args[positional_index], None
        return None, None

    def _find_calls(self) -> None:
        calls = self.index.nodes(cst.Call)
        # First the direct library calls, which tell which functions are wrappers.
        pending: List[cst.Call] = []
        for call in calls:
            if not self._classify_direct(call):
                pending.append(call)
        for call in calls:
            if (call in self.calls or self._sends_with_parameter_url(call)):
                function = self.index.function_of(call)
                if isinstance(function, cst.FunctionDef):
                    self.wrappers.add(function)
                    url = self._url_argument(call)
                    text = self._url_text(url) if url is not None else None
                    if text is not None:
                        self.wrapper_urls.setdefault(function, text)
        # Then calls of wrappers (twice, so that a wrapper of a wrapper is seen).
        for _ in range(2):
            remaining = []
            for call in pending:
                if not self._classify_wrapper_call(call):
                    remaining.append(call)
                else:
                    function = self.index.function_of(call)
                    if isinstance(function, cst.FunctionDef):
                        self.wrappers.add(function)
            pending = remaining
        self._drop_unconfirmed_wrappers()

    def _drop_unconfirmed_wrappers(self) -> None:
        """Keep the parameter-URL wrappers that something shows to be WeCom's: a WeCom call in their body, a
        call of them with an endpoint, or an errcode read of their own.

        The parameter-URL test alone holds for any ``cache.get(key)`` or ``members.get(name)``; unconfirmed,
        such a method ``open`` made the stdlib's ``zipfile`` an unbounded retry of ``io.open`` (WXK201, WXK203).
        """
        senders = {self.index.function_of(call) for call in self.calls}
        called = {callee_name(call.node) for call in self.calls.values() if call.kind == "wrapper"}
        self.wrappers = {
            function for function in self.wrappers
            if function in senders or function.name.value in called or function in self.checking_functions
        }

    def _classify_direct(self, call: cst.Call) -> bool:
        name = callee_name(call)
        owner = receiver(call)
        if owner is not None and self.wechatpy.is_client_object(owner):
            endpoint = self._endpoint_argument(call)
            body, keyword = self._body(call, 1)
            self._add(call, endpoint, _guess_method(call, name, endpoint), "wechatpy", True, None, body, keyword)
            return True
        if name in self.configured:
            endpoint = self._endpoint_argument(call)
            if endpoint is not None:
                body, keyword = self._body(call, 1)
                self._add(call, endpoint, _guess_method(call, name, endpoint), "configured", False, None, body, keyword)
                return True
        if not is_http_callee(name) or is_request_constructor(name) or self._calls_local_function(call):
            return False
        if owner is not None and _MOCK_RECEIVERS.search(dotted_name(owner)):
            return False
        url = self._url_argument(call)
        if url is None:
            return False
        text = self._url_text(url)
        if not is_wecom_url_text(text) or any(char.isspace() for char in text or ""):
            # a URL has no blanks: ``notifier.send(f"call to {SEND_URL} failed")`` sends a message, not a request
            return False
        endpoint = endpoint_of_url_text(text or "")
        body, keyword = self._positional_body_after_url(call, url)
        request = self._request_object(url)
        method = _request_method(request) if request is not None else None
        self._add(call, endpoint, method or _guess_method(call, name, endpoint), "http", False, url, body, keyword)
        return True

    def _calls_local_function(self, call: cst.Call) -> bool:
        """``name(...)``, ``self.name(...)`` or ``cls.name(...)`` where the file defines ``name``."""
        func = call.func
        if isinstance(func, cst.Name):
            return func.value in self.functions
        return (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value in ("self", "cls")
            and func.attr.value in self.functions
        )

    def _positional_body_after_url(self, call: cst.Call, url: cst.BaseExpression) -> tuple:
        keyword = keyword_arg(call, *_BODY_KEYWORDS)
        if keyword is not None:
            return keyword.value, keyword.keyword.value
        args = positional_args(call)
        for position, arg in enumerate(args):
            if arg is url and position + 1 < len(args):
                return args[position + 1], None
        request = self._request_object(url)
        if request is not None and request is not call:
            # ``urlopen(req)`` / ``fetch(req)`` send the body given to ``req = Request(url, data=…)``
            return self._positional_body_after_url(request, self._url_argument(request) or url)
        return None, None

    def _request_object(self, url: cst.BaseExpression) -> Optional[cst.Call]:
        """The ``Request(...)`` call a ``urlopen(req)`` / ``fetch(req)`` argument is or is bound to."""
        if isinstance(url, cst.Name):
            binding = self.index.lookup(url.value, url)
            url = binding.value if binding is not None and isinstance(binding.value, cst.Call) else url
        return url if isinstance(url, cst.Call) and is_request_constructor(callee_name(url)) else None

    def _wrappers_named(self, name: str) -> _WrapperTargets:
        """The wrappers a call of ``name`` may reach, their path prefixes, and whether one checks errcode.

        Many classes of one file have a ``get`` or ``send``; asked once per name (and per growth of the
        wrapper set, which only grows while calls are classified), not once per call."""
        key = (name, len(self.wrappers))
        found = self._wrapper_memo.get(key)
        if found is None:
            targets = [f for f in self.functions.get(name, []) if f in self.wrappers]
            found = self._wrapper_memo[key] = _WrapperTargets(
                frozenset(targets),
                [prefix for prefix in map(self._path_prefix, targets) if prefix],
                any(target in self.checking_functions for target in targets),
            )
        return found

    def wrappers_called(self, call: cst.Call) -> FrozenSet[cst.FunctionDef]:
        """The same-file wrappers a call may reach (every function of its name that is one)."""
        return self._wrappers_named(callee_name(call)).functions

    def senders_in(self, wrapper: cst.FunctionDef) -> List[cst.Call]:
        """The calls by which ``wrapper`` sends what it wraps: its own WeCom calls and library calls to a URL
        parameter (not those of functions defined inside it)."""
        return [
            call for call in self.index.within(cst.Call, wrapper)
            if self.index.function_of(call) is wrapper and (call in self.calls or self._sends_with_parameter_url(call))
        ]

    def _classify_wrapper_call(self, call: cst.Call) -> bool:
        name = callee_name(call)
        targets = self._wrappers_named(name)
        if not targets.functions:
            return False
        enclosing = self.index.function_of(call)
        while isinstance(enclosing, (cst.FunctionDef, cst.Lambda)):
            if enclosing in targets.functions:
                return False  # recursion inside the wrapper itself is a retry, not a new call site
            enclosing = self.index.function_of(enclosing)
        prefixes = targets.prefixes
        endpoint = self._endpoint_argument(call, prefixes)
        url = self._url_argument(call)
        url_text = self._url_text(url) if url is not None else None
        if endpoint is None and not is_wecom_url_text(url_text):
            return False
        checked = targets.checked
        body, keyword = self._positional_body_after_url(call, url) if url is not None else (None, None)
        self._add(call, endpoint, _guess_method(call, name, endpoint), "wrapper", checked, url, body, keyword)
        return True

    def _add(self, call: cst.Call, endpoint: Optional[str], method: str, kind: str, checked: bool,
             url: Optional[cst.BaseExpression], body: Optional[cst.BaseExpression], keyword: Optional[str]) -> None:
        self.calls[call] = WeComCall(call, endpoint, method, kind, checked, url, body, keyword)
