"""Telling the agents (app messages, ``message/send``) that a customer is waiting.

Written the way notifier modules often are: a token fetched per message, a body in the query string, a retry on
any network error.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Optional

import requests

QYAPI = "https://qyapi.weixin.qq.com/cgi-bin"


def fetch_token(corpid: str, secret: str) -> str:
    data = requests.get(f"{QYAPI}/gettoken", params={"corpid": corpid, "corpsecret": secret}, timeout=5).json()  # expect: WXK304
    if data["errcode"] != 0:
        raise RuntimeError(f"gettoken failed: {data['errcode']} {data['errmsg']}")
    return data["access_token"]


def notify_agents(corpid: str, secret: str, agents: str, text: str) -> None:
    token = fetch_token(corpid, secret)
    body = {"touser": agents, "msgtype": "text", "agentid": 1000002, "text": {"content": text}}
    for attempt in range(3):  # expect: WXK205
        try:
            data = requests.post(f"{QYAPI}/message/send?access_token={token}", json=body, timeout=5).json()
        except requests.RequestException:
            time.sleep(2 ** attempt)
            continue
        if data["errcode"] != 0:
            raise RuntimeError(f"message/send failed: {data['errcode']} {data['errmsg']}")
        return


def notify_card(token: str, agents: str, title: str, link: str) -> None:
    data = requests.post(
        f"{QYAPI}/message/send",
        params={"access_token": token, "touser": agents, "msgtype": "textcard", "agentid": 1000002,  # expect: WXK503
                "textcard": {"title": title, "description": title, "url": link}},
        timeout=5,
    ).json()
    if data["errcode"] != 0:
        raise RuntimeError(f"message/send failed: {data['errcode']} {data['errmsg']}")


def notify_markdown(token: str, agents: str, text: str) -> Optional[str]:
    body = {"touser": agents, "msgtype": "markdown", "agentid": 1000002, "markdown": {"content": text}}
    url = f"{QYAPI}/message/send?access_token={token}"
    data = requests.post(url, data=str(body).replace("'", '"').encode("utf-8"), timeout=5).json()  # expect: WXK105, WXK501
    if data["errcode"] in (40014, 42001):  # only token death is told apart; 45009 and the rest read as success
        return None
    return data.get("msgid")


class AgentNotifier:
    """Keeps its token, renews it on 40014/42001 — and repeats with the URL built from the dead one."""

    def __init__(self, corpid: str, secret: str) -> None:
        self.corpid = corpid
        self.secret = secret
        self.token = ""
        self.expires_at = 0.0

    def current_token(self) -> str:
        if time.time() >= self.expires_at:
            self.renew()
        return self.token

    def renew(self) -> None:
        data = requests.get(f"{QYAPI}/gettoken", params={"corpid": self.corpid, "corpsecret": self.secret}, timeout=5).json()
        if data["errcode"] != 0:
            raise RuntimeError(f"gettoken failed: {data['errcode']} {data['errmsg']}")
        self.token, self.expires_at = data["access_token"], time.time() + data["expires_in"] - 60

    def send(self, body: Dict[str, Any]) -> Dict[str, Any]:
        url = f"{QYAPI}/message/send?access_token={self.current_token()}"
        data = requests.post(url, json=body, timeout=5).json()
        if data["errcode"] in (40014, 42001):
            self.renew()
            data = requests.post(url, json=body, timeout=5).json()  # expect: WXK206
        if data["errcode"] != 0:
            raise RuntimeError(f"message/send failed: {data['errcode']} {data['errmsg']}")
        return data
