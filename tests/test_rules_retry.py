"""WXK201–WXK204 on the shapes retries take in real code, and the loops that are not retries."""

from __future__ import annotations

import libcst as cst
import pytest

from tests.helpers import assert_findings, codes, lint
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.retries import RetrySite

HEAD = '''
import asyncio
import itertools
import time

import backoff
import httpx
import requests
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_fixed

URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=%s"
SYNC = "https://qyapi.weixin.qq.com/cgi-bin/kf/sync_msg?access_token=%s"
'''

CASES = {
    "while_true_success_only": ('''
def send(token, body):
    while True:
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == 0:
            return data
''', [(15, 5, "WXK201"), (15, 5, "WXK203"), (15, 5, "WXK204")]),
    "while_errcode_busy": ('''
def send(token, body):
    data = requests.post(URL % token, json=body).json()
    while data["errcode"] == -1:
        time.sleep(1)
        data = requests.post(URL % token, json=body).json()
    return data
''', [(16, 5, "WXK201")]),
    "while_errcode_nonzero_bounded": ('''
def send(token, body):
    attempt = 0
    data = requests.post(URL % token, json=body).json()
    while data["errcode"] != 0 and attempt < 3:
        attempt += 1
        time.sleep(attempt)
        data = requests.post(URL % token, json=body).json()
    return data
''', [(17, 5, "WXK204")]),
    "while_errcode_name_from_sentinel": ('''
def send(token, body):
    errcode = -1
    while errcode == -1:
        data = requests.post(URL % token, json=body).json()
        errcode = data["errcode"]
        if errcode == -1:
            time.sleep(1)
    return data
''', [(16, 5, "WXK201")]),
    "while_errcode_name_nonzero_with_guard": ('''
def send(token, body):
    errcode, attempt = -1, 0
    while errcode != 0:
        if attempt >= 3:
            raise RuntimeError("busy")
        attempt += 1
        data = requests.post(URL % token, json=body).json()
        errcode = int(data.get("errcode", -1))
        time.sleep(attempt)
    return data
''', [(16, 5, "WXK204")]),
    "range_ten_busy_only": ('''
def send(token, body):
    for attempt in range(10):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == -1:
            time.sleep(2 ** attempt)
            continue
        return data
''', [(15, 5, "WXK202")]),
    "range_three_busy_with_sleep": ('''
def send(token, body):
    for attempt in range(3):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == -1:
            time.sleep(2 ** attempt)
            continue
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
        return data
''', []),
    "range_no_sleep": ('''
def send(token, body):
    for _ in range(3):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] in (-1, 45009):
            continue
        return data
''', [(15, 5, "WXK203")]),
    "range_kf_limit_code": ('''
def send(token, body):
    for _ in range(3):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] in (-1, 95001):
            time.sleep(1)
            continue
        return data
''', [(15, 5, "WXK204")]),
    "itertools_count": ('''
def send(token, body):
    for attempt in itertools.count():
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == -1:
            time.sleep(attempt)
            continue
        return data
''', [(15, 5, "WXK201")]),
    "while_attempt_lt_five": ('''
def send(token, body):
    attempt = 0
    while attempt < 5:
        attempt += 1
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == 0:
            return data
        if data["errcode"] == -1:
            time.sleep(attempt)
            continue
        raise RuntimeError(data["errmsg"])
''', [(16, 5, "WXK202")]),
    "counter_checked_in_body": ('''
def send(token, body):
    attempt = 0
    while True:
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] != -1:
            return data
        attempt += 1
        if attempt >= 3:
            raise RuntimeError("busy")
        time.sleep(attempt)
''', []),
    "network_exception_retry_forever": ('''
def send(token, body):
    while True:
        try:
            return requests.post(URL % token, json=body, timeout=5).json()
        except requests.RequestException:
            time.sleep(1)
''', [(15, 5, "WXK201")]),
    "network_exception_bounded": ('''
def send(token, body):
    for attempt in range(3):
        try:
            return requests.post(URL % token, json=body, timeout=5).json()
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(2 ** attempt)
    raise RuntimeError("network down")
''', []),
    "recursion_without_depth": ('''
def send(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] == -1:
        return send(token, body)
    return data
''', [(14, 1, "WXK201"), (14, 1, "WXK203")]),
    "recursion_with_depth": ('''
def send(token, body, retries=3):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] == -1 and retries > 0:
        time.sleep(1)
        return send(token, body, retries - 1)
    return data
''', []),
    "token_refresh_once_by_flag": ('''
class Client:
    def _post(self, body, _retried=False):
        data = requests.post(URL % self.token, json=body).json()
        if data["errcode"] in (40014, 42001) and not _retried:
            self.token = None
            return self._post(body, _retried=True)
        return data
''', []),
    "token_refresh_in_range_two": ('''
def send(client, body):
    for _ in range(2):
        data = requests.post(URL % client.token, json=body).json()
        if data["errcode"] in (40014, 42001):
            client.refresh_token()
            continue
        return data
''', []),
    "tenacity_too_many_no_wait": ('''
@retry(stop=stop_after_attempt(10))
def send(token, body):
    return requests.post(URL % token, json=body).json()
''', [(14, 1, "WXK202"), (14, 1, "WXK203")]),
    "tenacity_bare": ('''
@retry
def send(token, body):
    return requests.post(URL % token, json=body).json()
''', [(14, 1, "WXK201"), (14, 1, "WXK203")]),
    "tenacity_good": ('''
class Busy(Exception):
    pass

@retry(stop=stop_after_attempt(3), wait=wait_fixed(1), retry=retry_if_exception_type(Busy))
def send(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] == -1:
        raise Busy()
    return data
''', []),
    "tenacity_raising_wrapper_on_any_error": ('''
class WeComError(Exception):
    pass

@retry(stop=stop_after_attempt(3), wait=wait_fixed(1))
def send(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] != 0:
        raise WeComError(data["errmsg"])
    return data
''', [(17, 1, "WXK204")]),
    "backoff_without_limit": ('''
@backoff.on_exception(backoff.expo, requests.RequestException)
def send(token, body):
    return requests.post(URL % token, json=body).json()
''', [(14, 1, "WXK201")]),
    "backoff_predicate_any_error": ('''
@backoff.on_predicate(backoff.expo, lambda data: data["errcode"] != 0, max_tries=3)
def send(token, body):
    return requests.post(URL % token, json=body).json()
''', [(14, 1, "WXK204")]),
    "backoff_too_many": ('''
@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=10)
def send(token, body):
    return requests.post(URL % token, json=body).json()
''', [(14, 1, "WXK202")]),
    "urllib3_retry_total": ('''
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

session = requests.Session()
session.mount("https://", HTTPAdapter(max_retries=Retry(total=10, backoff_factor=1)))

def send(token, body):
    return session.post(URL % token, json=body).json()
''', [(18, 51, "WXK202")]),
    "async_httpx_unbounded_no_sleep": ('''
async def send(client: httpx.AsyncClient, token, body):
    while True:
        resp = await client.post(URL % token, json=body)
        data = resp.json()
        if data["errcode"] != -1:
            return data
''', [(15, 5, "WXK201"), (15, 5, "WXK203")]),
    "async_bounded_with_sleep": ('''
async def send(client: httpx.AsyncClient, token, body):
    for attempt in range(3):
        resp = await client.post(URL % token, json=body)
        data = resp.json()
        if data["errcode"] == -1:
            await asyncio.sleep(2 ** attempt)
            continue
        return data
''', []),
    "tenacity_retrying_loop_too_many": ('''
from tenacity import Retrying

def send(token, body):
    for attempt in Retrying(stop=stop_after_attempt(7), wait=wait_fixed(1), reraise=True):
        with attempt:
            resp = requests.post(URL % token, json=body)
            resp.raise_for_status()
    return resp.json()
''', [(17, 5, "WXK202")]),
    "tenacity_retrying_loop_raises_on_any_errcode": ('''
from tenacity import Retrying

def send(token, body):
    for attempt in Retrying(stop=stop_after_attempt(3), wait=wait_fixed(1)):
        with attempt:
            data = requests.post(URL % token, json=body).json()
            if data["errcode"] != 0:
                raise RuntimeError(data["errmsg"])
    return data
''', [(17, 5, "WXK204")]),
    "tenacity_retrying_loop_busy_only": ('''
from tenacity import Retrying

def send(token, body):
    for attempt in Retrying(stop=stop_after_attempt(3), wait=wait_fixed(1)):
        with attempt:
            data = requests.post(URL % token, json=body).json()
            if data["errcode"] == -1:
                raise RuntimeError("busy")
    return data
''', []),
    "while_flag_from_errcode": ('''
def send(token, body):
    ok = False
    while not ok:
        data = requests.post(URL % token, json=body).json()
        ok = data["errcode"] == 0
    return data
''', [(16, 5, "WXK201"), (16, 5, "WXK203"), (16, 5, "WXK204")]),
    "while_flag_from_busy_bounded_by_time": ('''
def send(token, body, deadline):
    busy = True
    while busy and time.monotonic() < deadline:
        data = requests.post(URL % token, json=body).json()
        busy = data["errcode"] == -1
        time.sleep(1)
    return data
''', []),
    "recursion_counting_up_too_many": ('''
MAX_RETRY = 5

def send(token, body, retry_count=0):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] == -1 and retry_count < MAX_RETRY:
        time.sleep(1)
        return send(token, body, retry_count + 1)
    return data
''', [(16, 1, "WXK202")]),
    "recursion_guard_counting_up_within_bound": ('''
def send(token, body, attempt=1):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] == -1:
        if attempt >= 4:
            raise RuntimeError("busy")
        time.sleep(attempt)
        return send(token, body, attempt + 1)
    return data
''', []),
    "backoff_on_exception_raised_by_checking_helper": ('''
class ApiError(Exception):
    pass

def call(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] != 0:
        raise ApiError(data["errcode"])
    return data

@backoff.on_exception(backoff.constant, ApiError, interval=2)
def send(token, body):
    return call(token, body)
''', [(23, 1, "WXK201"), (23, 1, "WXK204")]),
    "except_errcode_exception_of_a_helper": ('''
class WeComError(Exception):
    def __init__(self, errcode, errmsg):
        super().__init__(errmsg)
        self.errcode = errcode

def post(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] != 0:
        raise WeComError(data["errcode"], data["errmsg"])
    return data

def send(token, body):
    for attempt in range(3):
        try:
            return post(token, body)
        except WeComError:
            time.sleep(2 ** attempt)
''', [(26, 5, "WXK204")]),
    "except_errcode_exception_busy_only": ('''
class WeComError(Exception):
    def __init__(self, errcode, errmsg):
        super().__init__(errmsg)
        self.errcode = errcode

def post(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] != 0:
        raise WeComError(data["errcode"], data["errmsg"])
    return data

def send(token, body):
    for attempt in range(3):
        try:
            return post(token, body)
        except WeComError as err:
            if err.errcode != -1:
                raise
            time.sleep(2 ** attempt)
''', []),
    "tenacity_broad_on_function_raising_busy_only": ('''
class Busy(Exception):
    pass

@retry(stop=stop_after_attempt(3), wait=wait_fixed(1))
def send(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errcode"] == -1:
        raise Busy()
    return data
''', []),
    "pause_in_a_helper": ('''
def _pause(attempt):
    time.sleep(0.5 * 2 ** attempt)

def send(token, body):
    for attempt in range(3):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == -1:
            _pause(attempt)
            continue
        return data
''', []),
    "helper_without_pause_is_no_pause": ('''
def _log(attempt):
    print("retry", attempt)

def send(token, body):
    for attempt in range(3):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == -1:
            _log(attempt)
            continue
        return data
''', [(18, 5, "WXK203")]),
    # -- loops that are not retries ----------------------------------------------------------------
    "poll_until_state_with_deadline": ('''
def wait_for_servicer(token, body, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == 0 and data["service_state"] == 3:
            return data["servicer_userid"]
        time.sleep(2)
    return None
''', []),
    "sync_msg_paging": ('''
def pull(token, cursor=""):
    messages = []
    while True:
        data = requests.post(SYNC % token, json={"cursor": cursor, "limit": 1000}).json()
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
        messages.extend(data["msg_list"])
        if not data.get("has_more"):
            return messages
        cursor = data["next_cursor"]
''', []),
    "token_polling_daemon": ('''
def get_token():
    data = requests.get("https://qyapi.weixin.qq.com/cgi-bin/gettoken").json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
    return data["access_token"]

def keep_fresh(store):
    while True:
        store["token"] = get_token()
        time.sleep(7000)
''', []),
    "loop_over_recipients": ('''
def broadcast(token, users, text):
    failed = []
    for user in users:
        data = requests.post(URL % token, json={"touser": user, "msgtype": "text", "text": {"content": text}}).json()
        if data["errcode"] != 0:
            failed.append(user)
            continue
    return failed
''', []),
    "while_true_without_wecom": ('''
def read_all(sock):
    chunks = []
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            break
        chunks.append(chunk)
    for _ in range(10):
        chunks.append(b"")
    return chunks
''', []),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_retry_shapes(name):
    source, expected = CASES[name]
    assert_findings(HEAD + source, expected)


#: A session factory with a transport retry, and where its session goes.
SESSIONS = '''
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

def make_session():
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=Retry(total=10, backoff_factor=1)))
    return session

def send(token, body):
    return {user}.post(URL % token, json=body).json()

def crawl(pages):
    return [{other}.get("https://partner.example.com/" + page).json() for page in pages]
'''


def test_transport_retry_counts_where_its_session_calls_wecom():
    """A factory called where WeCom is sent is WeCom's retry; one that serves only another API is not,
    even in a file that calls WeCom elsewhere."""
    assert_findings(HEAD + SESSIONS.format(user="make_session()", other="requests"), [(19, 55, "WXK202")])
    assert codes(HEAD + SESSIONS.format(user="requests", other="make_session()")) == []


def test_aliased_network_exception_is_a_network_retry():
    """``except ConnError`` with ``ConnectionError as ConnError`` retries the request like ``except ConnectionError``."""
    source = '''
from requests.exceptions import ConnectionError as ConnError

def send(token, body):
    while True:
        try:
            resp = requests.post(URL % token, json=body)
        except ConnError:
            continue
        return resp.json()
'''
    assert_findings(HEAD + source, [(17, 5, "WXK201"), (17, 5, "WXK203")])
    assert codes(HEAD + source.replace("while True:", "for attempt in range(3):").replace("continue", "time.sleep(1)")) == []


def test_findings_sit_on_the_loop_line():
    source, _ = CASES["while_true_success_only"]
    findings = lint(HEAD + source)
    lines = {(HEAD + source).splitlines()[f.line - 1].strip() for f in findings}
    assert lines == {"while True:"}


def test_max_retries_setting():
    source, _ = CASES["range_ten_busy_only"]
    assert codes(HEAD + source, max_retries=9) == []
    assert_findings(HEAD + source, [(15, 5, "WXK202")], max_retries=8)


def test_messages_name_codes_and_what_to_do():
    for finding in lint(HEAD + CASES["while_true_success_only"][0]):
        assert "-1" in finding.message
    [finding] = [f for f in lint(HEAD + CASES["range_kf_limit_code"][0]) if f.code == "WXK204"]
    assert "95001" in finding.message and "retry -1 only" in finding.message


#: A token store from another module: ``get(force=True)`` fetches a new token.
STORE_LOOP = '''
class KfApi:
    def __init__(self, tokens):
        self._tokens = tokens

    def _post(self, body):
        for attempt in range({attempts}):
            data = requests.post(URL % self._tokens.get(force=attempt > 0), json=body).json()
            if data["errcode"] in ({codes}):
                continue
            if data["errcode"] != 0:
                raise RuntimeError(data["errmsg"])
            return data
        raise RuntimeError("access token rejected twice")
'''

TOKEN_REFRESH_CASES = {
    # the refresh is visible: a token store asked for a new token by keyword
    "store_forced_once": (STORE_LOOP.format(attempts=2, codes="40014, 42001"), []),
    "store_forced_once_single_code": (STORE_LOOP.format(attempts=2, codes="42001,"), []),
    "store_forced_also_busy": (STORE_LOOP.format(attempts=2, codes="40014, 42001, -1"), [(19, 9, "WXK203")]),
    "store_forced_also_kf_limit": (STORE_LOOP.format(attempts=2, codes="40014, 42001, 95001"), [(19, 9, "WXK203"), (19, 9, "WXK204")]),
    "store_forced_many_times": (STORE_LOOP.format(attempts=5, codes="40014, 42001"), [(19, 9, "WXK202"), (19, 9, "WXK203"), (19, 9, "WXK204")]),
    "store_forced_twice": (STORE_LOOP.format(attempts=3, codes="40014, 42001"), [(19, 9, "WXK203"), (19, 9, "WXK204")]),
    # the token comes from elsewhere; only 40014/42001 bring the request round, once
    "token_codes_once_by_while_counter": ('''
class KfApi:
    def _post(self, body):
        attempt = 0
        while attempt < 2:
            attempt += 1
            data = requests.post(URL % self.tokens.current(), json=body).json()
            if data["errcode"] in (40014, 42001):
                continue
            return data
''', []),
    "token_codes_by_constant_once": ('''
TOKEN_DEAD = frozenset({40014, 42001})

def send(tokens, body):
    for _ in range(2):
        data = requests.post(URL % tokens.current(), json=body).json()
        if data["errcode"] not in TOKEN_DEAD:
            return data
''', []),
    "token_codes_many_times_no_refresh": ('''
def send(tokens, body):
    for _ in range(3):
        data = requests.post(URL % tokens.current(), json=body).json()
        if data["errcode"] in (40014, 42001):
            continue
        return data
''', [(15, 5, "WXK203"), (15, 5, "WXK204")]),
    "token_codes_and_secret_once_no_refresh": ('''
def send(tokens, body):
    for _ in range(2):
        data = requests.post(URL % tokens.current(), json=body).json()
        if data["errcode"] in (40001, 40014, 42001):
            continue
        return data
''', [(15, 5, "WXK203"), (15, 5, "WXK204")]),
    "same_file_refresh_method_with_busy_pause": ('''
class KfApi:
    def _reauth(self):
        self._cache.delete(self._token_key)

    def _post(self, body):
        for attempt in range(3):
            data = requests.post(URL % self.current(), json=body).json()
            if data["errcode"] in (40014, 42001) and attempt == 0:
                self._reauth()
                continue
            if data["errcode"] == -1:
                time.sleep(2 ** attempt)
                continue
            return data
''', []),
    "sending_wrapper_is_not_a_refresh": ('''
class KfApi:
    def _send(self, body):
        self.token_used = True
        return requests.post(URL % self.current(), json=body).json()

    def post(self, body):
        for attempt in range(3):
            data = self._send(body)
            if data["errcode"] in (40014, 42001) and attempt == 0:
                continue
            if data["errcode"] == -1:
                time.sleep(2 ** attempt)
                continue
            return data
''', [(20, 9, "WXK204")]),
}


@pytest.mark.parametrize("name", sorted(TOKEN_REFRESH_CASES))
def test_token_refresh_is_not_a_busy_retry(name):
    source, expected = TOKEN_REFRESH_CASES[name]
    assert_findings(HEAD + source, expected)


def test_only_the_codes_beyond_token_death_are_named():
    [finding] = [f for f in lint(HEAD + TOKEN_REFRESH_CASES["token_codes_and_secret_once_no_refresh"][0]) if f.code == "WXK204"]
    assert "retries on 40001," in finding.message


@pytest.mark.parametrize(
    "codes_,attempts,refreshes,exceptions,expected",
    [
        ({40014, 42001}, 2, False, (), True),
        ({42001}, 2, False, (), True),
        ({40014, 42001}, 3, False, (), False),
        ({40014, 42001}, None, False, (), False),
        ({40014, 42001, -1}, 2, True, (), False),
        ({40001, 40014}, 2, False, (), False),
        ({40001, 40014}, 2, True, (), True),
        ({40014, 42001}, "unknown", True, (), True),
        ({40014, 42001}, 4, True, (), False),
        ({40014, 42001}, 2, False, ("*",), False),
        (set(), 2, True, (), False),
    ],
)
def test_retry_site_token_refresh(codes_, attempts, refreshes, exceptions, expected):
    site = RetrySite(anchor=cst.Pass(), shape="loop", attempts=attempts, pause=Fact.BAD, codes=frozenset(codes_),
                     exceptions=frozenset(exceptions), refreshes_token=refreshes)
    assert site.token_refresh is expected


RERAISED_BY_CLASS = HEAD + '''
class SendFailed(Exception):
    pass

def send(token, body):
    for attempt in range(3):
        try:
            data = requests.post(URL % token, json=body).json()
            if data["errcode"] == 0:
                return data
            if data["errcode"] == -1:
                time.sleep(2 ** attempt)
                continue
            raise SendFailed(data["errcode"])
        except (SendFailed, requests.ConnectionError) as exc:
            if {test}:
                raise
            time.sleep(2 ** attempt)
'''


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        ("isinstance(exc, SendFailed)", []),
        ("isinstance(exc, (KeyError, SendFailed))", []),
        ("isinstance(exc, KeyError)", [(18, 5, "WXK204")]),
    ],
)
def test_an_except_body_that_reraises_the_errcode_exception_by_class_retries_only_the_rest(test, expected):
    """Errcodes raised as SendFailed reach the handler as SendFailed instances: ``if isinstance(exc,
    SendFailed): raise`` hands every one of them on, and only the network error beside it goes round
    again (a real retry helper was told it retried on any non-zero errcode)."""
    assert_findings(RERAISED_BY_CLASS.format(test=test), expected)


def test_a_network_error_kept_round_forever_beside_a_reraised_errcode_is_still_unbounded():
    source = RERAISED_BY_CLASS.format(test="isinstance(exc, SendFailed)").replace("for attempt in range(3):", "while True:\n        attempt = 0")
    assert_findings(source, [(18, 5, "WXK201")])


def test_unbounded_token_refresh_recursion_is_told_to_retry_once():
    """A dead token is refreshed and the request repeated once; -1's advice (a few retries) does not apply."""
    findings = lint('''
import requests

class Client:
    def refresh(self):
        self.token = requests.get("https://qyapi.weixin.qq.com/cgi-bin/gettoken").json()["access_token"]

    def send(self, body):
        data = requests.post(f"https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token={self.token}", json=body).json()
        if data["errcode"] in (40014, 42001):
            self.refresh()
            return self.send(body)
        return data
''', select=["WXK201"])
    assert [(f.line, f.column, f.code) for f in findings] == [(8, 5, "WXK201")]
    assert "one token refresh and one retry" in findings[0].message
