"""Every rule has a page; every bad example on it yields exactly what its ``# expect:`` comments say (at least
its own rule), every good example nothing."""

from __future__ import annotations

import pytest

from tests.helpers import lint
from tests.rulebook_cases import RULES_DIR, expected_findings, page_cases
from wxkf_lint.rulebook import sections
from wxkf_lint.registry import RULES

#: "When it cannot see enough" says what keeps the rule silent where its decisive fact is unknown (SPEC §2)
REQUIRED_SECTIONS = ("What it does", "When it cannot see enough", "Why is this bad?", "Example", "Use instead", "Fix safety")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_rule_has_a_complete_page(rule):
    page = RULES_DIR / f"{rule.code}.md"
    assert page.is_file(), f"missing rule page {page}"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# {rule.code} {rule.name}\n")
    missing = [name for name in REQUIRED_SECTIONS if name not in sections(text)]
    assert not missing, f"{page.name} lacks sections {missing}"


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
