"""The prefilter admits every file a rule can fire on, and nothing else it does not have to.

Soundness is checked against what the rules actually report: every bad example of every rule page and
every file under ``examples/`` with an expected finding passes the test, on text and on bytes alike.  Each
marker is checked on its own, so dropping or misspelling one fails a test.
"""

from __future__ import annotations

import re

import pytest

from tests.cli_helpers import REPO
from tests.rulebook_cases import page_cases
from wxkf_lint.prefilter import BASE_MARKERS, Markers

BAD_EXAMPLES = [(code, source) for code, kind, source, _ in page_cases() if kind == "bad"]


def _admits(markers: Markers, text: str) -> bool:
    by_text, by_bytes = markers.search(text), markers.search_bytes(text.encode("utf-8"))
    assert by_text is by_bytes, text
    return by_text


@pytest.mark.parametrize("code,source", BAD_EXAMPLES, ids=[code for code, _ in BAD_EXAMPLES])
def test_every_bad_page_example_passes_the_prefilter(code, source):
    assert _admits(Markers(), source)


def test_every_shipped_example_file_passes_the_prefilter():
    files = sorted((REPO / "examples").rglob("*.py"))
    flagged = [path for path in files if re.search(r"#\s*expect(?:-opt-in)?:\s*WXK\d", path.read_text(encoding="utf-8"))]
    assert flagged, "no file under examples/ has an # expect: comment"
    for path in flagged:
        assert _admits(Markers(), path.read_text(encoding="utf-8")), path


#: for each marker, files that contain it and no other marker
SAMPLES = {
    "api.weixin.qq.com": ['BASE = "https://api.weixin.qq.com"', 'u = "https://qyapi.weixin.qq.com/x"'],
    "cgi-bin": ['path = "/cgi-bin/user/get"'],
    "wechatpy": ["from wechatpy.enterprise import WeChatClient"],
    "errcode": ['code = resp["errcode"]', "code = getattr(e, 'errcode')"],
    "errmsg": ["text = r.get('errmsg')"],
    "kf/": ['self._post("kf/account/list")'],
    "gettoken": ["self.call('gettoken', params)", 'call("/gettoken")'],
    "message/send": ['post("message/send", body)'],
    "media/": ['post("media/get", params)', 'post("media/upload", files)'],
    "msgmenu": ['body = {"msgtype": "msgmenu"}'],
    "open_kfid": ['body = {"open_kfid": kf}'],
}


def test_every_marker_has_samples():
    assert set(SAMPLES) == {needle for needle, _ in BASE_MARKERS}


@pytest.mark.parametrize("needle,sample", [(n, s) for n, samples in SAMPLES.items() for s in samples])
def test_each_marker_admits_a_file_on_its_own(needle, sample):
    assert _admits(Markers(), sample)
    others = [(n, c) for n, c in BASE_MARKERS if n != needle and n in sample]
    assert not others, f"sample for {needle!r} also contains {others}"


@pytest.mark.parametrize(
    "sample",
    [
        "import os\nprint(os.getcwd())\n",
        "errmsg = 'a local variable named errmsg is not a WeCom read'\n",
        "errcode = compute()\nif errcode: pass\n",
        "def gettoken(): pass\n",
        "MEDIA = 'media/list'\n",
        "",
    ],
)
def test_files_without_a_marker_are_skipped(sample):
    assert not _admits(Markers(), sample)


def test_configured_wrappers_are_markers_by_their_last_name():
    source = "from myapp.wecom import api_post\nresult = api_post('user/get', {})\n"
    assert not _admits(Markers(), source)
    assert _admits(Markers(["myapp.wecom.api_post"]), source)


def test_undecodable_bytes_are_tested_raw():
    assert Markers().search_bytes(b'URL = "https://qyapi.weixin.qq.com/"\nname = "\xff\xfe"\n')
    assert not Markers().search_bytes(b'name = "\xff\xfe caf\xe9"\n')
