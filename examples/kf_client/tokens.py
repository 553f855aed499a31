"""The access-token cache every other module asks for a token.

A token lives ``expires_in`` seconds (7200 normally) and can die earlier; the store renews it a minute before
it expires, and callers force a renewal when the API answers 40014 or 42001.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Optional

import requests

GETTOKEN_URL = "https://qyapi.weixin.qq.com/cgi-bin/gettoken"

CORP_ID = os.environ.get("WECOM_CORP_ID", "")
KF_SECRET = os.environ.get("WECOM_KF_SECRET", "YOUR_KF_SECRET")
# Pasted from the admin console "to unblock staging" and never removed.
STAGING_SECRET = "Hq8Zt3LmV0pX9cR2wY7bN4kD1sF6gJ5aE0uT3iO8vQm"  # expect: WXK303
STAGING_TOKEN = "kJWt0aBcD1234567890efGhIjKlMnOpQrStUvWxYz_0123456789-abcdefghIJKLMN"  # expect: WXK301


class TokenError(Exception):
    """gettoken refused: 40001 (bad secret) and friends are configuration errors, not transient ones."""


class TokenStore:
    """One token per (corp, secret), renewed before it expires; safe to share between threads."""

    def __init__(self, corp_id: str = CORP_ID, secret: str = KF_SECRET,
                 session: Optional[requests.Session] = None) -> None:
        self._corp_id = corp_id
        self._secret = secret
        self._session = session or requests.Session()
        self._token = ""
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def get(self, force: bool = False) -> str:
        with self._lock:
            if force or time.time() > self._expires_at - 60:
                self._fetch()
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._expires_at = 0.0

    def _fetch(self) -> None:
        data = self._session.get(
            GETTOKEN_URL, params={"corpid": self._corp_id, "corpsecret": self._secret}, timeout=5
        ).json()
        if data.get("errcode", 0) != 0:
            raise TokenError(f"gettoken failed: {data['errcode']} {data['errmsg']}")
        self._token = data["access_token"]
        self._expires_at = time.time() + data["expires_in"]
