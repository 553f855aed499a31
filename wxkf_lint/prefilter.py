"""The cheap text test that decides whether a file is parsed at all.

Most files in a large repository never touch WeCom, and parsing is by far the largest cost of a run, so
the engine parses a file only when its text contains one of these markers.  The list is sound, not a
heuristic: every rule needs at least one of them to fire.

* WXK101/WXK102 need an ``errcode``/``errmsg`` read: the quoted key (``x["errcode"]``,
  ``x.get("errmsg")``, ``getattr(e, "errcode")``), or an attribute of a response or caught
  ``WeChatClientException``, which needs a WeCom call or a ``wechatpy`` import (below).
* WXK103 and the kf/body rules need a WeCom call: a URL containing ``qyapi.weixin.qq.com``,
  ``api.weixin.qq.com`` or ``cgi-bin``; a same-file wrapper called with an endpoint (only ``kf/…`` and the
  known endpoint names count without a WeCom URL in the file); a configured wrapper (its name is added as a
  marker); or a wechatpy client.
* The retry, token and secret rules only look at code that makes WeCom calls (above).
* WXK403–WXK406 also recognise kf message literals by ``msgmenu``/``open_kfid``.

Undecodable files are tested on their raw bytes: one without markers is skipped, not reported as WXK002,
since nothing about it concerns WeCom.

How the test runs matters more than what it tests: almost every file of a large tree fails it, so it
reads every byte of the tree.  One regular expression alternating over the markers runs at about
30 MB/s in Python's ``re`` (it tries every branch at every position: 5 s on a 176 MB site-packages);
a substring test (``needle in data``, CPython's two-way/Horspool search) runs at 1-2 GB/s.  So each
marker is one plain substring, and the few markers that need context (a quote before ``errcode``) are
confirmed by a small regex only in the rare file that contains the bare substring.
"""

from __future__ import annotations

import re
from typing import AnyStr, Iterable, List, Optional, Pattern, Tuple

#: (substring, regex that must also match, or None), tested on decoded text and, UTF-8 encoded, on raw
#: bytes before decoding (ASCII, so a file in any ASCII-compatible encoding is matched as its text would be).
#: ``api.weixin.qq.com`` also covers ``qyapi.weixin.qq.com``.
BASE_MARKERS: Tuple[Tuple[str, Optional[str]], ...] = (
    ("api.weixin.qq.com", None),
    ("cgi-bin", None),
    ("wechatpy", None),
    ("errcode", r"['\"]errcode['\"]"),  # the literal key; attribute reads need a WeCom call or wechatpy anyway
    ("errmsg", r"['\"]errmsg['\"]"),
    ("kf/", None),
    ("gettoken", r"[/'\"]gettoken"),
    ("message/send", None),
    ("media/", r"media/(?:get|upload)"),
    ("msgmenu", None),
    ("open_kfid", None),
)

_Test = Tuple[AnyStr, Optional[Pattern[AnyStr]]]


def marker_table(wrappers: Iterable[str] = ()) -> List[Tuple[str, Optional[str]]]:
    """The base markers plus the last component of each configured wrapper (``myapp.wecom.api_post``)."""
    extra = [(name.rsplit(".", 1)[-1], None) for name in wrappers if name and name.rsplit(".", 1)[-1]]
    return list(BASE_MARKERS) + extra


class Markers:
    """The prefilter of one run: ``search`` on decoded text, ``search_bytes`` on a file's raw bytes."""

    def __init__(self, wrappers: Iterable[str] = ()) -> None:
        table = marker_table(wrappers)
        self._text: List[_Test[str]] = [(needle, _compile(confirm)) for needle, confirm in table]
        self._bytes: List[_Test[bytes]] = [
            (needle.encode("utf-8"), _compile(confirm.encode("utf-8")) if confirm else None) for needle, confirm in table
        ]

    def search(self, text: str) -> bool:
        return _any_marker(self._text, text)

    def search_bytes(self, data: bytes) -> bool:
        return _any_marker(self._bytes, data)


def _compile(pattern: Optional[AnyStr]) -> Optional[Pattern[AnyStr]]:
    return re.compile(pattern) if pattern else None


def _any_marker(tests: List[_Test[AnyStr]], data: AnyStr) -> bool:
    for needle, confirm in tests:
        if needle in data and (confirm is None or confirm.search(data) is not None):
            return True
    return False
