"""One text model: lines end at \\r\\n, \\r or \\n only, for noqa, fixes and positions, in the runner and flake8."""

from __future__ import annotations

import pytest

from tests.cli_helpers import parse_text_report, run_flake8, run_wxkf
from wxkf_lint.lines import LineIndex

# A form feed on a line of its own and one between tokens: Python and LibCST see one line each,
# ``str.splitlines`` would see two, and every later line number would be off by one.
SOURCE = """\
import requests
\x0c

def send(body):
    data = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg", json=body).json()
    if data["errmsg"] ==\x0c"ok":
        return True
    if data["errmsg"] == "ok":  # noqa: WXK101
        return True
    if data["errmsg"] == "ok":  # noqa
        return True
    return data["errcode"] == "0"
"""

EXPECTED = {("kf.py", 6, 8, "WXK101"), ("kf.py", 12, 12, "WXK102")}


def test_line_index_breaks_only_at_line_ends():
    lines = LineIndex("a\r\nb\rc\nd\x0ce\x0bf\x1cg\u2028h")
    assert lines.lines() == ["a", "b", "c", "d\x0ce\x0bf\x1cg\u2028h"]
    assert lines.offset(2, 1) == 3 and lines.offset(4, 3) == 9
    assert [lines.line_end(line) for line in (1, 2, 3, 4)] == [1, 4, 6, 16]
    assert "".join(LineIndex("x\r\ny\rz\n").lines_with_breaks()) == "x\r\ny\rz\n"
    assert LineIndex("x\n").lines() == ["x"] and LineIndex("").lines() == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_runner_and_flake8_agree_on_every_line_ending(tmp_path, newline):
    (tmp_path / "kf.py").write_bytes(SOURCE.replace("\n", newline).encode("utf-8"))
    runner = run_wxkf(["--isolated", "kf.py"], cwd=tmp_path)
    assert runner.returncode == 1, runner.stderr
    assert parse_text_report(runner.stdout) == EXPECTED
    flake8 = run_flake8(["--select", "WXK", "kf.py"], cwd=tmp_path)
    assert {f for f in parse_text_report(flake8.stdout) if f[3].startswith("WXK")} == EXPECTED, flake8.stderr


def test_a_fix_after_a_form_feed_lands_on_its_line(tmp_path):
    target = tmp_path / "kf.py"
    target.write_bytes(SOURCE.replace("\n", "\r\n").encode("utf-8"))
    result = run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)  # WXK102's fix is unsafe
    assert (result.returncode, result.stdout) == (0, "Found 2 errors (2 fixed, 0 remaining).\n")
    fixed = target.read_bytes().decode("utf-8")
    assert '    if data["errcode"] ==\x0c0:\r\n' in fixed
    assert '    return data["errcode"] == 0\r\n' in fixed
    assert fixed.count("\r\n") == SOURCE.count("\n") and "\n" not in fixed.replace("\r\n", "")
