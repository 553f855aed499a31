"""The installed ``wxkf-lint`` command end to end: output, exit codes, configuration, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.cli_helpers import parse_text_report, run_wxkf, snapshot, write

DEFECTIVE = '''\
import requests

BASE = "https://qyapi.weixin.qq.com/cgi-bin"


def send(token, body):
    resp = requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body).json()
    if resp["errmsg"] == "ok":
        return resp
    raise RuntimeError(resp["errmsg"])
'''

CLEAN = '''\
import requests

BASE = "https://qyapi.weixin.qq.com/cgi-bin"


def send(token, body):
    resp = requests.post(f"{BASE}/kf/send_msg?access_token={token}", json=body).json()
    if resp["errcode"] != 0:
        raise RuntimeError(f"{resp['errcode']}: {resp['errmsg']}")
    return resp["msgid"]
'''


def test_text_report_and_exit_one(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["kf.py"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert parse_text_report(result.stdout) == {("kf.py", 8, 8, "WXK101")}
    assert 'test errcode (0 for "ok")' in result.stdout


def test_clean_file_exits_zero(tmp_path):
    write(tmp_path / "kf.py", CLEAN)
    result = run_wxkf(["kf.py"], cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


def test_default_path_is_current_folder(tmp_path):
    write(tmp_path / "pkg" / "kf.py", DEFECTIVE)
    result = run_wxkf([], cwd=tmp_path)
    assert result.returncode == 1
    assert parse_text_report(result.stdout) == {(os.path.join("pkg", "kf.py"), 8, 8, "WXK101")}


def test_python_dash_m_runs_the_same_command(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = subprocess.run([sys.executable, "-m", "wxkf_lint", "kf.py"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1
    assert "WXK101" in result.stdout


def test_json_format_fields(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["--format", "json", "kf.py"], cwd=tmp_path)
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert {"path", "line", "column", "end_line", "end_column", "code", "name", "message", "fix"} <= set(row)
    assert (row["path"], row["line"], row["column"], row["code"], row["name"]) == ("kf.py", 8, 8, "WXK101", "errmsg-branch")
    assert row["fix"]["content"] == 'resp["errcode"] == 0'


def test_github_format(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["--format", "github", "kf.py"], cwd=tmp_path)
    assert result.stdout.startswith("::error file=kf.py,line=8,col=8,")
    assert "title=WXK101::" in result.stdout


def test_output_file_and_statistics(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["--statistics", "--output", "report.txt", "kf.py"], cwd=tmp_path)
    assert result.returncode == 1
    report = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert "kf.py:8:8: WXK101" in report
    assert "1\tWXK101\terrmsg-branch" in report


def test_exit_zero(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    assert run_wxkf(["--exit-zero", "kf.py"], cwd=tmp_path).returncode == 0


def test_select_and_ignore(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    assert run_wxkf(["--ignore", "WXK101", "kf.py"], cwd=tmp_path).returncode == 0
    assert run_wxkf(["--select", "WXK102", "kf.py"], cwd=tmp_path).returncode == 0
    assert run_wxkf(["--select", "WXK1", "kf.py"], cwd=tmp_path).returncode == 1
    assert run_wxkf(["--extend-ignore", "WXK1", "kf.py"], cwd=tmp_path).returncode == 0


def test_noqa(tmp_path):
    write(tmp_path / "a.py", DEFECTIVE.replace('== "ok":', '== "ok":  # noqa: WXK101'))
    write(tmp_path / "b.py", DEFECTIVE.replace('== "ok":', '== "ok":  # noqa'))
    write(tmp_path / "c.py", DEFECTIVE.replace('== "ok":', '== "ok":  # noqa: WXK102'))
    result = run_wxkf(["a.py", "b.py", "c.py"], cwd=tmp_path)
    assert parse_text_report(result.stdout) == {("c.py", 8, 8, "WXK101")}


def test_stdin_with_filename(tmp_path):
    result = run_wxkf(["-", "--stdin-filename", "src/kf.py"], cwd=tmp_path, stdin=DEFECTIVE)
    assert result.returncode == 1
    assert result.stdout.startswith("src/kf.py:8:8: WXK101")


def test_list_rules_and_explain():
    listing = run_wxkf(["--list-rules"])
    assert listing.returncode == 0
    assert "WXK101" in listing.stdout and "errmsg-branch" in listing.stdout
    page = run_wxkf(["--explain", "WXK101"])
    assert page.returncode == 0
    assert page.stdout.startswith("# WXK101 errmsg-branch")
    assert "## Why is this bad?" in page.stdout


def test_version():
    result = run_wxkf(["--version"])
    assert result.returncode == 0
    assert result.stdout.startswith("wxkf-lint ")


# -- configuration ------------------------------------------------------------------------------------


def test_pyproject_configuration_is_found_upwards(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.wxkf-lint]\nignore = ["WXK101"]\n')
    write(tmp_path / "src" / "kf.py", DEFECTIVE)
    assert run_wxkf(["kf.py"], cwd=tmp_path / "src").returncode == 0
    assert run_wxkf(["--isolated", "kf.py"], cwd=tmp_path / "src").returncode == 1


def test_per_file_ignores(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.wxkf-lint.per-file-ignores]\n"legacy/*.py" = ["WXK1"]\n')
    write(tmp_path / "legacy" / "kf.py", DEFECTIVE)
    write(tmp_path / "new" / "kf.py", DEFECTIVE)
    result = run_wxkf(["."], cwd=tmp_path)
    assert {path for path, *_ in parse_text_report(result.stdout)} == {os.path.join("new", "kf.py")}


@pytest.mark.parametrize(
    "config,expected",
    [
        ('[tool.wxkf-lint]\nmax_retry = 3\n', "max_retry"),
        ('[tool.wxkf-lint]\nmax-retries = "three"\n', "max-retries"),
        ('[tool.wxkf-lint]\nselect = ["WXK999"]\n', "WXK999"),
        ('[tool.wxkf-lint\n', "pyproject.toml"),
    ],
)
def test_bad_configuration_exits_two_with_one_line(tmp_path, config, expected):
    write(tmp_path / "pyproject.toml", config)
    write(tmp_path / "kf.py", CLEAN)
    result = run_wxkf(["kf.py"], cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "pyproject.toml" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_rule_code_on_the_command_line(tmp_path):
    result = run_wxkf(["--select", "WXK999", "."], cwd=tmp_path)
    assert result.returncode == 2
    assert "WXK999" in result.stderr and "Traceback" not in result.stderr


def test_explain_unknown_code():
    result = run_wxkf(["--explain", "WXK999"])
    assert result.returncode == 2
    assert "WXK999" in result.stderr


# -- bad input ----------------------------------------------------------------------------------------


def test_missing_path(tmp_path):
    result = run_wxkf(["does/not/exist.py"], cwd=tmp_path)
    assert result.returncode == 2
    assert "does/not/exist.py" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_syntax_error_is_reported_and_the_run_goes_on(tmp_path):
    write(tmp_path / "broken.py", 'URL = "https://qyapi.weixin.qq.com/cgi-bin/gettoken"\ndef f(:\n    pass\n')
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["."], cwd=tmp_path)
    assert result.returncode == 1
    codes = {(path, code) for path, _, _, code in parse_text_report(result.stdout)}
    assert codes == {("broken.py", "WXK001"), ("kf.py", "WXK101")}
    assert "broken.py:2:" in result.stdout and "syntax error" in result.stdout


def test_file_without_markers_is_not_parsed(tmp_path):
    # Not WeCom code at all: the pre-filter skips it, so even its syntax error goes unreported.
    write(tmp_path / "other.py", "def f(:\n    pass\n")
    result = run_wxkf(["other.py"], cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


def test_undecodable_file(tmp_path):
    (tmp_path / "latin.py").write_bytes(b'URL = "https://qyapi.weixin.qq.com/cgi-bin/"\nname = "\xff\xfe caf\xe9"\n')
    result = run_wxkf(["latin.py"], cwd=tmp_path)
    assert result.returncode == 1
    assert parse_text_report(result.stdout) == {("latin.py", 1, 1, "WXK002")}
    assert "Traceback" not in result.stderr


def test_coding_cookie_and_bom_are_honoured(tmp_path):
    (tmp_path / "gbk.py").write_bytes(("# -*- coding: gbk -*-\n" + DEFECTIVE.replace("ok", "成功")).encode("gbk"))
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + DEFECTIVE.encode("utf-8"))
    result = run_wxkf(["gbk.py", "bom.py"], cwd=tmp_path)
    assert parse_text_report(result.stdout) == {("gbk.py", 9, 8, "WXK101"), ("bom.py", 8, 8, "WXK101")}


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    target = write(tmp_path / "secret.py", DEFECTIVE)
    target.chmod(0)
    try:
        result = run_wxkf(["secret.py"], cwd=tmp_path)
    finally:
        target.chmod(0o644)
    assert parse_text_report(result.stdout) == {("secret.py", 1, 1, "WXK002")}


def test_unreadable_path_in_process(tmp_path):
    from wxkf_lint.engine import Linter
    from wxkf_lint.settings import Settings

    (tmp_path / "folder.py").mkdir()
    [finding] = Linter.from_settings(Settings()).lint_path(str(tmp_path / "folder.py"))
    assert finding.code == "WXK002"


def test_empty_file_and_empty_folder(tmp_path):
    write(tmp_path / "empty.py", "")
    (tmp_path / "nothing").mkdir()
    assert run_wxkf(["empty.py", "nothing"], cwd=tmp_path).returncode == 0


def test_no_file_is_written_without_fix(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "broken.py", 'URL = "/cgi-bin/"\nx = (\n')
    before = snapshot(tmp_path)
    for args in (["."], ["--format", "json", "."], ["--statistics", "."], ["--format", "github", "."]):
        run_wxkf(["--no-cache", *args], cwd=tmp_path)
    assert snapshot(tmp_path) == before
    run_wxkf(["."], cwd=tmp_path)
    assert [entry for entry in snapshot(tmp_path) if ".wxkf_cache" not in entry[0]] == before, "only the cache is written"


def test_default_excludes_and_gitignore(tmp_path):
    for folder in (".venv", "build", "node_modules", "generated"):
        write(tmp_path / folder / "kf.py", DEFECTIVE)
    write(tmp_path / ".gitignore", "generated/\n")
    (tmp_path / ".git").mkdir()
    write(tmp_path / "src" / "kf.py", DEFECTIVE)
    result = run_wxkf(["."], cwd=tmp_path)
    assert {path for path, *_ in parse_text_report(result.stdout)} == {os.path.join("src", "kf.py")}
