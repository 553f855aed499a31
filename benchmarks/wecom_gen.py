"""Generates one large WeCom client module made of many small, varied kf functions.

Real SDK modules run to several thousand lines; a cost that grows faster than the file shows only there.
The generated module repeats a cycle of blocks written as real kf clients are (sends that check errcode
or not, ``kf/sync_msg`` paging on ``next_cursor``, token classes, a token fetched once, bounded and
unbounded retries, a wechatpy client, message bodies), each block with its own names, so every function
is distinct code the analysis must look at, with findings and without. The text is the same for the same
size on every run.

Usage: ``python benchmarks/wecom_gen.py LINES [OUTPUT]`` (stdout without OUTPUT).
"""

from __future__ import annotations

import sys
from typing import Callable, List

HEADER = '''"""A generated WeCom kf client (benchmarks/wecom_gen.py): many small functions, as SDK modules have."""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Dict, List, Optional

import requests
from wechatpy.enterprise import WeChatClient

log = logging.getLogger(__name__)
BASE = "https://qyapi.weixin.qq.com/cgi-bin/"
SEND_URL = BASE + "kf/send_msg"
SYNC_URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/sync_msg"
GETTOKEN_URL = "https://qyapi.weixin.qq.com/cgi-bin/gettoken"
'''


def _send_checked(n: int) -> str:
    return f'''

def send_text_{n}(token: str, user: str, open_kfid: str, text: str) -> Optional[str]:
    body = {{"touser": user, "open_kfid": open_kfid, "msgtype": "text", "text": {{"content": text}}}}
    resp = requests.post(SEND_URL, params={{"access_token": token}}, json=body, timeout=10)
    data = resp.json()
    if data["errcode"] in (95001, 95002):
        log.info("send limit %s for %s", data["errcode"], user)
        return None
    if data["errcode"] != 0:
        raise RuntimeError(f"kf/send_msg failed: {{data['errcode']}} {{data['errmsg']}}")
    return data["msgid"]
'''


def _send_unchecked(n: int) -> str:
    return f'''

def send_menu_{n}(token: str, user: str, open_kfid: str) -> str:
    menu = {{
        "head_content": "choose {n}",
        "list": [
            {{"type": "click", "click": {{"id": "{n}01", "content": "yes"}}}},
            {{"type": "click", "click": {{"id": "{n}02", "content": "no"}}}},
        ],
    }}
    url = SEND_URL + "?access_token=" + token
    data = requests.post(url, json={{"touser": user, "open_kfid": open_kfid, "msgtype": "msgmenu", "msgmenu": menu}}).json()
    if data.get("errmsg") == "ok":
        log.info("menu {n} sent")
    return data["msgid"]
'''


def _sync_paging(n: int) -> str:
    return f'''

def sync_all_{n}(token: str, open_kfid: str, cursor: str = "") -> List[Dict[str, Any]]:
    messages: List[Dict[str, Any]] = []
    has_more = 1
    while has_more:
        data = requests.post(
            SYNC_URL, params={{"access_token": token}},
            json={{"cursor": cursor, "open_kfid": open_kfid, "limit": 1000}}, timeout=10,
        ).json()
        if data["errcode"] != 0:
            raise RuntimeError("kf/sync_msg failed: %s" % data["errmsg"])
        messages.extend(data["msg_list"])
        cursor = data["next_cursor"]
        has_more = data["has_more"]
    return messages
'''


def _token_class(n: int) -> str:
    return f'''

class TokenStore{n}:
    """Token cache {n}: renewed before it expires and on 40014/42001."""

    def __init__(self, corp_id: str, secret: str) -> None:
        self.corp_id = corp_id
        self.secret = secret
        self.token = ""
        self.expires_at = 0.0

    def get(self) -> str:
        if time.time() > self.expires_at - 60:
            data = requests.get(GETTOKEN_URL, params={{"corpid": self.corp_id, "corpsecret": self.secret}}).json()
            if data.get("errcode", 0) != 0:
                raise RuntimeError(f"gettoken failed: {{data['errcode']}}")
            self.token = data["access_token"]
            self.expires_at = time.time() + data["expires_in"]
        return self.token

    def call(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        data = requests.post(BASE + path, params={{"access_token": self.get()}}, json=body, timeout=10).json()
        if data["errcode"] in (40014, 42001):
            self.expires_at = 0.0
            data = requests.post(BASE + path, params={{"access_token": self.get()}}, json=body, timeout=10).json()
        return data
'''


def _token_fetched_once(n: int) -> str:
    return f'''

class KfAccounts{n}:
    """Fetches its token once, in __init__, and never renews it."""

    def __init__(self, corp_id: str, secret: str) -> None:
        self.access_token = requests.get(GETTOKEN_URL, params={{"corpid": corp_id, "corpsecret": secret}}).json()["access_token"]

    def list_accounts(self, offset: int = 0) -> List[Dict[str, Any]]:
        data = requests.post(
            BASE + "kf/account/list", params={{"access_token": self.access_token}}, json={{"offset": offset, "limit": 100}},
        ).json()
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
        return data["account_list"]
'''


def _retries(n: int) -> str:
    return f'''

def send_with_retry_{n}(token: str, body: Dict[str, Any]) -> Dict[str, Any]:
    for attempt in range(3):
        data = requests.post(SEND_URL, params={{"access_token": token}}, json=body, timeout=10).json()
        if data["errcode"] == -1:
            time.sleep(0.5 * 2 ** attempt)
            continue
        return data
    raise RuntimeError("kf/send_msg: busy after 3 attempts")


def send_until_delivered_{n}(token: str, body: Dict[str, Any]) -> str:
    while True:
        data = requests.post(SEND_URL, params={{"access_token": token}}, json=body, timeout=10).json()
        if data["errcode"] == 0:
            return data["msgid"]
        log.warning("kf/send_msg failed (%s), sending again", data["errcode"])
'''


def _wechatpy(n: int) -> str:
    return f'''

class Servicers{n}:
    def __init__(self, corp_id: str, secret: str) -> None:
        self.client = WeChatClient(corp_id, secret)

    def add(self, open_kfid: str, userids: List[str]) -> Dict[str, Any]:
        return self.client.post("kf/servicer/add", data={{"open_kfid": open_kfid, "userid_list": userids}})

    def state(self, open_kfid: str, external_userid: str) -> int:
        result = self.client.post("kf/service_state/get", data={{"open_kfid": open_kfid, "external_userid": external_userid}})
        return result["service_state"]
'''


def _handwritten_body(n: int) -> str:
    return f'''

def transfer_{n}(token: str, open_kfid: str, user: str, servicer: str) -> bool:
    payload = '{{"open_kfid": "%s", "external_userid": "%s", "service_state": 3, "servicer_userid": "%s"}}' % (
        open_kfid, user, servicer)
    resp = requests.post(BASE + "kf/service_state/trans?access_token=" + token, data=payload)
    answer = json.loads(resp.text)
    if answer["errcode"] == 95013:
        return False
    return answer["errcode"] == 0
'''


BLOCKS: List[Callable[[int], str]] = [
    _send_checked, _send_unchecked, _sync_paging, _token_class, _retries, _wechatpy, _handwritten_body,
    _token_fetched_once,
]


def generate(lines: int) -> str:
    """A module of about ``lines`` lines (whole blocks: never fewer, at most one block more)."""
    parts = [HEADER]
    count = HEADER.count("\n")
    n = 0
    while count < lines:
        block = BLOCKS[n % len(BLOCKS)](n)
        parts.append(block)
        count += block.count("\n")
        n += 1
    return "".join(parts)


def main(argv: List[str]) -> int:
    if len(argv) not in (1, 2) or not argv[0].isdigit():
        print("usage: python benchmarks/wecom_gen.py LINES [OUTPUT]", file=sys.stderr)
        return 2
    text = generate(int(argv[0]))
    if len(argv) == 2:
        with open(argv[1], "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
