"""On-call alerts through the WeCom application message API (``message/send``); older than ``TokenStore``.

It fetches one token when it is imported and uses it for as long as the process lives.
"""

from __future__ import annotations

import logging
import os
from typing import List

import requests

log = logging.getLogger(__name__)

_answer = requests.get(
    "https://qyapi.weixin.qq.com/cgi-bin/gettoken",
    params={"corpid": os.environ.get("WECOM_CORP_ID", ""), "corpsecret": os.environ.get("WECOM_ALERT_SECRET", "")},
    timeout=5,
).json()
if _answer["errcode"] != 0:
    raise RuntimeError(f"gettoken failed: {_answer['errcode']} {_answer['errmsg']}")
ACCESS_TOKEN = _answer["access_token"]  # expect: WXK302


def alert(userids: List[str], text: str) -> bool:
    data = requests.post(
        "https://qyapi.weixin.qq.com/cgi-bin/message/send",
        params={"access_token": ACCESS_TOKEN},
        json={"touser": "|".join(userids), "msgtype": "text", "agentid": int(os.environ.get("WECOM_AGENT_ID", "0")),
              "text": {"content": text}},
        timeout=10,
    ).json()
    if data["errcode"] != 0:
        log.error("alert not sent: %s %s", data["errcode"], data["errmsg"])
        return False
    return True
