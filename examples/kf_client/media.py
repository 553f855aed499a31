"""Downloading what customers send: images and files arrive as a ``media_id`` to fetch from ``media/get``."""

from __future__ import annotations

from pathlib import Path

import requests

MEDIA_URL = "https://qyapi.weixin.qq.com/cgi-bin/media/get"


def save_media(token: str, media_id: str, folder: Path) -> Path:
    """Saves the download after checking only the HTTP status: an expired media_id is saved as its error JSON."""
    resp = requests.get(MEDIA_URL, params={"access_token": token, "media_id": media_id}, timeout=30)
    resp.raise_for_status()
    target = folder / media_id
    target.write_bytes(resp.content)  # expect: WXK104
    return target


def fetch_media(token: str, media_id: str) -> bytes:
    """The right shape: WeCom answers a failed download with HTTP 200 and a JSON body."""
    resp = requests.get(MEDIA_URL, params={"access_token": token, "media_id": media_id}, timeout=30)
    resp.raise_for_status()
    if resp.headers.get("Content-Type", "").startswith("application/json"):
        answer = resp.json()
        raise RuntimeError(f"media/get failed: {answer['errcode']} {answer['errmsg']}")
    return resp.content
