"""Reception staff (接待人员) of each kf account: who answers when a session is handed over."""

from __future__ import annotations

import logging
from typing import List

import requests

from kf_client.tokens import TokenStore

log = logging.getLogger(__name__)


def add_servicers(tokens: TokenStore, open_kfid: str, userids: List[str]) -> List[str]:
    """Adds the WeCom users as servicers; returns those WeCom refused (each result has its own errcode)."""
    url = f"https://qyapi.weixin.qq.com/cgi-bin/kf/servicer/add?access_token={tokens.get()}"
    data = requests.post(url, json={"open_kfid": open_kfid, "userid_list": userids}, timeout=10).json()
    if data.get("errcode") != "0":  # expect: WXK102
        raise RuntimeError(f"kf/servicer/add failed: {data.get('errcode')} {data.get('errmsg')}")
    refused = [result["userid"] for result in data["result_list"] if result["errcode"] != 0]
    for userid in refused:
        log.warning("%s was not added to %s", userid, open_kfid)
    return refused


def list_servicers(tokens: TokenStore, open_kfid: str) -> List[str]:
    data = requests.get(
        "https://qyapi.weixin.qq.com/cgi-bin/kf/servicer/list",
        params={"access_token": tokens.get(), "open_kfid": open_kfid},
        timeout=10,
    ).json()
    if data["errcode"] != 0:
        raise RuntimeError(f"kf/servicer/list failed: {data['errcode']} {data['errmsg']}")
    return [servicer["userid"] for servicer in data["servicer_list"] if servicer.get("status", 0) == 0]
