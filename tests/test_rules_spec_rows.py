"""WXK104, WXK105, WXK205, WXK206, WXK304, WXK503 and WXK501's str()/repr() form on the SPEC-row cases, at
exact (line, column, code), with the negatives where the decisive fact is proven good or unknown; and the
behaviour around them: one finding per root cause, WXK503's unsafe fix, the CLI's rule table and pages."""

from __future__ import annotations

import json

import pytest

from tests.cli_helpers import parse_text_report, run_flake8, run_wxkf, write
from tests.helpers import lint
from tests.spec_row_cases import CASES, HEAD

NEW_CODES = ("WXK104", "WXK105", "WXK205", "WXK206", "WXK304", "WXK503")


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.code}-{case.name}")
def test_spec_row_case(case):
    found = [(f.line, f.column, f.code) for f in lint(case.source, select=[case.code])]
    assert found == case.expected()


@pytest.mark.parametrize("code", NEW_CODES)
def test_every_new_rule_has_positive_and_negative_cases(code):
    kinds = {bool(case.defects) for case in CASES if case.code == code}
    assert kinds == {True, False}


@pytest.mark.parametrize("case", [case for case in CASES if case.defects], ids=lambda case: f"{case.code}-{case.name}")
def test_messages_are_one_line_and_name_codes(case):
    for finding in lint(case.source, select=[case.code]):
        assert "\n" not in finding.message
        assert finding.code == case.code and not finding.message.startswith(case.code)
        # WeCom's answer is cited: its return codes, or for a body it cannot parse its errmsg
        cited = any(char.isdigit() for char in finding.message) or "wrong json format" in finding.message
        assert cited, finding.message


def test_a_shared_retry_configuration_is_one_finding_with_its_count():
    source = HEAD + '''
CONFIG = {"stop": stop_after_attempt(3), "wait": wait_fixed(1),
          "retry": retry_if_exception_type((requests.ConnectionError, requests.ReadTimeout))}


@retry(**CONFIG)
def send_text(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()


@retry(**CONFIG)
def send_card(token, user, card):
    body = {"touser": user, "msgtype": "textcard", "agentid": 1, "textcard": card}
    return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
'''
    [finding] = lint(source, select=["WXK205"])
    assert (finding.line, finding.column) == (HEAD.count("\n") + 2, 10)
    assert "for 2 sends" in finding.message and "ReadTimeout" in finding.message


def test_a_connect_only_shared_configuration_is_silent():
    source = HEAD + '''
CONFIG = {"stop": stop_after_attempt(3), "retry": retry_if_exception_type(requests.ConnectionError)}


@retry(**CONFIG)
def send_text(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
'''
    assert lint(source, select=["WXK205"]) == []


def test_a_spread_configuration_from_another_module_is_unknown():
    source = HEAD + '''
from .settings import RETRY_CONFIG


@retry(**RETRY_CONFIG)
def send_text(token, user, text):
    body = {"touser": user, "msgtype": "text", "agentid": 1, "text": {"content": text}}
    return requests.post(f"{BASE}/message/send?access_token={token}", json=body, timeout=5).json()
'''
    assert lint(source, select=["WXK205"]) == []


def test_one_gettoken_serving_many_senders_is_one_finding():
    source = HEAD + '''
def get_token():
    return requests.get(f"{BASE}/gettoken?corpid=ID&corpsecret=S").json()["access_token"]


def send_text(body):
    return requests.post(f"{BASE}/message/send?access_token={get_token()}", json=body).json()


def user_get(userid):
    return requests.get(f"{BASE}/user/get", params={"access_token": get_token(), "userid": userid}).json()
'''
    [finding] = lint(source, select=["WXK304"])
    assert finding.line == HEAD.count("\n") + 3
    assert "send_text, user_get (2 sending functions)" in finding.message and "45009" in finding.message


def test_a_class_from_another_module_keeps_wxk206_silent():
    source = HEAD + '''
from .base import BaseClient


class Client(BaseClient):
    def send(self, body):
        data = self.post("message/send", body)
        if data["errcode"] in (40014, 42001):
            self.refresh_token()
            data = self.post("message/send", body)
        return data
'''
    assert lint(source, select=["WXK206"]) == []


BODY_IN_PARAMS = HEAD + '''
def send(token, user, text):
    data = requests.post(f"{BASE}/message/send", params={"access_token": token, "touser": user, "msgtype": "text"}, timeout=5).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
'''


def test_wxk503_fix_is_unsafe_and_moves_the_body_to_json(tmp_path):
    target = write(tmp_path / "send.py", BODY_IN_PARAMS)
    result = run_wxkf(["--isolated", "--select", "WXK503", "--format", "json", str(target)])
    [finding] = json.loads(result.stdout)
    assert (finding["line"], finding["column"], finding["code"]) == (HEAD.count("\n") + 3, 50, "WXK503")
    assert finding["fix"]["unsafe"] is True
    assert 'params={"access_token": token}, json={"touser": user, "msgtype": "text"}' in finding["fix"]["content"]


def test_fix_does_not_apply_an_unsafe_fix(tmp_path):
    target = write(tmp_path / "send.py", BODY_IN_PARAMS)
    result = run_wxkf(["--isolated", "--select", "WXK503", "--fix", str(target)])
    assert result.returncode == 1, result.stdout + result.stderr
    assert target.read_text(encoding="utf-8") == BODY_IN_PARAMS
    diff = run_wxkf(["--isolated", "--select", "WXK503", "--diff", str(target)])
    assert diff.returncode == 0 and diff.stdout == ""


def test_wxk503_without_a_literal_body_has_no_fix():
    source = HEAD + '''
def send(token, user):
    body = {"touser": user, "msgtype": "text"}
    return requests.post(f"{BASE}/message/send?access_token={token}", params=body).json()
'''
    [finding] = lint(source, select=["WXK503"])
    assert finding.fix is None


def test_runner_and_flake8_agree_on_the_new_rules(tmp_path):
    """Every case with a defect, one file each: the runner reports them all, and flake8 the same set."""
    with_defects = [case for case in CASES if case.defects]
    for number, case in enumerate(with_defects):
        write(tmp_path / f"case_{number}.py", case.source)
    runner = run_wxkf(["--isolated", "--select", ",".join(NEW_CODES + ("WXK501",)), str(tmp_path)])
    flake8 = run_flake8(["--select", ",".join(NEW_CODES + ("WXK501",)), str(tmp_path)])
    runner_set = parse_text_report(runner.stdout)
    expected = {(str(tmp_path / f"case_{n}.py"), line, column, code) for n, case in enumerate(with_defects)
                for line, column, code in case.expected()}
    assert runner_set == expected
    assert {item for item in parse_text_report(flake8.stdout) if item[3].startswith("WXK")} == runner_set


@pytest.mark.parametrize("code", NEW_CODES)
def test_list_rules_and_explain_know_the_new_codes(code):
    listed = run_wxkf(["--list-rules"])
    assert code in listed.stdout
    explained = run_wxkf(["--explain", code])
    assert explained.returncode == 0 and explained.stdout.startswith(f"# {code} ")


def test_wxk503_fix_of_a_multiline_dict_keeps_its_layout_and_parses():
    source = '''import requests


def send(token, user):
    return requests.post(
        "https://qyapi.weixin.qq.com/cgi-bin/message/send",
        params={
            "access_token": token,
            "touser": user,
            "msgtype": "text",
        },
        timeout=5,
    ).json()
'''
    [finding] = lint(source, select=["WXK503"])
    fix = finding.fix
    lines = source.splitlines(True)
    starts = [sum(len(line) for line in lines[:number]) for number in range(len(lines) + 1)]
    begin, end = starts[fix.line - 1] + fix.column - 1, starts[fix.end_line - 1] + fix.end_column - 1
    fixed = source[:begin] + fix.content + source[end:]
    compile(fixed, "fixed.py", "exec")
    assert '            "access_token": token,\n        }, json={\n            "touser": user,\n' in fixed
