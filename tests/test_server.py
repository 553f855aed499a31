"""``wxkf-lint server``: a real LSP session over stdio with the installed command, as an editor runs it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from tests.cli_helpers import run_wxkf, write
from tests.lsp_client import CAPABILITIES, LspSession, apply_edits, edits_of

pytest.importorskip("pygls", reason="the server needs the lsp extra")

KF = '''\
import requests


def send(token, body):
    resp = requests.post(f"https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token={token}", json=body).json()
    if resp["errmsg"] == "ok":
        return resp["msgid"]
    raise RuntimeError(resp["errmsg"])


def add_account(name):
    return requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/account/add", data={"name": name}).json()
'''


@pytest.fixture
def session(tmp_path):
    opened = LspSession(tmp_path)
    yield opened
    opened.kill()
    assert "Traceback" not in opened.stderr()


def _runner(tmp_path: Path, name: str, *args: str) -> List[Dict]:
    result = run_wxkf(["--format", "json", *args, name], cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def _places(diagnostics: List[Dict]) -> List[Tuple[int, int, int, int, str]]:
    return sorted(
        (d["range"]["start"]["line"], d["range"]["start"]["character"], d["range"]["end"]["line"],
         d["range"]["end"]["character"], d.get("code", ""))
        for d in diagnostics
    )


def _codes(diagnostics: List[Dict]) -> List[str]:
    return sorted(d.get("code", "") for d in diagnostics)


def test_open_publishes_the_runners_findings(session, tmp_path):
    path = write(tmp_path / "kf.py", KF)
    diagnostics = session.diagnostics(path.as_uri(), session.open(path, KF))
    expected = _runner(tmp_path, "kf.py")
    assert [(d["code"], d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["message"])
            for d in sorted(diagnostics, key=lambda d: d["range"]["start"]["line"])] == [
        (f["code"], f["line"], f["column"], f["message"]) for f in expected
    ]
    assert _places(diagnostics) == [(5, 7, 5, 29, "WXK101"), (11, 79, 11, 98, "WXK502")]
    mark = session.mark()
    session.notify("textDocument/didSave", {"textDocument": {"uri": path.as_uri()}})
    assert session.diagnostics(path.as_uri(), mark) == diagnostics
    first = diagnostics[0]
    assert (first["source"], first["severity"]) == ("wxkf-lint", 2)
    assert first["codeDescription"]["href"].startswith("file:") and first["codeDescription"]["href"].endswith("/WXK101.md")
    assert session.close() == 0


def test_columns_are_utf16_and_lines_break_only_where_lsp_breaks_them(session, tmp_path):
    # an astral character (two UTF-16 units) before the finding, and a form feed on an earlier line:
    # str.splitlines would count the form feed as a line break and put every later line one too far
    text = KF.replace("import requests\n", "import requests\n# page \x0c two\n", 1)
    text = text.replace('    if resp["errmsg"] == "ok":', '    if "😀" and resp["errmsg"] == "ok":')
    path = write(tmp_path / "kf.py", text)
    diagnostics = session.diagnostics(path.as_uri(), session.open(path, text))
    [runner] = [f for f in _runner(tmp_path, "kf.py") if f["code"] == "WXK101"]
    [found] = [d for d in diagnostics if d["code"] == "WXK101"]
    assert (runner["line"], runner["column"], runner["end_column"]) == (7, 16, 38)  # code points, 1-based
    assert found["range"] == {"start": {"line": 6, "character": 16}, "end": {"line": 6, "character": 38}}  # 😀 counts 2


def test_quick_fix_and_noqa_actions_clear_the_diagnostic(session, tmp_path):
    path = write(tmp_path / "kf.py", KF)
    uri = path.as_uri()
    session.diagnostics(uri, session.open(path, KF))
    actions = session.code_actions(path, 5, 12)
    assert [(a["title"], a["kind"], a.get("isPreferred", False)) for a in actions] == [
        ('wxkf-lint (WXK101): test errcode == 0 instead of errmsg == "ok"', "quickfix", True),
        ("wxkf-lint (WXK101): add `# noqa: WXK101` to this line", "quickfix", False),
    ]
    assert all(a["diagnostics"][0]["code"] == "WXK101" for a in actions)
    assert all(a["edit"]["documentChanges"][0]["textDocument"]["version"] == 1 for a in actions)

    fixed = apply_edits(KF, edits_of(actions[0]))
    assert '    if resp["errcode"] == 0:\n' in fixed
    assert _codes(session.diagnostics(uri, session.change(path, fixed, 2))) == ["WXK502"]

    suppressed = apply_edits(KF, edits_of(actions[1]))
    assert '    if resp["errmsg"] == "ok":  # noqa: WXK101\n' in suppressed
    assert _codes(session.diagnostics(uri, session.change(path, suppressed, 3))) == ["WXK502"]

    # an action on a line with no finding: none
    assert session.code_actions(path, 0, 0) == []


def test_quick_fixes_and_fix_all_give_the_runners_fix(session, tmp_path):
    path = write(tmp_path / "kf.py", KF)
    uri = path.as_uri()
    session.diagnostics(uri, session.open(path, KF))
    [fix_all] = session.code_actions(path, 0, 0, only=["source.fixAll"])
    assert fix_all["kind"] == "source.fixAll.wxkf-lint"
    after_fix_all = apply_edits(KF, edits_of(fix_all))

    one_by_one = KF
    session.diagnostics(uri, session.change(path, one_by_one, 2))
    [quick] = [a for a in session.code_actions(path, 5, 10) if a.get("isPreferred")]
    one_by_one = apply_edits(one_by_one, edits_of(quick))
    # WXK502's fix (data= → json=) changes what is sent: unsafe, so neither offered nor applied by --fix
    assert not [a for a in session.code_actions(path, 11, 85) if a.get("isPreferred")]
    assert _codes(session.diagnostics(uri, session.change(path, one_by_one, 3))) == ["WXK502"]

    result = run_wxkf(["--fix", "kf.py"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert path.read_text(encoding="utf-8") == one_by_one == after_fix_all


def test_noqa_action_merges_into_an_existing_noqa_comment(session, tmp_path):
    text = KF.replace('    if resp["errmsg"] == "ok":', '    if resp["errmsg"] == "ok":  # keep  # noqa: E501')
    path = write(tmp_path / "kf.py", text)
    uri = path.as_uri()
    session.diagnostics(uri, session.open(path, text))
    [noqa] = [a for a in session.code_actions(path, 5, 12) if "noqa" in a["title"]]
    merged = apply_edits(text, edits_of(noqa))
    assert '    if resp["errmsg"] == "ok":  # keep  # noqa: E501, WXK101\n' in merged
    assert _codes(session.diagnostics(uri, session.change(path, merged, 2))) == ["WXK502"]


def test_no_noqa_action_where_a_comment_would_land_in_a_string(session, tmp_path):
    text = '''\
import requests

URL = "https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=x&corpsecret=" + """a
b"""
'''
    path = write(tmp_path / "kf.py", text)
    uri = path.as_uri()
    diagnostics = session.diagnostics(uri, session.open(path, text))
    runner = _runner(tmp_path, "kf.py")
    assert [(d["range"]["start"]["line"] + 1, d["code"]) for d in diagnostics] == [(f["line"], f["code"]) for f in runner]
    for diagnostic in diagnostics:
        start = diagnostic["range"]["start"]
        titles = [a["title"] for a in session.code_actions(path, start["line"], start["character"])]
        if start["line"] == 2:  # the line ends inside the triple-quoted string
            assert not any("noqa" in title for title in titles)


def test_syntax_error_is_one_wxk001_where_the_runner_puts_it(session, tmp_path):
    text = KF.replace('    if resp["errmsg"] == "ok":', '    if resp["errmsg"] == "ok"')
    path = write(tmp_path / "kf.py", text)
    diagnostics = session.diagnostics(path.as_uri(), session.open(path, text))
    [runner] = _runner(tmp_path, "kf.py")
    assert [(d["code"], d["severity"], d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["message"])
            for d in diagnostics] == [("WXK001", 1, runner["line"], runner["column"], runner["message"])]
    assert session.code_actions(path, runner["line"] - 1, 0) == []
    # the server goes on: the repaired text is linted
    assert _codes(session.diagnostics(path.as_uri(), session.change(path, KF, 2))) == ["WXK101", "WXK502"]


def test_rapid_edits_coalesce_and_the_last_text_wins(session, tmp_path):
    body = "\n".join(f"def helper_{n}(x):\n    return x + {n}\n" for n in range(400))  # a ~1,200-line document
    clean = KF.replace('resp["errmsg"] == "ok"', 'resp["errcode"] == 0') + body
    path = write(tmp_path / "kf.py", clean)
    uri = path.as_uri()
    assert _codes(session.diagnostics(uri, session.open(path, clean))) == ["WXK502"]
    mark = session.mark()
    for version in range(2, 32):  # 30 keystrokes, faster than the debounce
        text = KF + body if version % 2 else clean
        session.change(path, text, version)
        time.sleep(0.01)
    final = session.diagnostics(uri, mark, timeout=60)
    deadline = time.monotonic() + 3  # anything still to come would be a stale publish
    while time.monotonic() < deadline:
        time.sleep(0.2)
    published = session.published(uri, mark)
    versions = [m["params"].get("version") for m in session.notifications[mark:]
                if m.get("method") == "textDocument/publishDiagnostics"]
    assert versions == [31] and len(published) == 1, versions  # one lint for the whole burst, of the last text
    assert _codes(final) == ["WXK101", "WXK502"]  # version 31 is odd: the defective text


def test_configuration_is_read_per_document_and_reread_on_change(session, tmp_path):
    other = tmp_path / "other"
    configured = write(other / "pyproject.toml", '[tool.wxkf-lint]\nignore = ["WXK502"]\n')
    here, there = write(tmp_path / "kf.py", KF), write(other / "kf.py", KF)
    assert _codes(session.diagnostics(here.as_uri(), session.open(here, KF))) == ["WXK101", "WXK502"]
    assert _codes(session.diagnostics(there.as_uri(), session.open(there, KF))) == ["WXK101"]

    def changed(path: Path, text: str) -> int:
        path.write_text(text, encoding="utf-8")
        mark = session.mark()
        session.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": path.as_uri(), "type": 2}]})
        return mark

    mark = changed(configured, '[tool.wxkf-lint]\nignore = ["WXK101"]\n')
    assert _codes(session.diagnostics(there.as_uri(), mark)) == ["WXK502"]

    mark = changed(configured, '[tool.wxkf-lint]\nignroe = ["WXK101"]\n')
    [broken] = session.diagnostics(there.as_uri(), mark)
    assert broken["severity"] == 1 and "unknown key 'ignroe'" in broken["message"] and "pyproject.toml" in broken["message"]
    [shown] = session.messages(mark)
    assert shown["type"] == 1 and "unknown key 'ignroe', did you mean 'ignore'?" in shown["message"]
    assert "\n" not in shown["message"]
    assert _codes(session.diagnostics(here.as_uri(), mark)) == ["WXK101", "WXK502"]  # not under that file

    # the save of an open pyproject.toml counts too, for clients that do not watch files
    configured.write_text('[tool.wxkf-lint]\nignore = ["WXK1"]\n', encoding="utf-8")
    mark = session.mark()
    session.notify("textDocument/didSave", {"textDocument": {"uri": configured.as_uri()}})
    assert _codes(session.diagnostics(there.as_uri(), mark)) == ["WXK502"]
    assert session.close() == 0
    assert "Traceback" not in session.stderr()


def test_excluded_document_gets_no_findings(session, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.wxkf-lint]\nextend-exclude = ["generated"]\n')
    path = write(tmp_path / "generated" / "kf.py", KF)
    assert _runner(tmp_path, "generated/kf.py") == []
    assert session.diagnostics(path.as_uri(), session.open(path, KF)) == []


def test_without_configuration_the_default_excludes_match_from_the_workspace(tmp_path):
    """As the runner started in the workspace folder drops ``build/kf.py``; ``kf.py`` beside it is linted.
    The server is started elsewhere, as editors may start it: the workspace folder counts, not its cwd."""
    workspace, elsewhere = tmp_path / "workspace", tmp_path / "elsewhere"
    elsewhere.mkdir()
    built, kept = write(workspace / "build" / "kf.py", KF), write(workspace / "kf.py", KF)
    assert _runner(workspace, "build/kf.py") == []
    session = LspSession(workspace, cwd=elsewhere)
    try:
        assert session.diagnostics(built.as_uri(), session.open(built, KF)) == []
        assert _codes(session.diagnostics(kept.as_uri(), session.open(kept, KF))) == ["WXK101", "WXK502"]
    finally:
        session.kill()


def test_utf8_position_encoding_when_the_client_asks_for_it(tmp_path):
    capabilities = dict(CAPABILITIES, general={"positionEncodings": ["utf-8", "utf-16"]})
    text = KF.replace('    if resp["errmsg"] == "ok":', '    if "发" and resp["errmsg"] == "ok":')
    session = LspSession(tmp_path, capabilities)
    try:
        assert session.initialize_result["capabilities"]["positionEncoding"] == "utf-8"
        path = write(tmp_path / "kf.py", text)
        [found] = [d for d in session.diagnostics(path.as_uri(), session.open(path, text)) if d["code"] == "WXK101"]
        assert found["range"]["start"] == {"line": 5, "character": 7 + len('"发" and ') + 2}  # 发 is 3 bytes
    finally:
        session.kill()


def test_exit_without_shutdown_is_exit_code_1(tmp_path):
    session = LspSession(tmp_path)
    try:
        session.notify("exit", None)
        assert session.process.wait(30) == 1
    finally:
        session.kill()


def test_server_ends_when_the_client_goes_away(tmp_path):
    session = LspSession(tmp_path)
    try:
        assert session.process.stdin is not None
        session.process.stdin.close()
        session.process.wait(30)
        assert "Traceback" not in session.stderr()
    finally:
        session.kill()


def test_runner_never_imports_pygls(tmp_path):
    write(tmp_path / "kf.py", KF)
    code = "import sys\nfrom wxkf_lint.cli import main\nmain(['--isolated', 'kf.py'])\nprint('pygls' in sys.modules)\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_deep_document_is_linted_at_the_runners_recursion_limit(session, tmp_path):
    """Placing a finding beside 2,500 concatenated literals recurses once per part, on the server's worker
    thread: it needs the runner's recursion limit and a stack to match, or it would be a WXK003."""
    parts = " ".join(f'"line {number}\\n"' for number in range(2500))
    text = KF + f"HELP = ({parts})\n"
    path = write(tmp_path / "kf.py", text)
    diagnostics = session.diagnostics(path.as_uri(), session.open(path, text), timeout=120)
    runner = _runner(tmp_path, "kf.py")
    assert [(d["code"], d["range"]["start"]["line"] + 1) for d in diagnostics] == [(f["code"], f["line"]) for f in runner]
    assert _codes(diagnostics) == ["WXK101", "WXK502"]


def test_without_pygls_the_command_says_what_to_install(tmp_path):
    code = "import sys\nsys.modules['pygls'] = None\nfrom wxkf_lint.cli import main\nsys.exit(main(['server']))\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == "wxkf-lint: error: the language server needs pygls: pip install 'wxkf-lint[lsp]'\n"


def test_readme_states_the_debounce():
    from tests.cli_helpers import REPO
    from wxkf_lint.server.app import DEBOUNCE_SECONDS

    assert f"{DEBOUNCE_SECONDS} s after the\n  last of a run of changes" in (REPO / "README.md").read_text(encoding="utf-8")


def test_unsaved_document_is_linted_and_closing_clears_it(session, tmp_path):
    uri = "untitled:Untitled-1"
    mark = session.mark()
    session.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": KF}})
    assert _codes(session.diagnostics(uri, mark)) == ["WXK101", "WXK502"]
    mark = session.mark()
    session.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert session.diagnostics(uri, mark) == []


def test_every_example_gets_the_runners_findings(session, tmp_path):
    """The examples' findings of every rule, each at the runner's place with its message."""
    from tests.cli_helpers import REPO

    examples = sorted((REPO / "examples").rglob("*.py"))
    result = run_wxkf(["--isolated", "--format", "json", *map(str, examples)], cwd=REPO)
    expected: Dict[str, List[Tuple]] = {}
    for f in json.loads(result.stdout):
        expected.setdefault(str((REPO / f["path"]).resolve()), []).append(
            (f["line"] - 1, f["column"] - 1, f["end_line"] - 1, f["end_column"] - 1, f["code"], f["message"])
        )
    assert sum(map(len, expected.values())) >= 15
    for example in examples:
        text = example.read_text(encoding="utf-8")  # no character beyond U+FFFF: UTF-16 columns are code points
        path = write(tmp_path / example.relative_to(REPO), text)
        found = sorted(
            (d["range"]["start"]["line"], d["range"]["start"]["character"], d["range"]["end"]["line"],
             d["range"]["end"]["character"], d["code"], d["message"])
            for d in session.diagnostics(path.as_uri(), session.open(path, text))
        )
        assert found == sorted(expected.get(str(example.resolve()), [])), example.name


def test_an_unsafe_fix_is_not_offered(session, tmp_path):
    """WXK503's fix changes what is sent: ``--fix`` leaves it, so the server offers only the noqa action."""
    text = '''\
import requests


def send_text(token, user, text):
    data = requests.post(
        "https://qyapi.weixin.qq.com/cgi-bin/message/send",
        params={"access_token": token, "touser": user, "msgtype": "text", "text": {"content": text}},
        timeout=5,
    ).json()
    if data["errcode"] != 0:
        raise RuntimeError(data["errmsg"])
'''
    path = write(tmp_path / "kf.py", text)
    [finding] = _runner(tmp_path, "kf.py")
    assert (finding["code"], finding["fix"] is not None) == ("WXK503", True)
    [diagnostic] = session.diagnostics(path.as_uri(), session.open(path, text))
    start = diagnostic["range"]["start"]
    titles = [a["title"] for a in session.code_actions(path, start["line"], start["character"])]
    assert titles == ["wxkf-lint (WXK503): add `# noqa: WXK503` to this line"]
    assert session.code_actions(path, 0, 0, only=["source.fixAll"]) == []
