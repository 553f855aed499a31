"""Baselines through the installed command: fingerprints that survive moved lines, not extra defects."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import parse_text_report, run_wxkf, write

LEGACY = '''\
import requests

URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"


class Client:
    def send(self, body):
        resp = requests.post(URL, json=body).json()
        if resp["errmsg"] == "ok":
            return resp
        raise RuntimeError(resp["errmsg"])


def check(data):
    return data["errcode"] == "0"
'''

SAME_DEFECT = '''\
        if resp["errmsg"] == "ok":
            return resp
'''


def _lint(tree: Path, *args: str):
    return run_wxkf(["--isolated", "--no-cache", *args, "."], cwd=tree)


def _baselined(tmp_path: Path) -> Path:
    write(tmp_path / "kf.py", LEGACY)
    result = _lint(tmp_path, "--write-baseline", "baseline.json")
    assert (result.returncode, result.stdout) == (0, ""), result.stderr
    assert result.stderr == "Wrote a baseline of 2 findings to baseline.json.\n"
    return tmp_path


def test_a_baseline_suppresses_what_it_recorded(tmp_path):
    tree = _baselined(tmp_path)
    rows = json.loads((tree / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(row["code"], row["path"], row["line"]) for row in rows] == [("WXK101", "kf.py", 9), ("WXK102", "kf.py", 15)]
    result = _lint(tree, "--baseline", "baseline.json")
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


def test_lines_inserted_above_keep_a_baselined_finding_suppressed(tmp_path):
    tree = _baselined(tmp_path)
    moved = LEGACY.replace("class Client:\n", "import os\n\n\ndef helper():\n    return os.getcwd()\n\n\nclass Client:\n")
    moved = moved.replace("        resp = requests", "        # a comment\n\n        resp = requests")
    write(tree / "kf.py", moved)
    assert _lint(tree).returncode == 1, "the findings are still there, on other lines"
    result = _lint(tree, "--baseline", "baseline.json")
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


def test_one_more_identical_defect_is_reported(tmp_path):
    tree = _baselined(tmp_path)
    write(tree / "kf.py", LEGACY.replace('        raise RuntimeError', SAME_DEFECT + '        raise RuntimeError'))
    result = _lint(tree, "--baseline", "baseline.json")
    assert result.returncode == 1
    assert parse_text_report(result.stdout) == {("kf.py", 11, 12, "WXK101")}


def test_the_same_defect_in_another_function_is_new(tmp_path):
    tree = _baselined(tmp_path)
    write(tree / "kf.py", LEGACY + "\n\ndef check_again(data):\n    return data[\"errcode\"] == \"0\"\n")
    result = _lint(tree, "--baseline", "baseline.json")
    assert parse_text_report(result.stdout) == {("kf.py", 19, 12, "WXK102")}


def test_sarif_results_carry_the_baseline_fingerprints(tmp_path):
    tree = _baselined(tmp_path)
    recorded = [row["fingerprint"] for row in json.loads((tree / "baseline.json").read_text())["findings"]]
    log = json.loads(_lint(tree, "--format", "sarif").stdout)
    prints = [result["partialFingerprints"]["wxkfLint/v1"] for result in log["runs"][0]["results"]]
    assert prints == recorded and len(set(prints)) == 2


def test_a_missing_or_foreign_baseline_is_a_one_line_error(tmp_path):
    write(tmp_path / "kf.py", LEGACY)
    write(tmp_path / "other.json", '{"results": []}')
    write(tmp_path / "broken.json", "{")
    for name, message in (
        ("absent.json", "wxkf-lint: error: --baseline: cannot read absent.json: No such file or directory\n"),
        ("other.json", "wxkf-lint: error: --baseline: other.json is not a wxkf-lint baseline (format 1)\n"),
        ("broken.json", None),
    ):
        result = _lint(tmp_path, "--baseline", name)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        if message is not None:
            assert result.stderr == message
