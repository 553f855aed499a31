"""Generates one WeCom module that repeats a single construct, to see how one part of the analysis grows.

``wecom_gen.py`` mixes every kind of kf code; a part that is quadratic in one construct only shows when
that construct fills the file. Each shape below is many small functions with the same construct (and
their own names), so the cost of the part that reads it dominates; time two sizes 4x apart with
``wxkf-lint --jobs 1 --no-cache --isolated``: a linear part takes about 4x the time, a quadratic one 16x.

- ``errmsg-status``: a response whose ``errmsg`` is bound to a name that is then compared (WXK103's
  "is it checked" question follows the name through the function);
- ``tenacity``: tenacity-decorated sending functions (the retry decorator finder);
- ``transport``: a session factory per function with a urllib3 ``Retry``, called from a sending function
  (whether the transport retry serves WeCom; ``total=5`` is WXK202's);
- ``mounted``: a session per function with ``Retry(allowed_methods=["POST"])`` mounted through an
  ``HTTPAdapter`` and a ``kf/send_msg`` sent on it (which sessions a retry is mounted on, WXK205).

Usage: ``python benchmarks/growth_gen.py SHAPE FUNCTIONS [OUTPUT]`` (stdout without OUTPUT).
"""

from __future__ import annotations

import sys
from typing import Callable, Dict

HEADER = '''"""A generated WeCom module (benchmarks/growth_gen.py): one construct, many times."""

import requests
from requests.adapters import HTTPAdapter
from tenacity import retry, stop_after_attempt, wait_fixed
from urllib3.util.retry import Retry

SEND_URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"
'''


def _errmsg_status(n: int) -> str:
    return f'''

def send_{n}(token, body):
    data = requests.post(SEND_URL, params={{"access_token": token}}, json=body, timeout=5).json()
    status = data["errmsg"]
    if status != "ok":
        raise RuntimeError(status)
    return data["msgid"]
'''


def _tenacity(n: int) -> str:
    return f'''

@retry(stop=stop_after_attempt(3), wait=wait_fixed(1))
def send_{n}(token, body):
    data = requests.post(SEND_URL, params={{"access_token": token}}, json=body, timeout=5).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errcode"])
    return data["msgid"]
'''


def _transport(n: int) -> str:
    return f'''

def session_{n}():
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=5, backoff_factor=1)))
    return session


def send_{n}(token, body):
    data = session_{n}().post(SEND_URL, params={{"access_token": token}}, json=body, timeout=5).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errcode"])
    return data["msgid"]
'''


def _mounted(n: int) -> str:
    return f'''

def send_{n}(token, user, open_kfid):
    body = {{"touser": user, "open_kfid": open_kfid, "msgtype": "text", "text": {{"content": "hello {n}"}}}}
    session = requests.Session()
    retries = Retry(total=3, backoff_factor=1, allowed_methods=["POST"])
    session.mount("https://", HTTPAdapter(max_retries=retries))
    data = session.post(SEND_URL, params={{"access_token": token}}, json=body, timeout=5).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errcode"])
    return data["msgid"]
'''


SHAPES: Dict[str, Callable[[int], str]] = {
    "errmsg-status": _errmsg_status,
    "tenacity": _tenacity,
    "transport": _transport,
    "mounted": _mounted,
}


def generate(shape: str, functions: int) -> str:
    """The module: the header, then ``functions`` copies of the shape, each with its own names."""
    block = SHAPES[shape]
    return HEADER + "".join(block(n) for n in range(functions))


def main(argv: list) -> int:
    if len(argv) not in (2, 3) or argv[0] not in SHAPES or not argv[1].isdigit():
        print(f"usage: growth_gen.py {{{','.join(SHAPES)}}} FUNCTIONS [OUTPUT]", file=sys.stderr)
        return 2
    text = generate(argv[0], int(argv[1]))
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
