"""Nothing kills or skews a run (issue 13): broken trees, input LibCST cannot take, stdin, fixes that respect the
file, selection and configuration as ruff's users expect, and ruff's everyday habits — the installed command."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator, Sequence

import pytest

from tests.cli_helpers import parse_text_report, run_wxkf, snapshot, wxkf_executable, write
from tests.test_cli import CLEAN, DEFECTIVE
from tests.test_flake8_plugin import RETRYING

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions, links and owners")

# WXK101 (safe fix) on line 8, WXK102 (unsafe fix) on line 10
SAFE_AND_UNSAFE = DEFECTIVE.replace(
    '    raise RuntimeError(resp["errmsg"])\n',
    '    if resp["errcode"] == "40014":\n        return None\n    raise RuntimeError(resp["errmsg"])\n',
)


def _no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr


# -- a user other than root, so that permissions mean what they say -----------------------------------


def _as_unprivileged() -> Sequence[str]:
    """The command prefix that runs as an ordinary user: none when we are one, setpriv when we are root."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A folder any user may enter (pytest's own tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="wxkf-public-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def _run_unprivileged(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    prefix = _as_unprivileged()
    if prefix:
        # The interpreter may live where the ordinary user cannot reach (pyenv under a 0700 /root: its
        # libpython does not load): then nothing about permissions can be tested, as without setpriv.
        probe = subprocess.run([*prefix, wxkf_executable(), "--version"], capture_output=True, text=True, timeout=60)
        if probe.returncode != 0:
            pytest.skip(f"the unprivileged user cannot run wxkf-lint here: {probe.stderr.strip()[:200]}")
    return subprocess.run(
        [*prefix, wxkf_executable(), *args],
        cwd=str(cwd),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )


def _world_readable(folder: Path) -> None:
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


# -- 1. a symlink loop -------------------------------------------------------------------------------


@posix
def test_a_symlink_loop_is_a_finding_and_the_run_goes_on(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    (tmp_path / "loop_a.py").symlink_to("loop_b.py")
    (tmp_path / "loop_b.py").symlink_to("loop_a.py")
    result = run_wxkf(["--isolated", "."], cwd=tmp_path)
    _no_traceback(result)
    assert result.returncode == 1
    assert parse_text_report(result.stdout) == {
        ("loop_a.py", 1, 1, "WXK002"),
        ("loop_b.py", 1, 1, "WXK002"),
        ("kf.py", 8, 8, "WXK101"),
    }
    assert "loop_a.py:1:1: WXK002 cannot read file: Too many levels of symbolic links\n" in result.stdout


@posix
def test_a_looping_path_named_on_the_command_line_is_reported_once(tmp_path):
    (tmp_path / "loop.py").symlink_to("loop.py")
    result = run_wxkf(["--isolated", "loop.py", "."], cwd=tmp_path)
    _no_traceback(result)
    assert result.returncode == 1
    assert result.stdout.count("loop.py:1:1: WXK002 ") == 1


# -- 2. and 5. input LibCST cannot take ----------------------------------------------------------------


WECOM = 'resp = {}\nif resp["errcode"]:\n    pass\n'


@pytest.mark.parametrize(
    "body, message",
    [
        ("x = " + "[" * 2000 + "]" * 2000 + "\n", "brackets nested 2000 deep (LibCST's parser takes 1000)"),
        ("x = " + "not " * 5000 + "y\n", "nesting depth 5004 (LibCST's parser takes 1000)"),
        ("if a:\n    pass\n" + "elif a:\n    pass\n" * 3000, "nesting depth 3004 (LibCST's parser takes 1000)"),
        ("x = " + " ".join(f"'{n}'" for n in range(5000)) + "\n", "valid Python its grammar refuses (its parser stops at line 4)"),
    ],
    ids=["brackets", "unary-chain", "elif-chain", "concatenated-literals"],
)
def test_what_libcst_cannot_parse_is_its_own_finding_never_a_crash(tmp_path, body, message):
    write(tmp_path / "deep.py", WECOM + body)
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["--isolated", "deep.py", "kf.py"], cwd=tmp_path)
    _no_traceback(result)
    assert result.returncode == 1
    assert parse_text_report(result.stdout) == {("deep.py", 1, 1, "WXK004"), ("kf.py", 8, 8, "WXK101")}
    assert f"deep.py:1:1: WXK004 LibCST cannot parse this file: {message}\n" in result.stdout


def test_a_real_syntax_error_stays_a_syntax_error(tmp_path):
    write(tmp_path / "broken.py", WECOM + "def f(:\n    pass\n")
    result = run_wxkf(["--isolated", "broken.py"], cwd=tmp_path)
    assert parse_text_report(result.stdout) == {("broken.py", 4, 7, "WXK001")}


def test_a_file_over_max_file_size_is_one_line_not_gigabytes(tmp_path):
    table = "T = [\n" + "".join(f"    {n!r},\n" for n in range(150_000)) + "]\n"
    path = write(tmp_path / "table.py", WECOM + table)
    size = path.stat().st_size
    assert size > 1_048_576
    result = run_wxkf(["--isolated", "table.py"], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"table.py:1:1: WXK004 LibCST cannot parse this file: file is {size:,} bytes, over max-file-size (1,048,576); "
        "not parsed"
    )


def test_max_file_size_is_a_setting(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\nmax-file-size = 100\n")
    small = run_wxkf(["kf.py"], cwd=tmp_path)
    assert parse_text_report(small.stdout) == {("kf.py", 1, 1, "WXK004")}
    write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\nmax-file-size = 0\n")
    unlimited = run_wxkf(["kf.py"], cwd=tmp_path)
    assert parse_text_report(unlimited.stdout) == {("kf.py", 8, 8, "WXK101")}


# -- 3. unlistable folders and unreadable files --------------------------------------------------------


@posix
def test_an_unlistable_folder_is_a_finding_and_the_rest_is_linted(public_tmp):
    write(public_tmp / "kf.py", DEFECTIVE)
    write(public_tmp / "locked" / "kf.py", DEFECTIVE)
    write(public_tmp / "open" / "kf.py", DEFECTIVE)
    _world_readable(public_tmp)
    (public_tmp / "locked").chmod(0)
    result = _run_unprivileged(["--isolated", "."], public_tmp)
    _no_traceback(result)
    assert result.returncode == 1
    assert parse_text_report(result.stdout) == {
        ("locked", 1, 1, "WXK002"),
        ("kf.py", 8, 8, "WXK101"),
        (os.path.join("open", "kf.py"), 8, 8, "WXK101"),
    }
    assert "locked:1:1: WXK002 cannot list folder: Permission denied\n" in result.stdout


@posix
def test_an_unreadable_named_file_is_not_a_missing_one(public_tmp):
    write(public_tmp / "kf.py", DEFECTIVE)
    write(public_tmp / "closed" / "kf.py", DEFECTIVE)
    write(public_tmp / "secret.py", DEFECTIVE)
    _world_readable(public_tmp)
    (public_tmp / "closed").chmod(0o600)  # not searchable: the file inside cannot even be examined
    (public_tmp / "secret.py").chmod(0)
    closed = os.path.join("closed", "kf.py")
    result = _run_unprivileged(["--isolated", closed, "secret.py", "kf.py"], public_tmp)
    _no_traceback(result)
    assert result.returncode == 1
    assert parse_text_report(result.stdout) == {(closed, 1, 1, "WXK002"), ("secret.py", 1, 1, "WXK002"), ("kf.py", 8, 8, "WXK101")}
    assert f"{closed}:1:1: WXK002 cannot read file: Permission denied\n" in result.stdout
    assert "secret.py:1:1: WXK002 cannot read file: Permission denied\n" in result.stdout
    assert "no such file" not in result.stdout + result.stderr


def test_a_missing_path_is_still_a_usage_error(tmp_path):
    result = run_wxkf(["--isolated", "nowhere.py"], cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "wxkf-lint: error: nowhere.py: no such file or directory\n")


# -- 10. UTF-16 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding, name", [("utf-16", "UTF-16 (little-endian byte order mark)"), ("utf-32", "UTF-32 (little-endian byte order mark)")])
def test_a_utf16_file_is_reported_not_skipped(tmp_path, encoding, name):
    (tmp_path / "wide.py").write_bytes(DEFECTIVE.encode(encoding))
    for jobs in ("1", "2"):
        result = run_wxkf(["--isolated", "--jobs", jobs, "wide.py"], cwd=tmp_path)
        assert result.returncode == 1
        assert result.stdout.splitlines()[0] == f"wide.py:1:1: WXK002 cannot decode file: {name}; Python reads source as UTF-8"


# -- 4. stdin as editors use it ----------------------------------------------------------------------------


def test_stdin_filename_implies_stdin_and_fix_writes_only_to_stdout(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "other.py", DEFECTIVE)
    before = snapshot(tmp_path)
    result = run_wxkf(["--isolated", "--fix", "--stdin-filename", "kf.py"], cwd=tmp_path, stdin=DEFECTIVE)
    assert snapshot(tmp_path) == before
    assert result.stdout == DEFECTIVE.replace('resp["errmsg"] == "ok"', 'resp["errcode"] == 0')
    assert result.stderr.endswith("Found 1 error (1 fixed, 0 remaining).\n")
    assert "other.py" not in result.stderr


def test_stdin_filename_lints_stdin_under_that_name(tmp_path):
    write(tmp_path / "other.py", DEFECTIVE)
    result = run_wxkf(["--isolated", "--stdin-filename", "src/kf.py"], cwd=tmp_path, stdin=DEFECTIVE)
    assert parse_text_report(result.stdout) == {(os.path.join("src", "kf.py"), 8, 8, "WXK101")}


# -- 7. fixes that respect the file --------------------------------------------------------------------------


FIXED = DEFECTIVE.replace('resp["errmsg"] == "ok"', 'resp["errcode"] == 0')


@posix
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file to another user")
def test_fix_keeps_owner_and_group(tmp_path):
    path = write(tmp_path / "kf.py", DEFECTIVE)
    os.chown(path, 65534, 65534)
    path.chmod(0o640)
    result = run_wxkf(["--isolated", "--fix", "kf.py"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    status = path.stat()
    assert (path.read_text(encoding="utf-8"), status.st_uid, status.st_gid) == (FIXED, 65534, 65534)
    assert stat.S_IMODE(status.st_mode) == 0o640


@posix
def test_fix_keeps_hard_links(tmp_path):
    path = write(tmp_path / "kf.py", DEFECTIVE)
    os.link(path, tmp_path / "twin.py")
    inode = path.stat().st_ino
    result = run_wxkf(["--isolated", "--fix", "kf.py"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert path.stat().st_ino == inode and path.stat().st_nlink == 2
    assert (tmp_path / "twin.py").read_text(encoding="utf-8") == FIXED


@posix
def test_fix_refuses_a_read_only_file(tmp_path):
    path = write(tmp_path / "kf.py", DEFECTIVE)
    path.chmod(0o444)
    result = run_wxkf(["--isolated", "--fix", "kf.py"], cwd=tmp_path)
    _no_traceback(result)
    assert result.returncode == 2
    assert path.read_text(encoding="utf-8") == DEFECTIVE and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert "wxkf-lint: error: kf.py: the file is read-only; not fixed\n" in result.stderr
    assert parse_text_report(result.stdout) == {("kf.py", 8, 8, "WXK101")}


@posix
def test_fix_in_a_folder_the_user_cannot_write_rewrites_the_file_in_place(public_tmp):
    """No temporary file can be made beside it, so the file's own bytes are rewritten (not atomic, but not refused)."""
    path = write(public_tmp / "shared" / "kf.py", DEFECTIVE)
    _world_readable(public_tmp)
    path.chmod(0o666)  # writable by everyone; its folder (0o755, root's when we are root) is not
    if os.geteuid() != 0:
        (public_tmp / "shared").chmod(0o555)
    result = _run_unprivileged(["--isolated", "--fix", os.path.join("shared", "kf.py")], public_tmp)
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == FIXED
    assert sorted(p.name for p in (public_tmp / "shared").iterdir()) == ["kf.py"]


def test_unsafe_fixes_apply_only_with_unsafe_fixes(tmp_path):
    path = write(tmp_path / "kf.py", SAFE_AND_UNSAFE)
    listed = run_wxkf(["--isolated", "kf.py"], cwd=tmp_path)
    assert listed.stdout.splitlines()[0].startswith("kf.py:8:8: WXK101 [*] branching on errmsg text")
    assert listed.stdout.splitlines()[1].startswith("kf.py:10:8: WXK102 errcode compared with a string")
    assert listed.stdout.endswith("Found 2 errors.\n[*] 1 fixable with `--fix`.\n(1 more fix with `--unsafe-fixes`.)\n")
    safe = run_wxkf(["--isolated", "--fix", "kf.py"], cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == SAFE_AND_UNSAFE.replace('resp["errmsg"] == "ok"', 'resp["errcode"] == 0')
    assert safe.stdout.endswith("Found 2 errors (1 fixed, 1 remaining).\n(1 more fix with `--unsafe-fixes`.)\n")
    unsafe = run_wxkf(["--isolated", "--fix", "--unsafe-fixes", "kf.py"], cwd=tmp_path)
    assert '== 40014' in path.read_text(encoding="utf-8")
    assert (unsafe.returncode, unsafe.stdout) == (0, "Found 1 error (1 fixed, 0 remaining).\n")


def test_fix_and_diff_use_jobs_with_the_same_result(tmp_path):
    for number in range(20):
        write(tmp_path / "one" / f"kf{number:02d}.py", DEFECTIVE)
    shutil.copytree(tmp_path / "one", tmp_path / "two")
    diffs = [run_wxkf(["--isolated", "--jobs", jobs, "--diff", "one"], cwd=tmp_path).stdout for jobs in ("1", "2")]
    assert diffs[0] == diffs[1] and diffs[0].count("+++ b/") == 20
    one = run_wxkf(["--isolated", "--jobs", "1", "--fix", "one"], cwd=tmp_path)
    two = run_wxkf(["--isolated", "--jobs", "2", "--fix", "two"], cwd=tmp_path)
    assert one.stdout == two.stdout == "Found 20 errors (20 fixed, 0 remaining).\n"
    assert all(path.read_text(encoding="utf-8") == FIXED for path in (tmp_path / "two").iterdir())


# -- 8. selection and configuration --------------------------------------------------------------------------


def test_select_on_the_command_line_replaces_the_configured_extend_select(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "pyproject.toml", '[tool.wxkf-lint]\nselect = ["WXK3"]\nextend-select = ["WXK101"]\n')
    assert parse_text_report(run_wxkf(["kf.py"], cwd=tmp_path).stdout) == {("kf.py", 8, 8, "WXK101")}
    result = run_wxkf(["--select", "WXK303", "kf.py"], cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


@pytest.mark.parametrize("selection", [",", "WXK0", "WXK001"])
def test_a_selection_that_matches_no_rule_is_an_error(tmp_path, selection):
    write(tmp_path / "broken.py", WECOM + "def f(:\n")
    result = run_wxkf(["--isolated", "--select", selection, "broken.py"], cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("wxkf-lint: error: the selection enables no rule (select [")
    assert len(result.stderr.splitlines()) == 1


def test_ignoring_every_rule_is_an_error_too(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["--isolated", "--ignore", "WXK1,WXK2,WXK3,WXK4,WXK5", "kf.py"], cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "wxkf-lint: error: the selection enables no rule (select ['WXK'], ignore ['WXK1', 'WXK2', 'WXK3', 'WXK4', "
        "'WXK5']); see --list-rules\n",
    )


def test_codes_are_case_insensitive_everywhere(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "quiet.py", DEFECTIVE.replace('== "ok":', '== "ok":  # noqa: wxk101'))
    result = run_wxkf(["--isolated", "--select", "wxk101", "kf.py", "quiet.py"], cwd=tmp_path)
    assert parse_text_report(result.stdout) == {("kf.py", 8, 8, "WXK101")}
    write(tmp_path / "pyproject.toml", '[tool.wxkf-lint]\nignore = ["wxk1"]\n')
    assert run_wxkf(["kf.py"], cwd=tmp_path).stdout == "All checks passed!\n"
    assert run_wxkf(["--explain", "wxk101"]).stdout.startswith("# WXK101")


@pytest.mark.parametrize("code, name", [("WXK001", "syntax-error"), ("WXK002", "unreadable-file"), ("WXK003", "internal-error"), ("WXK004", "too-complex-to-parse")])
def test_explain_knows_the_engines_own_codes(code, name):
    result = run_wxkf(["--explain", code.lower()])
    assert result.returncode == 0
    assert result.stdout.startswith(f"# {code} {name}\n\n")


def test_config_file_without_our_table_is_an_error(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "other.toml", '[project]\nname = "x"\n')
    result = run_wxkf(["--config", "other.toml", "kf.py"], cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "wxkf-lint: error: other.toml: no [tool.wxkf-lint] table (--config names the file that holds it)\n",
    )


@pytest.mark.parametrize("explicit", [True, False])
def test_an_underscore_table_is_an_error(tmp_path, explicit):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "pyproject.toml", '[tool.wxkf_lint]\nignore = ["WXK101"]\n')
    result = run_wxkf((["--config", "pyproject.toml"] if explicit else []) + ["kf.py"], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith("pyproject.toml: [tool.wxkf_lint]: the table is named [tool.wxkf-lint] (with a dash)\n")


# -- 9. the flake8 plugin reads the same configuration ---------------------------------------------------------


def _flake8(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess:
    """flake8 as a user runs it: not ``--isolated``, so configuration files count."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args], cwd=str(cwd), capture_output=True, text=True, encoding="utf-8", timeout=300
    )


def _wxk(output: str):
    return {finding for finding in parse_text_report(output) if finding[3].startswith("WXK")}


def test_flake8_reads_the_pyproject_table_and_its_own_options_override(tmp_path):
    write(tmp_path / "kf.py", RETRYING)
    default = run_wxkf(["--isolated", "kf.py"], cwd=tmp_path)
    assert "WXK202" in default.stdout
    write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\nmax-retries = 5\n")
    runner = run_wxkf(["kf.py"], cwd=tmp_path)
    flake8 = _flake8(["--select", "WXK", "kf.py"], tmp_path)
    assert "WXK202" not in runner.stdout and _wxk(flake8.stdout) == parse_text_report(runner.stdout)
    overridden = _flake8(["--select", "WXK", "--wxkf-max-retries", "3", "kf.py"], tmp_path)
    assert _wxk(overridden.stdout) == parse_text_report(default.stdout)


@pytest.mark.parametrize(
    "args, config, message",
    [
        (["--wxkf-max-retries", "-5"], None, "flake8: error: --wxkf-max-retries: expected a non-negative integer, got -5"),
        ([], "[flake8]\nwxkf-max-retries = -5\n", "flake8: error: --wxkf-max-retries: expected a non-negative integer, got -5"),
        (["--wxkf-wrappers", "app.post()"], None, "flake8: error: --wxkf-wrappers: expected a dotted function name"),
    ],
)
def test_flake8_options_are_validated_like_the_configuration(tmp_path, args, config, message):
    write(tmp_path / "kf.py", RETRYING)
    if config:
        write(tmp_path / "setup.cfg", config)
    result = _flake8(["--select", "WXK", *args, "kf.py"], tmp_path)
    assert result.returncode == 2 and message in result.stderr
    _no_traceback(result)


def test_flake8_reports_a_bad_pyproject_table_in_one_line(tmp_path):
    write(tmp_path / "kf.py", RETRYING)
    write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\nmax-retries = -1\n")
    result = _flake8(["--select", "WXK", "kf.py"], tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"wxkf-lint: error: {tmp_path / 'pyproject.toml'}: [tool.wxkf-lint] max-retries: "
        "expected a non-negative integer, got -1\n"
    )


# -- 6. output the terminal cannot encode ------------------------------------------------------------------------


def test_unencodable_output_is_replaced_not_a_traceback(tmp_path):
    write(tmp_path / "客服.py", DEFECTIVE)
    environment = dict(os.environ, PYTHONIOENCODING="cp1252")
    result = subprocess.run(
        [wxkf_executable(), "--isolated", "."], cwd=str(tmp_path), capture_output=True, env=environment, timeout=300
    )
    out = result.stdout.decode("cp1252")
    _no_traceback(subprocess.CompletedProcess([], result.returncode, out, result.stderr.decode("cp1252")))
    assert result.returncode == 1
    assert out.startswith("??.py:8:8: WXK101 [*] branching on errmsg text; errmsg wording may change — test errcode")


# -- ruff's everyday habits ------------------------------------------------------------------------------------------


def test_summary_lines(tmp_path):
    write(tmp_path / "clean.py", CLEAN)
    write(tmp_path / "kf.py", DEFECTIVE)
    assert run_wxkf(["--isolated", "clean.py"], cwd=tmp_path).stdout == "All checks passed!\n"
    result = run_wxkf(["--isolated", "kf.py"], cwd=tmp_path)
    assert result.stdout.endswith("\nFound 1 error.\n[*] 1 fixable with `--fix`.\n")
    quiet = run_wxkf(["--isolated", "-q", "kf.py"], cwd=tmp_path)
    assert quiet.stdout == result.stdout.split("\nFound")[0] + "\n"
    assert run_wxkf(["--isolated", "--quiet", "clean.py"], cwd=tmp_path).stdout == ""


def test_output_format_and_output_file_with_their_old_names(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    new = run_wxkf(["--isolated", "--output-format", "json", "--output-file", "new.json", "kf.py"], cwd=tmp_path)
    old = run_wxkf(["--isolated", "--format", "json", "--output", "old.json", "kf.py"], cwd=tmp_path)
    assert new.returncode == old.returncode == 1 and new.stdout == old.stdout == ""
    assert (tmp_path / "new.json").read_text(encoding="utf-8") == (tmp_path / "old.json").read_text(encoding="utf-8")


def test_json_and_sarif_carry_a_url_per_finding(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    write(tmp_path / "broken.py", WECOM + "def f(:\n")
    rows = json.loads(run_wxkf(["--isolated", "--output-format", "json", "."], cwd=tmp_path).stdout)
    urls = {row["code"]: row["url"] for row in rows}
    assert urls == {
        "WXK001": "https://github.com/wxkf-lint/wxkf-lint#the-engines-own-codes",
        "WXK101": "https://github.com/wxkf-lint/wxkf-lint/blob/main/rules/WXK101.md",
    }
    assert [row["fix"]["unsafe"] for row in rows if row["fix"]] == [False]
    sarif = json.loads(run_wxkf(["--isolated", "--output-format", "sarif", "."], cwd=tmp_path).stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"]: r["properties"]["url"] for r in results} == urls


def test_show_settings_and_show_files(tmp_path):
    write(tmp_path / "src" / "kf.py", DEFECTIVE)
    write(tmp_path / "src" / "b.py", CLEAN)
    write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\nmax-retries = 2\nextend-select = [\"WXK402\"]\n")
    files = run_wxkf(["--show-files", "src"], cwd=tmp_path)
    assert (files.returncode, files.stdout) == (0, f"{os.path.join('src', 'b.py')}\n{os.path.join('src', 'kf.py')}\n")
    settings = run_wxkf(["--show-settings", "src"], cwd=tmp_path)
    assert settings.returncode == 0
    lines = settings.stdout.splitlines()
    assert f"config            {tmp_path / 'pyproject.toml'}" in lines
    assert "max-retries       2" in lines and "extend-select     ['WXK402']" in lines
    assert any(line.startswith("enabled rules") and "WXK402" in line for line in lines)


def test_show_fixes_and_exit_non_zero_on_fix(tmp_path):
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["--isolated", "--fix", "--show-fixes", "--exit-non-zero-on-fix", "kf.py"], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "Found 1 error (1 fixed, 0 remaining).\nFixed 1 error:\n- kf.py:\n    1 × WXK101 (errmsg-branch)\n"
    )
    again = run_wxkf(["--isolated", "--fix", "--exit-non-zero-on-fix", "kf.py"], cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "All checks passed!\n")


def test_a_warning_when_no_python_file_is_found(tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / "notes.txt", "errcode\n")
    result = run_wxkf(["--isolated", "empty"], cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == "wxkf-lint: warning: no Python file found under the given paths\n"
    assert run_wxkf(["--isolated", "-q", "empty"], cwd=tmp_path).stderr == ""


@pytest.mark.parametrize(
    "before", ["x = = 1\n", "match resp:\n    case {}:\n        pass\n"], ids=["syntax-error-first", "newer-syntax-first"]
)
def test_deep_brackets_after_another_error_are_counted_never_a_crash(tmp_path, before):
    """CPython 3.9's first error need not be its bracket limit (a mistake higher up; ``match``, newer than it):
    the brackets are counted anyway, or LibCST would read on into them and crash."""
    write(tmp_path / "deep.py", WECOM + before + "y = " + "(" * 1300 + "1" + ")" * 1300 + "\n")
    write(tmp_path / "kf.py", DEFECTIVE)
    result = run_wxkf(["--isolated", "deep.py", "kf.py"], cwd=tmp_path)
    _no_traceback(result)
    assert parse_text_report(result.stdout) == {("deep.py", 1, 1, "WXK004"), ("kf.py", 8, 8, "WXK101")}
    assert "deep.py:1:1: WXK004 LibCST cannot parse this file: brackets nested 1300 deep" in result.stdout
