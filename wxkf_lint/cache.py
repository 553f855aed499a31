"""The result cache: a file's findings, stored under a key made of everything that decides them.

ruff keys its cache on modification times, so a fresh CI checkout (every mtime new) misses everything,
exactly where a cache would help most.  Here the key is a hash of

* the file's bytes (not its mtime: a fresh checkout of unchanged files hits),
* the path as given (the analysis reads it: test files, per-file-ignores),
* wxkf-lint's version, a digest of its own code and its rule table (so an edited checkout of wxkf-lint,
  or of a rule page's front matter, never serves results of the code before the edit), LibCST's
  version and the Python version (positions and ``WXK001``'s message come from them),
* the settings that change what the file reports: the rule selection, the rule options, and the
  per-file-ignores that apply to this path, not those of other files.

Each file has its own entry, ``<key>.json`` under ``results/`` in the cache folder (``.wxkf_cache/`` in
the project root unless ``--cache-dir`` or ``WXKF_LINT_CACHE_DIR`` says otherwise), which holds a
``CACHEDIR.TAG`` and a ``.gitignore`` of ``*`` so that backup tools and git leave it alone.  An entry is
written to a temporary file in the same folder and renamed over the old one, so a reader sees a whole
entry or none, and concurrent runs (or ``--jobs`` runs, whose findings this process stores) never
corrupt one: the last rename wins, and both wrote the same findings.  An entry that cannot be read,
does not parse, has another format or names another key is a miss, and is rewritten.

Not cached: files that fail the prefilter (testing them costs a substring search, less than a cache
lookup's hash and open), stdin, files with an internal error (WXK003: a bug, and the traceback only lives
for ``--verbose``), and ``--fix``/``--diff``, which re-lint each text they produce and never read an entry.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from wxkf_lint import __version__, codes, registry
from wxkf_lint.findings import Finding, Fix
from wxkf_lint.selection import ignored_for_path
from wxkf_lint.settings import Settings

#: the folder name in the project root, as ruff's ``.ruff_cache``
CACHE_DIR_NAME = ".wxkf_cache"
#: the environment variable that moves the cache (``--cache-dir`` wins over it)
CACHE_DIR_ENV = "WXKF_LINT_CACHE_DIR"
#: bumped when the layout of an entry changes; entries of another format are misses
ENTRY_FORMAT = 1

_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by wxkf-lint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)

#: Settings fields that change no finding of a file that is linted (they choose which files are)
_NOT_IN_KEY = ("exclude", "extend_exclude", "config_path", "root", "per_file_ignores")


def default_cache_dir(settings: Settings) -> Path:
    """``$WXKF_LINT_CACHE_DIR``, else ``.wxkf_cache`` in the project root (the pyproject.toml's folder or cwd)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured) if configured else settings.root / CACHE_DIR_NAME


class ResultCache:
    """The findings of files already linted with these settings, by the hash of their bytes."""

    def __init__(self, folder: Path, settings: Settings) -> None:
        self.folder = folder
        self._results = folder / "results"
        self._settings = settings
        self._prefix: Optional[bytes] = None  # computed for the first file that passes the prefilter
        self._ready = False
        #: set once a write failed (a read-only checkout): the run goes on, uncached, and says so once
        self.write_error: Optional[str] = None

    def key(self, path: str, data: bytes) -> str:
        """The entry name of ``path`` holding ``data``, with the settings that apply to that path."""
        if self._prefix is None:
            self._prefix = _key_prefix(self._settings)
        digest = hashlib.blake2b(self._prefix, digest_size=20)
        ignored = sorted(ignored_for_path(self._settings, path))
        digest.update(json.dumps([path, ignored]).encode("utf-8"))
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def load(self, key: str) -> Optional[List[Finding]]:
        """The cached findings (their path is the caller's to set), or None for a missing or unusable entry."""
        try:
            with open(self._results / f"{key}.json", "rb") as handle:
                entry = json.loads(handle.read())
            if entry["format"] != ENTRY_FORMAT or entry["key"] != key:
                return None
            return [_finding(row) for row in entry["findings"]]
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            return None

    def save(self, key: str, findings: List[Finding]) -> None:
        """Store the findings atomically; a file with an internal error is not stored (see the module doc)."""
        if self.write_error is not None or any(f.code == codes.INTERNAL_ERROR for f in findings):
            return
        rows = [_row(finding) for finding in findings]
        data = json.dumps({"format": ENTRY_FORMAT, "key": key, "findings": rows}, ensure_ascii=False)
        try:
            self._prepare()
            _write_atomically(self._results / f"{key}.json", data.encode("utf-8"))
        except OSError as error:
            self.write_error = f"cannot write the cache in {self.folder}: {error.strerror or error}"

    def _prepare(self) -> None:
        """Create the folder with its CACHEDIR.TAG and .gitignore, once per run, before the first entry."""
        if self._ready:
            return
        self._results.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _CACHEDIR_TAG), (".gitignore", "# created by wxkf-lint\n*\n")):
            if not (self.folder / name).is_file():
                _write_atomically(self.folder / name, text.encode("utf-8"))
        self._ready = True


def _key_prefix(settings: Settings) -> bytes:
    """What every key of this run shares: the versions and the settings that apply to every file."""
    fields = {
        name: value for name, value in dataclasses.asdict(settings).items() if name not in _NOT_IN_KEY
    }
    identity = {
        "format": ENTRY_FORMAT,
        "wxkf-lint": [__version__, _code_digest()],
        "rules": [dataclasses.astuple(rule) for rule in registry.RULES],  # names and defaults come from the pages
        "libcst": _distribution_version("libcst"),
        "python": [sys.implementation.name, list(sys.version_info)],
        "settings": fields,
    }
    return json.dumps(identity, sort_keys=True, default=str).encode("utf-8")


@lru_cache(maxsize=None)
def _code_digest() -> str:
    """A digest of wxkf-lint's own modules: an edited (editable) install is another version."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for module in sorted(package.rglob("*.py")):
        digest.update(module.relative_to(package).as_posix().encode("utf-8"))
        digest.update(b"\0")
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _distribution_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _row(finding: Finding) -> Dict[str, Any]:
    row = dataclasses.asdict(finding)
    del row["path"], row["detail"], row["fingerprint"]
    return row


def _finding(row: Dict[str, Any]) -> Finding:
    """The finding of an entry's row; a row of another shape raises (TypeError, KeyError): a miss."""
    fix = row.pop("fix")
    finding = Finding(path="", fix=None if fix is None else Fix(**fix), **row)
    numbers = (finding.line, finding.column, finding.end_line, finding.end_column)
    texts = (finding.code, finding.name, finding.message, finding.scope, finding.node_hash)
    if not all(type(n) is int for n in numbers) or not all(isinstance(t, str) for t in texts):
        raise TypeError("not a finding")
    return finding


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside ``target``, then rename it over: readers see all of it or none.

    The temporary name is unique per process (``O_EXCL`` refuses a leftover), and plain ``os`` calls keep
    a write to four system calls: a cold run writes one entry per linted file.
    """
    temporary = f"{target.parent}{os.sep}.{target.name}.{os.getpid()}.tmp"
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:  # left by a process with this pid that was killed mid-write
        os.unlink(temporary)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
