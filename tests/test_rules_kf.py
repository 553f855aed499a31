"""WXK401–WXK406, WXK501, WXK502 on realistic kf senders, menus and bodies."""

from __future__ import annotations

import pytest

from tests.helpers import assert_findings, codes, line_of, lint

HEAD = '''
import json
import requests
from wechatpy.enterprise import WeChatClient

BASE = "https://qyapi.weixin.qq.com/cgi-bin"
'''


def send_with_check(check: str, endpoint: str = "kf/send_msg") -> str:
    return HEAD + f'''
def send(token, body):
    data = requests.post(f"{{BASE}}/{endpoint}?access_token={{token}}", json=body).json()
{check}
    return data.get("msgid")
'''


@pytest.mark.parametrize(
    "check,expected",
    [
        ('    if data["errcode"] == 40014:\n        body = None', [(9, 12, "WXK401")]),
        ('    if data["errcode"] in (-1, 42001):\n        body = None', [(9, 12, "WXK401")]),
        ('    code = data.get("errcode")\n    if code == -1:\n        body = None', [(9, 12, "WXK401")]),
        ('    if data["errcode"] != 0:\n        raise RuntimeError(data["errmsg"])', []),
        ('    if data["errcode"] == 0:\n        return data["msgid"]', []),
        ('    if data["errcode"]:\n        raise RuntimeError(data["errmsg"])', []),
        ('    if data["errcode"] == 40014:\n        body = None\n    elif data["errcode"] == -1:\n        body = None\n'
         '    else:\n        body = data', []),
        ('    if data["errcode"] == 95001:\n        body = None', []),
        ('    if int(data["errcode"]) > 0:\n        raise RuntimeError(data["errmsg"])', []),
    ],
)
def test_wxk401(check, expected):
    assert_findings(send_with_check(check), expected)


def test_wxk401_message_lists_the_endpoint_codes():
    [finding] = lint(send_with_check('    if data["errcode"] == 40014:\n        body = None'))
    assert "95001" in finding.message and "95002" in finding.message and "kf/send_msg" in finding.message


def test_wxk401_sync_msg_checked_on_95007_is_handled():
    assert codes(send_with_check('    if data["errcode"] == 95007:\n        body = None', "kf/sync_msg")) == []


def test_wxk401_is_silent_on_delegation_and_wechatpy():
    source = HEAD + '''
def send(token, body):
    data = requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body).json()
    if data["errcode"] == 40014:
        body = None
    return data

def send2(client: WeChatClient, body):
    data = client.post("kf/send_msg", data=body)
    if data["errcode"] == 40014:
        body = None
    return data.get("msgid")
'''
    assert codes(source) == []


def test_wxk402_is_opt_in():
    source = send_with_check('    if data["errcode"] != 0:\n        raise RuntimeError(data["errmsg"])')
    assert codes(source) == []
    assert_findings(source, [(9, 12, "WXK402")], extend_select=["WXK402"])
    handled = send_with_check(
        '    if data["errcode"] in (95001, 95002):\n        return None\n'
        '    if data["errcode"] != 0:\n        raise RuntimeError(data["errmsg"])'
    )
    assert codes(handled, extend_select=["WXK402"]) == []
    sync = send_with_check('    if data["errcode"] != 0:\n        raise RuntimeError(data["errmsg"])', "kf/sync_msg")
    assert codes(sync, extend_select=["WXK402"]) == []


def test_wxk402_accepts_send_limits_named_beside_success():
    """Naming both codes in the test is the author's decision about them, even to let them pass quietly."""
    named = send_with_check('    if data["errcode"] not in (0, 95001, 95002):\n        raise RuntimeError(data["errmsg"])')
    assert codes(named, extend_select=["WXK402"]) == []
    one_named = send_with_check('    if data["errcode"] not in (0, 95001):\n        raise RuntimeError(data["errmsg"])')
    assert_findings(one_named, [(9, 12, "WXK402")], extend_select=["WXK402"])


def menu(items: int, item_type: str = "click") -> str:
    entries = ",\n".join(
        f'            {{"type": "{item_type if i == 0 else "click"}", "click": {{"id": "{i}", "content": "{i}"}}}}'
        for i in range(items)
    )
    return HEAD + f'''
def build(user, kfid):
    return {{
        "touser": user,
        "open_kfid": kfid,
        "msgtype": "msgmenu",
        "msgmenu": {{
            "head_content": "pick one",
            "list": [
{entries}
            ],
        }},
    }}
'''


def test_wxk403_menu_sizes():
    assert codes(menu(10)) == []
    findings = lint(menu(11))
    assert_findings(menu(11), [(15, 13, "WXK403")])
    assert "11 items" in findings[0].message and "95008" in findings[0].message


@pytest.mark.parametrize("item_type,expected", [("click", []), ("view", []), ("miniprogram", []), ("text", []),
                                                ("url", [(16, 14, "WXK404")]), ("link", [(16, 14, "WXK404")])])
def test_wxk404_item_types(item_type, expected):
    assert_findings(menu(3, item_type), expected)


def test_wxk404_menu_bound_to_a_name():
    source = HEAD + '''
def build(user, kfid):
    items = [{"type": "button", "click": {"id": "1", "content": "x"}}]
    menu = {"head_content": "hi", "list": items}
    return {"touser": user, "open_kfid": kfid, "msgtype": "msgmenu", "msgmenu": menu}
'''
    assert_findings(source, [(9, 15, "WXK404")])


@pytest.mark.parametrize(
    "message,expected",
    [
        ('{"touser": u, "open_kfid": k, "msgtype": "text", "text": {"content": "x"}}', []),
        ('{"touser": u, "open_kfid": k, "msgtype": "ca_link", "ca_link": {"link_url": "x"}}', []),
        ('{"touser": u, "open_kfid": k, "msgtype": "markdown", "markdown": {"content": "x"}}', [(8, 42, "WXK405")]),
        ('{"touser": u, "open_kfid": k, "msgtype": "news", "news": {}}', [(8, 42, "WXK405")]),
        ('{"touser": u, "agentid": 1, "msgtype": "markdown", "markdown": {"content": "x"}}', []),  # message/send
    ],
)
def test_wxk405_send_msg(message, expected):
    assert_findings(HEAD + f"def build(u, k):\n    return {message}\n", expected)


def test_wxk405_send_msg_on_event_accepts_text_and_menu_only():
    template = HEAD + '''
def welcome(token, code):
    body = {"code": code, "msgtype": "%s", "%s": {}}
    data = requests.post(f"{BASE}/kf/send_msg_on_event?access_token={token}", json=body).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
'''
    assert codes(template % ("text", "text")) == []
    assert codes(template % ("msgmenu", "msgmenu")) == []
    assert_findings(template % ("image", "image"), [(9, 27, "WXK405")])


@pytest.mark.parametrize(
    "value,expected",
    [
        ('"2-G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0"', [(9, 72, "WXK406")]),
        ('"MEDIA_ID"', []),
        ('"<media_id>"', []),
        ("media_id", []),
        ('upload(path)["media_id"]', []),
    ],
)
def test_wxk406_media_ids(value, expected):
    source = HEAD + f'''
def build(u, k, media_id, upload, path):
    return {{"touser": u, "open_kfid": k, "msgtype": "image", "image": {{"media_id": {value}}}}}
'''
    assert_findings(source, expected)


def test_wxk406_a_message_without_a_recipient_is_reported_only_when_a_wecom_call_sends_it():
    """A webhook body names no recipient (the key is in the URL): the call that posts it shows it is sent."""
    source = HEAD + '''
WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"

def post_file():
    body = {"msgtype": "file", "file": {"media_id": "3a8asd892asd8asd-_xbYqWp5nBnG0kyRnQfKpmAAhN2Fgvo5mXqWz8ON6cE"}}
    data = requests.post(WEBHOOK, json=body).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])

def file_message():
    return {"msgtype": "file", "file": {"media_id": "3a8asd892asd8asd-_xbYqWp5nBnG0kyRnQfKpmAAhN2Fgvo5mXqWz8ON6cE"}}
'''
    assert_findings(source, [(11, 41, "WXK406")])


def test_wxk406_a_received_message_fed_to_a_parser_is_not_a_body():
    """wb-wecom-voice-mcp's self-test: a fake incoming voice callback handed to the file's own parser."""
    source = HEAD + '''
class VoiceChannel:
    def __init__(self, api_base=BASE):
        self.api_base = api_base

    def parse_callback(self, data):
        voice = data.get("voice", {})
        return {"user": data["from"]["userid"], "media_id": voice.get("media_id")}

def run_self_test():
    callback = {
        "msgid": "msg_001",
        "msgtype": "voice",
        "from": {"userid": "user_123"},
        "voice": {"content": "hello", "media_id": "media_001", "duration": 3.5},
    }
    message = VoiceChannel().parse_callback(callback)
    assert message["media_id"] == "media_001"
'''
    assert codes(source) == []


def body_call(body_argument: str, setup: str = "") -> str:
    return HEAD + f'''
def send(token, user, text, body):
{setup}    data = requests.post(f"{{BASE}}/kf/send_msg?access_token={{token}}", {body_argument}).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
'''


@pytest.mark.parametrize(
    "argument,setup,expected",
    [
        ('data=f\'{{"touser": "{user}", "msgtype": "text", "text": {{"content": "{text}"}}}}\'', "", [(9, 75, "WXK501")]),
        ('data=payload', '    payload = \'{"touser": "%s", "msgtype": "text"}\' % user\n', [(9, 15, "WXK501")]),
        # encoded under a name of its own first (qiyeweixin notify): still the hand-built text that is sent
        ('data=encoded', '    payload = \'{"touser": "%s"}\' % user\n    encoded = payload.encode("utf-8")\n', [(9, 15, "WXK501")]),
        ('data=encoded', '    encoded = body.encode("utf-8")\n', []),
        ('data="{" + \'"touser": "\' + user + \'"}\'', "", [(9, 75, "WXK501")]),
        ('data=\'{{"touser": "{}"}}\'.format(user)', "", [(9, 75, "WXK501")]),
        ('data=json.dumps(body, ensure_ascii=False)', "", []),
        ('json=body', "", []),
        ('data=f"touser={user}"', "", []),
        ('data={"touser": user, "msgtype": "text"}', "", [(9, 70, "WXK502")]),
        ('data=payload', '    payload = {"touser": user, "msgtype": "text"}\n', [(10, 70, "WXK502")]),
        ('data=dict(touser=user, msgtype="text")', "", [(9, 70, "WXK502")]),
    ],
)
def test_bodies(argument, setup, expected):
    assert_findings(body_call(argument, setup), expected)


def test_wxk502_fix_renames_the_keyword():
    [finding] = lint(body_call('data={"touser": user, "msgtype": "text"}'))
    assert finding.fix is not None and finding.fix.content == 'json={"touser": user, "msgtype": "text"}'


def test_wxk502_not_for_wechatpy_uploads_or_get():
    source = HEAD + '''
def send(client: WeChatClient, token, user, path):
    client.post("kf/send_msg", data={"touser": user, "msgtype": "text"})
    with open(path, "rb") as fh:
        up = requests.post(f"{BASE}/media/upload?access_token={token}&type=image", files={"media": fh}, data={"a": 1}).json()
    got = requests.get(f"{BASE}/kf/servicer/list", params={"access_token": token}, data={"x": 1}).json()
    return up, got
'''
    assert codes(source) == []


def send_limits_check(setup: str, test: str) -> str:
    """A send_msg handler whose own path for the send limits tests ``errcode`` with ``test``; ``setup`` is module code."""
    return HEAD + setup + f'''

def send(token, body):
    data = requests.post(f"{{BASE}}/kf/send_msg?access_token={{token}}", json=body).json()
    if {test}:
        return None
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
    return data["msgid"]
'''


@pytest.mark.parametrize(
    "setup,test",
    [
        ('SEND_LIMITS = {95001: "per-turn count", 95002: "48-hour window"}', 'data["errcode"] in SEND_LIMITS'),
        ("SEND_LIMITS = frozenset({95001, 95002})", 'data["errcode"] in SEND_LIMITS'),
        ("SEND_LIMITS = set((95001, 95002))", 'data["errcode"] in SEND_LIMITS'),
        ("SEND_LIMITS = tuple([95001, 95002])", 'data["errcode"] in SEND_LIMITS'),
        ("SEND_LIMITS: frozenset = frozenset([95001, 95002])", 'data["errcode"] in SEND_LIMITS'),
        ("COUNT = 95001\nWINDOW = 95002\nSEND_LIMITS = (COUNT, WINDOW)", 'data["errcode"] in SEND_LIMITS'),
        ("COUNT = {95001: 'count'}\nSEND_LIMITS = {**COUNT, 95002: 'window'}", 'data["errcode"] in SEND_LIMITS'),
        ("class Limits:\n    ALL = [95001, 95002]", 'data["errcode"] in Limits.ALL'),
        ("from enum import IntEnum\nclass Kf(IntEnum):\n    COUNT = 95001\n    WINDOW = 95002",
         'data["errcode"] in (Kf.COUNT, Kf.WINDOW)'),
        ("from enum import Enum\nclass Kf(Enum):\n    COUNT = 95001\n    WINDOW = 95002",
         'data["errcode"] in (Kf.COUNT.value, Kf.WINDOW.value)'),
    ],
)
def test_wxk402_reads_send_limits_from_a_constant(setup, test):
    assert codes(send_limits_check(setup, test), extend_select=["WXK402"]) == []


@pytest.mark.parametrize(
    "setup,test",
    [
        # bound twice: either value may be the one tested
        ("SEND_LIMITS = (95001, 95002)\nSEND_LIMITS = (95003,)", 'data["errcode"] in SEND_LIMITS'),
        ("SEND_LIMITS = {95001}\nSEND_LIMITS |= {95002}", 'data["errcode"] in SEND_LIMITS'),
        ("SEND_LIMITS = (95001, 95002)\ndef load():\n    global SEND_LIMITS\n    SEND_LIMITS = ()",
         'data["errcode"] in SEND_LIMITS'),
        # not a literal collection of ints
        ("SEND_LIMITS = load_codes()", 'data["errcode"] in SEND_LIMITS'),
        ('SEND_LIMITS = ("95001", "95002")', 'data["errcode"] in SEND_LIMITS'),
        ("SEND_LIMITS = (95001, load_code())", 'data["errcode"] in SEND_LIMITS'),
        # a plain Enum member never equals an int
        ("from enum import Enum\nclass Kf(Enum):\n    COUNT = 95001\n    WINDOW = 95002",
         'data["errcode"] in (Kf.COUNT, Kf.WINDOW)'),
    ],
)
def test_wxk402_keeps_unknown_constants_unknown(setup, test):
    source = send_limits_check(setup, test)
    assert_findings(source, [(line_of(source, "requests.post"), 12, "WXK402")], extend_select=["WXK402"])


def test_class_level_constants_read_through_self():
    source = HEAD + '''
class Sender:
    SEND_LIMITS = {95001: "per-turn count", 95002: "48-hour window"}
    ONLY_BUSY = (-1,)

    def send(self, token, body):
        data = requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body).json()
        if data["errcode"] in self.SEND_LIMITS:
            return None
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
        return data["msgid"]

    def update(self, token, body):
        data = requests.post(f"{BASE}/kf/account/update?access_token={token}", json=body).json()
        if data["errcode"] in self.ONLY_BUSY:
            return None
        return data["errmsg"]
'''
    assert_findings(source, [(21, 16, "WXK401")], extend_select=["WXK402"])  # update tests only -1: 95xxx pass as success
    rebound = source.replace('    def send(', '    def reset(self):\n        self.SEND_LIMITS = {}\n\n    def send(')
    assert_findings(rebound, [(16, 16, "WXK402"), (24, 16, "WXK401")], extend_select=["WXK402"])


def test_wxk401_sees_95xxx_codes_named_by_a_constant():
    source = send_with_check('    if data["errcode"] in SEND_LIMITS:\n        body = None')
    assert codes(source.replace("\ndef send", 'SEND_LIMITS = {95001: "count"}\n\ndef send', 1)) == []
    assert_findings(source.replace("\ndef send", 'SEND_LIMITS = {40014: "token"}\n\ndef send', 1), [(10, 12, "WXK401")])


@pytest.mark.parametrize("path,expected", [("tests/test_sender.py", []), ("kf/sender.py", [(9, 12, "WXK402")])])
def test_errcode_asserted_in_a_test_checks_a_canned_answer(path, expected):
    """As WXK101 does for errmsg: a test's ``assert data["errcode"] == 0`` decides nothing in the program."""
    source = send_with_check('    assert data["errcode"] == 0')
    assert_findings(source, expected, extend_select=["WXK402"], path=path)


def test_errcode_tested_through_a_walrus():
    """``(code := data.get("errcode")) != 0`` tests the code as ``data.get("errcode") != 0`` does."""
    generic = send_with_check('    if (code := data.get("errcode")) != 0:\n        raise RuntimeError(code)')
    assert_findings(generic, [(9, 12, "WXK402")], extend_select=["WXK402"])
    only_busy = send_with_check('    if (code := data["errcode"]) == -1:\n        body = None')
    assert_findings(only_busy, [(9, 12, "WXK401")])


PAGED_PULL = HEAD + '''
def pull(token, sync_token):
    cursor, found = "", []
    while True:
        data = requests.post(f"{BASE}/kf/sync_msg?access_token={token}", json={"cursor": cursor, "token": sync_token}).json()
        found.extend(data.get("msg_list", []))
        if not data.get("has_more"):
            return found
        cursor = data.get("next_cursor", "")
'''


def test_paging_test_is_no_errcode_check():
    """An error answer has no ``has_more`` either: the loop stops as if every message had been read, so testing
    ``has_more`` (or ``next_cursor``) is paging, not the check WXK103 asks for."""
    assert_findings(PAGED_PULL, [(12, 22, "WXK103")])
    by_cursor = PAGED_PULL.replace('if not data.get("has_more"):', 'if not data.get("next_cursor"):')
    assert_findings(by_cursor, [(12, 22, "WXK103")])
    checked = PAGED_PULL.replace("        found.extend", '        if data["errcode"] != 0:\n            raise RuntimeError(data["errmsg"])\n        found.extend')
    assert codes(checked) == []
