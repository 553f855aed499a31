"""WXK301–WXK303 on realistic token stores, and the look-alikes that are not credentials."""

from __future__ import annotations

import pytest

from tests.helpers import assert_findings, codes, lint

TOKEN = "kJWt0aBcD1234567890efGhIjKlMnOpQrStUvWxYz_0123456789-abcdefghIJKLMN"
SECRET = "Xk3dP0aQ9vLmN2bR7tYcW5eZ1uJ8sH4gF6iO0pA3qKz"
WECOM = 'import requests\nBASE = "https://qyapi.weixin.qq.com/cgi-bin"\n'


@pytest.mark.parametrize(
    "source,expected",
    [
        (f'ACCESS_TOKEN = "{TOKEN}"\n', [(3, 16, "WXK301")]),
        (f'class C:\n    def __init__(self):\n        self.access_token = "{TOKEN}"\n', [(5, 29, "WXK301")]),
        (f'PARAMS = {{"access_token": "{TOKEN}"}}\n', [(3, 27, "WXK301")]),
        (f'def f(client):\n    return client.call(access_token="{TOKEN}")\n', [(4, 37, "WXK301")]),
        (f'URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token={TOKEN}"\n', [(3, 7, "WXK301")]),
        (f'CORP_SECRET = "{SECRET}"\n', [(3, 15, "WXK303")]),
        (f'URL = "https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret={SECRET}"\n', [(3, 7, "WXK303")]),
        (f'PARAMS = {{"corpid": "ww1", "corpsecret": "{SECRET}"}}\n', [(3, 42, "WXK303")]),
        (f'def f(c):\n    return c.login(corpsecret="{SECRET}")\n', [(4, 31, "WXK303")]),
        (f'def send(body, access_token="{TOKEN}"):\n    return body, access_token\n', [(3, 29, "WXK301")]),
        (f'from wechatpy.enterprise import WeChatClient\nclient = WeChatClient("ww1a2b3c4d5e6f7a8b", "{SECRET}")\n', [(4, 45, "WXK303")]),
        (f'def make(corp_id, secret):\n    return corp_id, secret\nC = make("ww1a2b3c4d5e6f7a8b", "{SECRET}")\n', [(5, 32, "WXK303")]),
        (f'class Api:\n    def __init__(self, corp_id, corp_secret):\n        self.c = corp_id\nA = Api("ww1", "{SECRET}")\n', [(6, 16, "WXK303")]),
    ],
)
def test_literals_in_wecom_code(source, expected):
    assert_findings(WECOM + source, expected)


@pytest.mark.parametrize(
    "value",
    ["", "ACCESS_TOKEN", "YOUR_ACCESS_TOKEN", "<token>", "{token}", "%s", "xxx", "your-token-here",
     "example_token_0123456789_example_token_0123456789", "ww99f****79e3", "[[app_secret]]", "${WECOM_SECRET}",
     "changeme", "dummy-0123456789-dummy-0123456789-dummy-0123", "fake0123456789fake0123456789fake0123456789"],
)
def test_placeholders_are_not_credentials(value):
    source = f'ACCESS_TOKEN = "{value}"\nCORP_SECRET = "{value}"\nURL = "https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpsecret={value}"\n'
    assert codes(WECOM + source) == []


@pytest.mark.parametrize(
    "source",
    [
        'import os\nCORP_SECRET = os.environ["WECOM_SECRET"]\nTOKEN = os.getenv("WECOM_TOKEN", "")\n',
        'import os\nCORP_SECRET = os.environ.get("WECOM_SECRET", "your-corp-secret")\nSECRET = os.getenv("S", default="")\n',
        f'SECRET_KEY = "django-insecure-{SECRET}"\n',
        f'TOKEN = "Vx8jkPqa2LmN0bR7"  # callback verification Token\nENCODING_AES_KEY = "{SECRET}"\n',
        f'def pull(token, cursor):\n    return {{"cursor": cursor, "token": "{TOKEN}", "limit": 100}}\n',
        'TOKEN_URL = "https://qyapi.weixin.qq.com/cgi-bin/gettoken"\nTOKEN_CACHE_KEY = "wecom:kf:access_token:0123456789"\n',
        f'def f():\n    """Example: access_token={TOKEN}"""\n',
    ],
)
def test_not_credentials(source):
    assert codes(WECOM + source) == []


@pytest.mark.parametrize("read", ["os.environ.get", "os.getenv"])
def test_a_real_looking_default_of_an_environment_read_is_a_secret_in_source(read):
    """The read is configuration; the default beside it is the live secret, committed with the code."""
    source = f'import os\nCORP_SECRET = {read}("WECOM_SECRET", "{SECRET}")\n'
    assert_findings(WECOM + source, [(4, len(f'CORP_SECRET = {read}("WECOM_SECRET", ') + 1, "WXK303")])


def test_not_wecom_code_is_silent():
    assert codes(f'ACCESS_TOKEN = "{TOKEN}"\nCORP_SECRET = "{SECRET}"\nerrcode = "x"\n') == []


def test_a_wechatpy_import_alone_makes_wecom_code():
    """A callback app that imports only wechatpy's crypto and exceptions (it replies passively and sends nothing)
    still holds the app's secret: any wechatpy import makes the file WeCom code."""
    head = "from wechatpy.enterprise.crypto import WeChatCrypto\nfrom wechatpy.exceptions import InvalidSignatureException\n"
    assert_findings(head + f'CORP_SECRET = "{SECRET}"\n', [(3, 15, "WXK303")])
    assert codes(f'import json\nCORP_SECRET = "{SECRET}"\n') == []


def test_a_real_looking_secret_in_a_test_file_is_leaked_all_the_same():
    """SPEC WXK301/WXK303: a live-API test or a debug constant holds a real secret; fixture fakes do not."""
    for path in ("tests/test_client.py", "conftest.py"):
        found = [(f.line, f.column, f.code) for f in lint(WECOM + f'CORP_SECRET = "{SECRET}"\n', path=path)]
        assert found == [(3, 15, "WXK303")]


@pytest.mark.parametrize("fake", [
    "test-corp-secret-0123456789abcdefghijklmnopq",   # spells a fixture word
    "mockSecretValueForTheUnitTests1234567890xyzw",
    "a1b2a1b2a1b2a1b2a1b2a1b2a1b2a1b2a1b2a1b2a1b",   # too few distinct characters for a random secret
])
def test_fixture_fakes_in_test_files_are_placeholders(fake):
    assert lint(WECOM + f'CORP_SECRET = "{fake}"\n', path="tests/test_client.py") == []


def test_a_token_in_a_test_is_not_a_token_never_refreshed():
    source = WECOM + 'TOKEN = requests.get(f"{BASE}/gettoken").json()["access_token"]\nrequests.post(f"{BASE}/message/send?access_token={TOKEN}", json={})\n'
    assert "WXK302" not in codes(source, path="tests/test_send.py")


STALE_MODULE = WECOM + '''
import os
TOKEN = requests.get(f"{BASE}/gettoken", params={"corpid": os.environ["C"], "corpsecret": os.environ["S"]}).json()["access_token"]

def send(body):
    data = requests.post(f"{BASE}/kf/send_msg?access_token={TOKEN}", json=body).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
    return data
'''

STALE_INIT = WECOM + '''
class Kf:
    def __init__(self, corp_id, secret):
        self.token = self.get_token(corp_id, secret)

    def get_token(self, corp_id, secret):
        data = requests.get(f"{BASE}/gettoken?corpid={corp_id}&corpsecret={secret}").json()
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
        return data["access_token"]

    def send(self, body):
        data = requests.post(f"{BASE}/kf/send_msg?access_token={self.token}", json=body).json()
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
        return data
'''


def test_token_fetched_at_import():
    findings = [f for f in lint(STALE_MODULE) if f.code == "WXK302"]
    assert [f.line for f in findings] == [5]
    assert "7200" in findings[0].message and "40014/42001" in findings[0].message


def test_token_set_only_in_init():
    assert [f.line for f in lint(STALE_INIT) if f.code == "WXK302"] == [6]


def test_renewal_paths_silence_wxk302():
    with_expiry = STALE_INIT.replace("return data[\"access_token\"]", "self.expires_in = data[\"expires_in\"]\n        return data[\"access_token\"]")
    on_40014 = STALE_INIT.replace('if data["errcode"] != 0:\n            raise RuntimeError(data["errmsg"])\n        return data\n',
                                  'if data["errcode"] in (40014, 42001):\n            self.token = self.get_token("a", "b")\n        return data\n')
    refresh_method = STALE_INIT + "\n    def refresh(self):\n        self.token = self.get_token('a', 'b')\n"
    for source in (with_expiry, on_40014, refresh_method):
        assert "WXK302" not in codes(source)


def test_token_passed_in_is_the_callers():
    source = WECOM + '''
class Kf:
    def __init__(self, token):
        self.token = token

    def send(self, body):
        data = requests.post(f"{BASE}/kf/send_msg?access_token={self.token}", json=body).json()
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
        return data
'''
    assert codes(source) == []


def test_wechatpy_client_renews_itself():
    source = '''
import os
from wechatpy.enterprise import WeChatClient

client = WeChatClient(os.environ["CORP_ID"], os.environ["SECRET"])
TOKEN = client.fetch_access_token()

def send(body):
    return client.post("kf/send_msg", data=body)
'''
    assert codes(source) == []


def test_positional_literal_to_a_non_secret_parameter():
    source = WECOM + f'def make(corp_id, name):\n    return corp_id, name\nC = make("ww1a2b3c4d5e6f7a8b", "{SECRET}")\n'
    assert codes(source) == []


ONE_SHOT = WECOM + '''
import os

def get_token():
    data = requests.get(f"{BASE}/gettoken", params={"corpid": os.environ["C"], "corpsecret": os.environ["S"]}).json()
    if data["errcode"] != 0:
        raise SystemExit(data)
    return data["access_token"]

if __name__ == "__main__":
    token = get_token()
    data = requests.get(f"{BASE}/kf/account/list?access_token={token}").json()
    if data["errcode"] != 0:
        raise SystemExit(data)
'''


def test_one_shot_main_script_keeps_its_token():
    assert "WXK302" not in codes(ONE_SHOT)


def test_long_running_main_block_is_a_stale_token():
    source = ONE_SHOT + "    while True:\n        data = requests.get(f\"{BASE}/kf/account/list?access_token={token}\").json()\n"
    assert_findings(source, [(13, 5, "WXK302")])


def test_token_hard_coded_in_a_url_constant():
    """The URL carries the token, so the constant is as stale as ``ACCESS_TOKEN = "<literal>"``."""
    source = WECOM + f'''
SEND = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token={TOKEN}"

def send(body):
    data = requests.post(SEND, json=body).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
    return data
'''
    findings = lint(source)
    assert_findings(source, [(4, 1, "WXK302"), (4, 8, "WXK301")])
    [stale] = [f for f in findings if f.code == "WXK302"]
    assert "in SEND is hard-coded" in stale.message
    renewed = source.replace('if data["errcode"] != 0:', 'if data["errcode"] in (40014, 42001):\n        raise RuntimeError("renew")\n    if data["errcode"] != 0:')
    assert_findings(renewed, [(4, 8, "WXK301")])


@pytest.mark.parametrize(
    "url_line",
    [
        'url = f"{BASE}/kf/send_msg?access_token={self.token}"',
        'url = (BASE + "/kf/send_msg?access_token={t}").format(t=self.token)',
    ],
)
def test_init_token_reaching_the_call_through_a_local_url(url_line):
    """The stale ``self.token`` is written into a local ``url`` first and the call only names ``url``."""
    local_url = STALE_INIT.replace(
        'data = requests.post(f"{BASE}/kf/send_msg?access_token={self.token}", json=body).json()',
        url_line + "\n        data = requests.post(url, json=body).json()",
    )
    assert [f.line for f in lint(local_url) if f.code == "WXK302"] == [6]
    other_attribute = local_url.replace("{self.token}", "{self.other}").replace("t=self.token", "t=self.other")
    assert "WXK302" not in codes(other_attribute)



def test_a_token_read_from_a_stored_answer_is_one_finding_at_the_token():
    """fund_wc: ``res_access_token = json.loads(r.text)`` then ``access_token = res_access_token["access_token"]``
    is one token fetched once; the answer it was read from is not a second stale token."""
    source = WECOM + '''import json
r = requests.get(BASE + "/gettoken?corpid=ID&corpsecret=S")
res_access_token = json.loads(r.text)
access_token = res_access_token["access_token"]

def notify(text):
    data = requests.post(BASE + "/message/send?access_token=" + access_token, json={"text": text}).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
'''
    assert [(f.line, f.column, f.code) for f in lint(source) if f.code == "WXK302"] == [(6, 1, "WXK302")]
    # the answer alone, used as the token's holder, is the one stale token
    alone = source.replace('access_token = res_access_token["access_token"]\n', "").replace(
        '"/message/send?access_token=" + access_token', '"/message/send?access_token=" + res_access_token["access_token"]')
    assert [(f.line, f.column, f.code) for f in lint(alone) if f.code == "WXK302"] == [(5, 1, "WXK302")]
