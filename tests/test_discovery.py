"""Which files a run lints: explicit files, folder walks, excludes and .gitignore."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import List, Optional, Sequence

import pytest

from wxkf_lint.discovery import DiscoveryError, iter_files
from wxkf_lint.settings import Settings


def touch(root: Path, *names: str, text: str = "") -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def files(root: Path, paths: Sequence[str] = (".",), settings: Optional[Settings] = None) -> List[str]:
    """iter_files run from ``root`` as the cwd, with paths in ``/`` form for comparison."""
    here = os.getcwd()
    os.chdir(root)
    try:
        found = iter_files(list(paths), settings or Settings(root=root))
    finally:
        os.chdir(here)
    return [path.replace(os.sep, "/") for path in found]


def test_folder_walk_finds_py_and_pyi_only(tmp_path):
    touch(tmp_path, "a.py", "b.pyi", "c.txt", "d.pyc", "e.py.bak", "pkg/__init__.py", "pkg/mod.py", "pkg/data.json")
    assert files(tmp_path) == ["a.py", "b.pyi", "pkg/__init__.py", "pkg/mod.py"]


def test_paths_keep_the_users_spelling(tmp_path):
    touch(tmp_path, "src/pkg/a.py")
    assert files(tmp_path, ["src"]) == ["src/pkg/a.py"]
    assert files(tmp_path, ["src/"]) == ["src/pkg/a.py"]
    assert files(tmp_path, ["./src"]) == ["./src/pkg/a.py"]
    absolute = str(tmp_path / "src")
    assert files(tmp_path, [absolute]) == [os.path.join(absolute, "pkg", "a.py").replace(os.sep, "/")]


def test_order_is_deterministic_files_first_then_sub_folders(tmp_path):
    touch(tmp_path, "z.py", "b/x.py", "a/y.py", "m.py", "a/b/c.py", "a/a.py")
    expected = ["m.py", "z.py", "a/a.py", "a/y.py", "a/b/c.py", "b/x.py"]
    assert files(tmp_path) == expected
    assert files(tmp_path) == expected


def test_given_order_is_kept_and_duplicates_dropped(tmp_path):
    touch(tmp_path, "a.py", "b/c.py", "b/d.py")
    assert files(tmp_path, ["b/d.py", "a.py", "b", "./a.py", "a.py"]) == ["b/d.py", "a.py", "b/c.py"]


def test_explicit_file_is_linted_whatever_its_suffix(tmp_path):
    touch(tmp_path, "script", "notes.txt")
    assert files(tmp_path, ["script", "notes.txt"]) == ["script", "notes.txt"]


def test_stdin_passes_through(tmp_path):
    touch(tmp_path, "a.py")
    assert files(tmp_path, ["-", "a.py"]) == ["-", "a.py"]


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(DiscoveryError) as caught:
        files(tmp_path, ["missing/path"])
    assert str(caught.value) == "missing/path: no such file or directory"


@pytest.mark.parametrize("folder", [".venv", "venv", "build", "dist", "__pycache__", ".git", ".tox", "node_modules"])
def test_default_excludes(tmp_path, folder):
    touch(tmp_path, f"{folder}/x.py", f"src/{folder}/y.py", "src/kept.py")
    assert files(tmp_path) == ["src/kept.py"]


def test_exclude_replaces_the_defaults(tmp_path):
    touch(tmp_path, "build/a.py", "gen/b.py", "c.py")
    assert files(tmp_path, settings=Settings(root=tmp_path, exclude=["gen"])) == ["c.py", "build/a.py"]


def test_extend_exclude_adds_globs_for_names_and_relative_paths(tmp_path):
    touch(tmp_path, "a_pb2.py", "src/b_pb2.py", "src/gen/c.py", "gen/d.py", "src/keep.py", "build/e.py")
    settings = Settings(root=tmp_path, extend_exclude=["*_pb2.py", "src/gen/"])
    assert files(tmp_path, settings=settings) == ["gen/d.py", "src/keep.py"]


def test_exclude_globs_relative_to_root_and_to_the_walked_folder(tmp_path):
    touch(tmp_path, "proj/src/gen/a.py", "proj/src/ok.py")
    settings = Settings(root=tmp_path / "proj", exclude=["src/gen"])
    assert files(tmp_path / "proj", settings=settings) == ["src/ok.py"]
    # walked from inside src/, the glob still matches relative to root
    assert files(tmp_path / "proj" / "src", settings=settings) == ["ok.py"]
    # and a glob relative to the walked folder matches too
    settings = Settings(root=tmp_path, exclude=["gen"])
    assert files(tmp_path, ["proj/src"], settings=settings) == ["proj/src/ok.py"]


def test_explicit_excluded_file_is_dropped(tmp_path):
    touch(tmp_path, "a_pb2.py", "build/x.py", "src/ok.py")
    settings = Settings(root=tmp_path, extend_exclude=["*_pb2.py"])
    assert files(tmp_path, ["a_pb2.py", "build/x.py", "src/ok.py"], settings=settings) == ["src/ok.py"]


def test_explicit_file_outside_root_is_judged_by_name_only(tmp_path):
    touch(tmp_path, "build/other/x.py")
    (tmp_path / "proj").mkdir()
    settings = Settings(root=tmp_path / "proj")
    assert files(tmp_path / "proj", ["../build/other/x.py"], settings=settings) == ["../build/other/x.py"]


def test_gitignore_files_and_folders(tmp_path):
    (tmp_path / ".git").mkdir()
    touch(tmp_path, ".gitignore", text="gen/\n*_local.py\n# comment\n")
    touch(tmp_path, "gen/a.py", "src/gen/b.py", "src/x_local.py", "src/ok.py", "gen.py")
    assert files(tmp_path) == ["gen.py", "src/ok.py"]


def test_gitignore_negation(tmp_path):
    touch(tmp_path, ".gitignore", text="*_pb2.py\n!keep_pb2.py\n")
    touch(tmp_path, "a_pb2.py", "keep_pb2.py", "sub/b_pb2.py", "sub/keep_pb2.py")
    assert files(tmp_path) == ["keep_pb2.py", "sub/keep_pb2.py"]


def test_nested_gitignore_is_relative_to_its_folder_and_wins(tmp_path):
    (tmp_path / ".git").mkdir()
    touch(tmp_path, ".gitignore", text="generated_*.py\n")
    touch(tmp_path, "pkg/.gitignore", text="/local.py\n!generated_keep.py\n")
    touch(
        tmp_path,
        "generated_a.py",
        "local.py",
        "pkg/generated_b.py",
        "pkg/generated_keep.py",
        "pkg/local.py",
        "pkg/sub/local.py",
    )
    assert files(tmp_path) == ["local.py", "pkg/generated_keep.py", "pkg/sub/local.py"]


def test_gitignore_above_the_walked_folder_applies_up_to_the_git_root(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    touch(tmp_path, ".gitignore", text="*.py\n")  # outside the repository: not ours
    touch(tmp_path / "repo", ".gitignore", text="src/gen/\n")
    touch(tmp_path / "repo", "src/gen/a.py", "src/ok.py")
    settings = Settings(root=tmp_path / "repo" / "src")
    assert files(tmp_path / "repo" / "src", settings=settings) == ["ok.py"]
    assert files(tmp_path / "repo", ["src"], settings=settings) == ["src/ok.py"]


def test_gitignore_up_to_root_without_a_repository(tmp_path):
    touch(tmp_path / "proj", ".gitignore", text="gen/\n")
    touch(tmp_path / "proj", "src/gen/a.py", "src/ok.py")
    settings = Settings(root=tmp_path / "proj")
    assert files(tmp_path / "proj", ["src"], settings=settings) == ["src/ok.py"]


def test_explicit_file_is_not_judged_by_gitignore(tmp_path):
    touch(tmp_path, ".gitignore", text="*.py\n")
    touch(tmp_path, "a.py")
    assert files(tmp_path) == []
    assert files(tmp_path, ["a.py"]) == ["a.py"]


def test_symlinked_folders_are_not_followed(tmp_path):
    touch(tmp_path, "pkg/a.py")
    try:
        (tmp_path / "pkg" / "loop").symlink_to(tmp_path / "pkg", target_is_directory=True)
    except OSError:
        pytest.skip("symlinks not available")
    assert files(tmp_path) == ["pkg/a.py"]


def test_many_small_files_are_walked_quickly(tmp_path):
    for top in range(20):
        for middle in range(10):
            folder = tmp_path / f"p{top}" / f"m{middle}"
            folder.mkdir(parents=True)
            for leaf in range(10):
                (folder / f"mod{leaf}.py").touch()
            (folder / "__init__.py").touch()
    touch(tmp_path, ".gitignore", text="*_pb2.py\n")
    start = time.perf_counter()
    found = files(tmp_path)
    assert len(found) == 20 * 10 * 11
    assert time.perf_counter() - start < 1.0
