"""Every rule has a page that declares it; every bad example on it yields exactly what its ``# expect:`` comments
say (at least its own rule), every good example nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import REPO, run_wxkf
from tests.helpers import lint
from tests.rulebook_cases import RULES_DIR, expected_findings, page_cases
from wxkf_lint.registry import RULES, rule_of
from wxkf_lint.rulebook import RuleBookError, code_blocks, read_page, sections

#: "When it cannot see enough" says what keeps the rule silent where its decisive fact is unknown (SPEC §2)
REQUIRED_SECTIONS = ("What it does", "When it cannot see enough", "Why is this bad?", "Example", "Use instead", "Fix safety")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_rule_has_a_complete_page(rule):
    page = read_page(RULES_DIR / f"{rule.code}.md")
    assert page.text.startswith(f"# {rule.code} {rule.name}\n")
    parts = sections(page.text)
    missing = [name for name in REQUIRED_SECTIONS if name not in parts]
    assert not missing, f"{page.path.name} lacks sections {missing}"
    assert code_blocks(parts["Example"]) and code_blocks(parts["Use instead"]), "a bad and a good example (python blocks)"


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("WXK*.md")), ids=lambda path: path.stem)
def test_every_page_declares_its_rule_in_its_front_matter(path):
    """A page the table cannot read fails here with the message a run would print (page, line, field)."""
    rule = rule_of(read_page(path))
    assert (rule.code, f"{rule.code}.md") == (path.stem, path.name)
    assert list(read_page(path).fields) == ["summary", "default", "fix"], "the fields in the documented order"


_GOOD_HEAD = '---\nsummary: "a msgmenu with more than 10 items (95008)"\ndefault: true\nfix: "none"\n---\n'
_BODY = "# WXK999 menu-too-long\n\n## What it does\nFinds it.\n"

#: (what the page says, what the table says about it: where and what)
MALFORMED = [
    (
        _BODY,
        "{path}:1: a rule page starts with a front-matter block ('---' on its own line)",
    ),
    (
        '---\nsummary: "x"\n' + _BODY,
        "{path}: the front-matter block has no closing '---' line",
    ),
    (
        _GOOD_HEAD.replace('fix: "none"\n', ""),
        "{path}: the front matter lacks fix: \"safe\", \"unsafe\" or \"none\"",
    ),
    (
        _GOOD_HEAD.replace("default: true\n", ""),
        "{path}: the front matter lacks default: true (on unless turned off) or false (opt-in)",
    ),
    (
        _GOOD_HEAD.replace("summary", "summery"),
        "{path}: unknown front-matter field 'summery' (the fields: summary, default, fix)",
    ),
    (
        _GOOD_HEAD.replace('"a msgmenu', "a msgmenu").replace('(95008)"', "(95008)"),
        "{path}:2: summary: 'a msgmenu with more than 10 items (95008)' is not a JSON value (quote text: \"...\")",
    ),
    (
        _GOOD_HEAD.replace('"none"', "none"),
        "{path}:4: fix: 'none' is not a JSON value (quote text: \"...\")",
    ),
    (
        _GOOD_HEAD.replace('"none"', '"auto"'),
        "{path}: fix: expected \"safe\", \"unsafe\" or \"none\", got \"auto\"",
    ),
    (
        _GOOD_HEAD.replace("true", '"yes"'),
        "{path}: default: expected true (on unless turned off) or false (opt-in), got \"yes\"",
    ),
    (
        _GOOD_HEAD.replace('"a msgmenu with more than 10 items (95008)"', '""'),
        "{path}: summary: expected one line of text, in JSON quotes, got ''",
    ),
    (
        _GOOD_HEAD.replace("items (95008)", "items\\n(95008)"),
        "{path}: summary: expected one line of text, in JSON quotes, got 'a msgmenu with more than 10 items\\n(95008)'",
    ),
    (
        _GOOD_HEAD.replace("default: true", "default:true"),
        "{path}:3: expected 'key: value' (the value in JSON), got 'default:true'",
    ),
    (
        _GOOD_HEAD.replace("default: true", "default: true\ndefault: false"),
        "{path}:4: default is declared twice",
    ),
    (
        _GOOD_HEAD + "\n" + _BODY,
        "{path}: the title (first line after the front matter) must be '# WXK999 kebab-case-name', got ''",
    ),
    (
        _GOOD_HEAD + _BODY.replace("WXK999", "WXK998"),
        "{path}: the title (first line after the front matter) must be '# WXK999 kebab-case-name', got '# WXK998 menu-too-long'",
    ),
    (
        _GOOD_HEAD + _BODY.replace("menu-too-long", "Menu_Too_Long"),
        "{path}: the title (first line after the front matter) must be '# WXK999 kebab-case-name', got '# WXK999 Menu_Too_Long'",
    ),
]


@pytest.mark.parametrize("text,message", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_page_is_refused_naming_the_page_and_the_field(tmp_path, text, message):
    path = tmp_path / "WXK999.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleBookError) as refused:
        rule_of(read_page(path))
    assert str(refused.value) == message.format(path=path)


def test_an_unreadable_page_is_refused_naming_it(tmp_path):
    path = tmp_path / "WXK999.md"
    path.write_bytes(_GOOD_HEAD.encode("utf-8") + b"# WXK999 menu-too-long \xff\n")
    with pytest.raises(RuleBookError) as refused:
        read_page(path)
    assert str(refused.value).startswith(f"{path}: cannot read the rule page: 'utf-8' codec can't decode byte 0xff")


def test_a_well_formed_page_is_its_row_and_the_reader_sees_it_without_the_front_matter(tmp_path):
    path = tmp_path / "WXK999.md"
    path.write_text(_GOOD_HEAD.replace("true", "false").replace('"none"', '"unsafe"') + _BODY, encoding="utf-8")
    page = read_page(path)
    assert page.text == _BODY
    rule = rule_of(page)
    assert (rule.code, rule.name, rule.summary, rule.default, rule.fix) == (
        "WXK999", "menu-too-long", "a msgmenu with more than 10 items (95008)", False, "unsafe"
    )
    assert rule.module == "wxkf_lint.rules.wxk999_menu_too_long"


def test_explain_prints_the_page_without_its_front_matter():
    page = (RULES_DIR / "WXK403.md").read_text(encoding="utf-8")
    result = run_wxkf(["--explain", "wxk403"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == page[page.index("# WXK403 menu-too-long\n") :]


# -- the installed layout, and a broken rule book --------------------------------------------------------


def _package_copy(root: Path, pages: str) -> Path:
    """The package copied under ``root`` as a wheel lays it out: the pages in ``wxkf_lint/rulebook/``."""
    shutil.copytree(REPO / "wxkf_lint", root / "wxkf_lint", ignore=shutil.ignore_patterns("__pycache__"))
    book = root / "wxkf_lint" / pages
    book.mkdir(exist_ok=True)
    for page in RULES_DIR.glob("WXK*.md"):
        shutil.copy(page, book / page.name)
    return book


def _run_copy(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m wxkf_lint`` run from ``root``, so the copy there is the one imported."""
    command = [sys.executable, "-m", "wxkf_lint", *args]
    return subprocess.run(command, cwd=str(root), capture_output=True, text=True, timeout=120)


def test_the_wheel_layout_reads_the_pages_inside_the_package(tmp_path):
    """pyproject.toml ships ``rules/`` as ``wxkf_lint/rulebook/``; a package laid out so lists, explains and selects
    as the source checkout does."""
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib
    build = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]
    assert build["targets"]["wheel"]["force-include"]["rules"] == "wxkf_lint/rulebook"
    _package_copy(tmp_path, "rulebook")
    kf = tmp_path / "proj" / "kf.py"
    kf.parent.mkdir()
    kf.write_text(
        "import requests\n\n\ndef send(body):\n    while True:\n"
        "        data = requests.post('https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg', json=body).json()\n"
        "        if data['errcode'] == 0:\n            return data\n",
        encoding="utf-8",
    )
    for args in (["--list-rules"], ["--explain", "WXK402"], ["--select", "WXK2", "--isolated", "--no-cache", "proj"]):
        copy, installed = _run_copy(tmp_path, *args), run_wxkf(args, cwd=tmp_path)
        assert (copy.returncode, copy.stdout, copy.stderr) == (installed.returncode, installed.stdout, installed.stderr)
    assert "proj/kf.py:5:5: WXK201 " in copy.stdout
    assert _run_copy(tmp_path, "--list-rules").stdout.count("\nWXK") == len(RULES)


def test_a_changed_front_matter_is_a_new_cache_key(tmp_path):
    """The table is part of what decides a file's findings (which rules run, their names), so it keys the cache."""
    book = _package_copy(tmp_path, "rulebook")
    (tmp_path / "kf.py").write_text(
        "import requests\n\n\ndef send(body):\n    while True:\n"
        "        data = requests.post('https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg', json=body).json()\n"
        "        if data['errcode'] == 0:\n            return data\n",
        encoding="utf-8",
    )
    args = ["--isolated", "--cache-dir", str(tmp_path / "cache"), "--output-format", "json", "kf.py"]
    before = {finding["code"] for finding in json.loads(_run_copy(tmp_path, *args).stdout)}
    page = book / "WXK201.md"
    page.write_text(page.read_text(encoding="utf-8").replace("default: true", "default: false"), encoding="utf-8")
    after = {finding["code"] for finding in json.loads(_run_copy(tmp_path, *args).stdout)}
    assert "WXK201" in before and after == before - {"WXK201"}


def test_a_broken_rule_book_is_one_line_and_exit_2(tmp_path):
    book = _package_copy(tmp_path, "rulebook")
    page = book / "WXK203.md"
    page.write_text(page.read_text(encoding="utf-8").replace("default: true", "default: yes"), encoding="utf-8")
    for args in (["--list-rules"], ["--isolated", "."]):
        result = _run_copy(tmp_path, *args)
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert result.stderr == f"wxkf-lint: error: {page}:3: default: 'yes' is not a JSON value (quote text: \"...\")\n"
    for page in book.glob("*.md"):
        page.unlink()
    result = _run_copy(tmp_path, "--list-rules")
    assert result.returncode == 2 and result.stderr.startswith("wxkf-lint: error: no rule pages (WXK*.md) in ")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("code,kind,source,number", page_cases(), ids=lambda v: v if isinstance(v, str) and len(v) < 10 else None)
def test_page_examples(code, kind, source, number):
    findings = lint(source, extend_select=[code])
    expected = expected_findings(source)
    if kind == "bad":
        assert code in [expected_code for _line, expected_code in expected], f"{code} bad example #{number} expects no {code}"
        assert sorted((f.line, f.code) for f in findings) == expected, f"{code} bad example #{number}: {findings}"
    else:
        assert expected == [], f"{code} good example #{number} has # expect: comments"
        assert findings == [], f"{code} good example #{number} yields findings: {findings}"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_a_page_documents_the_options_its_rule_reads(rule):
    """The page's *Options* names every option declared for the rule (key and flake8 flag), and no option of
    another rule; options of the shared analysis (``wrappers``) may be named where they matter."""
    from wxkf_lint.options import OPTIONS

    options = sections((RULES_DIR / f"{rule.code}.md").read_text(encoding="utf-8"))["Options"]
    for option in OPTIONS:
        if rule.code in option.rules:
            assert f"`{option.key}`" in options and f"`{option.flake8_flag}" in options, option.key
        elif option.rules:
            assert f"`{option.key}`" not in options, option.key
