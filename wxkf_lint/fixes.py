"""Applying the fixes rules record: edit the text, re-lint until nothing changes, write or diff.

Only safe fixes apply unless the run allows unsafe ones (``--unsafe-fixes``, :attr:`Fix.unsafe`).

A fix is an offset edit of the decoded text (see :class:`wxkf_lint.findings.Fix`), so fixing never
keeps a tree around: the edits of one pass are applied to the decoded text from last to first, the
result is linted again (a fix can expose another, and positions move), and passes stop when no fix is
left or the text stops changing.
Two guarantees hold whatever a rule does: edits that overlap are never applied half (the later one is
dropped and stays reported), and a pass whose result LibCST cannot parse is thrown away whole, so no
file is ever written in a state that does not parse.  Writing replaces the file atomically (a temporary
file in the same folder, then ``os.replace``) with the file's mode, owner, encoding, BOM and newlines
kept, or in place where a rename would change what the file is (see :func:`write_fixed`).
"""

from __future__ import annotations

import difflib
import os
import stat
import tempfile
import warnings
from dataclasses import dataclass, field, replace
from typing import Callable, List, Optional, Sequence, Tuple

import libcst as cst

from wxkf_lint.engine import Linter
from wxkf_lint.findings import Finding
from wxkf_lint.lines import LineIndex
from wxkf_lint.runner import map_files, worker_died
from wxkf_lint.source import DecodeError, SourceText, decode, encode

#: passes of fix-then-relint before giving up on reaching a fixed point (ruff stops at 100; our fixes
#: never expose more than one further fix, so 10 is ample and bounds the cost of a pathological file)
MAX_PASSES = 10


class FixError(Exception):
    """A fixed file could not be written (the original is left as it was)."""


@dataclass(frozen=True)
class FixOutcome:
    """What fixing one file came to: its final text, the findings fixed on the way, and those left.

    ``source`` is None for a file that could not be read or decoded: nothing was fixed, and its
    WXK002 finding is among ``remaining``.
    """

    path: str
    source: Optional[SourceText]
    text: str
    fixed: List[Finding]
    remaining: List[Finding]

    @property
    def changed(self) -> bool:
        return self.source is not None and self.text != self.source.text


@dataclass
class FixRun:
    """The outcome of ``--fix`` or ``--diff`` over every file of a run."""

    outcomes: List[FixOutcome] = field(default_factory=list)
    #: files whose fixed text could not be written (each left as it was, its findings reported unfixed)
    errors: List[str] = field(default_factory=list)
    #: what ``--fix`` echoes for stdin: the fixed source, in the encoding it came in
    stdin_output: Optional[bytes] = None

    @property
    def remaining(self) -> List[Finding]:
        return [finding for outcome in self.outcomes for finding in outcome.remaining]

    @property
    def fixed(self) -> List[Finding]:
        return [finding for outcome in self.outcomes for finding in outcome.fixed]

    @property
    def changed(self) -> bool:
        return any(outcome.changed for outcome in self.outcomes)

    def diff(self) -> str:
        return "".join(unified_diff(o.path, o.source.text, o.text) for o in self.outcomes if o.changed and o.source)

    def summary(self, diff: bool) -> str:
        """ruff's closing line: ``Found N errors (M fixed, K remaining).`` or ``Would fix M errors.``"""
        fixed = sum(len(outcome.fixed) for outcome in self.outcomes)
        if diff:
            return f"Would fix {_errors(fixed)}." if fixed else "No errors would be fixed."
        remaining = len(self.remaining)
        return f"Found {_errors(fixed + remaining)} ({fixed} fixed, {remaining} remaining)."


def select_fixes(findings: Sequence[Finding]) -> List[Finding]:
    """The findings whose fixes can be applied together: in source order, each one overlapping none before it.

    Two insertions at the same point count as overlapping too, since their order would be a guess.  Which
    fixes may apply at all (unsafe ones only with ``--unsafe-fixes``) is :func:`applicable`'s choice, made before.
    """
    chosen: List[Finding] = []
    for finding in sorted((f for f in findings if f.fix is not None), key=_fix_range):
        start, _ = _fix_range(finding)
        if chosen:
            last_start, last_end = _fix_range(chosen[-1])
            if start < last_end or start == last_start == last_end:
                continue
        chosen.append(finding)
    return chosen


def _fix_range(finding: Finding) -> Tuple[int, int]:
    fix = finding.fix
    assert fix is not None
    return fix.start, fix.end


def apply_fixes(text: str, findings: Sequence[Finding]) -> Tuple[str, List[Finding]]:
    """One pass: the text with every non-overlapping fix applied, and the findings whose fixes were applied.

    When the result does not parse (or CPython no longer compiles what it compiled before), the pass
    is refused whole: the text comes back unchanged and no finding counts as fixed.
    """
    chosen = [f for f in select_fixes(findings) if f.fix and text[f.fix.start : f.fix.end] != f.fix.content]
    if not chosen:
        return text, []
    fixed = text
    for finding in reversed(chosen):
        assert finding.fix is not None
        fixed = fixed[: finding.fix.start] + finding.fix.content + fixed[finding.fix.end :]
    if not parses(fixed) or (_compiles(text) and not _compiles(fixed)):
        return text, []
    return fixed, chosen


def parses(text: str) -> bool:
    try:
        cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError):
        return False
    return True


def _compiles(text: str) -> bool:
    """Whether CPython compiles the text: it also refuses what LibCST's grammar accepts (``f(a=1, a=2)``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<fixed>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def applicable(findings: Sequence[Finding], unsafe_fixes: bool) -> List[Finding]:
    """The findings whose fix ``--fix`` applies: the safe ones, and with ``--unsafe-fixes`` every one."""
    return [f for f in findings if f.fixable(unsafe_fixes)]


def fix_source(linter: Linter, source: SourceText, path: str) -> FixOutcome:
    """Fix one file's text to a fixed point (at most :data:`MAX_PASSES` passes)."""
    text = source.text
    findings = linter.lint_source(source, path)
    fixed: List[Finding] = []
    for _ in range(MAX_PASSES):
        text_after, applied = apply_fixes(text, applicable(findings, linter.settings.unsafe_fixes))
        if not applied:
            break
        fixed.extend(applied)
        text = text_after
        findings = linter.lint_source(replace(source, text=text), path)
    return FixOutcome(path, source, text, fixed, findings)


def fix_bytes(linter: Linter, data: bytes, path: str) -> FixOutcome:
    try:
        source = decode(data)
    except DecodeError:
        return FixOutcome(path, None, "", [], linter.lint_bytes(data, path))
    return fix_source(linter, source, path)


def fix_files(
    linter: Linter, paths: Sequence[str], read_stdin: Callable[[], bytes], stdin_name: str, write: bool, jobs: int = 1
) -> FixRun:
    """Fix every file (``-`` is stdin, named ``stdin_name``); with ``write``, replace the files that changed.

    The fixed texts are computed in ``jobs`` worker processes (see :func:`wxkf_lint.runner.map_files`);
    only this process writes.  stdin is never written anywhere but :attr:`FixRun.stdin_output`.
    """
    run = FixRun()
    files = [path for path in paths if path != "-"]
    outcomes = iter(map_files(linter, files, jobs, fix_path, _process_died))
    for path in paths:
        if path == "-":
            data = read_stdin()
            outcome = fix_bytes(linter, data, stdin_name)
            run.stdin_output = encode(outcome.text, outcome.source) if outcome.changed and outcome.source else data
        else:
            outcome = next(outcomes)
            if write and outcome.changed and outcome.source is not None:
                outcome = _write_outcome(linter, outcome, run.errors)
        run.outcomes.append(outcome)
    return run


def fix_path(linter: Linter, path: str) -> FixOutcome:
    """One file's fixed text, not written (a worker computes it, :func:`fix_files` writes it)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return FixOutcome(path, None, "", [], linter.lint_path(path))
    return fix_bytes(linter, data, path)


def _process_died(path: str, how: str) -> FixOutcome:
    return FixOutcome(path, None, "", [], worker_died(path, how))


def _write_outcome(linter: Linter, outcome: FixOutcome, errors: List[str]) -> FixOutcome:
    assert outcome.source is not None
    try:
        write_fixed(outcome.path, outcome.source, outcome.text)
    except FixError as error:
        errors.append(str(error))
        source = outcome.source
        return FixOutcome(outcome.path, source, source.text, [], linter.lint_source(source, outcome.path))
    return outcome


def write_fixed(path: str, source: SourceText, text: str) -> None:
    """Replace the file at ``path`` with ``text`` in the encoding, BOM, mode, owner and group it had.

    Refuses (:class:`FixError`) a text that does not parse or cannot be encoded as the file was, and a
    file its mode makes read-only (for root too: a read-only file says "do not rewrite me"); the
    original file is then untouched.  A symbolic link is followed, so the link stays a link.  The new
    text is written to a temporary file beside the original and renamed over it, so that no reader
    ever sees half a file; where the rename would change the file's identity, the text is written
    into the file itself instead: a file with hard links (a rename would split them) and a file whose
    owner or group the temporary file cannot be given (another user's file in a group-writable folder).
    """
    if not parses(text):
        raise FixError(f"{path}: the fixed text does not parse; file left unchanged")
    try:
        data = encode(text, source)
    except UnicodeEncodeError as error:
        raise FixError(f"{path}: the fixed text cannot be encoded as {source.encoding}: {error.reason}") from None
    target = os.path.realpath(path)
    try:
        status = os.stat(target)
    except OSError as error:
        raise FixError(f"{path}: cannot write the fixed file: {error.strerror or error}") from None
    if not status.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise FixError(f"{path}: the file is read-only; not fixed")
    if status.st_nlink > 1 or not _replace_atomically(target, data, status):
        _write_in_place(path, target, data)


def _replace_atomically(target: str, data: bytes, status: os.stat_result) -> bool:
    """Write ``data`` to a temporary file with the target's mode, owner and group, then rename it over.

    False (nothing changed) when the temporary file cannot be made to look like the original: no room
    for it in the folder, or an owner or group this user may not give it.
    """
    folder, name = os.path.split(target)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".wxkf-fix", dir=folder or ".")
    except OSError:
        return False
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        made = os.stat(temporary)
        if (made.st_uid, made.st_gid) != (status.st_uid, status.st_gid):
            try:
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                os.unlink(temporary)
                return False
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        os.replace(temporary, target)
    except BaseException as error:  # an interrupt too must not leave the temporary file behind
        if os.path.exists(temporary):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise FixError(f"{target}: cannot write the fixed file: {error.strerror or error}") from None
        raise
    return True


def _write_in_place(path: str, target: str, data: bytes) -> None:
    """Overwrite the file's own bytes: its inode, links, owner, group and mode stay what they were."""
    try:
        with open(target, "r+b") as stream:
            stream.write(data)
            stream.truncate()
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        raise FixError(f"{path}: cannot write the fixed file: {error.strerror or error}") from None


def unified_diff(path: str, before: str, after: str) -> str:
    """A ``diff -u`` of one file with ``a/``/``b/`` headers, as ruff and git print it."""
    lines = []
    old, new = LineIndex(before).lines_with_breaks(), LineIndex(after).lines_with_breaks()
    for line in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


def _errors(count: int) -> str:
    return f"{count} error" if count == 1 else f"{count} errors"
