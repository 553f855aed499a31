"""Which files a run lints: paths as given, folders walked for ``*.py``/``*.pyi``, minus excludes.

Folders are walked with ``os.scandir`` and pruned early (default excludes, ``exclude``/``extend-exclude``
globs, ``.gitignore`` files read with ``pathspec``), because on a repository of many small files the walk,
not the linting, decides the run time.
"""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

import pathspec

from wxkf_lint.settings import Settings

SUFFIXES = (".py", ".pyi")

#: (folder the .gitignore lives in, its compiled patterns)
IgnoreSpec = Tuple[str, pathspec.PathSpec]


class DiscoveryError(Exception):
    """A path the user gave cannot be linted (one line, exit 2)."""


class _Excluder:
    """Matches names and paths against the exclude globs (fnmatch, as flake8 and ruff do)."""

    def __init__(self, settings: Settings) -> None:
        self.patterns = settings.excludes
        self.root = str(settings.root.resolve()) if settings.root else os.getcwd()

    def excluded(self, name: str, path: str) -> bool:
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.patterns):
            return True
        absolute = os.path.abspath(path)
        relative = os.path.relpath(absolute, self.root) if absolute.startswith(self.root) else path
        relative = relative.replace(os.sep, "/")
        return any(fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(absolute, pattern) for pattern in self.patterns)


def _read_gitignore(folder: str) -> Optional[IgnoreSpec]:
    path = os.path.join(folder, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    spec = pathspec.PathSpec.from_lines("gitwildmatch", lines)
    return (folder, spec) if lines else None


def _git_root(folder: str) -> Optional[str]:
    current = os.path.abspath(folder)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _ancestor_specs(folder: str) -> List[IgnoreSpec]:
    """The .gitignore files above ``folder``, up to its git root (outermost first)."""
    root = _git_root(folder)
    if root is None:
        return []
    specs: List[IgnoreSpec] = []
    current = os.path.abspath(folder)
    chain = []
    while current != root:
        current = os.path.dirname(current)
        chain.append(current)
    for ancestor in reversed(chain):
        spec = _read_gitignore(ancestor)
        if spec is not None:
            specs.append(spec)
    return specs


def _ignored(path: str, is_dir: bool, specs: Sequence[IgnoreSpec]) -> bool:
    absolute = os.path.abspath(path)
    for base, spec in specs:
        relative = os.path.relpath(absolute, base).replace(os.sep, "/")
        if relative.startswith(".."):
            continue
        if spec.match_file(relative + "/" if is_dir else relative):
            return True
    return False


def _walk(top: str, excluder: _Excluder, specs: List[IgnoreSpec]) -> Iterator[str]:
    own = _read_gitignore(top)
    active = specs + [own] if own is not None else specs
    try:
        entries = sorted(os.scandir(top), key=lambda entry: entry.name)
    except OSError as error:
        raise DiscoveryError(f"{top}: cannot list folder: {error.strerror or error}") from None
    for entry in entries:
        path = entry.path
        if entry.is_dir(follow_symlinks=False):
            if not excluder.excluded(entry.name, path) and not (active and _ignored(path, True, active)):
                yield from _walk(path, excluder, active)
        elif entry.name.endswith(SUFFIXES) and entry.is_file():
            if not excluder.excluded(entry.name, path) and not (active and _ignored(path, False, active)):
                yield path


def _display(path: str, given: str) -> str:
    return path[2:] if given == "." and path.startswith("./") else path


def iter_files(paths: Sequence[str], settings: Settings) -> List[str]:
    """The files to lint, in the order given, each folder's files sorted, without duplicates."""
    excluder = _Excluder(settings)
    seen = set()
    found: List[str] = []
    for given in paths:
        if given == "-":
            candidates: List[str] = ["-"]
        elif os.path.isdir(given):
            candidates = [_display(path, given) for path in _walk(given, excluder, _ancestor_specs(given))]
        elif os.path.exists(given):
            candidates = [] if excluder.excluded(os.path.basename(given), given) else [given]
        else:
            raise DiscoveryError(f"{given}: no such file or directory")
        for path in candidates:
            if path not in seen:
                seen.add(path)
                found.append(path)
    return found
