"""Cases written from the SPEC §2 rows of WXK104, WXK105, WXK205, WXK206, WXK304, WXK503 and WXK501's
str()/repr() form, in the shapes real WeCom code takes (connect-only retries, a msgid reused on a retry,
``enable_duplicate_check``, Content-Type checks, ``params={"access_token": …}`` beside ``json=body``, a token
cached in an attribute, a module, a class or ``lru_cache``, a refresh that rebuilds the URL), each with the
defects it holds as (line, column) in the case's own text.  ``tests/test_rules_spec_rows.py`` asserts them;
``python -m tests.spec_row_cases`` prints precision and recall per rule.
"""

from __future__ import annotations

import collections
from typing import List, NamedTuple, Tuple

HEAD = '''import time
import uuid
import json
import requests
import httpx
from tenacity import retry, stop_after_attempt, wait_fixed, retry_if_exception_type
BASE = "https://qyapi.weixin.qq.com/cgi-bin"
'''


class Case(NamedTuple):
    name: str
    code: str
    body: str
    #: (line, column) of each real defect, counted in ``body`` (its first line, empty, is line 1)
    defects: List[Tuple[int, int]]

    @property
    def source(self) -> str:
        return HEAD + self.body

    def expected(self) -> List[Tuple[int, int, str]]:
        offset = HEAD.count("\n")
        return [(line + offset, column, self.code) for line, column in self.defects]


CASES: List[Case] = [
    Case('loop timeout kf', 'WXK205', '''
def send(token, user, kfid, text):
    body = {"touser": user, "open_kfid": kfid, "msgtype": "text", "text": {"content": text}}
    for attempt in range(3):
        try:
            return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()
        except requests.exceptions.ReadTimeout:
            time.sleep(1)
''', [(4, 5)]),
    Case('loop connect only', 'WXK205', '''
def send(token, user, kfid, text):
    body = {"touser": user, "open_kfid": kfid, "msgtype": "text", "text": {"content": text}}
    for attempt in range(3):
        try:
            return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()
        except requests.exceptions.ConnectionError:
            time.sleep(1)
''', []),
    Case('while broad except app', 'WXK205', '''
def notify(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    tries = 0
    while tries < 3:
        tries += 1
        try:
            resp = requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=(3, 10))
            return resp.json()
        except Exception:
            time.sleep(2)
''', [(5, 5)]),
    Case('app with dup check', 'WXK205', '''
def notify(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}, "enable_duplicate_check": 1}
    for _ in range(3):
        try:
            return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
        except requests.RequestException:
            time.sleep(2)
''', []),
    Case('msgid reused', 'WXK205', '''
def send(token, user, kfid, text, msgid):
    body = {"touser": user, "open_kfid": kfid, "msgid": msgid, "msgtype": "text", "text": {"content": text}}
    for _ in range(3):
        try:
            return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()
        except requests.Timeout:
            time.sleep(2)
''', []),
    Case('msgid fresh per attempt', 'WXK205', '''
def send(token, user, kfid, text):
    for _ in range(3):
        body = {"touser": user, "open_kfid": kfid, "msgid": str(uuid.uuid4()), "msgtype": "text", "text": {"content": text}}
        try:
            return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()
        except requests.Timeout:
            time.sleep(2)
''', [(3, 5)]),
    Case('tenacity any exception', 'WXK205', '''
@retry(stop=stop_after_attempt(3), wait=wait_fixed(2))
def send(token, user, kfid, text):
    body = {"touser": user, "open_kfid": kfid, "msgtype": "text", "text": {"content": text}}
    return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()
''', [(2, 1)]),
    Case('tenacity connect only', 'WXK205', '''
@retry(stop=stop_after_attempt(3), wait=wait_fixed(2), retry=retry_if_exception_type(requests.ConnectionError))
def send(token, user, kfid, text):
    body = {"touser": user, "open_kfid": kfid, "msgtype": "text", "text": {"content": text}}
    return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=5).json()
''', []),
    Case('httpx timeout', 'WXK205', '''
def send(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    for _ in range(3):
        try:
            return httpx.post(f"{BASE}/message/send?access_token={token}", json=body).json()
        except httpx.TimeoutException:
            time.sleep(1)
''', [(4, 5)]),
    Case('imported decorator unknown', 'WXK205', '''
from myapp.retrying import retry_network

@retry_network
def send(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
''', []),
    Case('body from parameter', 'WXK205', '''
def send(token, body):
    for _ in range(3):
        try:
            return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
        except requests.Timeout:
            time.sleep(1)
''', []),
    Case('retry on errcode -1 only', 'WXK205', '''
def send(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    for _ in range(3):
        data = requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
        if data["errcode"] != -1:
            return data
        time.sleep(1)
''', []),
    Case('except OSError requests', 'WXK205', '''
def send(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    for _ in range(3):
        try:
            return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
        except (OSError, ValueError):
            time.sleep(1)
''', [(4, 5)]),
    Case('client object unknown', 'WXK205', '''
from .client import ApiClient

def send(client: ApiClient, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    for _ in range(3):
        try:
            return client.post("message/send", body)
        except Exception:
            time.sleep(1)
''', []),
    Case('status only write', 'WXK104', '''
def download(token, media_id, path):
    r = requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}", timeout=10)
    if r.status_code == 200:
        with open(path, "wb") as f:
            f.write(r.content)
''', [(6, 13)]),
    Case('stream chunks', 'WXK104', '''
def download(token, media_id, path):
    r = requests.get(f"{BASE}/media/get", params={"access_token": token, "media_id": media_id}, stream=True)
    r.raise_for_status()
    with open(path, "wb") as f:
        for chunk in r.iter_content(8192):
            f.write(chunk)
''', [(7, 13)]),
    Case('content type checked', 'WXK104', '''
def download(token, media_id, path):
    r = requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}", timeout=10)
    if "application/json" in r.headers.get("Content-Type", ""):
        raise RuntimeError(r.json()["errmsg"])
    with open(path, "wb") as f:
        f.write(r.content)
''', []),
    Case('errcode parsed', 'WXK104', '''
def download(token, media_id):
    r = requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}", timeout=10)
    try:
        data = r.json()
    except ValueError:
        return r.content
    raise RuntimeError(data.get("errcode"))
''', []),
    Case('returned bytes', 'WXK104', '''
def download(token, media_id):
    return requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}", timeout=10).content
''', [(3, 12)]),
    Case('jssdk returned', 'WXK104', '''
def download_hd_voice(token, media_id):
    resp = httpx.get(f"{BASE}/media/get/jssdk?access_token={token}&media_id={media_id}")
    resp.raise_for_status()
    return resp.content
''', [(5, 12)]),
    Case('delegated response', 'WXK104', '''
def download(token, media_id):
    return requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}", timeout=10)
''', []),
    Case('unknown client', 'WXK104', '''
class Media:
    def download(self, media_id, path):
        r = self.http.get(f"{BASE}/media/get?access_token={self.token}&media_id={media_id}")
        with open(path, "wb") as f:
            f.write(r.content)
''', []),
    Case('content disposition only', 'WXK104', '''
def download(token, media_id, folder):
    r = requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}", timeout=10)
    name = r.headers.get("Content-Disposition", "").split("filename=")[-1].strip('"')
    with open(f"{folder}/{name}", "wb") as f:
        f.write(r.content)
''', [(6, 9)]),
    Case('handed to helper', 'WXK104', '''
from .storage import store

def download(token, media_id):
    r = requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}", timeout=10)
    store(media_id, r.content)
''', []),
    Case('only token codes', 'WXK105', '''
def user_get(token, userid):
    data = requests.get(f"{BASE}/user/get?access_token={token}&userid={userid}").json()
    if data["errcode"] in (40014, 42001):
        raise PermissionError("token")
    return data["name"]
''', [(3, 12)]),
    Case('only -1', 'WXK105', '''
def send(token, body):
    data = requests.post(f"{BASE}/message/send?access_token={token}", json=body).json()
    if data.get("errcode") == -1:
        time.sleep(1)
    return data.get("msgid")
''', [(3, 12)]),
    Case('separates success', 'WXK105', '''
def send(token, body):
    data = requests.post(f"{BASE}/message/send?access_token={token}", json=body).json()
    if data["errcode"] == 42001:
        raise PermissionError("token")
    elif data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
    return data.get("msgid")
''', []),
    Case('truthiness', 'WXK105', '''
def send(token, body):
    data = requests.post(f"{BASE}/message/send?access_token={token}", json=body).json()
    if data["errcode"]:
        raise RuntimeError(data["errmsg"])
    return data.get("msgid")
''', []),
    Case('kf is 401', 'WXK105', '''
def send(token, body):
    data = requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body).json()
    if data["errcode"] == 40014:
        raise PermissionError("token")
    return data.get("msgid")
''', []),
    Case('delegated', 'WXK105', '''
def send(token, body):
    data = requests.post(f"{BASE}/message/send?access_token={token}", json=body).json()
    if data["errcode"] == 40014:
        raise PermissionError("token")
    return data
''', []),
    Case('unknown endpoint', 'WXK105', '''
def call(token, path, body):
    data = requests.post(BASE + path + "?access_token=" + token, json=body).json()
    if data["errcode"] == 40014:
        raise PermissionError("token")
    return data.get("msgid")
''', []),
    Case('helper per call', 'WXK304', '''
def get_token():
    return requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]

def send(body):
    return requests.post(f"{BASE}/message/send?access_token={get_token()}", json=body).json()
''', [(3, 12)]),
    Case('inline per call', 'WXK304', '''
def send(corpid, secret, body):
    r = requests.get(f"{BASE}/gettoken", params={"corpid": corpid, "corpsecret": secret})
    token = r.json()["access_token"]
    return requests.post(f"{BASE}/message/send", params={"access_token": token}, json=body).json()
''', [(3, 9)]),
    Case('attribute cache', 'WXK304', '''
class C:
    def token(self):
        if not self._token or time.time() > self._exp:
            d = requests.get(f"{BASE}/gettoken?corpid={self.c}&corpsecret={self.s}").json()
            self._token, self._exp = d["access_token"], time.time() + d["expires_in"]
        return self._token
    def send(self, body):
        return requests.post(f"{BASE}/message/send?access_token={self.token()}", json=body).json()
''', []),
    Case('module cache', 'WXK304', '''
_TOKEN = {"value": None, "exp": 0}

def get_token():
    if _TOKEN["value"] and _TOKEN["exp"] > time.time():
        return _TOKEN["value"]
    d = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()
    _TOKEN.update(value=d["access_token"], exp=time.time() + d["expires_in"])
    return _TOKEN["value"]

def send(body):
    return requests.post(f"{BASE}/message/send?access_token={get_token()}", json=body).json()
''', []),
    Case('module cache behind a lock', 'WXK304', '''
import threading
_CACHE = {}
_LOCK = threading.Lock()

def get_token(force=False):
    if not force:
        with _LOCK:
            cached = _CACHE.get("token")
            if cached and cached[1] > time.time():
                return cached[0]
    d = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()
    _CACHE["token"] = (d["access_token"], time.time() + d["expires_in"] - 120)
    return d["access_token"]

def send(body):
    return requests.post(f"{BASE}/message/send?access_token={get_token()}", json=body).json()
''', []),
    Case('nested check of a local is none', 'WXK304', '''
def get_token(force=False):
    cached = None
    if not force:
        if cached:
            return cached
    return requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]

def send(body):
    return requests.post(f"{BASE}/message/send?access_token={get_token()}", json=body).json()
''', [(7, 12)]),
    Case('lru_cache', 'WXK304', '''
from functools import lru_cache

@lru_cache()
def get_token():
    return requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]

def send(body):
    return requests.post(f"{BASE}/message/send?access_token={get_token()}", json=body).json()
''', []),
    Case('class attr cache', 'WXK304', '''
class Api:
    _token = None
    @classmethod
    def token(cls):
        if cls._token is None:
            cls._token = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
        return cls._token
    def send(self, body):
        return requests.post(f"{BASE}/message/send?access_token={self.token()}", json=body).json()
''', []),
    Case('local cache is none', 'WXK304', '''
def send(body):
    token = None
    if not token:
        token = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
    return requests.post(f"{BASE}/message/send?access_token={token}", json=body).json()
''', [(5, 17)]),
    Case('refresh on 40014', 'WXK304', '''
class Api:
    def fetch(self):
        self.tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
    def send(self, body):
        data = requests.post(f"{BASE}/message/send?access_token={self.tok}", json=body).json()
        if data["errcode"] in (40014, 42001):
            self.fetch()
            data = requests.post(f"{BASE}/message/send?access_token={self.tok}", json=body).json()
        return data
''', []),
    Case('imported token getter', 'WXK304', '''
from .auth import get_token

def send(body):
    return requests.post(f"{BASE}/message/send?access_token={get_token()}", json=body).json()
''', []),
    Case('param may be cached', 'WXK304', '''
def get_token():
    return requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]

def send(body, token=None):
    if token is None:
        token = get_token()
    return requests.post(f"{BASE}/message/send?access_token={token}", json=body).json()
''', []),
    Case('url formatted once', 'WXK206', '''
class Api:
    def refresh(self):
        self.tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
    def send(self, body):
        url = f"{BASE}/message/send?access_token={self.tok}"
        data = requests.post(url, json=body).json()
        if data["errcode"] in (40014, 42001):
            self.refresh()
            data = requests.post(url, json=body).json()
        return data
''', [(10, 20)]),
    Case('url rebuilt', 'WXK206', '''
class Api:
    def refresh(self):
        self.tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
    def send(self, body):
        url = f"{BASE}/message/send?access_token={self.tok}"
        data = requests.post(url, json=body).json()
        if data["errcode"] in (40014, 42001):
            self.refresh()
            url = f"{BASE}/message/send?access_token={self.tok}"
            data = requests.post(url, json=body).json()
        return data
''', []),
    Case('loop with params local', 'WXK206', '''
class Api:
    def refresh(self):
        self.tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
    def send(self, body):
        params = {"access_token": self.tok}
        for _ in range(2):
            data = requests.post(f"{BASE}/message/send", params=params, json=body).json()
            if data["errcode"] == 42001:
                self.refresh()
                continue
            return data
''', [(8, 20)]),
    Case('loop reading attribute', 'WXK206', '''
class Api:
    def refresh(self):
        self.tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
    def send(self, body):
        for _ in range(2):
            data = requests.post(f"{BASE}/message/send", params={"access_token": self.tok}, json=body).json()
            if data["errcode"] == 42001:
                self.refresh()
                continue
            return data
''', []),
    Case('cache cleared never read', 'WXK206', '''
_cache = {}

def send(token_source, body):
    token = token_source()
    url = f"{BASE}/message/send?access_token={token}"
    for _ in range(2):
        data = requests.post(url, json=body).json()
        if data["errcode"] in (40014, 42001):
            _cache.clear()
            continue
        return data
''', [(8, 16)]),
    Case('url from parameter', 'WXK206', '''
class Api:
    def refresh(self):
        self.tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
    def post(self, url, body):
        data = requests.post(url, json=body).json()
        if data["errcode"] in (40014, 42001):
            self.refresh()
            data = requests.post(url, json=body).json()
        return data
''', []),
    Case('recursion with old token', 'WXK206', '''
def refresh():
    return requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]

def send(access_token, body, again=True):
    data = requests.post(f"{BASE}/message/send?access_token={access_token}", json=body).json()
    if data["errcode"] == 40014 and again:
        refresh()
        return send(access_token, body, again=False)
    return data
''', [(9, 16)]),
    Case('recursion with fresh token', 'WXK206', '''
def refresh():
    return requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]

def send(access_token, body, again=True):
    data = requests.post(f"{BASE}/message/send?access_token={access_token}", json=body).json()
    if data["errcode"] == 40014 and again:
        return send(refresh(), body, again=False)
    return data
''', []),
    Case('params body', 'WXK503', '''
def send(token, user, text):
    return requests.post(f"{BASE}/message/send", params={"access_token": token, "touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}).json()
''', [(3, 50)]),
    Case('params body via name', 'WXK503', '''
def send(token, user, kfid):
    body = {"touser": user, "open_kfid": kfid, "msgtype": "text"}
    return requests.post(f"{BASE}/kf/send_msg?access_token={token}", params=body).json()
''', [(4, 70)]),
    Case('params token json body', 'WXK503', '''
def send(token, body):
    return requests.post(f"{BASE}/message/send", params={"access_token": token}, json=body).json()
''', []),
    Case('params + data body', 'WXK503', '''
def send(token, body):
    return requests.post(f"{BASE}/message/send", params={"access_token": token, "debug": 1, "agentid": 1}, data=json.dumps(body)).json()
''', []),
    Case('get params', 'WXK503', '''
def user(token, userid):
    return requests.get(f"{BASE}/user/get", params={"access_token": token, "userid": userid}).json()
''', []),
    Case('kwargs param', 'WXK503', '''
def send(token, user, **kwargs):
    return requests.post(f"{BASE}/message/send", params={"access_token": token, "touser": user}, **kwargs).json()
''', []),
    Case('params from parameter', 'WXK503', '''
def send(token, params):
    return requests.post(f"{BASE}/message/send?access_token={token}", params=params).json()
''', []),
    Case('str replace param', 'WXK501', '''
def send(token, body):
    return requests.post(f"{BASE}/message/send?access_token={token}", data=str(body).replace("'", '"')).json()
''', [(3, 76)]),
    Case('str of dict literal', 'WXK501', '''
def send(token, user, text):
    return requests.post(f"{BASE}/message/send?access_token={token}", data=str({"touser": user, "msgtype": "text", "text": {"content": text}})).json()
''', [(3, 76)]),
    Case('repr name', 'WXK501', '''
def send(token, user, text):
    body = dict(touser=user, msgtype="text", text={"content": text})
    return requests.post(f"{BASE}/message/send?access_token={token}", data=repr(body).encode()).json()
''', [(4, 76)]),
    Case('str of text', 'WXK501', '''
def send(token, payload):
    return requests.post(f"{BASE}/message/send?access_token={token}", data=str(payload)).json()
''', []),
    Case('json dumps', 'WXK501', '''
def send(token, body):
    return requests.post(f"{BASE}/message/send?access_token={token}", data=json.dumps(body, ensure_ascii=False).encode()).json()
''', []),
    Case('backoff on RequestException', 'WXK205', '''
import backoff

@backoff.on_exception(backoff.expo, requests.exceptions.RequestException, max_tries=3)
def send(token, user, kfid, text):
    body = {"touser": user, "open_kfid": kfid, "msgtype": "text", "text": {"content": text}}
    return requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body, timeout=10).json()
''', [(4, 1)]),
    Case('aiohttp asyncio timeout', 'WXK205', '''
import asyncio
import aiohttp

async def send(session: aiohttp.ClientSession, token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    for attempt in range(3):
        try:
            async with session.post(f"{BASE}/message/send?access_token={token}", json=body) as r:
                return await r.json()
        except asyncio.TimeoutError:
            await asyncio.sleep(1)
''', [(7, 5)]),
    Case('send_msg_on_event recursion', 'WXK205', '''
def welcome(token, code, text, attempt=0):
    body = {"code": code, "msgtype": "text", "text": {"content": text}}
    try:
        return requests.post(f"{BASE}/kf/send_msg_on_event?access_token={token}", json=body, timeout=5).json()
    except requests.Timeout:
        if attempt < 2:
            return welcome(token, code, text, attempt + 1)
        raise
''', [(2, 1)]),
    Case('connect timeout only', 'WXK205', '''
def send(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    for attempt in range(3):
        try:
            return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
        except requests.exceptions.ConnectTimeout:
            time.sleep(1)
''', []),
    Case('media urllib write', 'WXK104', '''
import urllib.request

def download(token, media_id, path):
    with urllib.request.urlopen(f"{BASE}/media/get?access_token={token}&media_id={media_id}") as resp:
        data = resp.read()
    with open(path, "wb") as f:
        f.write(data)
''', [(8, 9)]),
    Case('media session content-type lowercase', 'WXK104', '''
def download(token, media_id, path):
    s = requests.Session()
    r = s.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}")
    if r.headers["content-type"].startswith("image/"):
        open(path, "wb").write(r.content)
''', []),
    Case("media bytes in b'errcode'", 'WXK104', '''
def download(token, media_id):
    content = requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}").content
    if b"errcode" in content:
        raise RuntimeError(content.decode())
    return content
''', []),
    Case('105 gettoken only 40001', 'WXK105', '''
def token(corpid, secret):
    data = requests.get(f"{BASE}/gettoken?corpid={corpid}&corpsecret={secret}").json()
    if data["errcode"] == 40001:
        raise ValueError("bad secret")
    return data["access_token"]
''', [(3, 12)]),
    Case('105 while retry on -1 with final check', 'WXK105', '''
def send(token, body):
    for _ in range(3):
        data = requests.post(f"{BASE}/message/send?access_token={token}", json=body).json()
        if data["errcode"] != -1:
            break
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
    return data["msgid"]
''', []),
    Case('304 method per call', 'WXK304', '''
class Bot:
    def _token(self):
        r = requests.get(f"{BASE}/gettoken", params={"corpid": self.corpid, "corpsecret": self.secret})
        return r.json()["access_token"]
    def send_text(self, text):
        token = self._token()
        return requests.post(f"{BASE}/message/send?access_token={token}", json={"text": {"content": text}}).json()
''', [(4, 13)]),
    Case('304 expiry check via attr', 'WXK304', '''
class Bot:
    def _token(self):
        if self.expires > time.time():
            return self.token
        r = requests.get(f"{BASE}/gettoken", params={"corpid": self.corpid, "corpsecret": self.secret})
        self.token = r.json()["access_token"]
        self.expires = time.time() + 7000
        return self.token
    def send_text(self, text):
        return requests.post(f"{BASE}/message/send?access_token={self._token()}", json={"text": {"content": text}}).json()
''', []),
    Case('206 token local in loop', 'WXK206', '''
class Api:
    def get_token(self, force=False):
        if force or not self._tok:
            self._tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
        return self._tok
    def send(self, body):
        token = self.get_token()
        for _ in range(2):
            data = requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body).json()
            if data["errcode"] in (40014, 42001):
                self.get_token(force=True)
                continue
            return data
''', [(10, 20)]),
    Case('206 token rebound in loop', 'WXK206', '''
class Api:
    def get_token(self, force=False):
        if force or not self._tok:
            self._tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
        return self._tok
    def send(self, body):
        token = self.get_token()
        for _ in range(2):
            data = requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body).json()
            if data["errcode"] in (40014, 42001):
                token = self.get_token(force=True)
                continue
            return data
''', []),
    Case('503 httpx params body', 'WXK503', '''
def add(token, kfid, users):
    return httpx.post(f"{BASE}/kf/servicer/add?access_token={token}", params={"open_kfid": kfid, "userid_list": users}).json()
''', [(3, 71)]),
    Case('503 params with files upload', 'WXK503', '''
def upload(token, path):
    return requests.post(f"{BASE}/media/upload", params={"access_token": token, "type": "file"}, files={"media": open(path, "rb")}).json()
''', []),
    Case('501 str replace encode', 'WXK501', '''
def send(token, user, text):
    payload = {"touser": user, "msgtype": "text", "text": {"content": text}}
    data = str(payload).replace("'", '"').encode("utf-8")
    return requests.post(f"{BASE}/message/send?access_token={token}", data=data).json()
''', [(4, 12)]),
    Case('token probe reads nothing else', 'WXK105', '''
class Docs:
    def refresh_if_needed(self):
        probe = f"{BASE}/wedoc/smartsheet/get_sheet?access_token={self.token}"
        result = requests.post(probe, json={"docid": "test"}, timeout=10).json()
        if result.get("errcode") in (40014, 42001):
            self.token = self.fetch_token()
''', []),
    Case('helper stores the token it fetches', 'WXK304', '''
class WeWork:
    def get_token(self):
        res = requests.get(f"{BASE}/gettoken", params={"corpid": self.corpid, "corpsecret": self.secret}).json()
        if res["errcode"] != 0:
            return False
        self.token = res["access_token"]
        return True

    def send(self, body):
        if not self.get_token():
            return False
        return requests.post(f"{BASE}/message/send?access_token={self.token}", json=body).json()
''', [(4, 15)]),
    Case('transport Retry retries POST reads', 'WXK205', '''
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


class Sender:
    def __init__(self):
        self.session = requests.Session()
        retry = Retry(total=3, backoff_factor=0.5, allowed_methods=["GET", "POST"])
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def send(self, token, user, text):
        body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
        data = self.session.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
''', [(9, 17)]),
    Case('transport Retry default methods', 'WXK205', '''
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


class Sender:
    def __init__(self):
        self.session = requests.Session()
        retry = Retry(total=3, backoff_factor=0.5, status_forcelist=[502, 503])
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def send(self, token, user, text):
        body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
        data = self.session.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
''', []),
    Case('transport Retry connect only', 'WXK205', '''
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


class Sender:
    def __init__(self):
        self.session = requests.Session()
        retry = Retry(total=3, read=0, allowed_methods=False)
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def send(self, token, user, text):
        body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
        data = self.session.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
        if data["errcode"] != 0:
            raise RuntimeError(data["errmsg"])
''', []),
    Case('104 httpx client annotated', 'WXK104', '''
async def fetch(client: httpx.AsyncClient, token, media_id, path):
    r = await client.get(f"{BASE}/media/get", params={"access_token": token, "media_id": media_id})
    r.raise_for_status()
    with open(path, "wb") as f:
        f.write(r.content)
''', [(6, 9)]),
    Case('104 client parameter unknown', 'WXK104', '''
async def fetch(client, token, media_id, path):
    r = await client.get(f"{BASE}/media/get", params={"access_token": token, "media_id": media_id})
    r.raise_for_status()
    with open(path, "wb") as f:
        f.write(r.content)
''', []),
    Case('104 module session', 'WXK104', '''
session = requests.Session()

def fetch(token, media_id, path):
    r = session.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}")
    with open(path, "wb") as f:
        f.write(r.content)
''', [(7, 9)]),
    Case('104 shutil raw', 'WXK104', '''
import shutil

def fetch(token, media_id, path):
    r = requests.get(f"{BASE}/media/get?access_token={token}&media_id={media_id}", stream=True)
    with open(path, "wb") as f:
        shutil.copyfileobj(r.raw, f)
''', [(7, 9)]),
    Case('304 per-call in loop sender', 'WXK304', '''
def get_token():
    r = requests.get(f"{BASE}/gettoken", params={"corpid": "c", "corpsecret": "s"})
    return r.json()["access_token"]

def broadcast(users, text):
    for user in users:
        token = get_token()
        requests.post(f"{BASE}/message/send?access_token={token}", json={"touser": user, "text": {"content": text}})
''', [(3, 9)]),
    Case('304 global cache with global stmt', 'WXK304', '''
TOKEN = None

def get_token():
    global TOKEN
    if TOKEN is None:
        TOKEN = requests.get(f"{BASE}/gettoken?corpid=c&corpsecret=s").json()["access_token"]
    return TOKEN

def send(body):
    return requests.post(f"{BASE}/message/send?access_token={get_token()}", json=body).json()
''', []),
    Case('206 headers not token', 'WXK206', '''
class Api:
    def refresh(self):
        self.tok = requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]
    def send(self, body):
        headers = {"Content-Type": "application/json"}
        data = requests.post(f"{BASE}/message/send?access_token={self.tok}", json=body, headers=headers).json()
        if data["errcode"] == 42001:
            self.refresh()
            data = requests.post(f"{BASE}/message/send?access_token={self.tok}", json=body, headers=headers).json()
        return data
''', []),
    Case('206 while loop url outside', 'WXK206', '''
def send(get_token, body):
    url = f"{BASE}/kf/send_msg?access_token={get_token()}"
    attempts = 0
    while attempts < 2:
        attempts += 1
        data = requests.post(url, json=body).json()
        if data["errcode"] in (40014, 42001):
            get_token(force=True)
            continue
        return data
''', [(7, 16)]),
    Case('105 user list codes only', 'WXK105', '''
def members(token, dept):
    data = requests.get(f"{BASE}/user/simplelist?access_token={token}&department_id={dept}").json()
    if data["errcode"] == 60003:
        return []
    return [u["userid"] for u in data["userlist"]]
''', [(3, 12)]),
    Case('503 aiohttp params', 'WXK503', '''
import aiohttp

async def send(session: aiohttp.ClientSession, token, user):
    async with session.post(f"{BASE}/message/send", params={"access_token": token, "touser": user, "msgtype": "text"}) as r:
        return await r.json()
''', [(5, 53)]),
    Case('session send without timeout never times out', 'WXK205', '''
SESSION = requests.Session()


def send(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    for _ in range(3):
        try:
            return SESSION.post(f"{BASE}/message/send?access_token={token}", json=body).json()
        except requests.RequestException:
            time.sleep(1)
''', []),
    Case('session send with timeout', 'WXK205', '''
SESSION = requests.Session()


def send(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    for _ in range(3):
        try:
            return SESSION.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=10).json()
        except requests.RequestException:
            time.sleep(1)
''', [(7, 5)]),
]



def measure() -> None:
    """Precision and recall per rule over the cases, as the linter finds them now."""
    from tests.helpers import lint

    counts = collections.defaultdict(lambda: [0, 0, 0])
    for case in CASES:
        found = {(f.line, f.column, f.code) for f in lint(case.source, select=[case.code])}
        truth = set(case.expected())
        tally = counts[case.code]
        tally[0] += len(found & truth)
        tally[1] += len(found - truth)
        tally[2] += len(truth - found)
    for code, (true, false, missed) in sorted(counts.items()):
        precision = true / (true + false) if true + false else 1.0
        recall = true / (true + missed) if true + missed else 1.0
        cases = sum(1 for case in CASES if case.code == code)
        print(f"{code}: {cases} cases, {true + missed} defects, precision {precision:.2f}, recall {recall:.2f}")


if __name__ == "__main__":
    measure()
