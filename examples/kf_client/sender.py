"""Messages to customers: text, menus, media, and the welcome message of an ``enter_session`` event.

``Sender._post`` hands back WeCom's answer unchecked, so every caller tests errcode itself — and 95001
(five messages per customer turn) and 95002 (the 48-hour window) are business outcomes the caller queues
for later, not faults.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

import requests

from kf_client.tokens import TokenStore

log = logging.getLogger(__name__)
SEND_LIMITS = {95001: "five messages per customer turn", 95002: "48-hour window closed"}


class SendError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"kf send failed: {errcode} {errmsg}")
        self.errcode = errcode


class Outbox:
    """Messages held back by a send limit, sent again when the customer writes next."""

    def __init__(self) -> None:
        self.held: List[Dict[str, Any]] = []

    def hold(self, body: Dict[str, Any], reason: str) -> None:
        log.info("holding a message for %s: %s", body.get("touser"), reason)
        self.held.append(body)


class Sender:
    def __init__(self, tokens: TokenStore, outbox: Outbox, session: Optional[requests.Session] = None) -> None:
        self._tokens = tokens
        self._outbox = outbox
        self._session = session or requests.Session()

    def _post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        url = f"https://qyapi.weixin.qq.com/cgi-bin/{path}"
        return self._session.post(url, params={"access_token": self._tokens.get()}, json=body, timeout=10).json()

    def send(self, body: Dict[str, Any]) -> Optional[str]:
        data = self._post("kf/send_msg", body)
        if data["errcode"] in (95001, 95002):
            self._outbox.hold(body, SEND_LIMITS[data["errcode"]])
            return None
        if data["errcode"] != 0:
            log.error("kf/send_msg failed: %s %s", data["errcode"], data["errmsg"])
            raise SendError(data["errcode"], data["errmsg"])
        return data["msgid"]

    def send_text(self, user: str, open_kfid: str, text: str) -> Optional[str]:
        return self.send({"touser": user, "open_kfid": open_kfid, "msgtype": "text", "text": {"content": text}})

    def send_media(self, user: str, open_kfid: str, msgtype: str, media_id: str) -> Optional[str]:
        return self.send({"touser": user, "open_kfid": open_kfid, "msgtype": msgtype, msgtype: {"media_id": media_id}})

    def send_welcome(self, welcome_code: str, text: str) -> Optional[str]:
        data = self._post("kf/send_msg_on_event", {  # expect: WXK401
            "code": welcome_code,
            "msgtype": "text",
            "text": {"content": text},
        })
        if data["errcode"] == 40014:
            self._tokens.invalidate()
        return data.get("msgid")

    def send_link(self, user: str, open_kfid: str, title: str, url: str, thumb_media_id: str) -> str:
        data = self._post("kf/send_msg", {
            "touser": user,
            "open_kfid": open_kfid,
            "msgtype": "link",
            "link": {"title": title, "url": url, "thumb_media_id": thumb_media_id},
        })
        if data["errmsg"] != "ok":  # expect: WXK101
            raise SendError(data["errcode"], data["errmsg"])
        return data["msgid"]

    def send_location(self, user: str, open_kfid: str, name: str, latitude: float, longitude: float) -> str:
        data = self._post("kf/send_msg", {  # expect-opt-in: WXK402
            "touser": user,
            "open_kfid": open_kfid,
            "msgtype": "location",
            "location": {"name": name, "latitude": latitude, "longitude": longitude},
        })
        if data["errcode"] != 0:
            raise SendError(data["errcode"], data["errmsg"])
        return data["msgid"]

    def notify_handover(self, user: str, open_kfid: str) -> None:
        self._post("kf/send_msg", {  # expect: WXK103
            "touser": user,
            "open_kfid": open_kfid,
            "msgtype": "text",
            "text": {"content": "正在为您转接人工客服，请稍候"},
        })


def logo_message(user: str, open_kfid: str) -> Dict[str, Any]:
    return {
        "touser": user,
        "open_kfid": open_kfid,
        "msgtype": "image",
        "image": {"media_id": "2-G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0"},  # expect: WXK406
    }


def announcement(user: str, open_kfid: str, text: str) -> Dict[str, Any]:
    return {"touser": user, "open_kfid": open_kfid, "msgtype": "markdown", "markdown": {"content": text}}  # expect: WXK405


def size_menu(user: str, open_kfid: str) -> Dict[str, Any]:
    return {
        "touser": user,
        "open_kfid": open_kfid,
        "msgtype": "msgmenu",
        "msgmenu": {
            "head_content": "请选择尺码",
            "list": [  # expect: WXK403
                {"type": "click", "click": {"id": "xs", "content": "XS"}},
                {"type": "click", "click": {"id": "s", "content": "S"}},
                {"type": "click", "click": {"id": "m", "content": "M"}},
                {"type": "click", "click": {"id": "l", "content": "L"}},
                {"type": "click", "click": {"id": "xl", "content": "XL"}},
                {"type": "click", "click": {"id": "xxl", "content": "XXL"}},
                {"type": "click", "click": {"id": "3xl", "content": "3XL"}},
                {"type": "click", "click": {"id": "4xl", "content": "4XL"}},
                {"type": "click", "click": {"id": "5xl", "content": "5XL"}},
                {"type": "click", "click": {"id": "6xl", "content": "6XL"}},
                {"type": "view", "view": {"url": "https://example.com/sizes", "content": "尺码表"}},
            ],
        },
    }


def help_menu(user: str, open_kfid: str) -> Dict[str, Any]:
    return {
        "touser": user,
        "open_kfid": open_kfid,
        "msgtype": "msgmenu",
        "msgmenu": {
            "head_content": "您好，请问需要什么帮助？",
            "list": [
                {"type": "click", "click": {"id": "order", "content": "查询订单"}},
                {"type": "url", "url": {"url": "https://example.com/help", "content": "帮助中心"}},  # expect: WXK404
                {"type": "text", "text": {"content": "或直接输入您的问题", "no_newline": 1}},
            ],
            "tail_content": "",
        },
    }


def send_text_quickly(token: str, user: str, open_kfid: str, text: str) -> None:
    """The first version of send_text, still used by the nightly report job."""
    url = f"https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token={token}"
    body = '{"touser": "%s", "open_kfid": "%s", "msgtype": "text", "text": {"content": "%s"}}' % (user, open_kfid, text)  # expect: WXK501
    data = requests.post(url, data=body.encode("utf-8"), timeout=10).json()  # expect-opt-in: WXK402
    if data["errcode"] != 0:
        raise SendError(data["errcode"], data["errmsg"])
