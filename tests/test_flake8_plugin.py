"""Real flake8 loads the plugin from its entry point and reports what the runner reports."""

from __future__ import annotations

from tests.cli_helpers import parse_text_report, run_flake8, run_wxkf, write
from tests.test_cli import CLEAN, DEFECTIVE

RETRYING = '''\
import time
import requests

URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=%s"


def send(token, body):
    for attempt in range(5):
        data = requests.post(URL % token, json=body).json()
        if data["errcode"] == -1:
            time.sleep(2 ** attempt)
            continue
        return data
'''


def _flake8_set(output: str):
    return {(path, line, col, code) for path, line, col, code in parse_text_report(output) if code.startswith("WXK")}


def test_plugin_is_registered():
    result = run_flake8(["--version"])
    assert "wxkf-lint" in result.stdout


def test_flake8_reports_the_finding(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_flake8(["--select", "WXK", "kf.py"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert _flake8_set(result.stdout) == {("kf.py", 8, 8, "WXK101")}
    assert "Traceback" not in result.stderr


def test_flake8_noqa_and_clean(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE.replace('== "ok":', '== "ok":  # noqa: WXK101'))
    write(tmp_path / "clean.py", CLEAN)
    result = run_flake8(["--select", "WXK", "kf.py", "clean.py"], cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_flake8_option_max_retries(tmp_path):
    write(tmp_path / "kf.py", RETRYING)
    strict = run_flake8(["--select", "WXK", "kf.py"], cwd=tmp_path)
    lenient = run_flake8(["--select", "WXK", "--wxkf-max-retries", "5", "kf.py"], cwd=tmp_path)
    runner_strict = run_wxkf(["--isolated", "kf.py"], cwd=tmp_path)
    assert _flake8_set(strict.stdout) == parse_text_report(runner_strict.stdout)
    assert "WXK202" not in lenient.stdout
    assert "Traceback" not in strict.stderr + lenient.stderr


def test_runner_and_flake8_agree_on_opt_in_rules(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    runner = run_wxkf(["--isolated", "--extend-select", "WXK402", "kf.py"], cwd=tmp_path)
    flake8 = run_flake8(["--select", "WXK,WXK402", "kf.py"], cwd=tmp_path)
    assert _flake8_set(flake8.stdout) == parse_text_report(runner.stdout)
