"""Linting a list of files in this process or in worker processes (``--jobs``), with the same result.

Worker processes pay only where files are parsed: in a typical tree most files fail the prefilter, and
testing them costs less than handing them to a worker.  So with ``jobs > 1`` this process reads every
file and applies the prefilter itself (1-2 GB/s), and only the files that pass are linted by workers,
in chunks, and only when there are at least ``PARALLEL_MIN_FILES`` of them: starting a pool (fork,
one pipe per worker) costs about as much as parsing a dozen kf modules, measured on ``examples/``.
Workers are forked after LibCST and the rules are imported here, so none imports them again.

Results come back in the order of ``paths`` whatever the number of workers, each file's findings as
the engine sorted them, so ``--jobs 1`` and ``--jobs 8`` print the same report.  A worker never prints:
an exception in one is a WXK003 finding for the file it was on, a worker that dies (killed, out of
memory) is a WXK003 for each file of its chunk, and Ctrl-C is left to this process, which stops the pool.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Dict, List, Optional, Sequence

from wxkf_lint import codes
from wxkf_lint.engine import Linter, _describe, _engine_finding, _internal_error
from wxkf_lint.findings import Finding
from wxkf_lint.settings import Settings

#: fewer files than this that pass the prefilter are linted in this process
PARALLEL_MIN_FILES = 16
#: the most files one task carries: small enough to balance the load, big enough to amortise the pipe
MAX_CHUNK = 32

_worker_linter: Optional[Linter] = None


def default_jobs() -> int:
    """The CPU count this process may use (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def lint_files(linter: Linter, paths: Sequence[str], jobs: int, read_stdin: Callable[[], bytes], stdin_name: str) -> List[Finding]:
    """Every file's findings, in the order of ``paths``; ``-`` is stdin, always linted here."""
    results: Dict[int, List[Finding]] = {}
    to_parse: List[int] = []
    for index, path in enumerate(paths):
        if path == "-":
            results[index] = linter.lint_bytes(read_stdin(), stdin_name)
        elif jobs == 1 or _passes_prefilter(linter, path):
            to_parse.append(index)
    if jobs > 1 and len(to_parse) >= PARALLEL_MIN_FILES and linter.rules:
        results.update(_lint_in_workers(linter.settings, [paths[i] for i in to_parse], to_parse, jobs))
    else:
        results.update((index, _lint_one(linter, paths[index])) for index in to_parse)
    return [finding for index in sorted(results) for finding in results[index]]


def _passes_prefilter(linter: Linter, path: str) -> bool:
    """Whether the file must go to the engine; unreadable files do, so that it reports them (WXK002)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return True
    return linter.markers.search_bytes(data)


def _lint_one(linter: Linter, path: str) -> List[Finding]:
    try:
        return linter.lint_path(path)
    except Exception as error:  # the engine catches what a file can cause; this is a bug, reported as one
        return [_internal_error(path, f"internal error: {_describe(error)}")]


def _lint_in_workers(settings: Settings, paths: List[str], indexes: List[int], jobs: int) -> Dict[int, List[Finding]]:
    chunk = max(1, min(MAX_CHUNK, -(-len(paths) // (jobs * 4))))
    starts = range(0, len(paths), chunk)
    results: Dict[int, List[Finding]] = {}
    pool = ProcessPoolExecutor(min(jobs, len(starts)), _context(), _start_worker, (settings, sys.getrecursionlimit()))
    try:
        futures: List[Future] = [pool.submit(_lint_chunk, paths[start : start + chunk]) for start in starts]
        for start, future in zip(starts, futures):
            try:
                found = future.result()
            except BrokenProcessPool:
                found = [[_worker_died(path)] for path in paths[start : start + chunk]]
            for offset, findings in enumerate(found):
                results[indexes[start + offset]] = findings
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


def _context():  # type: ignore[no-untyped-def]
    """``fork`` where it is safe (Linux): workers start at once with everything imported; else the default."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _start_worker(settings: Settings, recursion_limit: int) -> None:
    global _worker_linter
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; workers print nothing
    sys.setrecursionlimit(recursion_limit)
    _worker_linter = Linter.from_settings(settings)


def _lint_chunk(paths: List[str]) -> List[List[Finding]]:
    assert _worker_linter is not None
    return [_lint_one(_worker_linter, path) for path in paths]


def _worker_died(path: str) -> Finding:
    return _engine_finding(path, codes.INTERNAL_ERROR, "internal error: the worker process linting this file died")
