"""WXK503 body-in-query-params: a JSON-style body passed as ``params=`` to a WeCom POST that sends no body.

requests, httpx and aiohttp put ``params=`` in the query string.  A POST whose message fields (``touser``,
``msgtype``, ``open_kfid``…) travel there arrives with an empty body, and WeCom answers 44002 (empty POST body).
``params={"access_token": token}`` beside ``json=body`` is the right shape and is not reported.
"""

from __future__ import annotations

from typing import Iterator, List, Optional

import libcst as cst

from wxkf_lint.analysis.bodies import dict_items
from wxkf_lint.analysis.calls import WeComCall
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.syntax import keyword_arg
from wxkf_lint.rules.base import LintRule, Report

#: Keys that only a request body carries (domain.md: the kf and message/send bodies); query parameters such as
#: ``access_token``, ``type``, ``media_id`` or ``debug`` are not among them.
BODY_KEYS = frozenset({
    "touser", "toparty", "totag", "msgtype", "open_kfid", "userid_list", "agentid", "external_userid",
    "servicer_userid", "external_userid_list", "service_state", "msgid", "enable_duplicate_check", "text",
    "markdown", "news", "mpnews", "textcard", "template_card", "msgmenu",
})
#: Keys that stay in the query string when the fix moves the rest into the body.
QUERY_KEYS = frozenset({"access_token", "debug"})
_OTHER_BODIES = ("json", "data", "content", "body", "files")
#: the libraries that put ``params=`` in the query string
_QUERY_STRING_LIBRARIES = ("requests", "httpx", "aiohttp")


def _sends_no_body(call: WeComCall) -> bool:
    """Nothing but ``params=`` can carry the body: no body keyword, no positional body, no ``**kwargs``."""
    node = call.node
    return (
        call.body is None
        and keyword_arg(node, *_OTHER_BODIES) is None
        and not any(arg.star for arg in node.args)
    )


def _ending_like(elements: List[cst.BaseDictElement], original: cst.Dict) -> List[cst.BaseDictElement]:
    """The last element ends as the dict's own last element did (a trailing comma and line break, or nothing)."""
    if elements:
        elements[-1] = elements[-1].with_changes(comma=original.elements[-1].comma)
    return elements


def _moved_to_json(call: cst.Call, argument: cst.Arg, body: cst.Dict) -> Optional[cst.Call]:
    """The call with the body keys in ``json=`` and the query keys (``access_token``) left in ``params=``."""
    if any(not isinstance(element, cst.DictElement) for element in body.elements):
        return None  # a ``**spread`` may hold either kind of key
    query_keys = {id(element) for key, element in dict_items(body).items() if key in QUERY_KEYS}
    query = [element for element in body.elements if id(element) in query_keys]
    rest = [element for element in body.elements if id(element) not in query_keys]
    if not query:
        moved = [argument.with_changes(keyword=cst.Name("json"))]
    else:
        spaced = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        moved = [
            argument.with_changes(value=body.with_changes(elements=_ending_like(query, body)), comma=spaced),
            argument.with_changes(keyword=cst.Name("json"), value=body.with_changes(elements=_ending_like(rest, body))),
        ]
    args: List[cst.Arg] = []
    for arg in call.args:
        if arg is argument:
            moved[-1] = moved[-1].with_changes(comma=argument.comma)
            args.extend(moved)
        else:
            args.append(arg)
    return call.with_changes(args=args)


class BodyInQueryParams(LintRule):
    code = "WXK503"
    def check(self) -> Iterator[Report]:
        bodies = self.context.bodies
        for call in self.context.calls.calls.values():
            if call.kind != "http" or call.method != "POST" or not _sends_no_body(call):
                continue
            if self.context.callees.sends_as(call.node, _QUERY_STRING_LIBRARIES) is not Fact.BAD:
                continue  # an SDK's own post(url, params=…) may send it as the body: unknown
            argument = keyword_arg(call.node, "params")
            if argument is None:
                continue
            value = bodies.resolve(argument.value)
            keys = set(dict_items(value))
            if not keys & BODY_KEYS:
                continue
            replacement = _moved_to_json(call.node, argument, value) if value is argument.value else None
            yield self.report(
                argument,
                f"message body passed as params= to {call.endpoint or 'a WeCom POST'} goes into the query string and "
                f"WeCom sees an empty body (44002) — send it with json= (access_token stays in params=)",
                replacement=replacement,
                replaced=call.node if replacement is not None else None,
                fix_description="unsafe (changes what is sent): send the body as JSON (params= → json=, access_token kept in params=)" if replacement is not None else "",
                unsafe=True,
            )
