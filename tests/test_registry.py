"""The rule table, read from the rule pages, is the one source of rule metadata, and reading it costs neither
LibCST nor a rule module.

The import checks run the installed ``wxkf-lint`` command (and flake8, which loads the plugin from its
entry point) through a small wrapper that prints ``sys.modules`` when the process exits, on a tree where
no file passes the prefilter: whatever the options, such a run must import no ``libcst`` and no
``wxkf_lint.rules`` module.  (``-X importtime`` would not do: it misses modules loaded through
``importlib.import_module``, as flake8 loads plugins.)
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Sequence, Set

import pytest

import wxkf_lint.rules
from tests.cli_helpers import wxkf_executable, write
from tests.helpers import lint
from tests.rulebook_cases import page_cases
from wxkf_lint.options import OPTIONS
from wxkf_lint.registry import RULES, RULES_BY_CODE, load
from wxkf_lint.rules.base import LintRule

#: runs a script or module as ``__main__`` with the given argv, then prints the modules it imported
_WRAPPER = """
import atexit, runpy, sys
atexit.register(lambda: sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n"))
kind, target, *sys.argv[1:] = sys.argv[1:]
sys.argv[0] = target
runpy.run_module(target, run_name="__main__", alter_sys=True) if kind == "-m" else runpy.run_path(target, run_name="__main__")
"""


def test_every_rule_module_has_a_page_and_every_page_a_module():
    """A module is found by its page's code and name (``# WXK202 too-many-retries`` → ``wxk202_too_many_retries``)."""
    modules = {f"wxkf_lint.rules.{info.name}" for info in pkgutil.iter_modules(wxkf_lint.rules.__path__) if info.name.startswith("wxk")}
    declared = {rule.module: rule.code for rule in RULES}
    unpaged = sorted(modules - declared.keys())
    assert not unpaged, f"rule modules no page declares (the page titled '# WXKnnn name' names its module): {unpaged}"
    orphans = sorted(f"rules/{code}.md needs {module}" for module, code in declared.items() if module not in modules)
    assert not orphans, f"pages without their rule module: {orphans}"
    assert [rule.code for rule in RULES] == sorted(RULES_BY_CODE), "the table is in code order, one row per code"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_a_rule_class_holds_its_code_and_check_and_nothing_the_table_says(rule):
    cls = load(rule)
    assert issubclass(cls, LintRule) and cls.code == rule.code
    assert cls.check is not LintRule.check, "a rule implements check"
    declared = set(vars(cls))
    assert not declared & {"name", "summary", "default", "fix", "options"}, "metadata belongs in the rule table"
    assert not [name for name in declared if name.startswith(("visit_", "leave_"))], "check is the only entry point"


def test_options_name_only_rules_of_the_table():
    for option in OPTIONS:
        assert set(option.rules) <= set(RULES_BY_CODE), option.key
    assert [option.key for option in RULES_BY_CODE["WXK202"].options] == ["max-retries"]


# -- what a run that parses nothing imports ------------------------------------------------------------

QUIET = "def add(a, b):\n    return a + b\n"


CONFIG = '[tool.wxkf-lint]\nselect = ["WXK1", "WXK2"]\nmax-retries = 2\nwrappers = ["app.post"]\n'
#: a configuration the rule table refuses: validating its codes reads the table, and still imports no rule
BAD_CODE_CONFIG = '[tool.wxkf-lint]\nextend-select = ["WXK402", "WXK777"]\n'


def _quiet_tree(root: Path, config: Optional[str]) -> Path:
    for number in range(3):
        write(root / "pkg" / f"mod{number}.py", QUIET)
    if config:
        write(root / "pyproject.toml", config)
    return root


def _imported(command: Sequence[str], cwd: Path, returncode: int = 0) -> Set[str]:
    """The modules loaded by ``command`` (``["-m", module, *args]`` or ``[script, *args]``)."""
    kind = ["-m"] if command[0] == "-m" else ["script"]
    argv = command[1:] if command[0] == "-m" else command
    result = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *kind, *argv], cwd=str(cwd), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == returncode, result.stdout[-1000:] + result.stderr[-2000:]
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("MODULES ")]
    names = set(line.split()[1:])
    assert "wxkf_lint.engine" in names, "the command never reached the engine: the check would pass vacuously"
    return names


def _heavy(names: Set[str]) -> List[str]:
    return sorted(name for name in names if name.split(".")[0] == "libcst" or name.startswith("wxkf_lint.rules"))


@pytest.mark.parametrize(
    "args,config,returncode",
    [
        ([], None, 0),
        (["--select", "WXK1,WXK202", "--jobs", "1"], None, 0),
        (["--format", "sarif"], None, 0),
        (["--statistics", "--extend-select", "WXK402"], CONFIG, 0),
        (["--format", "json", "--ignore", "WXK3"], CONFIG, 0),
        (["--show-settings"], CONFIG, 0),
        ([], BAD_CODE_CONFIG, 2),
        (["--select", "WXK9"], None, 2),
        (["--list-rules"], None, 0),
        (["--explain", "WXK202"], None, 0),
    ],
    ids=["plain", "select", "sarif", "statistics+config", "json+config", "show-settings", "bad-config", "bad-select",
         "list-rules", "explain"],
)
def test_runner_on_a_tree_that_parses_nothing_imports_no_rule_and_no_libcst(tmp_path, args, config, returncode):
    root = _quiet_tree(tmp_path, config)
    imported = _imported([wxkf_executable(), *args, "pkg"], root, returncode)
    assert _heavy(imported) == []
    assert "wxkf_lint.rulebook" in imported, "the table was not read from the pages: the check would pass vacuously"


@pytest.mark.parametrize("config", [None, CONFIG], ids=["flags", "pyproject"])
def test_flake8_plugin_on_a_tree_that_parses_nothing_imports_no_rule_and_no_libcst(tmp_path, config):
    root = _quiet_tree(tmp_path, config)
    command = ["-m", "flake8", "--isolated", "--jobs", "1", "--select", "WXK", "--extend-select", "WXK402"]
    command += ["--wxkf-max-retries", "2", "pkg"]
    imported = _imported(command, root)
    assert "wxkf_lint.flake8_plugin" in imported, "flake8 did not load the plugin"
    assert _heavy(imported) == []
    assert "wxkf_lint.rulebook" in imported, "the plugin never read the table: the check would pass vacuously"


def test_a_file_that_passes_the_prefilter_does_load_the_rules(tmp_path):
    """The other side of the checks above: the same measurement sees the rules when they are needed."""
    write(tmp_path / "kf.py", 'URL = "https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg"\n')
    imported = _imported([wxkf_executable(), "kf.py"], tmp_path, returncode=0)
    assert "libcst" in imported and "wxkf_lint.rules.wxk101_errmsg_branch" in imported


def test_list_rules_prints_the_table():
    listing = subprocess.run([wxkf_executable(), "--list-rules"], capture_output=True, text=True, timeout=120)
    rows = [line.split(None, 4) for line in listing.stdout.splitlines()[1:]]
    assert [(code, name, default, fix) for code, name, default, fix, _summary in rows] == [
        (rule.code, rule.name, "yes" if rule.default else "opt-in", rule.fix or "-") for rule in RULES
    ]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_the_table_says_which_rules_fix_their_page_examples(rule):
    """``fix: "safe"``/``"unsafe"``: some bad example on the rule's page gets a fix of that kind; ``"none"``: none
    gets a fix."""
    fixes = [
        finding.fix
        for code, kind, source, _number in page_cases()
        if code == rule.code and kind == "bad"
        for finding in lint(source, extend_select=[code])
        if finding.code == rule.code
    ]
    kinds = {("unsafe" if fix.unsafe else "safe") for fix in fixes if fix is not None}
    assert fixes and kinds == ({rule.fix} if rule.fix else set())
