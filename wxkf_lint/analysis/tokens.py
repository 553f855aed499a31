"""Where access tokens and secrets come from, where they are stored and used, and whether they are renewed.

Shared by WXK301 (token literal), WXK302 (token never refreshed) and WXK303 (secret literal).  All three
apply only to WeCom code and never to docstrings.  A literal counts as a credential only when it looks like
one: WeCom secrets are 43 characters and access tokens longer, of ``[A-Za-z0-9_-]``; placeholders, masked
values and templates are not.  Test files are no exception for literals (a live-API test or a debug constant
leaks a real secret as surely as application code), but there a fixture's fake (``"test-secret-0001"``,
``"mock_token_abc123"``) is a placeholder too: a test literal counts only when it is as long and as varied as
a real credential.  WXK302 skips test files: a test's token lives as long as the test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, List, Optional, Set, Tuple

import libcst as cst

from wxkf_lint.analysis.calls import CallAnalysis
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.responses import ResponseAnalysis
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import callee_name, dotted_name, int_literal, names_in
from wxkf_lint.analysis.wechatpy import WechatpyUsage


_PLACEHOLDER = re.compile(
    r"your|xxx|example|dummy|fake|placeholder|changeme|change_me|replace|sample|todo|\{|%s|%\(|<|\*|\[\[|\$|\.\.\.",
    re.I,
)
_CREDENTIAL = re.compile(r"^[A-Za-z0-9_\-]+$")
_TOKEN_NAME = re.compile(r"(?:^|_)(?:access_?)?token$", re.I)
_NOT_ACCESS_TOKEN = re.compile(r"msg|callback|verify|verification|suite|ticket|csrf|bot|api_?token|github|slack|jwt", re.I)
_SECRET_NAME = re.compile(r"secret", re.I)
_NOT_SECRET = re.compile(r"key|name|file|path|env|var|type|id$|url|field|header|param", re.I)
_URL_CREDENTIAL = re.compile(r"(access_token|corpsecret)=([A-Za-z0-9_\-]+)")
_EXPIRY = re.compile(r"expire|expiry|expires|ttl|deadline|valid_until", re.I)
_TOKEN_CODES = {40014, 42001}
#: the leading parameters of wechatpy's client constructors (``WeChatClient(corp_id, secret, access_token)``)
_WECHATPY_CLIENT_PARAMETERS = ("corp_id", "secret", "access_token")
MIN_SECRET_LENGTH = 16
_ENV_LOOKUPS = {"os.environ.get", "os.getenv", "environ.get", "getenv"}
MIN_TOKEN_LENGTH = 40  # callback Tokens (3–32 characters) are not access tokens


def _environment_default(value: cst.CSTNode) -> Optional[cst.CSTNode]:
    """The default of ``os.environ.get(NAME, default)`` / ``os.getenv(NAME, default)``: the read itself is
    configuration, but a real-looking default beside it is a credential written into the source all the same
    (placeholders and empty defaults are not: :func:`looks_like_credential` decides)."""
    if not isinstance(value, cst.Call) or dotted_name(value.func) not in _ENV_LOOKUPS:
        return None
    for position, arg in enumerate(value.args):
        if (arg.keyword is None and position == 1 and not arg.star) or (arg.keyword and arg.keyword.value == "default"):
            return arg.value
    return None


def is_placeholder(text: str) -> bool:
    stripped = text.strip()
    return (
        not stripped
        or bool(_PLACEHOLDER.search(stripped))
        or (stripped.upper() == stripped and "_" in stripped and not any(c.isdigit() for c in stripped))
        or len(set(stripped)) <= 3
    )


#: What fixture fakes are made of: a real secret, 43 random characters, does not spell these.
_FIXTURE_WORDS = re.compile(r"test|mock|stub|fixture|secret|token|invalid|wrong|expired|abc|123|qwerty|aaaa|0000", re.I)
#: A real 43-character secret has this many distinct characters or more; ``"a1a1a1…"`` fakes have few.
_MIN_DISTINCT = 12


def looks_like_real_credential(text: str, min_length: int) -> bool:
    """In a test file: a credential that is no fixture fake — long, varied and spelling no fixture word."""
    return looks_like_credential(text, min_length) and len(set(text)) >= _MIN_DISTINCT and not _FIXTURE_WORDS.search(text)


def looks_like_credential(text: str, min_length: int) -> bool:
    """Long, opaque, of the token alphabet, with letters and digits, and no placeholder in it."""
    return (
        len(text) >= min_length
        and bool(_CREDENTIAL.match(text))
        and any(c.isdigit() for c in text)
        and any(c.isalpha() for c in text)
        and not is_placeholder(text)
    )


def is_token_name(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return bool(_TOKEN_NAME.search(last)) and not _NOT_ACCESS_TOKEN.search(last)


def is_secret_name(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return bool(_SECRET_NAME.search(last)) and not _NOT_SECRET.search(last.lower().replace("secret", ""))


@dataclass(frozen=True)
class StaleToken:
    """A token stored once (``store``) and used for WeCom calls with no way to renew it."""

    store: cst.CSTNode
    name: str
    how: str


class TokenAnalysis:
    def __init__(
        self, index: SyntaxIndex, calls: CallAnalysis, responses: ResponseAnalysis, wechatpy: WechatpyUsage,
        wecom_code: bool, in_test_file: bool,
    ) -> None:
        """``wecom_code`` and ``in_test_file``: what :mod:`~wxkf_lint.analysis.filekind` says of the file."""
        self.index = index
        self.calls = calls
        self.responses = responses
        self.wechatpy = wechatpy
        self.token_literals: List[cst.CSTNode] = []
        self.secret_literals: List[cst.CSTNode] = []
        self.stale_tokens: List[StaleToken] = []
        #: the plain names and the dotted attributes that the WeCom calls (and the local URLs they send to) use
        self._call_names: Optional[Tuple[Set[str], Set[str]]] = None
        if not wecom_code:
            return
        in_test = in_test_file
        self._credential = looks_like_real_credential if in_test else looks_like_credential
        self._find_literals()
        if not in_test:
            self._find_stale_tokens()

    # -- literals -------------------------------------------------------------------------------------
    def _assigned_literals(self) -> Iterator[Tuple[str, cst.CSTNode]]:
        """(target name, literal node) of ``NAME = "..."``, ``self.x: str = "..."``, ``{"key": "..."}``, ``f(key="...")``,
        ``def f(access_token="...")`` and positional arguments by their parameter's name."""
        for assign in self.index.nodes(cst.Assign):
            for target in assign.targets:
                yield from self._pairs(target.target, assign.value)
        for ann in self.index.nodes(cst.AnnAssign):
            if ann.value is not None:
                yield from self._pairs(ann.target, ann.value)
        for element in self.index.nodes(cst.DictElement):
            key = literal_string(element.key)
            if key is not None:
                yield key, element.value
        for arg in self.index.nodes(cst.Arg):
            if arg.keyword is not None:
                yield arg.keyword.value, arg.value
        for param in self.index.nodes(cst.Param):
            if param.default is not None:
                yield param.name.value, param.default
        for call in self.index.nodes(cst.Call):
            yield from self._positional_pairs(call)

    def _positional_pairs(self, call: cst.Call) -> Iterator[Tuple[str, cst.CSTNode]]:
        """Positional arguments by the name of the parameter they fill: a same-file function or class, or a
        wechatpy client (``WeChatClient(corp_id, secret)``)."""
        names = self._parameter_names(call)
        for name, arg in zip(names, call.args):
            if arg.keyword is not None or arg.star:
                break
            yield name, arg.value

    def _parameter_names(self, call: cst.Call) -> List[str]:
        if self.wechatpy.is_client_class(call.func):
            return list(_WECHATPY_CLIENT_PARAMETERS)
        name = callee_name(call)
        functions = self.calls.functions.get(name, [])
        if not functions:
            classes = self.index.classes_named(name)
            if classes:
                klass = classes[-1]  # the last class of a name is the one the module ends up with
                functions = [f for f in self.index.within(cst.FunctionDef, klass)
                             if f.name.value == "__init__" and self.index.class_of(f) is klass]
        if len(functions) != 1:
            return []
        params = [p.name.value for p in functions[0].params.params]
        bound = isinstance(call.func, cst.Attribute) or functions[0].name.value == "__init__"
        return params[1:] if bound and params[:1] in (["self"], ["cls"]) else params

    def _pairs(self, target: cst.CSTNode, value: cst.CSTNode) -> Iterator[Tuple[str, cst.CSTNode]]:
        if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)):
            for t, v in zip(target.elements, value.elements):
                yield from self._pairs(t.value, v.value)
            return
        name = dotted_name(target)
        if name:
            yield name, _environment_default(value) or value

    def _find_literals(self) -> None:
        seen: Set[cst.CSTNode] = set()
        for name, value in self._assigned_literals():
            text = literal_string(value)
            if text is None or value in seen:
                continue
            if is_token_name(name) and not self._is_msgtoken_key(value) and self._credential(text, MIN_TOKEN_LENGTH):
                self.token_literals.append(value)
                seen.add(value)
            elif is_secret_name(name) and self._credential(text, MIN_SECRET_LENGTH):
                self.secret_literals.append(value)
                seen.add(value)
        for string in self.index.nodes(cst.SimpleString) + self.index.nodes(cst.FormattedStringText):
            if string in seen or self._is_docstring(string):
                continue
            raw = string.value
            if "access_token=" not in raw and "corpsecret=" not in raw:
                continue
            for key, value in _URL_CREDENTIAL.findall(raw):
                if key == "access_token" and self._credential(value, MIN_TOKEN_LENGTH):
                    self.token_literals.append(string)
                    break
                if key == "corpsecret" and self._credential(value, MIN_SECRET_LENGTH):
                    self.secret_literals.append(string)
                    break

    def _is_msgtoken_key(self, value: cst.CSTNode) -> bool:
        """A ``"token"`` dict key is kf/sync_msg's callback msgtoken; the access token's key is ``access_token``."""
        element = self.index.parent.get(value)
        return isinstance(element, cst.DictElement) and literal_string(element.key) == "token"

    def _is_docstring(self, node: cst.CSTNode) -> bool:
        parent = self.index.parent.get(node)
        while isinstance(parent, cst.ConcatenatedString) or isinstance(parent, cst.FormattedString):
            parent = self.index.parent.get(parent)
        return isinstance(parent, cst.Expr)

    # -- tokens fetched once --------------------------------------------------------------------------
    def _gettoken_functions(self) -> Set[str]:
        """Functions of the file that fetch a token (call gettoken) — calling them fetches anew."""
        names = set()
        for call in self.calls.calls.values():
            if call.endpoint == "gettoken":
                function = self.index.function_of(call.node)
                if isinstance(function, cst.FunctionDef):
                    names.add(function.name.value)
        return names

    def _fetches_token(self, value: cst.CSTNode, fetchers: Set[str]) -> bool:
        if isinstance(value, cst.Await):
            value = value.expression
        family = self.responses.family_of(value)
        if family is not None:
            call = self.responses.family_call(family)
            return call is not None and call.endpoint == "gettoken"
        if isinstance(value, cst.Subscript) or (isinstance(value, cst.Call) and callee_name(value) == "get"):
            base = value.value if isinstance(value, cst.Subscript) else value.func.value  # type: ignore[union-attr]
            return self._fetches_token(base, fetchers)
        if isinstance(value, cst.Call):
            name = callee_name(value)
            return name in fetchers or (bool(re.search(r"get_?(access_?)?token|fetch_?token", name, re.I)) and name in self.calls.functions)
        return False

    def _used_in_wecom_calls(self, name: str) -> bool:
        """``name`` (``TOKEN`` or ``self._token``) appears in the URL or arguments of a WeCom call."""
        if self._call_names is None:
            self._call_names = self._names_in_wecom_calls()
        names, attributes = self._call_names
        return name in attributes if name.startswith("self.") else name.rsplit(".", 1)[-1] in names

    def _names_in_wecom_calls(self) -> Tuple[Set[str], Set[str]]:
        """The names and dotted attributes in the WeCom calls (not wechatpy's) and in the values of the local
        names their URL is made of (``url = f"…{self.token}"``, ``url = "…{T}".format(T=self.token)``): gathered
        once, so that each stored token is a set lookup, not a pass over every call."""
        names: Set[str] = set()
        attributes: Set[str] = set()
        for call in self.calls.calls.values():
            if call.kind == "wechatpy":
                continue
            used = [call.node]
            if call.url is not None:
                for local in names_in(call.url):
                    binding = self.index.lookup(local, call.node)
                    if binding is not None and binding.value is not None:
                        used.append(binding.value)
            for node in used:
                names.update(self.index.names_used(node))
                attributes.update(dotted_name(attribute) for attribute in self.index.subtree(cst.Attribute, node))
        return names, attributes

    def _scope_renews(self, scope: cst.CSTNode, name: str, store: cst.CSTNode, _depth: int = 0) -> bool:
        """The class or module compares errcode with 40014/42001, reads an expiry, or re-assigns the token;
        for a class, also one of its bases: a same-file base is read as if inline, and a base from another
        module may renew the token where the file does not show it (unknown, so not proven never renewed)."""
        if isinstance(scope, cst.ClassDef) and _depth < 4:
            for base in scope.bases:
                if base.keyword is not None or dotted_name(base.value) in ("object", ""):
                    continue
                defined = self.index.classes_named(dotted_name(base.value))
                if len(defined) != 1 or self._scope_renews(defined[0], name, store, _depth + 1):
                    return True
        for node in self.index.within(cst.Integer, scope):
            if int_literal(node) in _TOKEN_CODES:
                return True
        for string in self.index.within(cst.SimpleString, scope):
            if literal_string(string) == "expires_in":
                return True
        for identifier in self.index.within(cst.Name, scope):
            if _EXPIRY.search(identifier.value):
                return True
        key_scope = scope if name.startswith("self.") else None
        for bindings_scope, bindings in self.index.bindings_named(name):
            if key_scope is not None and bindings_scope is not key_scope:
                continue
            if any(binding.node is not store and not self._in_init(binding.node) for binding in bindings):
                return True
        if not name.startswith("self."):
            for statement in self.index.nodes(cst.Global):
                if any(n.name.value == name for n in statement.names):
                    return True
        return False

    def _in_one_shot_main(self, node: cst.CSTNode) -> bool:
        """Inside ``if __name__ == "__main__":`` with no ``while`` loop: a script that runs once and ends well
        within the token's 7200 s, not a module that keeps an import-time token."""
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.If) and "__name__" in set(names_in(ancestor.test)):
                return not self.index.within(cst.While, ancestor)
        return False

    def _in_init(self, node: cst.CSTNode) -> bool:
        function = self.index.function_of(node)
        return isinstance(function, cst.FunctionDef) and function.name.value == "__init__"

    def _find_stale_tokens(self) -> None:
        fetchers = self._gettoken_functions()
        module = self.index.module()
        literal_tokens = set(self.token_literals)
        for assign in self.index.nodes(cst.Assign):
            if len(assign.targets) != 1:
                continue
            name = dotted_name(assign.targets[0].target)
            if not name:
                continue
            value = assign.value
            how = None
            shown = name
            if is_token_name(name) and self._fetches_token(value, fetchers):
                how = "fetched once"
            elif value in literal_tokens:
                how = "hard-coded"
                # ``SEND = "…/kf/send_msg?access_token=<literal>"``: the URL carries the token, as stale as a TOKEN constant
                shown = name if is_token_name(name) else f"in {name}"
            if how is None:
                continue
            scope = self.index.scope_of(assign)
            if name.startswith("self."):
                function = self.index.function_of(assign)
                klass = self.index.class_of(assign)
                if klass is None or not (isinstance(function, cst.FunctionDef) and function.name.value == "__init__"):
                    continue
                scope = klass
            elif scope is not module or self._in_one_shot_main(assign):
                continue
            if self._used_in_wecom_calls(name) and not self._scope_renews(scope, name, assign):
                self.stale_tokens.append(StaleToken(assign, shown, how))
        self._one_per_fetch()

    def _one_per_fetch(self) -> None:
        """One root cause, one finding: ``answer = …gettoken….json()`` then ``token = answer["access_token"]``
        is one token fetched once, reported at the token, not also at the answer it was read from."""
        read_from = set()
        for stale in self.stale_tokens:
            value = stale.store.value
            base = value.value if isinstance(value, cst.Subscript) else (
                value.func.value if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "get" else None)
            if base is not None and dotted_name(base):
                read_from.add(dotted_name(base))
        self.stale_tokens = [
            stale for stale in self.stale_tokens
            if not (dotted_name(stale.store.targets[0].target) in read_from
                    and self.responses.family_of(stale.store.value) is not None)
        ]
