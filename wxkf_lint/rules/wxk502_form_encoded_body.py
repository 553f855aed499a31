"""WXK502 form-encoded-body: a dict sent with ``data=`` to a WeCom POST endpoint.

requests, httpx and aiohttp form-encode a dict given as ``data=``; WeCom expects a JSON body and answers with
an error (or, with ``Warning: wrong json format.``, acts on part of it).  wechatpy's own ``data=`` is JSON and
is not reported, nor is the ``data=`` of a method whose library the file does not show (``self.client.post``
with a client from elsewhere, a base class's ``self.post``): what it sends is unknown.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.syntax import keyword_arg
from wxkf_lint.rules.base import LintRule, Report

_NOT_JSON_ENDPOINTS = ("media/upload", "media/uploadimg")
#: the libraries that form-encode a dict given as ``data=``
_FORM_ENCODING = ("requests", "httpx", "aiohttp")


def _can_rename(call: cst.Call, value: cst.BaseExpression) -> bool:
    """``data=`` → ``json=`` for a dict literal, unless the call may already pass ``json=`` (twice is an error)."""
    passes_json = keyword_arg(call, "json") is not None or any(arg.star == "**" for arg in call.args)
    return isinstance(value, cst.Dict) and not passes_json


class FormEncodedBody(LintRule):
    code = "WXK502"

    def check(self) -> Iterator[Report]:
        bodies = self.context.bodies
        for body in bodies.bodies:
            call = body.call
            if call.kind != "http" or call.method != "POST" or call.body_keyword != "data":
                continue
            if self.context.callees.sends_as(call.node, _FORM_ENCODING) is not Fact.BAD:
                continue  # an SDK's own post(url, data=body) may well send JSON: unknown, not form-encoded
            if call.endpoint in _NOT_JSON_ENDPOINTS or keyword_arg(call.node, "files") is not None:
                continue
            value = body.value
            is_dict_call = isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict"
            if not isinstance(value, (cst.Dict, cst.DictComp)) and not is_dict_call:
                continue
            argument = keyword_arg(call.node, "data")
            replacement = argument.with_changes(keyword=cst.Name("json")) if _can_rename(call.node, value) else None
            yield self.report(
                argument,
                f"dict sent with data= to {call.endpoint or 'a WeCom POST'} goes out form-encoded; WeCom expects "
                f"JSON — send it with json=",
                replacement=replacement,
                fix_description="send the dict as JSON (data= → json=)" if replacement is not None else "",
                unsafe=True,  # the request goes out in another format (and with another Content-Type)
            )
