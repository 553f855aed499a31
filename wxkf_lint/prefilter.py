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
"""

from __future__ import annotations

import re
from typing import Iterable, Pattern, Tuple

#: Regular expressions (ASCII), so the same test runs on raw bytes before decoding and on decoded text.
BASE_MARKERS: Tuple[str, ...] = (
    r"qyapi\.weixin\.qq\.com",
    r"api\.weixin\.qq\.com",
    r"cgi-bin",
    r"wechatpy",
    r"['\"]err(?:code|msg)['\"]",  # the literal keys; attribute reads need a WeCom call or wechatpy anyway
    r"kf/",
    r"[/'\"]gettoken",
    r"message/send",
    r"media/(?:get|upload)",
    r"msgmenu",
    r"open_kfid",
)


def _pattern(wrappers: Iterable[str]) -> str:
    words = list(BASE_MARKERS) + [re.escape(name.rsplit(".", 1)[-1]) for name in wrappers if name]
    return "|".join(words)


def compile_markers(wrappers: Iterable[str] = ()) -> Pattern[str]:
    """A regex over text matching any marker, including the last component of each configured wrapper."""
    return re.compile(_pattern(wrappers))


def compile_byte_markers(wrappers: Iterable[str] = ()) -> Pattern[bytes]:
    """The same test over raw bytes: a file without markers is skipped before it is even decoded."""
    return re.compile(_pattern(wrappers).encode("ascii"))
