"""Pulling the messages a kf callback announces, page by page (``kf/sync_msg``).

The loop repeats on ``has_more``/``next_cursor``: that is paging, not a retry, and it is correct code
that wxkf-lint must leave alone. Nothing in this file is a defect.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Iterator, MutableMapping, Optional

import requests

from kf_client.tokens import TokenStore

SYNC_URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/sync_msg"
log = logging.getLogger(__name__)


class SyncError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"kf/sync_msg failed: {errcode} {errmsg}")
        self.errcode = errcode


def pull_messages(tokens: TokenStore, open_kfid: str, msg_token: str, cursors: MutableMapping[str, str],
                  session: Optional[requests.Session] = None) -> Iterator[Dict[str, Any]]:
    """Every message after the stored cursor; the cursor is saved after each page."""
    http = session or requests.Session()
    cursor = cursors.get(open_kfid, "")
    while True:
        body = {"cursor": cursor, "token": msg_token, "limit": 1000, "voice_format": 0, "open_kfid": open_kfid}
        data = http.post(SYNC_URL, params={"access_token": tokens.get()}, json=body, timeout=10).json()
        if data["errcode"] in (40014, 42001):
            tokens.invalidate()
        if data["errcode"] != 0:
            log.error("kf/sync_msg failed for %s: %s %s", open_kfid, data["errcode"], data["errmsg"])
            raise SyncError(data["errcode"], data["errmsg"])
        yield from data["msg_list"]
        cursor = data["next_cursor"]
        cursors[open_kfid] = cursor
        if not data["has_more"]:
            break


def welcome_codes(messages: Iterator[Dict[str, Any]]) -> Iterator[str]:
    """The ``welcome_code`` of each ``enter_session`` event: it lets us answer with ``send_msg_on_event``."""
    for message in messages:
        event = message.get("event", {})
        if message.get("msgtype") == "event" and event.get("event_type") == "enter_session":
            code = event.get("welcome_code")
            if code:
                yield code
