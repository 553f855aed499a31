"""The README's quick start and CI's command cannot drift apart."""

from __future__ import annotations

from tests.cli_helpers import REPO


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in readme


def test_readme_lists_every_rule():
    from wxkf_lint.registry import RULES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| {rule.code} | {rule.name} |" in readme
