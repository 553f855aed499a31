"""Proof, not suspicion (SPEC §2): where a rule's decisive fact is unknown it stays silent; where the file
shows the fact, it is read as if inline; one shared construct gives one finding.

Each case sits beside the proven-good and proven-bad variant of the same shape, with exact positions.
"""

from __future__ import annotations

from typing import List, Tuple

import pytest

from tests.helpers import lint
from wxkf_lint.analysis.facts import Fact

HEAD = '''\
import sys
import requests
from tenacity import retry, stop_after_attempt, wait_fixed, retry_if_exception_type

URL = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=%s"
'''


def found(source: str, prefix: str = "WXK2") -> List[Tuple[int, int, str]]:
    return [(f.line, f.column, f.code) for f in lint(HEAD + source) if f.code.startswith(prefix)]


def test_fact_is_not_a_flag():
    with pytest.raises(TypeError):
        bool(Fact.UNKNOWN)
    assert Fact.bad_if(None) is Fact.UNKNOWN and Fact.bad_if(True) is Fact.BAD and Fact.bad_if(False) is Fact.GOOD


def test_retry_config_dict_of_the_file_is_read_as_if_inline():
    # the module-level dict bounds, paces and limits the retry to network errors: nothing to report (a real
    # notifier got 23 findings here, WXK201+WXK203+WXK204 on each of its 9 methods)
    assert found('''
RETRY_CONFIG = {
    "stop": stop_after_attempt(3),
    "wait": wait_fixed(1),
    "retry": retry_if_exception_type((requests.Timeout, requests.ConnectionError)),
}

class Sender:
    @retry(**RETRY_CONFIG)
    def send(self, token, body):
        return requests.post(URL % token, json=body).json()

    @retry(**RETRY_CONFIG)
    def send_again(self, token, body):
        return requests.post(URL % token, json=body).json()
''') == []


def test_a_shared_defective_config_is_reported_once_at_the_config():
    source = '''
RETRY_CONFIG = {"retry": retry_if_exception_type(requests.Timeout)}

@retry(**RETRY_CONFIG)
def send(token, body):
    return requests.post(URL % token, json=body).json()

@retry(**RETRY_CONFIG)
def send_too(token, body):
    return requests.post(URL % token, json=body).json()
'''
    assert found(source) == [(7, 16, "WXK201"), (7, 16, "WXK203")]
    messages = [f.message for f in lint(HEAD + source) if f.code == "WXK201"]
    assert "(configuration shared by 2 functions)" in messages[0]


def test_a_module_level_decorator_is_one_construct():
    source = '''
net_retry = retry(stop=stop_after_attempt(10))

@net_retry
def send(token, body):
    return requests.post(URL % token, json=body).json()

@net_retry
def send_too(token, body):
    return requests.post(URL % token, json=body).json()
'''
    assert found(source) == [(7, 13, "WXK202"), (7, 13, "WXK203")]


def test_settings_from_a_parameter_are_unknown():
    # ``**options`` arrives from the caller: bound, pause and trigger are unknown, so nothing is reported
    assert found('''
def make(options):
    @retry(**options)
    def send(token, body):
        return requests.post(URL % token, json=body).json()
    return send
''') == []


def test_settings_imported_from_another_module_are_unknown():
    assert found('''
from .settings import RETRY_OPTIONS

@retry(**RETRY_OPTIONS)
def send(token, body):
    return requests.post(URL % token, json=body).json()
''') == []


def test_shown_settings_beside_hidden_ones_still_count():
    # ``wait=`` is written, ``**extra`` may hold the rest: the written part is proven, the rest unknown
    assert found('''
def make(extra):
    @retry(stop=stop_after_attempt(9), **extra)
    def send(token, body):
        return requests.post(URL % token, json=body).json()
    return send
''') == [(8, 5, "WXK202")]


def test_constant_names_as_settings_are_read():
    assert found('''
STOP = stop_after_attempt(3)
PAUSE = wait_fixed(2)
ONLY_NETWORK = (requests.ConnectionError, requests.Timeout)

@retry(stop=STOP, wait=PAUSE, retry=retry_if_exception_type(ONLY_NETWORK))
def send(token, body):
    return requests.post(URL % token, json=body).json()
''') == []


def test_a_retry_decorator_that_is_not_tenacitys_is_unknown():
    # the file imports tenacity, but this ``retry`` is the project's own, from another module
    assert found('''
from .utils import retry as retry_soon

@retry_soon
def send(token, body):
    return requests.post(URL % token, json=body).json()
''') == []


def test_bare_tenacity_retry_is_proven_unbounded():
    assert found('''
@retry
def send(token, body):
    return requests.post(URL % token, json=body).json()
''') == [(7, 1, "WXK201"), (7, 1, "WXK203")]


def test_sys_exit_leaves_a_retry_loop():
    # only 42001/40014 come round, after a refresh; every other code ends the process
    assert found('''
class Client:
    def post(self, body):
        for i in range(2):
            result = requests.post(URL % self.token, json=body).json()
            if result.get("errcode") == 0:
                return result
            elif result.get("errcode") in (42001, 40014):
                self.token = self.get_token()
            else:
                sys.exit()
''') == []


def test_without_the_exit_the_same_loop_retries_every_code():
    assert found('''
class Client:
    def post(self, body):
        for i in range(2):
            result = requests.post(URL % self.token, json=body).json()
            if result.get("errcode") == 0:
                return result
            elif result.get("errcode") in (42001, 40014):
                self.token = self.get_token()
''') == [(9, 9, "WXK203"), (9, 9, "WXK204")]


def test_a_pacing_helper_from_elsewhere_leaves_the_pause_unknown():
    source = '''
from .limits import throttle

def send(token, body):
    for _ in range(3):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == 0:
            return data
        {pause}
'''
    assert found(source.format(pause="throttle()"), "WXK203") == []
    assert found(source.format(pause="print(data)"), "WXK203") == [(10, 5, "WXK203")]


CALLEE = '''\
import requests
from .transport import make_client

SEND = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=%s"


class Notifier:
    def __init__(self, client=None):
        self.session = requests.Session()
        self.client = client or make_client()

    def send(self, token, body):
        return {receiver}.post(SEND % token, data={{"touser": "a", "msgtype": "text"}}).{tail}
'''


def callee_findings(receiver: str, tail: str = "json()['msgid']") -> List[Tuple[int, int, str]]:
    source = CALLEE.format(receiver=receiver, tail=tail)
    return [(f.line, f.column, f.code) for f in lint(source) if f.code in ("WXK103", "WXK502")]


def test_data_of_a_known_library_is_form_encoded():
    assert callee_findings("requests") == [(13, 16, "WXK103"), (13, 44, "WXK502")]
    assert callee_findings("self.session") == [(13, 16, "WXK103"), (13, 48, "WXK502")]


def test_data_of_an_object_from_elsewhere_is_unknown():
    # ``self.client`` comes from a parameter or another module: its post() may JSON-encode data=
    assert [c for c in callee_findings("self.client") if c[2] == "WXK502"] == []


def test_a_result_used_as_data_of_an_unknown_callee_is_not_proven_unchecked():
    source = '''\
from .base import BaseClient

SEND = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=%s"


class Notifier(BaseClient):
    def send(self, token, body):
        result = self.request("POST", SEND % token, json=body)
        return result["msgid"]

    def send_raw(self, token, body):
        return self.request("POST", SEND % token, json=body).json()["msgid"]
'''
    # the base class's request() may raise on a non-zero errcode, and still hand back the response it parsed
    assert [(f.line, f.column, f.code) for f in lint(source) if f.code == "WXK103"] == []
    # the proven twin: the same class sending with requests itself
    known = source.replace("self.request(\"POST\", ", "requests.request(\"POST\", ").replace(
        "from .base import BaseClient", "import requests\nfrom .base import BaseClient")
    assert [(f.line, f.column, f.code) for f in lint(known) if f.code == "WXK103"] == [(10, 16, "WXK103"), (13, 16, "WXK103")]


ANSWERS = '''\
import json
import requests
from .helpers import check

URL = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=%s"


def save(data):
    print(data)


def verify(data):
    if data["errcode"] != 0:
        raise RuntimeError(data)


def send(token, body):
    {answer}
    {handling}
    return data["msgid"]
'''


@pytest.mark.parametrize(
    "answer, handling, expected",
    [
        # the response read through a name bound to r.text, then json.loads
        ('text = requests.post(URL % token, json=body).text; data = json.loads(text)', "pass", [(20, 12, "WXK103")]),
        # printing errmsg or testing its truthiness ("ok" on success) checks nothing
        ('data = requests.post(URL % token, json=body).json()', 'if data.get("errmsg"): print(data["errmsg"])',
         [(20, 12, "WXK103")]),
        # a same-file helper that reads no errcode vouches for nothing
        ('data = requests.post(URL % token, json=body).json()', "save(data)", [(20, 12, "WXK103")]),
        # a same-file helper that tests errcode is the check
        ('data = requests.post(URL % token, json=body).json()', "verify(data)", []),
        # a helper from another module is unknown: it may check
        ('data = requests.post(URL % token, json=body).json()', "check(data)", []),
    ],
)
def test_what_counts_as_checking_an_answer(answer, handling, expected):
    source = ANSWERS.format(answer=answer, handling=handling)
    assert [(f.line, f.column, f.code) for f in lint(source) if f.code == "WXK103"] == expected


def test_comparing_errcode_with_its_get_default_asks_whether_it_is_there():
    source = HEAD + '''
def send(token, body):
    data = requests.post(URL % token, json=body).json()
    code = data.get("errcode", "none")
    if code == "none" or data.get("errcode", "missing") == "missing":
        raise RuntimeError("not a WeCom answer")
    if code == "0":
        return data
'''
    assert [(f.line, f.column, f.code) for f in lint(source) if f.code == "WXK102"] == [(12, 8, "WXK102")]


KF = """\
import requests
from .conf import settings, EXPECTED, CODES, ITEMS, KIND, MSGTYPE, MEDIA, TEMPLATE
URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=%s"
"""

#: For every other rule, its decisive fact written out (proven bad) and the same code where that fact comes
#: from another module (unknown): (template, the proven-bad value, the unknown value, where the finding is).
RULE_FACTS = {
 "WXK101": ('''
def send(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errmsg"] == {value}:
        return data
''', '"ok"', 'EXPECTED'),
 "WXK301": ('''
ACCESS_TOKEN = {value}
''', '"kJWt0aBcD1234567890efGhIjKlMnOpQrStUvWxYz_0123456789-abcdefghIJKLMN"', 'settings.ACCESS_TOKEN'),
 "WXK303": ('''
CORP_SECRET = {value}
''', '"Xk3dP0aQ9vLmN2bR7tYcW5eZ1uJ8sH4gF6iO0pA3qKz"', 'settings.CORP_SECRET'),
 "WXK401": ('''
def send(token, body, refresh):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] in {value}:
        refresh()
    return data.get("msgid")
''', '(40014, 42001)', 'CODES'),
 "WXK402": ('''
def send(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] not in {value}:
        raise RuntimeError(data["errmsg"])
    return data["msgid"]
''', '(0,)', 'CODES'),
 "WXK403": ('''
def menu(user, kfid):
    return {{"touser": user, "open_kfid": kfid, "msgtype": "msgmenu", "msgmenu": {{"list": {value}}}}}
''', '[' + ', '.join(['{"type": "click", "click": {"id": "%d", "content": "x"}}' % i for i in range(11)]) + ']', 'ITEMS'),
 "WXK404": ('''
def menu(user, kfid):
    return {{"touser": user, "open_kfid": kfid, "msgtype": "msgmenu", "msgmenu": {{"list": [{{"type": {value}, "click": {{"id": "a", "content": "b"}}}}]}}}}
''', '"url"', 'KIND'),
 "WXK405": ('''
def notice(user, kfid, text):
    return {{"touser": user, "open_kfid": kfid, "msgtype": {value}, "markdown": {{"content": text}}}}
''', '"markdown"', 'MSGTYPE'),
 "WXK406": ('''
def logo(user, kfid):
    return {{"touser": user, "open_kfid": kfid, "msgtype": "image", "image": {{"media_id": {value}}}}}
''', '"2-G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0"', 'MEDIA'),
 "WXK501": ('''
def send(token, user, kfid, text):
    body = {value} % (user, kfid, text)
    data = requests.post(URL % token, data=body.encode("utf-8")).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
''', """'{"touser": "%s", "open_kfid": "%s", "msgtype": "text", "text": {"content": "%s"}}'""", 'TEMPLATE'),
}


RULE_POSITIONS = {
    "WXK101": (7, 8), "WXK301": (5, 16), "WXK303": (5, 15), "WXK401": (6, 12), "WXK402": (6, 12),
    "WXK403": (6, 82), "WXK404": (6, 92), "WXK405": (6, 48), "WXK406": (6, 78), "WXK501": (6, 12),
}


@pytest.mark.parametrize("code", sorted(RULE_FACTS))
def test_every_rule_is_silent_when_its_decisive_fact_is_unknown(code):
    template, bad, unknown = RULE_FACTS[code]

    def at(value):
        return [(f.line, f.column, f.code) for f in lint(KF + template.format(value=value), extend_select=["WXK402"])
                if f.code == code]

    assert at(bad) == [(*RULE_POSITIONS[code], code)]
    assert at(unknown) == []


def test_a_token_of_a_class_whose_base_is_from_another_module_is_not_proven_stale():
    source = """\
import requests
from .base import BaseClient

URL = "https://qyapi.weixin.qq.com/cgi-bin/"


class Client({base}):
    def __init__(self):
        self.access_token = self.get_access_token()

    def get_access_token(self):
        data = requests.get(URL + "gettoken").json()
        return data["access_token"] if data["errcode"] == 0 else None

    def send(self, body):
        return requests.post(URL + "message/send?access_token=" + self.access_token, json=body).json()
"""
    def stale(base):
        return [(f.line, f.column, f.code) for f in lint(source.format(base=base)) if f.code == "WXK302"]

    assert stale("object") == [(9, 9, "WXK302")]
    assert stale("BaseClient") == []  # the base may renew it on 40014/42001


def test_a_method_inherited_from_a_base_of_another_module_may_pause():
    source = '''
from .base import BaseSender

class Sender({base}):
    def send(self, token, body):
        for _ in range(3):
            data = requests.post(URL % token, json=body).json()
            if data["errcode"] == 0:
                return data
            self._on_failure(data)
'''
    assert found(source.format(base="BaseSender"), "WXK203") == []
    assert found(source.format(base="object"), "WXK203") == [(11, 9, "WXK203")]


def test_a_counter_handed_to_a_helper_from_elsewhere_may_be_bounded_there():
    source = '''
from .policy import give_up_after

def send(token, body):
    attempt = 0
    while True:
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == 0:
            return data
        attempt += 1
        {guard}
        time.sleep(attempt)
'''
    assert found("import time\n" + source.format(guard="give_up_after(attempt)"), "WXK201") == []
    assert found("import time\n" + source.format(guard="print(attempt)"), "WXK201") == [(12, 5, "WXK201")]


WRAPPED = '''\
import json
import requests


class Message:
    @classmethod
    def post(cls, url, body):
        answer = json.loads(requests.post(url=url, json=body).content)
        {tail}

    @classmethod
    def send_text(cls, token, content):
        cls.post(f"https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token={{token}}", {{"text": content}})

    @classmethod
    def send_image(cls, token, media_id):
        cls.post(f"https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token={{token}}", {{"image": media_id}})
'''


def test_a_wrapper_that_never_tests_errcode_is_one_finding_at_the_wrapper():
    # it returns only fields: no caller could check the answer, so the wrapper is the root cause
    found_here = [(f.line, f.column, f.code) for f in lint(WRAPPED.format(tail='return {"msgid": answer["msgid"]}'))]
    assert found_here == [(7, 9, "WXK103")]
    message = lint(WRAPPED.format(tail='return {"msgid": answer["msgid"]}'))[0].message
    assert "its 2 callers drop its result" in message


def test_a_wrapper_that_returns_nothing_is_one_finding_at_the_wrapper():
    # sentry-for-wxwork: ``post_request`` posts and returns None, so neither caller has an answer to test
    found = lint(WRAPPED.format(tail='print(answer)'))
    assert [(f.line, f.column, f.code) for f in found] == [(7, 9, "WXK103")]
    assert "returns nothing to its 2 callers" in found[0].message


def test_a_wrapper_sending_through_an_object_the_file_does_not_show_is_no_finding_anywhere():
    # ``cls.session`` comes from elsewhere and may raise on errcode itself; its answer is not read as raw HTTP
    source = WRAPPED.replace("json.loads(requests.post(url=url, json=body).content)", "cls.session.post(url=url, json=body)")
    assert "cls.session.post" in source
    assert lint(source.format(tail="print(answer)")) == []
    assert lint(source.format(tail="return answer")) == []
    # its raw answer parsed here proves nothing either: a client may raise on errcode and return the response
    raw = source.replace("cls.session.post(url=url, json=body)", "cls.session.post(url=url, json=body).json()")
    assert lint(raw.format(tail="print(answer)")) == []


def test_a_wrapper_that_hands_the_answer_back_leaves_each_caller_its_own_finding():
    found_here = [(f.line, f.column, f.code) for f in lint(WRAPPED.format(tail="return answer"))]
    assert found_here == [(13, 9, "WXK103"), (17, 9, "WXK103")]


def test_a_same_file_retry_decorator_is_read_as_if_its_loop_were_inline():
    source = '''
import time


def retry(times=3):
    def deco(func):
        def wrapper(*args, **kwargs):
            for _ in range(times):
                try:
                    return func(*args, **kwargs)
                except requests.RequestException:
                    {pause}
            raise RuntimeError("gave up")
        return wrapper
    return deco


def forever(func):
    def wrapper(*args, **kwargs):
        while True:
            try:
                return func(*args, **kwargs)
            except requests.RequestException:
                time.sleep(1)
    return wrapper


@retry(times=9)
def send(token, body):
    return requests.post(URL % token, json=body).json()


@forever
def send_again(token, body):
    return requests.post(URL % token, json=body).json()


@forever
def send_more(token, body):
    return requests.post(URL % token, json=body).json()
'''
    # the bound arrives through the factory's parameter: unknown (no WXK202); forever's loop is one finding
    assert found(source.format(pause="pass")) == [(13, 13, "WXK203"), (25, 9, "WXK201")]
    assert found(source.format(pause="time.sleep(1)")) == [(25, 9, "WXK201")]
    message = next(f.message for f in lint(HEAD + source.format(pause="pass")) if f.code == "WXK201")
    assert "(decorator shared by 2 functions)" in message


def test_params_of_an_unknown_callee_may_be_its_body():
    source = '''\
import requests
from .sdk import make_client

SEND = "https://qyapi.weixin.qq.com/cgi-bin/message/send"


class Notifier:
    def __init__(self):
        self.client = make_client()

    def send(self, body):
        return {receiver}.post(SEND, params={{"touser": "a", "msgtype": "text", "agentid": 1}}).json()
'''
    def at(receiver):
        return [(f.line, f.column, f.code) for f in lint(source.format(receiver=receiver)) if f.code == "WXK503"]

    assert at("requests") == [(12, 36, "WXK503")]
    assert at("self.client") == []


NEW_RULES = '''\
import requests
from .store import save, cached_token
from tenacity import retry, stop_after_attempt, wait_fixed, retry_if_exception_type

BASE = "https://qyapi.weixin.qq.com/cgi-bin/"


def download(token, media_id, path):
    r = requests.get(BASE + "media/get", params={{"access_token": token, "media_id": media_id}})
    {use}


{decorator}
def fetch_token(corpid, secret):
    data = requests.get(BASE + "gettoken", params={{"corpid": corpid, "corpsecret": secret}}).json()
    return data["access_token"] if data["errcode"] == 0 else None


def notify(corpid, secret, user):
    token = fetch_token(corpid, secret)
    data = requests.post(BASE + "message/send", params={{"access_token": token}}, json={{"touser": user}}).json()
    if data["errcode"] != 0:
        raise RuntimeError(data)


def make({settings}):
    @retry({options})
    def send(token, user):
        body = {{"touser": user, "msgtype": "text", "agentid": 1, "text": {{"content": "hi"}}}}
        return requests.post(BASE + "message/send?access_token=" + token, json=body, timeout=5).json()
    return send
'''

SHOWN = dict(use='open(path, "wb").write(r.content)', decorator="",
             settings="", options="stop=stop_after_attempt(3), wait=wait_fixed(1), retry=retry_if_exception_type(requests.Timeout)")
HIDDEN = dict(use="save(r, path)", decorator="@cached_token", settings="options", options="**options")


def test_the_new_rules_are_silent_when_their_decisive_fact_is_elsewhere():
    def at(values):
        return [(f.line, f.column, f.code) for f in lint(NEW_RULES.format(**values))
                if f.code in ("WXK104", "WXK205", "WXK304")]

    # the bytes written, a fetcher with no cache, a retry on read timeouts of a send: proven
    assert at(SHOWN) == [(10, 5, "WXK104"), (15, 12, "WXK304"), (27, 5, "WXK205")]
    # handed to a helper from elsewhere, an imported caching decorator, retry settings from the caller: unknown
    assert at(HIDDEN) == []


APP = '''\
import requests
from .conf import CODES

URL = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=%s"


def send(token, body, refresh):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] in {codes}:
        refresh()
    return data.get("msgid")


def send_again({signature}, body, refresh_token):
    {url}
    data = requests.post(url, json=body).json()
    if data["errcode"] in (40014, 42001):
        refresh_token()
        data = requests.post(url, json=body).json()
    return data
'''


def test_wxk105_and_wxk206_are_silent_when_their_decisive_fact_is_elsewhere():
    def at(**values):
        return [(f.line, f.column, f.code) for f in lint(APP.format(**values)) if f.code in ("WXK105", "WXK206")]

    # tested codes shown, a URL built here from the old token: proven
    assert at(codes="(40014, 42001)", signature="token", url="url = URL % token") == [(8, 12, "WXK105"), (19, 16, "WXK206")]
    # codes imported, a URL that arrives as a parameter (it may carry a fresh token): unknown
    assert at(codes="CODES", signature="url", url="pass") == []
