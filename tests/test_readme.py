"""The README's quick start and CI's command cannot drift apart."""

from __future__ import annotations

import json

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


def test_readme_documents_every_option_as_declared():
    """The configuration table's row and the flake8 flag of each option come from its one declaration."""
    from wxkf_lint.options import OPTIONS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for option in OPTIONS:
        default = json.dumps(list(option.default) if isinstance(option.default, tuple) else option.default)
        assert f"| `{option.key}` | `{default}` | {option.help} |" in readme
        assert f"`{option.flake8_flag}" in readme


def _runner_option_table(readme: str) -> str:
    start = readme.index("| option | meaning |")
    end = readme.index("\n\n", start)
    return readme[start:end]


def test_readme_option_table_names_exactly_the_commands_options():
    """Every option the command accepts is in the README's table, and the table names no option it lacks."""
    import re

    from wxkf_lint.cli import build_parser

    documented = set(re.findall(r"`(--?[a-z][-a-z]*)", _runner_option_table((REPO / "README.md").read_text(encoding="utf-8"))))
    accepted = set(re.findall(r"(?<![\w-])(--?[a-z][-a-z]*)", build_parser().format_help())) - {"-h", "--help"}
    assert documented == accepted


def test_readme_names_every_exit_code_the_command_uses():
    from wxkf_lint import cli

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code in (cli.EXIT_CLEAN, cli.EXIT_FINDINGS, cli.EXIT_ERROR):
        assert f"**{code}**" in readme
