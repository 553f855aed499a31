"""Real flake8 loads the plugin from its entry point and reports what the runner reports."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


def _flake8_with_config(config: str, args, cwd):
    """flake8 reading its own config file (run_flake8 passes --isolated, which ignores config files)."""
    write(cwd / "setup.cfg", config)
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--jobs", "1", *args], cwd=str(cwd), capture_output=True, text=True, timeout=300
    )


def test_flake8_option_max_retries(tmp_path):
    """range(5) allows 4 retries: over the default of 3, within --wxkf-max-retries 4, from the command line or config."""
    write(tmp_path / "kf.py", RETRYING)
    strict = run_flake8(["--select", "WXK", "kf.py"], cwd=tmp_path)
    lenient = run_flake8(["--select", "WXK", "--wxkf-max-retries", "4", "kf.py"], cwd=tmp_path)
    configured = _flake8_with_config("[flake8]\nwxkf-max-retries = 4\n", ["--select", "WXK", "kf.py"], tmp_path)
    runner_strict = run_wxkf(["--isolated", "kf.py"], cwd=tmp_path)
    assert _flake8_set(strict.stdout) == {("kf.py", 8, 5, "WXK202")} == parse_text_report(runner_strict.stdout)
    assert (lenient.returncode, lenient.stdout, lenient.stderr) == (0, "", "")
    assert (configured.returncode, configured.stdout, configured.stderr) == (0, "", "")


def test_flake8_option_wrappers(tmp_path):
    write(tmp_path / "kf.py", "def send(body):\n    api_post('kf/send_msg', body)\n")
    assert run_flake8(["--select", "WXK", "kf.py"], cwd=tmp_path).stdout == ""
    wrapped = run_flake8(["--select", "WXK", "--wxkf-wrappers", "app.wecom.api_post", "kf.py"], cwd=tmp_path)
    runner = run_wxkf(["--isolated", "kf.py"], cwd=tmp_path)
    assert runner.stdout == "All checks passed!\n"
    assert _flake8_set(wrapped.stdout) == {("kf.py", 2, 5, "WXK103")}


@pytest.mark.parametrize(
    "flag,value,pyproject,expected",
    [
        ("--wxkf-max-retries", "-1", "max-retries = -1", "expected a non-negative integer, got -1"),
        ("--wxkf-max-retries", "three", 'max-retries = "three"', "expected a non-negative integer, got 'three'"),
        (
            "--wxkf-wrappers",
            "app..post",
            'wrappers = ["app..post"]',
            "expected a dotted function name (e.g. \"app.wecom.post\"), got 'app..post'",
        ),
    ],
)
def test_flake8_and_pyproject_reject_the_same_values_the_same_way(tmp_path, flag, value, pyproject, expected):
    write(tmp_path / "kf.py", RETRYING)
    flake8 = run_flake8(["--select", "WXK", f"{flag}={value}", "kf.py"], cwd=tmp_path)
    configured = _flake8_with_config(f"[flake8]\n{flag[2:]} = {value}\n", ["--select", "WXK", "kf.py"], tmp_path)
    write(tmp_path / "pyproject.toml", f"[tool.wxkf-lint]\n{pyproject}\n")
    runner = run_wxkf(["kf.py"], cwd=tmp_path)
    assert (runner.returncode, runner.stdout) == (2, "")
    assert runner.stderr.strip().endswith(expected) and runner.stderr.count("\n") == 1
    for result in (flake8, configured):
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == f"flake8: error: {flag}: {expected}\n"


def test_runner_and_flake8_agree_on_opt_in_rules(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    runner = run_wxkf(["--isolated", "--extend-select", "WXK402", "kf.py"], cwd=tmp_path)
    flake8 = run_flake8(["--select", "WXK,WXK402", "kf.py"], cwd=tmp_path)
    assert _flake8_set(flake8.stdout) == parse_text_report(runner.stdout)


def test_flake8_help_lists_every_declared_option():
    from wxkf_lint.options import OPTIONS

    text = " ".join(run_flake8(["--help"]).stdout.split())
    for option in OPTIONS:
        assert f"{option.flake8_flag} {option.metavar} wxkf-lint: {option.help} (default: {option.default_text})" in text
