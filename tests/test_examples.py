"""The shipped ``examples/`` report exactly what their ``# expect:`` comments say, through the runner and flake8.

``examples/kf_client`` is the README's quick start: a kf client whose defects carry a trailing
``# expect: WXK101`` (several codes comma-separated) on the line the finding is reported, and whose correct
code (paging loops, logged errmsg, checking wrappers, placeholders) carries nothing. Comparing the whole set
both ways catches a missed defect and a false positive alike. ``# expect-opt-in:`` marks findings of opt-in
rules, expected only when they are selected; ``# known-miss:`` marks defects the linter does not see yet,
which nothing asserts.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from typing import Dict, Set, Tuple

from tests.cli_helpers import REPO, parse_text_report, run_flake8, run_wxkf
from wxkf_lint.registry import RULES

EXAMPLES = REPO / "examples"
_MARKER = re.compile(r"#\s*(expect|expect-opt-in|known-miss):\s*(WXK\d{3}(?:\s*,\s*WXK\d{3})*)\s*$")

Expected = Set[Tuple[str, int, str]]


def _expectations() -> Dict[str, Expected]:
    """{"expect": {(path, line, code)}, "expect-opt-in": {...}, "known-miss": {...}} from the comments.

    Comments are read with tokenize, so a marker-like text inside a string literal does not count.
    """
    found: Dict[str, Expected] = {"expect": set(), "expect-opt-in": set(), "known-miss": set()}
    for path in sorted(EXAMPLES.rglob("*.py")):
        relative = os.path.normpath(str(path.relative_to(REPO)))
        text = path.read_text(encoding="utf-8")
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _MARKER.search(token.string)
            if match:
                kind, codes = match.groups()
                found[kind].update((relative, token.start[0], code.strip()) for code in codes.split(","))
    return found


def _without_column(report: Set[Tuple[str, int, int, str]]) -> Expected:
    return {(path, line, code) for path, line, _column, code in report}


def test_examples_exist_and_expect_only_the_codes_of_rules():
    """What proves each rule is its page's examples (tests/test_rulebook.py), so a new rule need not add a defect
    here; the quick start shows every family of rules (``WXK2xx``), and expects only codes the table has, opt-in
    ones marked as such."""
    expected = _expectations()
    expected_codes = {code for _path, _line, code in expected["expect"]}
    default_codes = {rule.code for rule in RULES if rule.default}
    opt_in_codes = {rule.code for rule in RULES if not rule.default}
    assert {code[:4] for code in expected_codes} == {rule.code[:4] for rule in RULES}, "a family the quick start lacks"
    assert not expected_codes & opt_in_codes, "opt-in findings are marked # expect-opt-in:, not # expect:"
    assert expected_codes <= default_codes, f"no such rule: {sorted(expected_codes - default_codes)}"
    assert {code for _path, _line, code in expected["expect-opt-in"]} <= opt_in_codes


def test_runner_reports_exactly_the_expected_findings():
    result = run_wxkf(["--isolated", "examples"], cwd=REPO)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert _without_column(parse_text_report(result.stdout)) == _expectations()["expect"]


def test_runner_reports_the_opt_in_findings_when_selected():
    expected = _expectations()
    result = run_wxkf(["--isolated", "--extend-select", "WXK402", "examples"], cwd=REPO)
    assert result.returncode == 1, result.stdout + result.stderr
    assert _without_column(parse_text_report(result.stdout)) == expected["expect"] | expected["expect-opt-in"]


def test_quick_start_command_from_the_readme():
    """``wxkf-lint examples/`` exactly as the README runs it, with the repository's own configuration."""
    result = run_wxkf(["examples/"], cwd=REPO)
    assert result.returncode == 1, result.stderr
    assert _without_column(parse_text_report(result.stdout)) == _expectations()["expect"]


def test_flake8_reports_what_the_runner_reports():
    runner = run_wxkf(["--isolated", "examples"], cwd=REPO)
    flake8 = run_flake8(["--select", "WXK", "examples"], cwd=REPO)
    assert flake8.returncode == 1, flake8.stdout + flake8.stderr
    assert "Traceback" not in flake8.stderr
    flake8_set = {item for item in parse_text_report(flake8.stdout) if item[3].startswith("WXK")}
    assert flake8_set == parse_text_report(runner.stdout)
    assert _without_column(flake8_set) == _expectations()["expect"]


def test_flake8_reports_the_opt_in_findings_when_selected():
    expected = _expectations()
    runner = run_wxkf(["--isolated", "--extend-select", "WXK402", "examples"], cwd=REPO)
    flake8 = run_flake8(["--select", "WXK,WXK402", "examples"], cwd=REPO)
    flake8_set = {item for item in parse_text_report(flake8.stdout) if item[3].startswith("WXK")}
    assert flake8_set == parse_text_report(runner.stdout)
    assert _without_column(flake8_set) == expected["expect"] | expected["expect-opt-in"]


def test_markers_are_read_from_comments_only():
    """The parser the other tests rely on: a marker in a string is text, a marker in a comment counts."""
    text = 'x = "# expect: WXK101"\ny = 1  # expect: WXK102, WXK103\n'
    comments = [
        token.string for token in tokenize.generate_tokens(io.StringIO(text).readline) if token.type == tokenize.COMMENT
    ]
    matches = [_MARKER.search(comment) for comment in comments]
    assert [match.groups() for match in matches if match] == [("expect", "WXK102, WXK103")]
