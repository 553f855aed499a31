"""``--fix`` and ``--diff``: the installed command in a subprocess, plus unit tests of wxkf_lint.fixes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dataclasses import replace

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, settings
import hypothesmith

from tests.cli_helpers import parse_text_report, run_wxkf, snapshot, write
from tests.rulebook_cases import page_cases, without_expectations
from wxkf_lint.config import load_settings
from wxkf_lint.engine import Linter
from wxkf_lint.findings import Finding, Fix
from wxkf_lint.fixes import FixError, apply_fixes, fix_source, unified_diff, write_fixed
from wxkf_lint.lines import LineIndex
from wxkf_lint.source import decode

_LINTER = Linter.from_settings(load_settings(None, True, Path.cwd()))
_UNSAFE_LINTER = Linter.from_settings(replace(load_settings(None, True, Path.cwd()), unsafe_fixes=True))

HEADER = 'import requests\n\nURL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"\n\n\n'

#: (code, defective line, the line as the fix leaves it)
RULE_FIXES = [
    ("WXK101", 'ok = resp["errmsg"] == "ok"', 'ok = resp["errcode"] == 0'),
    ("WXK101", 'failed = "ok" != resp.get("errmsg")', 'failed = 0 != resp.get("errcode")'),
    ("WXK102", 'expired = resp["errcode"] in ("40014", "42001")', "expired = resp[\"errcode\"] in (40014, 42001)"),
    ("WXK102", 'busy = resp.get("errcode") == "-1"', 'busy = resp.get("errcode") == -1'),
    ("WXK502", 'resp = requests.post(URL, data={"a": 1}).json()', 'resp = requests.post(URL, json={"a": 1}).json()'),
]

#: one defect of each fixable rule, and one (WXK101 on a string method) that has no fix
DEFECTS = (
    HEADER
    + "def send(body):\n"
    + '    resp = requests.post(URL, data={"touser": body}, timeout=3).json()\n'
    + '    if resp["errmsg"] == "ok":\n'
    + "        return resp\n"
    + '    if resp["errcode"] == "40014":\n'
    + '        raise RuntimeError(resp["errmsg"])\n'
    + '    if resp["errmsg"].startswith("invalid"):\n'
    + "        return None\n"
    + "    return resp\n"
)
DEFECTS_FIXED = (
    DEFECTS.replace("data=", "json=")
    .replace('resp["errmsg"] == "ok"', 'resp["errcode"] == 0')
    .replace('== "40014"', "== 40014")
)


def module_body(line: str) -> str:
    return HEADER + "def check(resp):\n    " + line + "\n    return resp\n"


@pytest.mark.parametrize("code, before, after", RULE_FIXES)
def test_fix_applies_each_rules_fix(tmp_path, code, before, after):
    path = write(tmp_path / "kf.py", module_body(before))
    result = run_wxkf(["--isolated", "--select", code, "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == module_body(after)
    assert (result.returncode, result.stdout) == (0, "Found 1 error (1 fixed, 0 remaining).\n")


def test_fix_reports_what_remains_and_exits_on_it(tmp_path):
    path = write(tmp_path / "kf.py", DEFECTS)
    result = run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == DEFECTS_FIXED
    assert result.returncode == 1
    assert parse_text_report(result.stdout) == {("kf.py", 12, 8, "WXK101")}  # the position in the fixed file
    assert result.stdout.endswith("Found 4 errors (3 fixed, 1 remaining).\n")


def test_fix_respects_selection_and_noqa(tmp_path):
    noqa = DEFECTS.replace('timeout=3).json()\n', "timeout=3).json()  # noqa: WXK502\n")
    path = write(tmp_path / "kf.py", noqa)
    run_wxkf(["--isolated", "--select", "WXK101,WXK502", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == noqa.replace('resp["errmsg"] == "ok"', 'resp["errcode"] == 0')


def test_second_fix_changes_nothing(tmp_path):
    path = write(tmp_path / "kf.py", DEFECTS)
    run_wxkf(["--isolated", "--select", "WXK102,WXK502", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    fixed = path.read_bytes()
    inode = path.stat().st_ino
    again = run_wxkf(["--isolated", "--select", "WXK102,WXK502", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert path.read_bytes() == fixed and path.stat().st_ino == inode  # not even rewritten
    assert again.returncode == 0
    assert again.stdout == "All checks passed!\n"


def test_a_fix_over_several_lines_keeps_their_indentation(tmp_path):
    """The continuation lines of a call or a comparison carry the indentation of the blocks around them."""
    text = (
        HEADER
        + "class Client:\n"
        + "    def send(self, body):\n"
        + "        resp = requests.post(\n"
        + "            URL,\n"
        + '            data={"touser": body},  # the body\n'
        + "            timeout=3,\n"
        + "        ).json()\n"
        + "        if (resp['errcode']\n"
        + "                in ('40014',\n"
        + "                    '42001')):\n"
        + "            return None\n"
        + "        return resp\n"
    )
    path = write(tmp_path / "kf.py", text)
    result = run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    expected = text.replace("data=", "json=").replace("'40014'", "40014").replace("'42001'", "42001")
    assert path.read_text(encoding="utf-8") == expected
    assert "(2 fixed, 0 remaining)" in result.stdout


def test_fixes_that_overlap_are_applied_over_passes(tmp_path):
    """WXK101's fix lies inside WXK502's: the first pass applies one, the next pass the other."""
    text = HEADER + 'requests.post(URL, data={"ok": prev["errmsg"] == "ok"}, timeout=3)\n'
    path = write(tmp_path / "kf.py", text)
    result = run_wxkf(["--isolated", "--select", "WXK101,WXK502", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    expected = text.replace("data=", "json=").replace('prev["errmsg"] == "ok"', 'prev["errcode"] == 0')
    assert path.read_text(encoding="utf-8") == expected
    assert "(2 fixed, 0 remaining)" in result.stdout


def test_crlf_newlines_are_kept(tmp_path):
    path = tmp_path / "kf.py"
    path.write_bytes(DEFECTS.replace("\n", "\r\n").encode("utf-8"))
    run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert path.read_bytes() == DEFECTS_FIXED.replace("\n", "\r\n").encode("utf-8")


def test_bom_is_kept(tmp_path):
    path = tmp_path / "kf.py"
    path.write_bytes(b"\xef\xbb\xbf" + ("# 客服\n" + DEFECTS).encode("utf-8"))
    run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + ("# 客服\n" + DEFECTS_FIXED).encode("utf-8")


def test_coding_cookie_encoding_is_kept(tmp_path):
    path = tmp_path / "kf.py"
    cookie = "# -*- coding: latin-1 -*-\n# café\n"
    path.write_bytes((cookie + DEFECTS).encode("latin-1"))
    run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert path.read_bytes() == (cookie + DEFECTS_FIXED).encode("latin-1")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o600, 0o755])
def test_file_mode_is_kept(tmp_path, mode):
    path = write(tmp_path / "kf.py", DEFECTS)
    path.chmod(mode)
    run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == DEFECTS_FIXED
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kf.py"]  # no temporary file left behind


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_symlink_stays_a_link_to_the_fixed_file(tmp_path):
    target = write(tmp_path / "real" / "kf.py", DEFECTS)
    (tmp_path / "link.py").symlink_to(target)
    run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "link.py"], cwd=tmp_path)
    assert (tmp_path / "link.py").is_symlink()
    assert target.read_text(encoding="utf-8") == DEFECTS_FIXED


def test_diff_prints_the_fixes_and_writes_nothing(tmp_path):
    write(tmp_path / "kf.py", DEFECTS)
    write(tmp_path / "clean.py", HEADER)
    before = snapshot(tmp_path)
    result = run_wxkf(["--isolated", "--unsafe-fixes", "--diff", "."], cwd=tmp_path)
    assert snapshot(tmp_path) == before
    assert result.returncode == 1
    assert result.stdout == unified_diff("kf.py", DEFECTS, DEFECTS_FIXED)
    assert result.stdout.startswith("--- a/kf.py\n+++ b/kf.py\n@@ ")
    assert '-    resp = requests.post(URL, data={"touser": body}, timeout=3).json()\n' in result.stdout
    assert '+    resp = requests.post(URL, json={"touser": body}, timeout=3).json()\n' in result.stdout
    assert "Would fix 3 errors." in result.stderr
    assert run_wxkf(["--isolated", "--unsafe-fixes", "--fix", "--diff", "."], cwd=tmp_path).stdout == result.stdout
    assert snapshot(tmp_path) == before


def test_diff_exits_0_when_nothing_would_change(tmp_path):
    write(tmp_path / "kf.py", DEFECTS_FIXED)
    result = run_wxkf(["--isolated", "--diff", "kf.py"], cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert "No errors would be fixed." in result.stderr


def test_stdin_fix_prints_the_fixed_source_and_reports_on_stderr(tmp_path):
    before = snapshot(tmp_path)
    result = run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "--stdin-filename", "kf.py"], cwd=tmp_path, stdin=DEFECTS)
    assert result.stdout == DEFECTS_FIXED
    assert "kf.py:12:8: WXK101 " in result.stderr
    assert result.returncode == 1
    assert snapshot(tmp_path) == before


def test_diff_of_a_file_without_final_newline():
    no_newline = "\\ No newline at end of file\n"
    assert unified_diff("x.py", "a = 1", "a = 2").endswith(f"-a = 1\n{no_newline}+a = 2\n{no_newline}")


@pytest.mark.parametrize(
    "line",
    [
        'found = resp["errcode"] in "40014"',  # a substring test: `in 40014` would raise TypeError
        'same = resp["errcode"] is "0"',  # an identity test
        'both = resp["errcode"] == "0" == resp["state"]',  # "0" is compared with resp["state"] too
        'padded = resp["errcode"] == " 0"',
        'leading = resp["errcode"] == "007"',
        'resp = requests.post(URL, data={"a": 1}, json=None, timeout=3).json()',  # json= twice
        'resp = requests.post(URL, data={"a": 1}, **options).json()',  # options may hold json=
    ],
)
def test_no_fix_is_offered_that_would_change_more_than_the_defect(line):
    findings = _LINTER.lint_source(decode(module_body(line).encode("utf-8")), "kf.py")
    assert len(findings) == 1 and findings[0].fix is None


@pytest.mark.parametrize("code", ["WXK102", "WXK502"])
def test_the_rule_page_shows_what_fix_makes_of_its_example(code):
    """For these rules the page's *Use instead* is exactly the fixed *Example*: docs and fix agree."""
    blocks = {kind: source for page, kind, source, number in page_cases() if page == code and number == 0}
    outcome = fix_source(_UNSAFE_LINTER, decode(blocks["bad"].encode("utf-8")), "example.py")
    assert [f.code for f in outcome.fixed] == [code]
    assert without_expectations(outcome.text) == blocks["good"]


# --- the fixes module in-process -----------------------------------------------------------------------


def _finding(text: str, line: int, column: int, end_line: int, end_column: int, content: str) -> Finding:
    lines = LineIndex(text)
    start, end = lines.offset(line, column), lines.offset(end_line, end_column)
    fix = Fix(line, column, end_line, end_column, content, "crafted", start, end)
    return Finding("x.py", line, column, end_line, end_column, "WXK999", "crafted", "crafted", fix)


def test_a_fix_whose_result_does_not_parse_is_refused(tmp_path):
    text = "if a == 1:\n    pass\n"
    breaking = _finding(text, 1, 6, 1, 8, "= =")
    assert apply_fixes(text, [breaking]) == (text, [])
    path = tmp_path / "x.py"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(FixError, match="does not parse"):
        write_fixed(str(path), decode(path.read_bytes()), "if a = = 1:\n    pass\n")
    assert path.read_bytes() == text.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.py"]


def test_a_file_that_cannot_be_written_is_a_one_line_error(tmp_path):
    source = decode(b"x = 1\n")
    with pytest.raises(FixError, match=r"gone/x\.py: cannot write the fixed file: No such file or directory$"):
        write_fixed(str(tmp_path / "gone" / "x.py"), source, "x = 2\n")


def test_a_fix_that_cpython_would_no_longer_compile_is_refused():
    """LibCST's grammar accepts a repeated keyword argument; CPython does not."""
    text = "post(url, data=body, json=None)\n"
    assert apply_fixes(text, [_finding(text, 1, 11, 1, 15, "json")]) == (text, [])


def test_overlapping_fixes_apply_once_never_half():
    text = "value = first + second\n"
    whole = _finding(text, 1, 9, 1, 23, "total")
    inside = _finding(text, 1, 17, 1, 23, "other")
    after = _finding(text, 1, 1, 1, 6, "result")
    fixed, applied = apply_fixes(text, [inside, whole, after])
    assert fixed == "result = total\n"
    assert applied == [after, whole]


def test_two_insertions_at_one_point_apply_only_the_first():
    text = "x = 1\n"
    first, second = _finding(text, 1, 5, 1, 5, "-"), _finding(text, 1, 5, 1, 5, "+")
    assert apply_fixes(text, [first, second]) == ("x = -1\n", [first])


def test_positions_count_lines_as_libcst_does():
    """A form feed is not a line break for LibCST (``str.splitlines`` would count one)."""
    text = "a = 1\x0c\r\nb = 2\rc = 3\n"
    assert apply_fixes(text, [_finding(text, 3, 5, 3, 6, "4")])[0] == "a = 1\x0c\r\nb = 2\rc = 4\n"


_MARKERS = (
    'resp = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg", data={"a": 1})\n'
    'if resp["errmsg"] == "ok": pass\n'
)
_MARKERS_FIXED = (
    'resp = requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg", json={"a": 1})\n'
    'if resp["errcode"] == 0: pass\n'
)


@pytest.mark.fuzz
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates (``1()`` warns)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(hypothesmith.from_grammar())
def test_fixing_generated_programs_leaves_text_that_parses(program):
    text = _MARKERS + program
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError:
        return  # hypothesmith follows CPython's grammar, which LibCST trails now and then
    outcome = fix_source(_UNSAFE_LINTER, decode(text.encode("utf-8")), "generated.py")
    cst.parse_module(outcome.text)
    assert outcome.text.startswith(_MARKERS_FIXED)
    assert fix_source(_UNSAFE_LINTER, decode(outcome.text.encode("utf-8")), "generated.py").text == outcome.text
