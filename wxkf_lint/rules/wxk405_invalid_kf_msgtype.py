"""WXK405 invalid-kf-msgtype: a kf message whose ``msgtype`` the endpoint does not accept (40008).

kf/send_msg accepts text, image, voice, video, file, link, miniprogram, msgmenu, location, business_card and
ca_link; kf/send_msg_on_event only text and msgmenu.  App-message types such as ``markdown`` or ``textcard``
belong to message/send, not to kf.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.analysis.bodies import dict_items
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.kf_tables import SEND_MSG_TYPES, SEND_ON_EVENT_MSG_TYPES
from wxkf_lint.rules.base import LintRule, Report


class InvalidKfMsgtype(LintRule):
    code = "WXK405"

    def check(self) -> Iterator[Report]:
        for message, endpoint in self.context.bodies.messages():
            items = dict_items(message)
            element = items["msgtype"]
            msgtype = literal_string(element.value)
            if msgtype is None:
                continue
            on_event = endpoint == "kf/send_msg_on_event" or (endpoint is None and "code" in items and "touser" not in items)
            allowed = SEND_ON_EVENT_MSG_TYPES if on_event else SEND_MSG_TYPES
            if msgtype not in allowed:
                where = "kf/send_msg_on_event" if on_event else "kf/send_msg"
                yield self.report(
                    element,
                    f"msgtype {msgtype!r} is not accepted by {where} (40008) — use one of {', '.join(sorted(allowed))}",
                )
