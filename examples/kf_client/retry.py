"""Sending again when WeCom answers -1 (system busy): at most three retries, with a growing pause.

Only -1 is worth retrying as is; 40014/42001 want a new token first (see ``KfApi._post``), and every other
errcode is permanent for that request.
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any, Dict

import requests

from kf_client.tokens import TokenStore

SEND_URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"
SYNC_URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/sync_msg"
log = logging.getLogger(__name__)


class BusyError(Exception):
    """WeCom stayed busy (-1) through every attempt."""


def send_with_retry(tokens: TokenStore, body: Dict[str, Any]) -> Dict[str, Any]:
    for attempt in range(3):
        data = requests.post(SEND_URL, params={"access_token": tokens.get()}, json=body, timeout=10).json()
        if data["errcode"] == -1:
            time.sleep(0.5 * 2 ** attempt + random.random() / 10)
            continue
        return data
    raise BusyError("kf/send_msg: system busy after 3 attempts")


def send_until_delivered(tokens: TokenStore, body: Dict[str, Any]) -> str:
    """Written for the broadcast job: 'it must get through'."""
    while True:  # expect: WXK201, WXK203, WXK204
        data = requests.post(SEND_URL, params={"access_token": tokens.get()}, json=body, timeout=10).json()  # expect-opt-in: WXK402
        if data["errcode"] == 0:
            return data["msgid"]
        log.warning("kf/send_msg failed (%s %s), sending again", data["errcode"], data["errmsg"])


def sync_patiently(tokens: TokenStore, body: Dict[str, Any]) -> Dict[str, Any]:
    for attempt in range(10):  # expect: WXK202
        data = requests.post(SYNC_URL, params={"access_token": tokens.get()}, json=body, timeout=10).json()
        if data["errcode"] == -1:
            time.sleep(2 ** attempt)
            continue
        if data["errcode"] != 0:
            raise RuntimeError(f"kf/sync_msg failed: {data['errcode']} {data['errmsg']}")
        return data
    raise BusyError("kf/sync_msg: system busy after 10 attempts")
