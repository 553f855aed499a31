"""Which files a run lints: paths as given, folders walked for ``*.py``/``*.pyi``, minus excludes.

On a repository of many small files the walk, not the linting, decides the run time, so folders are
listed once with ``os.scandir`` and pruned before they are entered, the exclude globs are compiled into
one regex, and every relative path is built by string concatenation on the way down instead of
``os.path.relpath`` per entry.  Each ``.gitignore`` is read only when the listing shows one, and compiled
once per run.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from typing import Dict, List, Optional, Pattern, Sequence, Set, Tuple

import pathspec

from wxkf_lint.settings import Settings

SUFFIXES = (".py", ".pyi")

#: a compiled .gitignore, and the path of the current folder relative to the folder holding it
#: ("" there, else ending in "/"), since gitignore patterns are relative to their own folder
_Ignore = Tuple[pathspec.PathSpec, str]


class DiscoveryError(Exception):
    """A path the user gave cannot be linted (one line, exit 2)."""


#: a path the walk met but could not list or stat (a folder without read permission, a symlink loop),
#: and why, in one line: reported as WXK002 when the caller collects them, an error otherwise
Problem = Tuple[str, str]


class _Problems:
    """Where the walk puts the paths it cannot enter: the caller's list, or a DiscoveryError at once."""

    def __init__(self, collected: Optional[List[Problem]]) -> None:
        self.collected = collected

    def add(self, path: str, error: OSError, what: str) -> None:
        reason = f"cannot {what}: {error.strerror or error}"
        if self.collected is None:
            raise DiscoveryError(f"{path}: {reason}")
        key = os.path.normpath(path)
        if all(os.path.normpath(seen) != key for seen, _ in self.collected):  # named and met in a walk: once
            self.collected.append((path, reason))


def _relative(path: str, base: str) -> Optional[str]:
    """``path`` relative to ``base`` in ``/`` form ("" when equal), or None when outside it."""
    if path == base:
        return ""
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not path.startswith(prefix):
        return None
    return path[len(prefix):].replace(os.sep, "/")


def _child(relative: str, name: str) -> str:
    return f"{relative}/{name}" if relative else name


class _Excludes:
    """The exclude globs (fnmatch, case-sensitive, as flake8 and ruff use them) as one regex.

    A glob is tried against the entry's name, its path relative to ``settings.root`` and its path
    relative to the folder being walked, so ``build``, ``src/gen`` and ``*_pb2.py`` all do what they say.
    """

    def __init__(self, settings: Settings) -> None:
        globs = [glob.strip().rstrip("/") for glob in settings.excludes]
        globs = [glob[2:] if glob.startswith("./") else glob for glob in globs]
        parts = [fnmatch.translate(glob) for glob in globs if glob]
        self._regex: Optional[Pattern[str]] = re.compile("|".join(parts)) if parts else None
        self.root = os.path.realpath(settings.root)

    def match(self, *candidates: Optional[str]) -> bool:
        regex = self._regex
        return regex is not None and any(c and regex.match(c) for c in candidates)

    def drops_file(self, given: str) -> bool:
        """Whether a file named on the command line lies in, or is, something excluded.

        Every folder on its way down from ``root`` counts, so pre-commit's ``build/x.py`` is dropped as
        the walk would have skipped it.  Outside ``root`` only the name and the given spelling count:
        the folders above a project are none of its configuration's business.
        """
        spelled = os.path.normpath(given).replace(os.sep, "/")
        if self.match(os.path.basename(given), spelled):
            return True
        relative = _relative(os.path.realpath(given), self.root)
        if not relative:
            return False
        parts = relative.split("/")
        return any(self.match(part, "/".join(parts[: index + 1])) for index, part in enumerate(parts))


class _GitIgnores:
    """Compiled ``.gitignore`` files by folder, so each is read and compiled once per run."""

    def __init__(self, settings: Settings) -> None:
        self.root = os.path.realpath(settings.root)
        self._cache: Dict[str, Optional[pathspec.PathSpec]] = {}

    def spec(self, folder: str) -> Optional[pathspec.PathSpec]:
        real = os.path.realpath(folder)
        if real not in self._cache:
            self._cache[real] = self._compile(os.path.join(real, ".gitignore"))
        return self._cache[real]

    @staticmethod
    def _compile(path: str) -> Optional[pathspec.PathSpec]:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                spec = pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())
        except OSError:
            return None
        return spec if len(spec) else None

    def above(self, top: str) -> List[_Ignore]:
        """The .gitignore files of the folders above ``top``, outermost first.

        They reach up to the git root (the folder holding ``.git``) as git's own do; outside a git
        repository, up to ``root``, so a project's .gitignore works before ``git init`` too.
        """
        real = os.path.realpath(top)
        boundary = _git_root(real)
        if boundary is None and _relative(real, self.root) is None:
            return []
        stop = boundary if boundary is not None else self.root
        ignores: List[_Ignore] = []
        folder, prefix = real, ""
        while folder != stop:
            folder, name = os.path.split(folder)
            prefix = f"{name}/{prefix}"
            spec = self.spec(folder)
            if spec is not None:
                ignores.append((spec, prefix))
        ignores.reverse()
        if self._covers(ignores):
            return []  # the user named an ignored folder (say, a Python install under a dotfiles repo): lint it
        return ignores

    @staticmethod
    def _covers(ignores: Sequence[_Ignore]) -> bool:
        """Do the .gitignore files above ``top`` ignore ``top`` itself (or a folder between)?"""
        for spec, prefix in ignores:
            parts = prefix.rstrip("/").split("/")
            for depth in range(1, len(parts) + 1):
                if spec.check_file("/".join(parts[:depth]) + "/").include:
                    return True
        return False


def _git_root(folder: str) -> Optional[str]:
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return folder


def _git_ignored(relative_name: str, is_dir: bool, ignores: Sequence[_Ignore]) -> bool:
    """As git decides: the deepest .gitignore with a matching pattern wins, so ``!keep.py`` can re-include."""
    for spec, prefix in reversed(ignores):
        include = spec.check_file(prefix + relative_name + ("/" if is_dir else "")).include
        if include is not None:
            return include
    return False


def _walk(top: str, excludes: _Excludes, gitignores: _GitIgnores, problems: _Problems) -> List[str]:
    """``top``'s lintable files: each folder's files sorted by name, then its sub-folders in order.

    An explicit stack, not recursion, so deeply nested packages cannot hit the recursion limit.
    """
    found: List[str] = []
    # (path as spelled, relative to root or None, relative to top, .gitignores in force)
    stack: List[Tuple[str, Optional[str], str, List[_Ignore]]] = [
        (top, _relative(os.path.realpath(top), excludes.root), "", gitignores.above(top))
    ]
    while stack:
        folder, from_root, from_top, ignores = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            problems.add(folder, error, "list folder")
            continue
        if any(entry.name == ".gitignore" for entry in entries):
            own = gitignores.spec(folder)
            if own is not None:
                ignores = ignores + [(own, "")]
        folders = []
        for entry in entries:
            name = entry.name
            is_dir = entry.is_dir(follow_symlinks=False)
            if not is_dir and not name.endswith(SUFFIXES):
                continue
            try:
                if not is_dir and not entry.is_file():
                    continue
            except OSError as error:  # a symlink loop, or a link into a folder we may not enter
                problems.add(name if folder == "." else os.path.join(folder, name), error, "read file")
                continue
            in_root = None if from_root is None else _child(from_root, name)
            in_top = _child(from_top, name)
            if excludes.match(name, in_root, in_top) or (ignores and _git_ignored(name, is_dir, ignores)):
                continue
            path = name if folder == "." else os.path.join(folder, name)
            if is_dir:
                folders.append((path, in_root, in_top, [(spec, prefix + name + "/") for spec, prefix in ignores]))
            else:
                found.append(path)
        stack.extend(reversed(folders))
    return found


def iter_files(paths: Sequence[str], settings: Settings, problems: Optional[List[Problem]] = None) -> List[str]:
    """The files to lint, in the order given, each folder's files sorted, without duplicates.

    A file named explicitly is linted whatever its suffix (pre-commit and editors pass files), but is
    dropped when an exclude glob covers it, as flake8 does.  ``-`` (stdin) passes through.  A path that
    does not exist is a :class:`DiscoveryError`; one that exists but cannot be listed or examined (no
    permission, a symlink loop) is appended to ``problems``, so that the rest of the run goes on, or,
    without that list, a DiscoveryError too.
    """
    excludes = _Excludes(settings)
    gitignores = _GitIgnores(settings)
    trouble = _Problems(problems)
    seen: Set[str] = set()
    found: List[str] = []
    for given in paths:
        if given == "-":
            candidates = [given]
        else:
            try:
                is_folder = stat.S_ISDIR(os.stat(given).st_mode)
            except OSError as error:
                if error.errno in (errno.ENOENT, errno.ENOTDIR):
                    raise DiscoveryError(f"{given}: no such file or directory") from None
                trouble.add(given, error, "read file")
                continue
            if is_folder:
                candidates = _walk(given, excludes, gitignores, trouble)
            else:
                candidates = [] if excludes.drops_file(given) else [given]
        for path in candidates:
            key = os.path.normpath(path)
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found
