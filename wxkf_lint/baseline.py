"""Baselines: record today's findings, then report only the ones that are new.

A finding's fingerprint must survive the edits a legacy file goes through without being fixed: lines
inserted above it (ruff's baseline request, ruff#1149, stalled on drifting line numbers), and it must
not swallow a second copy of the same defect (bandit's baseline does, bandit#1467).  So it is made of
the code, the path, the qualified name of the enclosing function or class (``Client.send``), a digest of
the reported node's text with whitespace collapsed, and the occurrence index among the findings of that
file with the same code, name and text: not the line.  Two identical defects in one function are
occurrences 0 and 1; a baseline that holds only occurrence 0 reports the new one.

The same fingerprint is SARIF's ``partialFingerprints`` (see :mod:`wxkf_lint.reporters`), so code
scanning tracks a result across the same edits.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path, PurePath
from dataclasses import replace
from typing import List, Sequence, Set, Tuple

from wxkf_lint import __version__
from wxkf_lint.findings import Finding

#: the key of the fingerprint in SARIF's ``partialFingerprints``; ``/v1`` changes with the recipe
SARIF_FINGERPRINT_KEY = "wxkfLint/v1"
BASELINE_FORMAT = 1


class BaselineError(Exception):
    """A baseline file that cannot be read or is not one (exit 2)."""


def fingerprint_path(path: str) -> str:
    """The path as a fingerprint spells it: relative to the current folder where it can be, with ``/``."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows): the absolute path
        relative = os.path.abspath(path)
    return PurePath(relative).as_posix()


def fingerprints(findings: Sequence[Finding]) -> List[str]:
    """The fingerprint of each finding, in order; occurrences count in the order the findings come."""
    seen: Counter = Counter()
    out = []
    for finding in findings:
        path = fingerprint_path(finding.path)
        identity: Tuple[str, str, str, str] = (finding.code, path, finding.scope, finding.node_hash)
        occurrence = seen[identity]
        seen[identity] += 1
        text = json.dumps([*identity, occurrence], ensure_ascii=False)
        out.append(hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest())
    return out


def baseline_text(findings: Sequence[Finding]) -> str:
    """The baseline file: the fingerprints, with where and what each was when recorded, for a reviewer."""
    rows = [
        {
            "fingerprint": f.fingerprint,
            "code": f.code,
            "path": fingerprint_path(f.path),
            "line": f.line,
            "message": f.message,
        }
        for f in with_fingerprints(findings)
    ]
    document = {"tool": "wxkf-lint", "version": __version__, "format": BASELINE_FORMAT, "findings": rows}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_baseline(path: str, findings: Sequence[Finding]) -> None:
    try:
        Path(path).write_text(baseline_text(findings), encoding="utf-8")
    except OSError as error:
        raise BaselineError(f"--write-baseline: cannot write {path}: {error.strerror or error}") from None


def read_baseline(path: str) -> Set[str]:
    """The fingerprints a baseline file holds."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"--baseline: cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise BaselineError(f"--baseline: {path} is not JSON: {error}") from None
    ours = isinstance(document, dict) and document.get("tool") == "wxkf-lint"
    if not ours or document.get("format") != BASELINE_FORMAT:
        raise BaselineError(f"--baseline: {path} is not a wxkf-lint baseline (format {BASELINE_FORMAT})")
    rows = document.get("findings")
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise BaselineError(f"--baseline: {path}: expected a list of findings with a 'fingerprint' each")
    prints = [row.get("fingerprint") for row in rows]
    if not all(isinstance(fingerprint, str) for fingerprint in prints):
        raise BaselineError(f"--baseline: {path}: expected a list of findings with a 'fingerprint' each")
    return set(prints)


def with_fingerprints(findings: Sequence[Finding]) -> List[Finding]:
    """The findings with their fingerprints set, counted over all of them (before any baseline drops some)."""
    return [replace(f, fingerprint=fp) for fp, f in zip(fingerprints(findings), findings)]


def new_findings(findings: Sequence[Finding], known: Set[str]) -> List[Finding]:
    """The findings (fingerprinted by :func:`with_fingerprints`) that are not in the baseline."""
    return [f for f in findings if f.fingerprint not in known]
