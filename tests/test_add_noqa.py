"""``--add-noqa`` through the installed command: merged, comment-keeping, atomic, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import run_flake8, run_wxkf, snapshot, write
from wxkf_lint.add_noqa import marked_text

LEGACY = '''\
import requests

URL = "https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=x"


def send(user):
    body = f"""{{"touser": "{user}",
    "msgtype": "text"}}"""
    resp = requests.post(URL, data=body).json()
    if resp["errmsg"] == "ok":  # type: ignore
        return 1
    if resp["errmsg"] \\
            == "ok":
        return 2
    if resp["errmsg"] == "ok":  # noqa: WXK203 keep this
        return 3
    if resp["errcode"] == "0":   \t
        return 4
'''

MARKED = LEGACY.replace(
    '== "ok":  # type: ignore', '== "ok":  # type: ignore  # noqa: WXK101'
).replace(
    '# noqa: WXK203 keep this', '# noqa: WXK203, WXK101 keep this'
).replace(
    'if resp["errcode"] == "0":   \t', 'if resp["errcode"] == "0":  # noqa: WXK102'
)


def _add_noqa(tree: Path):
    return run_wxkf(["--isolated", "--no-cache", "--add-noqa", "."], cwd=tree)


def test_add_noqa_marks_merges_keeps_comments_and_says_what_it_could_not(tmp_path):
    target = write(tmp_path / "kf.py", LEGACY)
    result = _add_noqa(tmp_path)
    assert result.returncode == 0 and result.stdout == ""
    assert result.stderr == (
        "wxkf-lint: kf.py:7: no # noqa added: the line ends inside a multi-line string or after a backslash (use --baseline)\n"
        "wxkf-lint: kf.py:12: no # noqa added: the line ends inside a multi-line string or after a backslash (use --baseline)\n"
        "Added 3 noqa directives.\n"
    )
    assert target.read_text(encoding="utf-8") == MARKED
    remaining = run_wxkf(["--isolated", "--no-cache", "."], cwd=tmp_path)
    assert [line.split(" ")[0:2] for line in remaining.stdout.splitlines()[:2]] == [
        ["kf.py:7:12:", "WXK501"],
        ["kf.py:12:8:", "WXK101"],
    ]
    assert remaining.stdout.splitlines()[2].startswith("Found 2 errors.")
    flake8 = run_flake8(["--select", "WXK", "kf.py"], cwd=tmp_path)
    assert {line.split(" ")[0] for line in flake8.stdout.splitlines()} == {"kf.py:7:12:", "kf.py:12:8:"}


def test_a_second_add_noqa_changes_nothing(tmp_path):
    write(tmp_path / "kf.py", LEGACY)
    write(tmp_path / "crlf.py", LEGACY.replace("\n", "\r\n"))
    _add_noqa(tmp_path)
    assert (tmp_path / "crlf.py").read_bytes() == MARKED.replace("\n", "\r\n").encode("utf-8")
    before = snapshot(tmp_path)
    again = _add_noqa(tmp_path)
    assert again.returncode == 0 and again.stderr.endswith("Added 0 noqa directives.\n")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("args", [["--fix"], ["--diff"], ["-"], ["--stdin-filename", "x.py"]])
def test_add_noqa_refuses_what_it_cannot_do(tmp_path, args):
    result = run_wxkf(["--isolated", "--add-noqa", *args, "."], cwd=tmp_path, stdin="")
    assert result.returncode == 2 and result.stderr.startswith("wxkf-lint: error: --add-noqa ")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "line, codes, expected",
    [
        ("x = 1\n", ["WXK101"], "x = 1  # noqa: WXK101\n"),
        ("x = 1  # noqa:WXK101\n", ["WXK203", "WXK101"], "x = 1  # noqa: WXK101, WXK203\n"),
        ("x = 1  # noqa\n", ["WXK101"], "x = 1  # noqa\n"),
        ("x = 1 \x0c # why  \n", ["WXK101"], "x = 1 \x0c # why  # noqa: WXK101\n"),
        ("x = (  # open\n    1)\n", ["WXK101"], "x = (  # open  # noqa: WXK101\n    1)\n"),
        ('x = "# noqa"\n', ["WXK101"], 'x = "# noqa"  # noqa: WXK101\n'),
    ],
    ids=["plain", "merge", "bare-noqa", "form-feed-and-comment", "inside-brackets", "noqa-in-a-string"],
)
def test_marked_text_places_the_comment(line, codes, expected):
    text, added, skipped = marked_text(line, {1: codes})
    assert (text, skipped) == (expected, []) and added == (text != line)
