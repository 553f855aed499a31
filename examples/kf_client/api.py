"""The low-level kf API client: one ``_post(path, body)`` that every endpoint method goes through.

``_post`` checks errcode itself, so the endpoint methods may read fields of what it returns; on 40014/42001
it renews the token and repeats the request once.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

import requests

from kf_client.tokens import TokenStore

BASE_URL = "https://qyapi.weixin.qq.com/cgi-bin/"
log = logging.getLogger(__name__)


class KfApiError(Exception):
    def __init__(self, path: str, errcode: int, errmsg: str) -> None:
        super().__init__(f"{path}: {errcode} {errmsg}")
        self.path = path
        self.errcode = errcode
        self.errmsg = errmsg


class KfApi:
    def __init__(self, tokens: TokenStore, session: Optional[requests.Session] = None) -> None:
        self._tokens = tokens
        self._session = session or requests.Session()

    def _post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        data = self._send(path, body, self._tokens.get())
        if data["errcode"] in (40014, 42001):
            log.info("%s: token rejected (%s), renewing it and sending once more", path, data["errcode"])
            data = self._send(path, body, self._tokens.get(force=True))
        if data["errcode"] != 0:
            raise KfApiError(path, data["errcode"], data["errmsg"])
        return data

    def _send(self, path: str, body: Dict[str, Any], token: str) -> Dict[str, Any]:
        response = self._session.post(BASE_URL + path, params={"access_token": token}, json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def service_state(self, open_kfid: str, external_userid: str) -> int:
        data = self._post("kf/service_state/get", {"open_kfid": open_kfid, "external_userid": external_userid})
        return data["service_state"]

    def transfer_to_servicer(self, open_kfid: str, external_userid: str, servicer_userid: str) -> None:
        self._post("kf/service_state/trans", {
            "open_kfid": open_kfid,
            "external_userid": external_userid,
            "service_state": 3,
            "servicer_userid": servicer_userid,
        })

    def list_accounts(self, offset: int = 0, limit: int = 100) -> List[Dict[str, Any]]:
        return self._post("kf/account/list", {"offset": offset, "limit": limit})["account_list"]

    def add_account(self, name: str, media_id: str) -> str:
        response = self._session.post(
            BASE_URL + "kf/account/add",
            params={"access_token": self._tokens.get()},
            data={"name": name, "media_id": media_id},  # expect: WXK502
            timeout=10,
        )
        data = response.json()
        if data["errcode"] != 0:
            raise KfApiError("kf/account/add", data["errcode"], data["errmsg"])
        return data["open_kfid"]

    def upload_media(self, filename: str, media_type: str = "image") -> str:
        with open(filename, "rb") as handle:
            data = self._session.post(
                BASE_URL + "media/upload",
                params={"access_token": self._tokens.get(), "type": media_type},
                files={"media": handle},
                timeout=30,
            ).json()
        if data["errcode"] != 0:
            raise KfApiError("media/upload", data["errcode"], data["errmsg"])
        return data["media_id"]

    def download_media(self, media_id: str, filename: str) -> None:
        response = self._session.get(
            BASE_URL + "media/get", params={"access_token": self._tokens.get(), "media_id": media_id}, timeout=30
        )
        response.raise_for_status()
        with open(filename, "wb") as handle:
            handle.write(response.content)  # expect: WXK104

    def customer_names(self, external_userids: List[str]) -> Dict[str, str]:
        data = self._post("kf/customer/batchget", {"external_userid_list": external_userids})
        return {customer["external_userid"]: customer["nickname"] for customer in data["customer_list"]}
