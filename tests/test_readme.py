"""The README's quick start and CI's command cannot drift apart."""

from __future__ import annotations

import json

from tests.cli_helpers import REPO


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in readme


def _section(readme: str, heading: str) -> str:
    start = readme.index(f"\n{heading}\n")
    return readme[start : readme.index("\n## ", start + 1)]


def test_readme_rule_families_are_the_rules_families():
    """The README describes rules by family (``WXK2xx`` retries), not one row per rule: a new rule in a family
    changes nothing here, a new family needs its row."""
    import re

    from wxkf_lint.registry import RULES

    rules = _section((REPO / "README.md").read_text(encoding="utf-8"), "## Rules")
    families = re.findall(r"^\| `WXK(\d)xx` \| [^|]+ \| [^|]+ \|$", rules, re.M)
    assert sorted(families) == sorted({rule.code[3] for rule in RULES})


def test_readme_list_rules_sample_is_what_the_command_prints():
    """Each line of the README's ``--list-rules`` sample is a line of the installed command's output, in order."""
    from tests.cli_helpers import run_wxkf

    rules = _section((REPO / "README.md").read_text(encoding="utf-8"), "## Rules")
    block = rules[rules.index("$ wxkf-lint --list-rules\n") :].split("```", 1)[0]
    sample = [line for line in block.splitlines()[1:] if line != "..."]
    printed = run_wxkf(["--list-rules"]).stdout.splitlines()
    assert len(sample) >= 3 and [line for line in printed if line in sample] == sample


def test_readme_names_only_codes_that_exist():
    import re

    from wxkf_lint.codes import known_codes

    named = set(re.findall(r"\bWXK\d{3}\b", (REPO / "README.md").read_text(encoding="utf-8")))
    assert named and named <= set(known_codes()), sorted(named - set(known_codes()))


def test_readme_fix_safety_examples_are_what_the_table_says():
    """The codes the README gives as examples of a safe fix are safe in the table, and those of an unsafe fix unsafe."""
    import re

    from wxkf_lint.registry import RULES_BY_CODE

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("A fix is **safe**")
    safe, unsafe = readme[start : readme.index("\n\n", start)].split("an **unsafe** fix", 1)
    for text, kind in ((safe, "safe"), (unsafe.split("--unsafe-fixes", 1)[0], "unsafe")):
        examples = re.findall(r"WXK\d{3}", text)
        assert examples and all(RULES_BY_CODE[code].fix == kind for code in examples), (kind, examples)


def test_readme_front_matter_example_declares_the_rule_it_names(tmp_path):
    """"Adding a rule" shows a page head; read as a page, it is that rule's row of the table."""
    from wxkf_lint.registry import RULES_BY_CODE, rule_of
    from wxkf_lint.rulebook import read_page

    adding = _section((REPO / "README.md").read_text(encoding="utf-8"), "## Adding a rule")
    block = adding[adding.index("```markdown\n") + len("```markdown\n") :].split("```", 1)[0]
    head = "".join(line[3:] + "\n" for line in block.splitlines())  # the block is indented under its list item
    code = head.split("# ", 1)[1][:6]
    path = tmp_path / f"{code}.md"
    path.write_text(head, encoding="utf-8")
    assert rule_of(read_page(path)) == RULES_BY_CODE[code]


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
