"""The result cache, through the installed command: same output with or without it, keyed by content."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import List, Sequence, Tuple

import pytest

from tests.cli_helpers import run_wxkf, wxkf_executable, write
from tests.test_cli import CLEAN, DEFECTIVE

FIXABLE = '''\
import requests


def check(resp):
    data = resp.json()
    return data["errcode"] == "0"


def send(body):
    requests.post("https://qyapi.weixin.qq.com/cgi-bin/kf/send_msg", data={"a": body})
'''

UNRELATED = "import os\n\nprint(os.getcwd())\n"
BROKEN = 'URL = "/cgi-bin/"\nx = (\n'

Outcome = Tuple[int, str, str]


def _tree(root: Path, copies: int = 1) -> Path:
    """WeCom files with findings and fixes, a clean one, a broken one and one that fails the prefilter."""
    for copy in range(copies):
        folder = root / "src" / f"pkg{copy:02d}"
        write(folder / "kf.py", DEFECTIVE)
        write(folder / "clean.py", CLEAN)
        write(folder / "fixable.py", FIXABLE)
        write(folder / "broken.py", BROKEN)
        write(folder / "unrelated.py", UNRELATED)
    return root


def _run(args: Sequence[str], cwd: Path) -> Outcome:
    result = run_wxkf(["--isolated", *args], cwd=cwd)
    return result.returncode, result.stdout, result.stderr


def _entries(cache: Path) -> List[Path]:
    return sorted((cache / "results").glob("*.json"))


@pytest.mark.parametrize("report", [[], ["--format", "json"], ["--format", "sarif"], ["--statistics"]])
def test_output_is_byte_identical_with_and_without_the_cache(tmp_path, report):
    tree = _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    uncached = _run([*report, "--no-cache", "src"], tree)
    assert uncached[0] == 1 and uncached[1]
    cold = _run([*report, "--cache-dir", str(cache), "src"], tree)
    warm = _run([*report, "--cache-dir", str(cache), "src"], tree)
    assert cold == uncached and warm == uncached
    assert not (tree / ".wxkf_cache").exists(), "--cache-dir moves the cache"


def test_jobs_workers_share_the_cache_and_report_the_same(tmp_path):
    tree = _tree(tmp_path / "tree", copies=6)  # 24 files pass the prefilter: enough for worker processes
    cache = tmp_path / "cache"
    uncached = _run(["--no-cache", "--jobs", "1", "src"], tree)
    assert _run(["--cache-dir", str(cache), "--jobs", "2", "src"], tree) == uncached
    assert len(_entries(cache)) == 24
    assert _run(["--cache-dir", str(cache), "--jobs", "1", "src"], tree) == uncached
    assert _run(["--cache-dir", str(cache), "--jobs", "2", "src"], tree) == uncached


def test_the_cache_folder_is_tagged_ignored_and_holds_an_entry_per_parsed_file(tmp_path):
    tree = _tree(tmp_path)
    _run(["src"], tree)
    cache = tree / ".wxkf_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert len(_entries(cache)) == 4, "one entry per file that passed the prefilter, none for unrelated.py"
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(tree)], check=True)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=tree, capture_output=True, text=True)
        assert ".wxkf_cache" not in status.stdout


def test_an_edited_file_is_linted_again_even_with_the_same_mtime(tmp_path):
    tree = _tree(tmp_path)
    target = tree / "src" / "pkg00" / "clean.py"
    first = _run(["src"], tree)
    assert "clean.py" not in first[1]
    stamp = target.stat()
    target.write_text(CLEAN.replace('resp["errcode"] != 0', 'resp["errmsg"] != "ok"'), encoding="utf-8")
    os.utime(target, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    second = _run(["src"], tree)
    assert second == _run(["--no-cache", "src"], tree)
    assert "src/pkg00/clean.py:8:8: WXK101 " in second[1]


def test_a_fresh_copy_with_new_mtimes_hits_the_cache(tmp_path):
    tree = _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    first = _run(["--cache-dir", str(cache), "src"], tree)
    written = {entry: entry.stat().st_mtime_ns for entry in _entries(cache)}
    copy = tmp_path / "checkout"
    shutil.copytree(tree, copy, copy_function=shutil.copyfile)  # new mtimes, as a fresh CI checkout has
    assert _run(["--cache-dir", str(cache), "src"], copy) == first
    assert {entry: entry.stat().st_mtime_ns for entry in _entries(cache)} == written, "every file was a hit"


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b'{"format": 1, "key": "another", "findings": []}', b'{"format": 1}', b"[1, 2]", b"[" * 100_000],
    ids=["empty", "garbage", "foreign-key", "truncated", "wrong-shape", "deeply-nested"],
)
def test_a_corrupt_or_foreign_entry_is_ignored_and_rewritten(tmp_path, damage):
    tree = _tree(tmp_path)
    cache = tree / ".wxkf_cache"
    expected = _run(["src"], tree)
    entries = _entries(cache)
    for entry in entries:
        entry.write_bytes(damage)
    assert _run(["src"], tree) == expected
    for entry in entries:
        assert json.loads(entry.read_bytes())["format"] == 1


def test_a_stolen_entry_of_the_right_key_with_wrong_fields_is_a_miss(tmp_path):
    tree = _tree(tmp_path)
    cache = tree / ".wxkf_cache"
    expected = _run(["src"], tree)
    for entry in _entries(cache):
        data = json.loads(entry.read_bytes())
        data["findings"] = [{"line": "1", "bogus": True}]
        entry.write_text(json.dumps(data))
    assert _run(["src"], tree) == expected


def test_settings_are_part_of_the_key(tmp_path):
    tree = _tree(tmp_path)
    everything = _run(["src"], tree)
    only_102 = _run(["--select", "WXK102", "src"], tree)
    assert only_102 == _run(["--no-cache", "--select", "WXK102", "src"], tree) != everything
    write(tree / "pyproject.toml", '[tool.wxkf-lint]\nper-file-ignores = { "src/pkg00/kf.py" = ["WXK101"] }\n')
    configured = run_wxkf(["src"], cwd=tree)
    uncached = run_wxkf(["--no-cache", "src"], cwd=tree)
    assert (configured.stdout, configured.returncode) == (uncached.stdout, uncached.returncode)
    assert "src/pkg00/kf.py:8:8: WXK101" in everything[1]
    assert "src/pkg00/kf.py:8:8: WXK101" not in configured.stdout and "fixable.py" in configured.stdout


def test_the_environment_variable_moves_the_cache(tmp_path):
    tree = _tree(tmp_path / "tree")
    cache = tmp_path / "elsewhere"
    result = subprocess.run(
        [wxkf_executable(), "--isolated", "src"],
        cwd=tree,
        capture_output=True,
        env={**os.environ, "WXKF_LINT_CACHE_DIR": str(cache)},
    )
    assert result.returncode == 1
    assert len(_entries(cache)) == 4 and not (tree / ".wxkf_cache").exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a folder this user cannot write")
def test_an_unwritable_cache_is_a_warning_and_the_report_is_unchanged(tmp_path):
    tree = _tree(tmp_path / "tree")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        code, out, err = _run(["--cache-dir", str(locked / "cache"), "src"], tree)
    finally:
        locked.chmod(0o700)
    expected = _run(["--no-cache", "src"], tree)
    assert (code, out) == expected[:2]
    assert err.startswith("wxkf-lint: warning: cannot write the cache in ") and err.count("\n") == 1


def test_an_unwritable_cache_path_is_a_warning_and_the_report_is_unchanged(tmp_path):
    """A cache folder that cannot be created (a file is in its place): root cannot write there either."""
    tree = _tree(tmp_path / "tree")
    blocker = write(tmp_path / "blocker", "a file, not a folder\n")
    code, out, err = _run(["--cache-dir", str(blocker / "cache"), "src"], tree)
    assert (code, out) == _run(["--no-cache", "src"], tree)[:2]
    assert err.startswith("wxkf-lint: warning: cannot write the cache in ") and err.count("\n") == 1


def test_concurrent_runs_on_one_cache_do_not_corrupt_it(tmp_path):
    tree = _tree(tmp_path / "tree", copies=5)
    cache = tmp_path / "cache"
    expected = _run(["--no-cache", "src"], tree)
    command = [wxkf_executable(), "--isolated", "--cache-dir", str(cache), "src"]
    runs = [subprocess.Popen(command, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [(run.wait(timeout=300), run.stdout.read(), run.stderr.read()) for run in runs]
    for run in runs:
        run.stdout.close()
        run.stderr.close()
    assert all(outcome == expected for outcome in outcomes)
    assert all(json.loads(entry.read_bytes())["format"] == 1 for entry in _entries(cache))
    assert not [p for p in (cache / "results").iterdir() if not p.name.endswith(".json")], "no temporary file left"
    assert _run(["--cache-dir", str(cache), "src"], tree) == expected


def test_fix_and_diff_never_serve_a_cached_fix(tmp_path):
    tree = _tree(tmp_path)
    _run(["src"], tree)  # fills the cache
    target = tree / "src" / "pkg00" / "fixable.py"
    target.write_text(FIXABLE.replace('"0"', '"40014"'), encoding="utf-8")
    diff = _run(["--diff", "--unsafe-fixes", "src"], tree)  # WXK102's fix is unsafe
    assert diff == _run(["--no-cache", "--diff", "--unsafe-fixes", "src"], tree)
    assert '+    return data["errcode"] == 40014\n' in diff[1]
    fixed = _run(["--fix", "--unsafe-fixes", "src"], tree)
    assert fixed[0] == 1
    assert 'data["errcode"] == 40014' in target.read_text(encoding="utf-8")
    assert _run(["src"], tree) == _run(["--no-cache", "src"], tree)


def test_the_cache_folder_is_never_linted(tmp_path):
    tree = _tree(tmp_path)
    write(tree / ".wxkf_cache" / "stray.py", DEFECTIVE)
    code, out, _ = _run(["."], tree)
    assert code == 1 and "stray.py" not in out and "src/pkg00/kf.py" in out
