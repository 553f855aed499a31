"""The engine's own behaviour: selection, noqa, pre-filter, decoding, one finding per rule per place."""

from __future__ import annotations

import re

from tests.helpers import codes, lint
from wxkf_lint.engine import Linter
from wxkf_lint.noqa import is_suppressed, noqa_lines
from wxkf_lint.registry import RULES
from wxkf_lint.selection import enabled_rules
from wxkf_lint.settings import Settings
from wxkf_lint.source import decode, encode

SNIPPET = '''
import requests
URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=%s"

def send(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errmsg"] == "ok" or data.get("errcode") == "0":
        return data
    return None
'''


def _codes_enabled(**kwargs):
    return [rule.code for rule in enabled_rules(Settings(**kwargs))]


def test_default_selection_is_every_default_rule():
    assert _codes_enabled() == [rule.code for rule in RULES if rule.default]


def test_most_specific_selector_wins():
    assert _codes_enabled(select=["WXK101"], ignore=["WXK"]) == ["WXK101"]
    assert "WXK101" not in _codes_enabled(select=["WXK1"], ignore=["WXK101"])


def test_opt_in_rules_need_their_full_code():
    opt_in = [rule.code for rule in RULES if not rule.default]
    for code in opt_in:
        assert code not in _codes_enabled(select=["WXK"])
        assert code not in _codes_enabled(extend_select=[code[:-1]])
        assert code in _codes_enabled(extend_select=[code])


def test_two_rules_on_one_line():
    assert sorted(codes(SNIPPET)) == ["WXK101", "WXK102"]


def test_noqa_parsing_matches_flake8():
    noqa = noqa_lines(["x  # noqa", "y  # noqa: WXK101,WXK203", "z  # NOQA:WXK2", "w  # noqa:"])
    assert is_suppressed("WXK999", 1, noqa)
    assert is_suppressed("WXK203", 2, noqa) and not is_suppressed("WXK202", 2, noqa)
    assert is_suppressed("WXK204", 3, noqa)
    assert is_suppressed("WXK101", 4, noqa)  # a bare "noqa:" is a blanket noqa, as in flake8
    assert not is_suppressed("WXK101", 5, noqa)


def test_per_file_ignores(tmp_path):
    settings = Settings(per_file_ignores={"legacy/*.py": ["WXK1"]}, root=tmp_path)
    linter = Linter.from_settings(settings)
    target = tmp_path / "legacy" / "kf.py"
    target.parent.mkdir()
    target.write_text(SNIPPET, encoding="utf-8")
    assert linter.lint_path(str(target)) == []


def test_file_without_marker_is_never_parsed(monkeypatch):
    import libcst

    def fail(*args, **kwargs):
        raise AssertionError("parsed a file without WeCom markers")

    monkeypatch.setattr(libcst, "parse_module", fail)
    assert lint("def f(:\n    errmsg = 'x'\n") == []


def test_decode_keeps_encoding_bom_and_newlines():
    raw = b"\xef\xbb\xbfx = 1\r\ny = 2\r\n"
    source = decode(raw)
    assert (source.encoding, source.bom, source.newline) == ("utf-8", True, "\r\n")
    assert encode(source.text, source) == raw
    cookie = "# -*- coding: gbk -*-\ns = '成功'\n".encode("gbk")
    assert decode(cookie).encoding == "gbk"


def test_findings_are_sorted_and_positions_are_one_based():
    findings = lint(SNIPPET)
    assert [(f.line, f.column) for f in findings] == sorted((f.line, f.column) for f in findings)
    assert all(f.line >= 1 and f.column >= 1 for f in findings)
    assert all(re.match(r"^WXK\d{3}$", f.code) and not f.message.startswith(f.code) for f in findings)


def test_every_message_is_one_line():
    for finding in lint(SNIPPET):
        assert "\n" not in finding.message


def test_invalid_escape_in_a_literal_neither_warns_nor_fails():
    """Python 3.12+ turns ``"\\."``'s DeprecationWarning into a SyntaxWarning printed on stderr, and ``-W error``
    into a SyntaxError: the file's escapes are not the linter's report, on any version."""
    import warnings

    source = (
        "import requests\n"
        'URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?x=\\.invalid-escape-test"\n'
        'requests.post(URL, data={"a": 1})\n'
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = [(f.line, f.column, f.code) for f in lint(source)]
    assert found == [(3, 1, "WXK103"), (3, 20, "WXK502")]
