"""WXK101-WXK103 and the shared call/response analysis on the ways real kf clients are written.

Each case comes from a pattern seen in hand-written clients: URLs built with ``%`` or ``.format``, wrappers
that put a fixed ``kf/`` before their path argument, urllib ``Request`` bodies, media downloads, checks
through ``match`` and exception messages.
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_findings, codes, line_of, lines_of, lint, located

HEAD = '''
import json
import os
import requests
from urllib.request import Request, urlopen
'''


def test_percent_formatted_url_is_a_wecom_call():
    source = HEAD + '''
API = "https://qyapi.weixin.qq.com/cgi-bin"

def state(token, kfid, user):
    text = "{\\"open_kfid\\": \\"%s\\", \\"external_userid\\": \\"%s\\"}" % (kfid, user)
    data = requests.post("%s/kf/service_state/get?access_token=%s" % (API, token), data=text).json()
    return data["service_state"]
'''
    assert_findings(source, [(10, 12, "WXK501"), (12, 12, "WXK103")])


def test_format_url_with_positional_and_named_fields():
    source = HEAD + '''
BASE = "https://qyapi.weixin.qq.com/cgi-bin"

def drop(token, body):
    requests.post("{}/kf/send_msg?access_token={token}".format(BASE, token=token), json=body)

def harmless(name):
    requests.post("{}/upload".format(name), json={})
'''
    assert_findings(source, [(10, 5, "WXK103")])


def test_environment_default_url_names_the_host():
    source = HEAD + '''
BASE = os.environ.get("WECOM_BASE", "https://qyapi.weixin.qq.com/cgi-bin")

def drop(token, body):
    requests.post(f"{BASE}/message/send?access_token={token}", json=body)
'''
    assert_findings(source, [(10, 5, "WXK103")])


def test_urllib_request_body_is_the_sent_body():
    source = HEAD + '''
SEND = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token="

def send(token, user, text):
    body = '{"touser": "%s", "msgtype": "text", "text": {"content": "%s"}}' % (user, text)
    req = Request(SEND + token, data=body.encode("utf-8"))
    res = json.loads(urlopen(req).read())
    if res["errcode"] != 0:
        raise RuntimeError(res["errmsg"])
'''
    assert_findings(source, [(10, 12, "WXK501")])


WRAPPER_WITH_PREFIX = HEAD + '''
class Kf:
    url = "https://qyapi.weixin.qq.com/cgi-bin/kf/{}?access_token={}"

    def call(self, name, body):
        return requests.post(self.url.format(name, self.token), json=body).json()

    def stats(self, kfid):
        data = self.call("get_corp_statistic", {"open_kfid": kfid})
        return data["statistic_list"]

    def close(self, kfid, user):
        self.call("service_state/trans", {"open_kfid": kfid, "external_userid": user, "service_state": 4})
'''


def test_wrapper_path_argument_completes_the_wrappers_url():
    findings = lint(WRAPPER_WITH_PREFIX)
    assert located(WRAPPER_WITH_PREFIX) == [
        (line_of(WRAPPER_WITH_PREFIX, 'data["statistic_list"]'), 16, "WXK103"),
        (line_of(WRAPPER_WITH_PREFIX, 'self.call("service_state/trans"'), 9, "WXK103"),
    ]
    assert "kf/get_corp_statistic" in findings[0].message and "kf/service_state/trans" in findings[1].message


def test_wrapper_without_a_fixed_prefix_needs_a_path_that_names_an_endpoint():
    source = HEAD + '''
def call(path, body):
    return requests.post(f"https://qyapi.weixin.qq.com/cgi-bin/{path}", json=body).json()

def whatever():
    call("send_msg", {})
'''
    assert codes(source) == []


def test_a_token_refresh_inside_a_wrapper_does_not_make_it_checking():
    source = HEAD + '''
BASE = "https://qyapi.weixin.qq.com/cgi-bin"

def refresh_token():
    payload = requests.get(f"{BASE}/gettoken").json()
    if payload["errcode"] != 0:
        raise RuntimeError(payload["errmsg"])
    return payload["access_token"]

def wecom_post(path, payload):
    return requests.post(f"{BASE}/{path}", params={"access_token": refresh_token()}, json=payload).json()

def check(resp):
    if resp["errcode"] != 0:
        raise RuntimeError(resp["errmsg"])

def checked_post(path, payload):
    resp = requests.post(f"{BASE}/{path}", json=payload).json()
    check(resp)
    return resp

def send(body):
    wecom_post("kf/send_msg", body)
    checked_post("kf/send_msg", body)
'''
    # WXK304 too: wecom_post fetches a token for every request it sends
    assert_findings(source, [(10, 15, "WXK304"), (line_of(source, 'wecom_post("kf/send_msg"'), 5, "WXK103")])


@pytest.mark.parametrize(
    "raise_line,expected",
    [
        ("raise RuntimeError(res)", [(8, 11, "WXK401")]),
        ("raise KfError(res)", [(8, 11, "WXK401")]),
        ("return handle(res)", []),
    ],
)
def test_a_response_put_into_an_exception_is_not_delegated(raise_line, expected):
    source = HEAD + f'''
def send(token, body):
    res = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=" + token, json=body).json()
    if res["errcode"] == 40014:
        {raise_line}
    return res.get("msgid")
'''
    assert_findings(source, expected)


def test_errmsg_bound_after_lower_is_still_errmsg():
    source = HEAD + '''
def state(token, body):
    resp = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/service_state/get?access_token=" + token, json=body).json()
    msg = resp["errmsg"].lower()
    if msg != "ok":
        raise RuntimeError(msg)
    label = resp["errmsg"].strip()
    print(label)
    return resp["service_state"]
'''
    assert_findings(source, [(10, 8, "WXK101")])


MATCH_SEND = HEAD + '''
def send(token, body):
    data = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=" + token, json=body).json()
    match data["errcode"]:
        case 0:
            return data["msgid"]
        %s:
            return None
        case _:
            raise RuntimeError(data["errmsg"])
'''


def test_match_cases_single_out_codes():
    assert codes(MATCH_SEND % "case 95001 | 95002", extend_select=["WXK402"]) == []
    assert_findings(MATCH_SEND % "case 95001", [(8, 12, "WXK402")], extend_select=["WXK402"])


@pytest.mark.parametrize(
    "test,expected",
    [
        ("if len(batch) < 100:\n        return batch", [(9, 13, "WXK103")]),
        ("if not batch:\n        raise RuntimeError(resp)", []),
        ("if batch is None:\n        raise RuntimeError(resp)", []),
        ("if len(batch) == 0:\n        raise RuntimeError(resp)", []),
    ],
)
def test_only_a_presence_test_guards_a_get_field(test, expected):
    source = HEAD + f'''
def accounts(token):
    resp = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/account/list?access_token=" + token, json={{}}).json()
    batch = resp.get("account_list")
    {test}
    return batch
'''
    assert_findings(source, expected)


DOWNLOAD = HEAD + '''
MEDIA_GET = "https://qyapi.weixin.qq.com/cgi-bin/media/get"

def download(token, media_id, path):
    r = requests.get(MEDIA_GET, params={"access_token": token, "media_id": media_id})
    %s
    with open(path, "wb") as fh:
        fh.write(r.content)
'''


@pytest.mark.parametrize(
    "check,expected",
    [
        ("if r.status_code != 200: return None", [(13, 9, "WXK104")]),
        ('if "json" in r.headers.get("Content-Type", ""): raise RuntimeError(r.json()["errmsg"])', []),
        ('if r.content.startswith(b"{") and r.json().get("errcode"): raise RuntimeError(r.text)', []),
    ],
)
def test_media_download_judged_by_status_only(check, expected):
    findings = lint(DOWNLOAD % check)
    assert_findings(DOWNLOAD % check, expected)
    if findings:
        assert "media/get" in findings[0].message and "Content-Type" in findings[0].message


def test_content_of_other_endpoints_is_not_a_download():
    source = HEAD + '''
def send(token, body):
    r = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=" + token, json=body)
    data = json.loads(r.content)
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
'''
    assert codes(source) == []


@pytest.mark.parametrize(
    "setup,expected",
    [
        ('WELCOME_IMAGE = "3a8asd892asd8asd-_xbYqWp5nBnG0kyRnQfKpmAAhN2Fgvo5mXqWz8ON6cE"', [(10, 79, "WXK406")]),
        ('WELCOME_IMAGE = "YOUR_MEDIA_ID"', []),
        ('WELCOME_IMAGE = os.environ["WELCOME_IMAGE"]', []),
        ('WELCOME_IMAGE = "3a8asd892asd8"\nif os.environ.get("STAGING"):\n    WELCOME_IMAGE = "9bd0a8c1e2"', []),
    ],
)
def test_media_id_held_in_a_module_constant(setup, expected):
    source = HEAD + setup + '''

def banner(user, kfid, media_id=None):
    local = media_id or WELCOME_IMAGE
    first = {"touser": user, "open_kfid": kfid, "msgtype": "image", "image": {"media_id": WELCOME_IMAGE}}
    second = {"touser": user, "open_kfid": kfid, "msgtype": "image", "image": {"media_id": local}}
    return first, second
'''
    assert_findings(source, expected)


def test_a_request_object_sent_later_is_one_wecom_call():
    source = '''
import json
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

async def send(token, message):
    req = HTTPRequest("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=" + token, method="POST",
                      body='{"touser": "%s"}' % message["touser"])
    resp = await AsyncHTTPClient().fetch(req)
    return json.loads(resp.body)["msgid"]
'''
    findings = lint(source)
    assert_findings(source, [(7, 28, "WXK501"), (9, 12, "WXK103")])
    assert "kf/send_msg" in [f for f in findings if f.code == "WXK103"][0].message


def test_a_message_that_mentions_a_wecom_url_is_not_a_request():
    source = HEAD + '''
SEND_URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"

def report(notifier, token, body):
    notifier.send(f"call to {SEND_URL} failed, check the kf account")
    notifier.send("retrying %s" % SEND_URL)
    requests.post(f"{SEND_URL}?access_token={token}", json=body)
'''
    assert_findings(source, [(12, 5, "WXK103")])


ASSERTING = HEAD + '''
def check(token):
    data = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/sync_msg?access_token=" + token, json={}).json()
    assert data["errmsg"] == "ok"
    assert data.get("errmsg", "").startswith("ok")
    return data
'''


@pytest.mark.parametrize("path,expected", [("tests/test_kf.py", []), ("test_kf.py", []), ("kf/sync.py", [(9, 12, "WXK101"), (10, 12, "WXK101")])])
def test_errmsg_assertions_in_tests_check_canned_answers(path, expected):
    assert_findings(ASSERTING, expected, path=path)


def test_the_raw_session_of_a_wechatpy_client_is_a_plain_http_call():
    source = '''
import json
from wechatpy.client import WeChatClient

client = WeChatClient("corp", "secret")

def pull(open_kfid, msg_token):
    url = f"https://qyapi.weixin.qq.com/cgi-bin/kf/sync_msg?access_token={client.access_token}"
    res = client.session.post(url, data=json.dumps({"token": msg_token, "open_kfid": open_kfid}))
    return res.json().get("msg_list", [])

def pull_checked(open_kfid):
    return client.post("kf/sync_msg", data={"open_kfid": open_kfid})["msg_list"]
'''
    assert located(source) == [(line_of(source, 'get("msg_list"'), 12, "WXK103")]


@pytest.mark.parametrize(
    "after,expected",
    [
        ('logger.info(f"sent: {res.json()}")', [(12, 11, "WXK103")]),
        ('print("sent", res.text)', [(12, 11, "WXK103")]),
        ("res.raise_for_status()", [(12, 11, "WXK103")]),
        ("pass", [(12, 11, "WXK103")]),
        ('if res.json()["errcode"] != 0:\n        raise RuntimeError(res.text)', []),
        ("return res", []),
        ("results.append(res.json())", []),
        ('data = res.json()\n    logger.info("sent %s", data)\n    return data.get("errcode") == 0', []),
    ],
)
def test_a_post_result_only_logged_is_never_checked(after, expected):
    source = HEAD + f'''
import logging
logger = logging.getLogger(__name__)
results = []

def send(token, body):
    res = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=" + token, json=body)
    {after}
'''
    findings = lint(source)
    assert_findings(source, expected)
    if findings:
        assert "only logged or never read" in findings[0].message and "kf/send_msg" in findings[0].message


def test_a_get_or_a_bodiless_request_is_not_reported_unread():
    source = HEAD + '''
def probe(session, token):
    r = session.get("https://qyapi.weixin.qq.com/cgi-bin/gettoken", params={"corpid": "x"})
    other = session.request("/cgi-bin/invalid")
    print(r.status_code, other.status)
'''
    assert codes(source) == []


@pytest.mark.parametrize(
    "helper,expected",
    [
        ("check_response(data)", []),
        ("raise_for_errcode(data)", []),
        ("record(data)", [(18, 9, "WXK103")]),
        ("resp.raise_for_status()", [(18, 9, "WXK103")]),
    ],
)
def test_a_wrapper_that_hands_its_answer_to_an_imported_checker_checks(helper, expected):
    source = HEAD + f'''
from .errors import check_response, raise_for_errcode
from .audit import record

class Kf:
    def _post(self, path, body):
        resp = requests.post(f"https://qyapi.weixin.qq.com/cgi-bin/{{path}}", json=body)
        data = resp.json()
        {helper}
        return data

    def close(self, kfid, user):
        self._post("kf/service_state/trans", {{"open_kfid": kfid, "external_userid": user, "service_state": 4}})
'''
    assert_findings(source, expected)


def test_json_dumps_of_hand_built_text_is_still_hand_built():
    source = HEAD + '''
def send(token, user, msg):
    url = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token={}".format(token)
    values = """{"touser": "%s", "msgtype": "text", "text": {"content": "%s"}}""" % (user, msg)
    req = requests.post(url, data=json.dumps(values))
    if req.json()["errcode"] != 0:
        raise RuntimeError(req.text)

def send_dict(token, user, msg):
    url = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token={}".format(token)
    values = {"touser": user, "msgtype": "text", "text": {"content": msg}}
    req = requests.post(url, data=json.dumps(values))
    if req.json()["errcode"] != 0:
        raise RuntimeError(req.text)
'''
    assert_findings(source, [(9, 14, "WXK501")])


@pytest.mark.parametrize(
    "request_args,expected",
    [
        ('url, data=payload, method="POST"', [(10, 16, "WXK103")]),
        ("url, payload", [(10, 16, "WXK103")]),
        ("url", []),
        ('url, data=payload, method="GET"', []),
    ],
)
def test_urlopen_sends_what_its_request_object_says(request_args, expected):
    source = HEAD + f'''
def notify(payload):
    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
    req = Request({request_args})
    response = urlopen(req).read()
    print(response)
'''
    assert_findings(source, expected)


@pytest.mark.parametrize(
    "factory",
    [
        "def get_client() -> WeChatClient:\n    return build()",
        "def get_client():\n    return WeChatClient('corp', 'secret')",
        "_client = WeChatClient('corp', 'secret')\n\ndef get_client():\n    return _client",
    ],
)
def test_a_client_from_a_factory_is_a_wechatpy_client(factory):
    source = f'''
from wechatpy import WeChatClient

{factory}

def ship(payload):
    client = get_client()
    result = client.post("https://api.weixin.qq.com/wxa/sec/order/upload_shipping_info", data=payload)
    client.post("https://api.weixin.qq.com/wxa/sec/order/upload_shipping_info", data={{"a": 1}})
    return result["errcode"] == 0
'''
    assert codes(source) == []


def test_a_client_from_an_unrelated_function_is_plain_http():
    source = '''
import requests
from wechatpy import WeChatClient

def get_session():
    return requests.Session()

def ship():
    client = get_session()
    client.post("https://qyapi.weixin.qq.com/cgi-bin/message/send", data={"a": 1})
'''
    assert_findings(source, [(10, 5, "WXK103"), (10, 69, "WXK502")])


@pytest.mark.parametrize(
    "check,expected",
    [
        ('if str(res.get("errcode")) == "0":\n        return res.get("msgid")', [(8, 11, "WXK402")]),
        ('if str(res.get("errcode")) in ("95001", "95002"):\n        return None\n'
         '    if str(res.get("errcode")) != "0":\n        raise RuntimeError(res)', []),
        ('if str(res.get("errcode")) == "40014":\n        return None', [(8, 11, "WXK401"), (8, 11, "WXK402")]),
        ('if res.get("errcode") == "95001":\n        return None', [(9, 8, "WXK102")]),
    ],
)
def test_errcode_compared_as_text_is_a_test_of_the_code(check, expected):
    source = HEAD + f'''
def send(token, body):
    res = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=" + token, json=body).json()
    {check}
    return res.get("msgid")
'''
    assert_findings(source, expected, extend_select=["WXK402"])


def test_every_aiohttp_style_response_in_a_file_is_a_response():
    """``data`` is bound before its ``async with … as r``: the second such function was once missed because the
    names were collected by kind and a partial set already cut the lookup short."""
    one = '''
import aiohttp
URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"

async def send_{n}(session: aiohttp.ClientSession, body):
    async with session.post(URL, json=body) as r:
        data = await r.json()
    return data["msgid"]
'''
    source = one.format(n=1) + one.format(n=2).replace('import aiohttp\nURL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"\n', "")
    returns = [number for number, line in enumerate(source.splitlines(), 1) if "return data" in line]
    assert lines_of(source, "WXK103") == returns and len(returns) == 2


HTTP_CLIENT_SEND = '''
import http.client
import json

def fetch_token(corp, secret):
    conn = http.client.HTTPSConnection("qyapi.weixin.qq.com")
    conn.request("POST", "/cgi-bin/gettoken", json.dumps({"corpid": corp, "corpsecret": secret}))
    answer = json.loads(conn.getresponse().read())
    if answer["errcode"] != 0:
        raise RuntimeError(answer["errmsg"])
    return answer["access_token"]

def post_and_forget(body):
    conn = http.client.HTTPSConnection("qyapi.weixin.qq.com")
    conn.request("POST", "/cgi-bin/message/send", json.dumps(body))
'''


def test_http_client_request_returns_nothing_the_answer_comes_from_getresponse():
    """``HTTPConnection.request`` returns None: leaving its value unused drops nothing when the same connection's
    ``getresponse()`` is read in that function; a connection never asked for its answer still drops it."""
    assert_findings(HTTP_CLIENT_SEND, [(15, 5, "WXK103")])


OTHER_SERVICE_CLIENT = '''
import httpx

async def lookup(openid):
    async with httpx.AsyncClient() as client:
        response = await client.post(url="http://league.example.org/member/info", params={"openid": openid})
    content = response.json()
    if content["errcode"] == "0":
        return content["name"]
    return None
'''

OWN_STRING_PROTOCOL = '''
import requests

NOTIFY = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token="

def login_view(request, captcha):
    answer = captcha.check(request.args["code"])
    if answer["errcode"] == "7":
        return {"errcode": "4103", "errmsg": "captcha expired"}
    return {"errcode": "0", "errmsg": "welcome"}

def notify(token, body):
    res = requests.post(NOTIFY + token, json=body).json()
    if res["errcode"] != "0":
        raise RuntimeError(res["errmsg"])
'''


def test_string_errcode_of_another_service_is_not_reported():
    """errcode being a number is WeCom's: a file that never calls WeCom nor names a WeCom URL compares
    some other service's errcode, which may well be "0" (the int fix would break it)."""
    assert codes(OTHER_SERVICE_CLIENT) == []


def test_a_file_that_writes_string_errcodes_compares_its_own_protocol():
    """A server that answers {"errcode": "4103"} compares its own string codes; a WeCom answer in the same
    file is still WeCom's, a number."""
    assert_findings(OWN_STRING_PROTOCOL, [(14, 8, "WXK102")])


def test_an_errcode_helper_in_wecom_code_is_still_reported():
    """Without string errcodes of its own, a helper beside a WeCom call is judged as WeCom's."""
    source = OWN_STRING_PROTOCOL.replace('"errcode": "4103"', '"errcode": 4103').replace('"errcode": "0"', '"errcode": 0')
    assert_findings(source, [(8, 8, "WXK102"), (14, 8, "WXK102")])


SMS_SENDER = '''
def notify(sender, phones, template):
    sent = 0
    for phone in phones:
        result = sender.send_with_param(86, phone, template)
        if result["errmsg"] == "OK":
            sent += 1
    return sent
'''


def test_errmsg_of_an_answer_without_errcode_is_not_reported():
    """WXK101 tells to test errcode instead: an SMS answer ({"result": 0, "errmsg": "OK"}) in a file with no
    WeCom call or URL and no errcode read has none to test."""
    assert codes(SMS_SENDER) == []


def test_errmsg_beside_an_errcode_read_or_in_wecom_code_is_still_reported():
    beside = SMS_SENDER.replace('if result["errmsg"] == "OK":', 'if result["errmsg"] == "OK" or result.get("errcode") == 0:')
    in_wecom_code = 'URL = "https://qyapi.weixin.qq.com/cgi-bin/message/send"\n' + SMS_SENDER
    assert_findings(beside, [(6, 12, "WXK101")])
    assert_findings(in_wecom_code, [(7, 12, "WXK101")])


def test_unchecked_response_message_cites_codes_of_its_endpoint():
    """Only kf endpoints answer 95xxx; gettoken fails on its secret, not on a token."""
    token = lint('''
import requests

def token(corp_id, secret):
    data = requests.get("https://qyapi.weixin.qq.com/cgi-bin/gettoken", params={"corpid": corp_id, "corpsecret": secret}).json()
    return data["access_token"]
''')
    assert [(f.line, f.column, f.code) for f in token] == [(6, 12, "WXK103")]
    assert "40001" in token[0].message and "95" not in token[0].message
    send = lint('''
import requests

def send(token, body):
    requests.post(f"https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token={token}", json=body)
''')
    assert [(f.line, f.column, f.code) for f in send] == [(5, 5, "WXK103")]
    assert "95001, 95002" in send[0].message
    plain = lint('''
import requests

def send(token, body):
    requests.post(f"https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token={token}", json=body)
''')
    assert [(f.line, f.column, f.code) for f in plain] == [(5, 5, "WXK103")]
    assert "40014" in plain[0].message and "95" not in plain[0].message
    robot = lint('''
import requests

def alert(key, text):
    requests.post(f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}", json={"msgtype": "text", "text": {"content": text}})
''')
    assert [(f.line, f.column, f.code) for f in robot] == [(5, 5, "WXK103")]
    assert "93000" in robot[0].message and "40014" not in robot[0].message


def test_errmsg_comparison_only_printed_or_logged_is_not_a_branch():
    """A comparison handed to print() or a logger shows a value; nothing branches on it (a real notifier
    printed ``wx_push.json()["errmsg"] == "ok"``). The same comparison in an ``if`` is still reported."""
    source = HEAD + '''
import logging

log = logging.getLogger(__name__)


def notify(token, body):
    r = requests.post(f"https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token={token}", json=body)
    data = r.json()
    print(data["errmsg"] == "ok")
    log.info("sent: %s", data["errmsg"] == "ok")
    if data["errmsg"] == "ok":
        return data
'''
    assert_findings(source, [(17, 8, "WXK101")])


@pytest.mark.parametrize(
    "guard,expected",
    [
        ('"access_token" in data.keys()', []),
        ('"access_token" in data', []),
        ("data", [(11, 16, "WXK103")]),
    ],
)
def test_a_presence_test_on_the_keys_guards_the_read(guard, expected):
    """weworkhelper: the token is read only when the answer has one; an error answer (40001) has none."""
    source = HEAD + f'''
def get_token(corpid, secret):
    resp = requests.get("https://qyapi.weixin.qq.com/cgi-bin/gettoken", params={{"corpid": corpid, "corpsecret": secret}})
    data = resp.json()
    if {guard}:
        return data["access_token"]
    raise RuntimeError(resp.text)
'''
    assert_findings(source, expected)


@pytest.mark.parametrize(
    "use,expected",
    [
        ("return json.dumps(result)", []),
        ("text = json.dumps(result)\n    return text", []),
        ("print(json.dumps(result))", [(10, 16, "WXK103")]),
    ],
)
def test_the_answer_serialised_goes_where_its_text_goes(use, expected):
    """zabbixqywechat: the answer returned as JSON text is handed on; printed as JSON text it is only shown."""
    source = HEAD + f'''
SEND = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=%s"

def send_alert(token, body):
    response = requests.post(SEND % token, json=body)
    result = response.json()
    {use}
'''
    assert_findings(source, expected)


@pytest.mark.parametrize(
    "uri,expected",
    [
        ("Bot._uri(key)", [(23, 16, "WXK103")]),
        ("self._uri(key)", [(23, 16, "WXK103")]),
        # a method of an object the file does not show may return anything
        ("registry._uri(key)", []),
    ],
)
def test_a_url_returned_by_a_same_file_function_is_that_url(uri, expected):
    """wxworkbot: ``self.uri = Bot.__get_uri(key)``, which returns ``Bot.BASE_URL + key``; the answer is only logged."""
    source = HEAD + f'''
import logging

log = logging.getLogger(__name__)


class Bot:
    BASE_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="

    @staticmethod
    def _uri(key):
        return Bot.BASE_URL + key

    def __init__(self, key, registry):
        self.uri = {uri}

    def send(self, body):
        resp = requests.post(self.uri, json=body)
        log.debug("status %d: %s", resp.status_code, resp.text)
'''
    assert_findings(source, expected)


def test_a_function_with_two_returns_gives_no_url():
    source = HEAD + '''
def _uri(key, staging):
    if staging:
        return "https://example.test/send?key=" + key
    return "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + key

def send(key, body, staging):
    requests.post(_uri(key, staging), json=body)
'''
    assert codes(source) == []


@pytest.mark.parametrize(
    "tail,expected",
    [
        ("return text", []),
        ("return token, text", []),
        ("print(text)\n    return None", [(8, 12, "WXK105")]),
    ],
)
def test_the_raw_answer_returned_whole_is_handed_on(tail, expected):
    """wechat_msg_send: the send's ``.text`` is tested only for 40014, then returned whole: the caller judges it."""
    source = HEAD + f'''
def send(token, data):
    text = requests.post("https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=" + token, json=data).text
    if json.loads(text)["errcode"] == 40014:
        return None
    {tail}
'''
    assert_findings(source, expected)
