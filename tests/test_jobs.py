"""``--jobs``: the same report for any number of worker processes, errors as findings, bad values refused."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import List

import pytest

from tests.cli_helpers import REPO, run_wxkf, write
from wxkf_lint import runner
from wxkf_lint.engine import Linter
from wxkf_lint.prefilter import Markers
from wxkf_lint.settings import Settings

KF_SNIPPET = '''\
import requests

URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=%s"


def send(token, body):
    data = requests.post(URL % token, json=body).json()
    if data["errmsg"] == "ok" or data.get("errcode") == "0":
        return data
    while True:
        data = requests.post(URL % token, data={"touser": "x"}).json()
'''

forking = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers see the test's patches only when forked")


def _many_findings(root: Path, copies: int = 12) -> List[Path]:
    """Many WeCom files with findings (examples/ and a snippet), plus a syntax error, bad bytes, plain code."""
    files = []
    examples = sorted((REPO / "examples").rglob("*.py"))
    for number in range(copies):
        folder = root / f"copy{number:02d}"
        for source in examples:
            target = folder / source.relative_to(REPO / "examples")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            files.append(target)
        files.append(write(folder / "snippet.py", KF_SNIPPET))
        files.append(write(folder / "plain.py", "import os\nprint(os.getcwd())\n"))
    files.append(write(root / "broken.py", 'URL = "https://qyapi.weixin.qq.com/cgi-bin/"\ndef f(:\n'))
    (root / "latin.py").write_bytes(b'URL = "https://qyapi.weixin.qq.com/cgi-bin/"\nname = "\xff\xfe"\n')
    files.append(root / "latin.py")
    return files


def test_same_report_for_one_and_two_jobs(tmp_path):
    _many_findings(tmp_path)
    one = run_wxkf(["--no-cache", "--jobs", "1", "--format", "json", "."], cwd=tmp_path)
    two = run_wxkf(["--no-cache", "--jobs", "2", "--format", "json", "."], cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert one.stdout.count('"code": "WXK') > runner.PARALLEL_MIN_FILES
    assert '"WXK001"' in one.stdout and '"WXK002"' in one.stdout
    assert two.stderr == one.stderr


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_lint_files_keeps_the_order_of_paths(tmp_path, jobs):
    files = [str(path) for path in _many_findings(tmp_path, copies=4)]
    files.reverse()
    linter = Linter.from_settings(Settings(root=tmp_path))
    expected = [finding for path in files for finding in linter.lint_path(path)]
    assert runner.lint_files(linter, files, jobs, bytes, "-") == expected


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_bad_jobs_value_is_a_one_line_usage_error(tmp_path, value):
    write(tmp_path / "kf.py", KF_SNIPPET)
    result = run_wxkf([f"--jobs={value}", "kf.py"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "--jobs" in result.stderr
    assert "Traceback" not in result.stderr


@forking
def test_an_exception_in_a_worker_is_a_finding_not_a_traceback(tmp_path, monkeypatch, capfd):
    files = [str(path) for path in _many_findings(tmp_path, copies=3)]
    victim = next(path for path in files if path.endswith("snippet.py"))
    lint_passed_bytes = Linter.lint_passed_bytes

    def failing(self: Linter, data: bytes, path: str):
        if path == victim:
            raise ValueError("boom")
        return lint_passed_bytes(self, data, path)

    monkeypatch.setattr(Linter, "lint_passed_bytes", failing)
    findings = runner.lint_files(Linter.from_settings(Settings(root=tmp_path)), files, 2, bytes, "-")
    on_victim = [finding for finding in findings if finding.path == victim]
    assert [(f.code, f.message) for f in on_victim] == [("WXK003", "internal error: ValueError: boom")]
    assert any(finding.path != victim and finding.code != "WXK003" for finding in findings)
    assert capfd.readouterr().err == ""


@forking
def test_a_worker_that_dies_costs_only_its_own_file(tmp_path, monkeypatch, capfd):
    files = [str(path) for path in _many_findings(tmp_path, copies=3)]
    victim = next(path for path in files if path.endswith("snippet.py"))
    alone = runner.lint_files(Linter.from_settings(Settings(root=tmp_path)), files, 1, bytes, "-")
    lint_passed_bytes = Linter.lint_passed_bytes

    def dying(self: Linter, data: bytes, path: str):
        if path == victim:
            import os

            os._exit(3)
        return lint_passed_bytes(self, data, path)

    monkeypatch.setattr(Linter, "lint_passed_bytes", dying)
    findings = runner.lint_files(Linter.from_settings(Settings(root=tmp_path)), files, 2, bytes, "-")
    on_victim = [finding for finding in findings if finding.path == victim]
    assert [(f.line, f.column, f.message) for f in on_victim] == [
        (1, 1, "internal error: the process linting this file died (exit status 3)")
    ]
    assert [f for f in findings if f.path != victim] == [f for f in alone if f.path != victim]
    assert capfd.readouterr().err == ""


def test_a_file_that_would_crash_the_parser_reports_the_same_for_one_and_two_jobs(tmp_path):
    _many_findings(tmp_path)
    depth = 2000
    write(tmp_path / "copy05" / "deep.py", 'r = {}\nif r["errcode"]:\n    x = ' + "[" * depth + "]" * depth + "\n")
    one = run_wxkf(["--jobs", "1", "."], cwd=tmp_path)
    two = run_wxkf(["--jobs", "2", "."], cwd=tmp_path)
    assert (one.returncode, one.stdout, one.stderr) == (two.returncode, two.stdout, two.stderr)
    assert one.returncode == 1 and "Traceback" not in one.stderr and "WXK003" not in one.stdout
    deep = os.path.join("copy05", "deep.py")
    assert f"{deep}:1:1: WXK004 LibCST cannot parse this file: brackets nested {depth} deep" in one.stdout


def test_few_files_are_linted_in_this_process(tmp_path, monkeypatch):
    files = [str(write(tmp_path / f"kf{n}.py", KF_SNIPPET)) for n in range(runner.PARALLEL_MIN_FILES - 1)]
    files += [str(write(tmp_path / f"plain{n}.py", "x = 1\n")) for n in range(50)]

    def no_pool(*args, **kwargs):
        raise AssertionError("started worker processes for too few files")

    monkeypatch.setattr(runner, "ProcessPoolExecutor", no_pool)
    findings = runner.lint_files(Linter.from_settings(Settings(root=tmp_path)), files, 2, bytes, "-")
    assert {finding.path for finding in findings} == set(files[: runner.PARALLEL_MIN_FILES - 1])


@forking
@pytest.mark.parametrize("jobs", [1, 2])
def test_each_file_is_prefiltered_once_whatever_the_jobs(tmp_path, monkeypatch, jobs):
    """The parent reads and tests each file; workers get the bytes, and no one tests the text again."""
    files = [str(path) for path in _many_findings(tmp_path / "tree", copies=3)]
    calls = tmp_path / "calls"
    search_bytes = Markers.search_bytes

    def counted(self: Markers, data: bytes) -> bool:
        with open(calls, "a") as log:  # appended to by this process and by forked workers alike
            log.write("bytes\n")
        return search_bytes(self, data)

    def text_search(self: Markers, text: str) -> bool:
        raise AssertionError("the text was prefiltered again")

    monkeypatch.setattr(Markers, "search_bytes", counted)
    monkeypatch.setattr(Markers, "search", text_search)
    findings = runner.lint_files(Linter.from_settings(Settings(root=tmp_path)), files, jobs, bytes, "-")
    assert len([f for f in findings if f.code != "WXK003"]) > runner.PARALLEL_MIN_FILES
    assert not [f for f in findings if f.code == "WXK003"]
    assert calls.read_text().count("bytes") == len(files)
