"""Whether a retry pauses between attempts and whether it renews the access token before the next one."""

from __future__ import annotations

import re
from typing import FrozenSet, List, Optional, Set

import libcst as cst

from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.retries.scope import RetryFile
from wxkf_lint.analysis.syntax import callee_name, dotted_name, names_in


_WAIT_CALL = re.compile(r"sleep|^_*wait$|backoff|delay", re.I)
#: Names of calls that may well pace requests (``self._throttle()``, ``limiter.acquire()``) whose body the file
#: does not show: the pause is unknown, not absent.
_MAY_PAUSE = re.compile(r"wait|pause|throttl|jitter|cool_?down|rate_?limit|limiter|acquire|backoff|retry_after", re.I)
_REFRESH = re.compile(r"token|refresh|renew", re.I)
_INVALIDATE = re.compile(r"delete|pop|clear|invalidate|expire|reset|remove", re.I)
#: A keyword that asks a token store for a new token: ``self._tokens.get(force=attempt > 0)``.
_FORCE_ARG = re.compile(r"force|refresh|renew|fresh|reload", re.I)


class Pauses:
    """Whether a retry pauses between attempts (``time.sleep``, a same-file pausing helper)."""

    def __init__(self, file: RetryFile) -> None:
        self.file = file
        self.index = file.index
        self._waiting_names: Optional[Set[str]] = None
        self._defined = frozenset(function.name.value for function in self.index.nodes(cst.FunctionDef))
        self._local_classes: Optional[FrozenSet[str]] = None

    def pause_in(self, container: cst.CSTNode) -> Fact:
        """A pause in ``container``: GOOD for a sleep/wait call or a call of a same-file function that pauses
        (``_pause(attempt)`` wrapping ``time.sleep``); UNKNOWN when a call there runs code the file does not show and
        may pause: a pacing-named one (``throttle()``, ``limiter.acquire()``) or a method inherited from a base
        class of another module; BAD otherwise."""
        if self._waiting_names is None:
            self._waiting_names = self._find_waiting_functions()
        found = Fact.BAD
        for call in self.index.within_block(cst.Call, container):
            name = callee_name(call)
            if _WAIT_CALL.search(name) or name in self._waiting_names:
                return Fact.GOOD
            if not self.file.sends(call) and self._body_unseen(call) and (_MAY_PAUSE.search(name) or self._inherited(call)):
                found = Fact.UNKNOWN
        return found

    def _inherited(self, call: cst.Call) -> bool:
        """``self._handle_error(r)`` where no same-file class defines the method and the enclosing class has a
        base from another module: the method lives there, and may pause."""
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value in ("self", "cls")):
            return False
        klass = self.index.class_of(call)
        if klass is None:
            return False
        if self._local_classes is None:
            self._local_classes = frozenset(c.name.value for c in self.index.nodes(cst.ClassDef)) | {"object", ""}
        return any(base.keyword is None and dotted_name(base.value) not in self._local_classes for base in klass.bases)

    def _body_unseen(self, call: cst.Call) -> bool:
        """The callee's body is not in this file: not a same-file function or method (whose pauses
        :meth:`_find_waiting_functions` has already followed)."""
        return callee_name(call) not in self._defined

    def _find_waiting_functions(self) -> Set[str]:
        waiting: Set[str] = set()
        changed = True
        while changed:
            changed = False
            for call in self.index.nodes(cst.Call):
                name = callee_name(call)
                if not (_WAIT_CALL.search(name) or name in waiting):
                    continue
                function = self.index.function_of(call)
                if isinstance(function, cst.FunctionDef) and function.name.value not in waiting:
                    waiting.add(function.name.value)
                    changed = True
        return waiting



class Renewals:
    """Whether a retry renews the access token before the next attempt."""

    def __init__(self, file: RetryFile) -> None:
        self.file = file
        self.index = file.index
        self.context = file.context
        self._renewal_nodes: Optional[FrozenSet[cst.CSTNode]] = None

    def refreshes_in(self, container: cst.CSTNode) -> bool:
        """A token refresh: ``refresh_token()``, ``self._cache.delete(self._token_key)``, ``self.token = None``,
        ``self._tokens.get(force=attempt > 0)``, or a call of a same-file function that does one of those."""
        if self._renewal_nodes is None:
            self._renewal_nodes = frozenset(self._renewals(self._find_refreshing_functions()))
        renewals = self._renewal_nodes
        return any(
            node in renewals for kind in (cst.Call, cst.Assign) for node in self.index.within_block(kind, container)
        )

    def _renewals(self, refreshing: Set[str]) -> List[cst.CSTNode]:
        """The calls and assignments of the file that renew a token (calls of ``refreshing`` functions too)."""
        found: List[cst.CSTNode] = []
        for call in self.index.nodes(cst.Call):
            if call in self.context.calls.calls:
                continue
            name = callee_name(call)
            if (
                _REFRESH.search(name)
                or name in refreshing
                or (_INVALIDATE.search(name) and any(_REFRESH.search(n) for n in names_in(call)))
                or (_REFRESH.search(dotted_name(call.func)) and any(a.keyword is not None and _FORCE_ARG.search(a.keyword.value) for a in call.args))
            ):
                found.append(call)
        for assign in self.index.nodes(cst.Assign):
            if any(_REFRESH.search(dotted_name(t.target) or "") for t in assign.targets):
                found.append(assign)
        return found

    def _find_refreshing_functions(self) -> Set[str]:
        """Same-file functions that renew the token and send no request but ``gettoken`` (``def _reauth(self):
        self._token = None``): calling one in a retry is the refresh.  A sending wrapper is not one, or every
        loop around ``self._post(...)`` would count as refreshing."""
        senders = {self.index.function_of(c.node) for c in self.context.calls.calls.values() if c.endpoint != "gettoken"}
        refreshing: Set[str] = set()
        changed = True
        while changed:
            changed = False
            for node in self._renewals(refreshing):
                function = self.index.function_of(node)
                if isinstance(function, cst.FunctionDef) and function not in senders and function.name.value not in refreshing:
                    refreshing.add(function.name.value)
                    changed = True
        return refreshing
