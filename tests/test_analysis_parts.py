"""The per-rule analyses (downloads, per-call token fetches, timeout re-sends, stale-token repeats) are parts
built from explicit inputs: each is constructed here from the index, the calls and the other parts it reads,
without a ``FileContext``, and answers its own question on a file made for it (a positive beside negatives
whose decisive fact is proven good or unknown)."""

from __future__ import annotations

import textwrap
from typing import Tuple

import libcst as cst

from wxkf_lint.analysis.bodies import BodyAnalysis
from wxkf_lint.analysis.callees import CalleeLibraries
from wxkf_lint.analysis.calls import CallAnalysis
from wxkf_lint.analysis.codesets import CodeTests
from wxkf_lint.analysis.downloads import DownloadAnalysis
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.index import SyntaxIndex
from wxkf_lint.analysis.refresh_resends import RefreshResends
from wxkf_lint.analysis.resends import Resends
from wxkf_lint.analysis.responses import ResponseAnalysis
from wxkf_lint.analysis.retries.site import RetrySite
from wxkf_lint.analysis.token_fetches import TokenFetches
from wxkf_lint.analysis.wechatpy import WechatpyUsage

HEAD = '''
import requests
import httpx
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

BASE = "https://qyapi.weixin.qq.com/cgi-bin"
'''


def parsed(source: str) -> Tuple[cst.Module, SyntaxIndex, WechatpyUsage, CallAnalysis]:
    module = cst.parse_module(HEAD + textwrap.dedent(source))
    index = SyntaxIndex(module)
    wechatpy = WechatpyUsage(index)
    return module, index, wechatpy, CallAnalysis(index, wechatpy, ())


def function(index: SyntaxIndex, name: str) -> cst.FunctionDef:
    return next(f for f in index.nodes(cst.FunctionDef) if f.name.value == name)


def name_of(index: SyntaxIndex, node: cst.CSTNode) -> str:
    enclosing = index.function_of(node)
    return enclosing.name.value if isinstance(enclosing, cst.FunctionDef) else "<module>"


def test_downloads_reads_the_callee_library_it_is_given():
    module, index, wechatpy, calls = parsed('''
    def save(token, media_id, path):
        r = requests.get(f"{BASE}/media/get", params={"access_token": token, "media_id": media_id})
        r.raise_for_status()
        with open(path, "wb") as f:
            f.write(r.content)

    async def save_async(client: httpx.AsyncClient, token, media_id, path):
        r = await client.get(f"{BASE}/media/get", params={"access_token": token, "media_id": media_id})
        with open(path, "wb") as f:
            f.write(r.content)

    def save_through_sdk(self, token, media_id, path):
        r = self.http.get(f"{BASE}/media/get", params={"access_token": token, "media_id": media_id})
        with open(path, "wb") as f:
            f.write(r.content)

    def save_checked(token, media_id, path):
        r = requests.get(f"{BASE}/media/get", params={"access_token": token, "media_id": media_id})
        if r.headers.get("Content-Type", "").startswith("application/json"):
            raise RuntimeError(r.json()["errcode"])
        with open(path, "wb") as f:
            f.write(r.content)
    ''')
    downloads = DownloadAnalysis(index, calls, CalleeLibraries(index, wechatpy))
    found = [(name_of(index, d.call.node), module.code_for_node(d.use)) for d in downloads.unchecked]
    # the annotated httpx client is a known library's; ``self.http`` is an object the file does not show
    assert found == [("save", "f.write(r.content)"), ("save_async", "f.write(r.content)")]


def test_token_fetches_follows_same_file_fetchers_into_their_senders():
    _, index, _, calls = parsed('''
    def get_token():
        return requests.get(f"{BASE}/gettoken", params={"corpid": "c", "corpsecret": "s"}).json()["access_token"]

    def send(body):
        token = get_token()
        return requests.post(f"{BASE}/message/send?access_token={token}", json=body).json()

    class Cached:
        def token(self):
            if self._token is None:
                self._token = requests.get(f"{BASE}/gettoken?corpid=c&corpsecret=s").json()["access_token"]
            return self._token

        def send(self, body):
            return requests.post(f"{BASE}/message/send?access_token={self.token()}", json=body).json()
    ''')
    fetches = TokenFetches(index, calls)
    assert [(name_of(index, f.gettoken), [s.name.value for s in f.serves]) for f in fetches.per_call] == [("get_token", ["send"])]
    assert function(index, "send") in fetches.per_call[0].serves


def test_resends_judges_the_retry_sites_it_is_given():
    _, index, _, calls = parsed('''
    def send_new(token, user, kfid):
        body = {"touser": user, "open_kfid": kfid, "msgtype": "text", "text": {"content": "hi"}}
        return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()

    def send_reused(token, user, kfid, msgid):
        body = {"touser": user, "open_kfid": kfid, "msgid": msgid, "msgtype": "text", "text": {"content": "hi"}}
        return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()

    def send_pooled(token, user, kfid):
        session = requests.Session()
        retries = Retry(total=3, allowed_methods=["POST"])
        session.mount("https://", HTTPAdapter(max_retries=retries))
        body = {"touser": user, "open_kfid": kfid, "msgtype": "text", "text": {"content": "hi"}}
        return session.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()
    ''')
    new, reused = function(index, "send_new"), function(index, "send_reused")
    timeout = frozenset({"requests.ReadTimeout"})

    def site(anchor: cst.CSTNode, **given) -> RetrySite:
        return RetrySite(anchor=anchor, shape=given.pop("shape", "tenacity"), attempts=3, pause=Fact.GOOD, **given)

    retry = next(c for c in index.nodes(cst.Call) if isinstance(c.func, cst.Name) and c.func.value == "Retry")
    sites = [
        site(new, exceptions=timeout, retried=(new,)),
        site(reused, exceptions=timeout, retried=(reused,)),  # the msgid comes from the caller: recognisable
        site(new, exceptions=frozenset({"requests.ConnectionError"}), retried=(new,)),  # cannot have arrived
        site(new, exceptions=timeout, trigger_known=False, retried=(new,)),  # the rest of its trigger is not shown
        site(retry, shape="transport", bound_kind="retries"),
    ]
    resends = Resends(index, calls, sites, BodyAnalysis(index, calls))
    found = [
        (next(number for number, given in enumerate(sites) if given is r.site), name_of(index, r.send.node), r.reason)
        for r in resends.unsafe
    ]
    assert found == [
        (0, "send_new", "requests.ReadTimeout catches it"),
        (4, "send_pooled", "the session's urllib3 Retry re-sends a POST after a read error"),
    ]


def test_refresh_resends_needs_the_code_tests_it_is_given():
    module, index, wechatpy, calls = parsed('''
    def send_stale(token, body):
        url = f"{BASE}/message/send?access_token={token}"
        data = requests.post(url, json=body).json()
        if data["errcode"] in (40014, 42001):
            token = refresh()
            data = requests.post(url, json=body).json()
        return data

    def send_rebuilt(token, body):
        url = f"{BASE}/message/send?access_token={token}"
        data = requests.post(url, json=body).json()
        if data["errcode"] in (40014, 42001):
            token = refresh()
            url = f"{BASE}/message/send?access_token={token}"
            data = requests.post(url, json=body).json()
        return data

    def send_busy(token, body):
        url = f"{BASE}/message/send?access_token={token}"
        data = requests.post(url, json=body).json()
        if data["errcode"] == -1:
            wait()
            data = requests.post(url, json=body).json()
        return data
    ''')
    tests = CodeTests(index, ResponseAnalysis(index, calls, wechatpy))
    stale = RefreshResends(index, calls, tests).stale
    assert [(name_of(index, s.repeat), module.code_for_node(s.refresh.test), s.carrier) for s in stale] == [
        ("send_stale", 'data["errcode"] in (40014, 42001)', "url"),
    ]
