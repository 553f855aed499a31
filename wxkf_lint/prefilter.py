"""The cheap text test that decides whether a file is parsed at all.

Most files in a large repository never touch WeCom, and parsing is by far the largest cost of a run, so
the engine parses a file only when its text contains one of these markers.  The list is sound, not a
heuristic: every rule needs at least one of them to fire.

* WXK101/WXK102 need an ``errcode``/``errmsg`` read (the literal key or attribute), or a caught
  ``WeChatClientException`` (``wechatpy`` import).
* WXK103 and the kf/body rules need a WeCom call: a URL containing ``qyapi.weixin.qq.com``,
  ``api.weixin.qq.com`` or ``cgi-bin``; a same-file wrapper called with an endpoint (only ``kf/…`` and the
  known endpoint names count without a WeCom URL in the file); a configured wrapper (its name is added as a
  marker); or a wechatpy client.
* The retry, token and secret rules only look at code that makes WeCom calls (above).
* WXK403–WXK406 also recognise kf message literals by ``msgmenu``/``open_kfid``/``msgtype``.
"""

from __future__ import annotations

import re
from typing import Iterable, Pattern

BASE_MARKERS = (
    "qyapi.weixin.qq.com",
    "api.weixin.qq.com",
    "cgi-bin",
    "errcode",
    "errmsg",
    "wechatpy",
    "kf/",
    "gettoken",
    "message/send",
    "media/get",
    "media/upload",
    "msgmenu",
    "open_kfid",
)


def compile_markers(wrappers: Iterable[str] = ()) -> Pattern[str]:
    """A regex matching any marker, including the last component of each configured wrapper name."""
    words = list(BASE_MARKERS) + [name.rsplit(".", 1)[-1] for name in wrappers if name]
    return re.compile("|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True)))
