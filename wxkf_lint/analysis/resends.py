"""Sends re-sent after a read timeout, where WeCom cannot tell the second request from a new message.

A retry site (:mod:`wxkf_lint.analysis.retries`) whose caught exceptions include a read timeout
(:mod:`wxkf_lint.analysis.exceptions`) and that re-sends ``kf/send_msg``, ``kf/send_msg_on_event`` or
``message/send`` may deliver the message twice.  The retry is safe when the duplicate is recognisable:

* ``kf/send_msg`` / ``kf/send_msg_on_event`` with a ``msgid`` chosen before the retry and so reused by it (a
  ``uuid4()`` computed inside the retried code is a new id on each attempt and recognises nothing);
* ``message/send`` with ``enable_duplicate_check`` set (not ``0``).

Unknown — never reported — when the body is not visible (a parameter, ``**spread``), when the send goes
through code the analysis does not read, or when a requests call has no ``timeout=`` (requests then waits
for ever and never raises a read timeout).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

import libcst as cst

from wxkf_lint.analysis.bodies import BodyAnalysis, dict_items
from wxkf_lint.analysis.calls import CallAnalysis, WeComCall
from wxkf_lint.analysis.exceptions import ExceptionNames
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.syntax import dotted_name, int_literal, keyword_arg

if TYPE_CHECKING:
    from wxkf_lint.analysis.retries import RetrySite

KF_SENDS = ("kf/send_msg", "kf/send_msg_on_event")
APP_SEND = "message/send"


@dataclass(frozen=True)
class UnsafeResend:
    site: "RetrySite"
    send: WeComCall
    #: why a read timeout brings the send round again (``requests.Timeout catches it``)
    reason: str
    #: where the defect is written: the retry site, or the shared ``**CONFIG`` its decorator spreads
    construct: cst.CSTNode


class Resends:
    """The unsafe re-sends of one file, in :attr:`unsafe`, from the file's index, its WeCom calls, its retry sites
    and its request bodies (followed through local names)."""

    def __init__(self, index: SyntaxIndex, calls: CallAnalysis, sites: Sequence["RetrySite"], bodies: BodyAnalysis) -> None:
        self.index = index
        self.bodies = bodies
        self.unsafe: List[UnsafeResend] = []
        #: the node each ``HTTPAdapter(max_retries=…)`` is given → the adapters; each ``X.mount(prefix, …)``'s
        #: adapter node → the receivers ``X``: found once, on the first transport retry that needs them
        self._adapters: Optional[Dict[cst.CSTNode, List[cst.Call]]] = None
        self._mounts: Dict[cst.CSTNode, List[cst.BaseExpression]] = {}
        #: the file's sends by the session they go through (:meth:`_session`)
        self._by_session: Optional[Dict[Tuple[str, object], List[WeComCall]]] = None
        sends = [c for c in calls.calls.values() if c.endpoint in KF_SENDS + (APP_SEND,)]
        if not sends:
            return
        #: each send's place in ``sends``
        self._rank: Dict[cst.Call, int] = {send.node: number for number, send in enumerate(sends)}
        names = ExceptionNames(self.index)
        for site in sites:
            if site.shape == "transport":
                self._transport_resends(site, sends)
                continue
            if not site.trigger_known:
                continue  # what the retry catches is not shown (``**config`` from elsewhere): unknown
            # a site made from a shared construct (a ``**CONFIG`` dict) is anchored there and retries each function
            for container in site.retried:
                for send in self._sends_in(container, sends):
                    library = dotted_name(send.node.func).split(".", 1)[0] if send.kind == "http" else None
                    caught = names.read_timeout_in(site.exceptions, library)
                    if caught is not None and self._may_time_out(send) and self._duplicate_unrecognised(send, container):
                        self.unsafe.append(UnsafeResend(site, send, f"{caught} catches it", site.anchor))
                        break

    def _sends_in(self, container: cst.CSTNode, sends: List[WeComCall]) -> List[WeComCall]:
        """The ``sends`` inside ``container`` (or ``container`` itself), in the order of ``sends``: looked up in
        the container's own calls, not by testing every send of the file against every retry."""
        rank = self._rank
        found = sorted((node for node in self.index.subtree(cst.Call, container) if node in rank), key=rank.__getitem__)
        return [sends[rank[node]] for node in found]

    # -- transport retries ----------------------------------------------------------------------------
    def _transport_resends(self, site: "RetrySite", sends: List[WeComCall]) -> None:
        """urllib3 ``Retry(allowed_methods=[…"POST"…])`` (or ``False``: every method) with read retries on,
        mounted through ``HTTPAdapter(max_retries=…)`` on the session the send goes through.  The default
        ``allowed_methods`` leaves POST out, and ``HTTPAdapter(max_retries=3)`` builds ``Retry(3, read=False)``:
        neither re-sends a POST whose answer was lost."""
        retry = site.anchor
        if not isinstance(retry, cst.Call) or not self._retries_post_reads(retry):
            return
        by_session = self._sends_by_session(sends)
        keys = {self._session(receiver) for receiver in self._mounted_on(retry)}
        on_it = [send for key in keys if key is not None for send in by_session.get(key, [])]
        for send in sorted(on_it, key=lambda send: self._rank[send.node]):
            if self._duplicate_unrecognised(send, retry):
                self.unsafe.append(UnsafeResend(site, send, "the session's urllib3 Retry re-sends a POST after a read error", retry))

    def _sends_by_session(self, sends: List[WeComCall]) -> Dict[Tuple[str, object], List[WeComCall]]:
        """The library calls among ``sends`` made on a session object, by :meth:`_session`; found once."""
        if self._by_session is None:
            self._by_session = {}
            for send in sends:
                owner = send.node.func.value if isinstance(send.node.func, cst.Attribute) else None
                key = self._session(owner) if owner is not None and send.kind == "http" else None
                if key is not None:
                    self._by_session.setdefault(key, []).append(send)
        return self._by_session

    def _retries_post_reads(self, retry: cst.Call) -> bool:
        read = keyword_arg(retry, "read")
        if read is not None and (int_literal(read.value) == 0 or dotted_name(read.value) == "False"):
            return False
        methods = keyword_arg(retry, "allowed_methods", "method_whitelist")
        if methods is None:
            return False
        value = self.bodies.resolve(methods.value)
        if dotted_name(value) in ("False", "None"):
            return True  # retry every method
        if isinstance(value, cst.Call) and dotted_name(value.func) in ("frozenset", "set", "tuple", "list") and value.args:
            value = value.args[0].value
        elements = value.elements if isinstance(value, (cst.List, cst.Tuple, cst.Set)) else []
        return any((literal_string(element.value) or "").upper() == "POST" for element in elements)

    def _mounted_on(self, retry: cst.Call) -> List[cst.BaseExpression]:
        """The receivers ``X`` of ``X.mount(prefix, HTTPAdapter(max_retries=retry))`` (also through names)."""
        if self._adapters is None:
            self._adapters = {}
            for call in self.index.nodes(cst.Call):
                if dotted_name(call.func).endswith("HTTPAdapter"):
                    self._add_given(self._adapters, keyword_arg(call, "max_retries"), call)
                elif isinstance(call.func, cst.Attribute) and call.func.attr.value == "mount" and len(call.args) == 2:
                    self._add_given(self._mounts, call.args[1], call.func.value)
        adapters = self._adapters.get(retry, [])
        receivers = [receiver for adapter in adapters for receiver in self._mounts.get(adapter, [])]
        return sorted(receivers, key=self.index.order.__getitem__)

    def _add_given(self, table: Dict[cst.CSTNode, list], argument: Optional[cst.Arg], holder: cst.CSTNode) -> None:
        """Record ``holder`` under the node ``argument`` gives: its value, or the value of the name it is (the
        binding that name sees where it is read)."""
        if argument is None:
            return
        value: Optional[cst.CSTNode] = argument.value
        if isinstance(value, cst.Name):
            binding = self.index.lookup(value.value, value)
            value = binding.value if binding is not None else None
        if value is not None:
            table.setdefault(value, []).append(holder)

    def _session(self, owner: cst.CSTNode) -> Optional[Tuple[str, object]]:
        """Which session ``owner`` names, as a key equal for two mentions of one session: ``self.session`` in
        one class, or one name seen through one binding (in one function, or at module level); None when it
        cannot be told (``a.b.session``, a name bound nowhere)."""
        name = dotted_name(owner)
        if not name:
            return None
        if name.startswith("self."):
            klass = self.index.class_of(owner)
            return (name, klass) if klass is not None else None
        if "." in name:
            return None
        binding = self.index.lookup(name, owner)
        return (name, binding) if binding is not None else None

    def _may_time_out(self, send: WeComCall) -> bool:
        """A requests call — ``requests.post`` or a ``requests.Session()``'s — without ``timeout=`` (nor
        ``**kwargs``) waits for ever: no read timeout is raised (a session has no default timeout)."""
        node = send.node
        if send.kind == "http" and (dotted_name(node.func).startswith("requests.") or self._requests_session(node)):
            return keyword_arg(node, "timeout") is not None or any(arg.star == "**" for arg in node.args)
        return True

    def _requests_session(self, call: cst.Call) -> bool:
        owner = call.func.value if isinstance(call.func, cst.Attribute) else None
        if isinstance(owner, cst.Name):
            binding = self.index.lookup(owner.value, call)
        elif isinstance(owner, cst.Attribute) and dotted_name(owner.value) == "self":
            binding = self.index.lookup_self_attribute(owner.attr.value, call)
        else:
            return False
        value = binding.value if binding is not None else None
        return isinstance(value, cst.Call) and dotted_name(value.func) in ("requests.Session", "requests.session")

    def _duplicate_unrecognised(self, send: WeComCall, container: cst.CSTNode) -> bool:
        if send.body is None:
            return False
        body = self.bodies.resolve(send.body)
        if not isinstance(body, cst.Dict) or any(not isinstance(e, cst.DictElement) for e in body.elements):
            return False  # not visible: unknown
        values = {key: element.value for key, element in dict_items(body).items()}
        values.update(self._assigned_keys(send.body))
        if send.endpoint in KF_SENDS:
            msgid = values.get("msgid")
            return msgid is None or self._new_each_attempt(msgid, container)
        flag = values.get("enable_duplicate_check")
        return flag is None or int_literal(flag) == 0 or (isinstance(flag, cst.Name) and flag.value == "False")

    def _assigned_keys(self, expression: cst.BaseExpression) -> dict:
        """``body["msgid"] = …`` on the name the call sends."""
        found = {}
        if not isinstance(expression, cst.Name):
            return found
        for assign in self.index.in_function(cst.Assign, self.index.function_of(expression)):
            for target in assign.targets:
                node = target.target
                if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Name) and node.value.value == expression.value:
                    key = literal_string(node.slice[0].slice.value) if isinstance(node.slice[0].slice, cst.Index) else None
                    if key is not None:
                        found[key] = assign.value
        return found

    def _new_each_attempt(self, value: cst.BaseExpression, container: cst.CSTNode) -> bool:
        """The msgid is computed (a call such as ``uuid4()``) inside the retried code, also through a local name."""
        if isinstance(value, cst.Name):
            binding = self.index.lookup(value.value, value)
            if binding is None or not isinstance(binding.value, cst.BaseExpression) or isinstance(binding.node, cst.Param):
                return False
            return self.index.is_inside(binding.node, container) and _computed(binding.value)
        return _computed(value) and self.index.is_inside(value, container)


def _computed(value: cst.CSTNode) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            return True
        stack.extend(node.children)
    return False
