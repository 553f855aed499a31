"""Linting a list of files in this process or in worker processes (``--jobs``), with the same result.

Each file is read once and tested by the prefilter once, here, whatever the number of jobs: in a typical
tree most files fail the prefilter, and testing them costs less than handing them to a worker.  A file
that passes is looked up in the result cache (when there is one, see :mod:`wxkf_lint.cache`) by the hash
of the bytes just read; only the misses are linted, by workers, in chunks, and only when there are at
least ``PARALLEL_MIN_FILES`` of them: starting a pool (fork, one pipe per worker) costs about as much as
parsing a dozen kf modules, measured on ``examples/``.  Workers get the bytes with the path, so no file is
read twice, and are forked after LibCST and the rules are imported here, so none imports them again.
With one job a file is linted as soon as it is read; with more, the bytes of the files that passed the
prefilter are held until the workers take them.

Results come back in the order of ``paths`` whatever the number of workers, each file's findings as
the engine sorted them, so ``--jobs 1`` and ``--jobs 8`` print the same report.  A worker never prints:
an exception in one is a WXK003 finding for the file it was on, and Ctrl-C is left to this process,
which stops the pool.  A worker that dies (a crash in native code, killed, out of memory) breaks the
whole pool; the files of every chunk left unfinished are then linted again one by one, each in a
process of its own, so that only the file that kills its process is reported (WXK003) and every other
file reports what it reports in one process.  ``--fix`` and ``--diff`` share this machinery
(:func:`map_files`): workers compute each file's fixed text, this process alone writes.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple, TypeVar

from wxkf_lint import codes
from wxkf_lint.engine import Linter, _describe, _engine_finding, _internal_error
from wxkf_lint.findings import Finding
from wxkf_lint.settings import Settings

if TYPE_CHECKING:
    from wxkf_lint.cache import ResultCache

#: fewer files than this that pass the prefilter are linted in this process
PARALLEL_MIN_FILES = 16
#: the most files one task carries: small enough to balance the load, big enough to amortise the pipe
MAX_CHUNK = 32

_worker_linter: Optional[Linter] = None

#: what one worker task is given (a path, or a path with its bytes) and what it gives back
Item = TypeVar("Item")
Result = TypeVar("Result")


def default_jobs() -> int:
    """The CPU count this process may use (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def lint_files(
    linter: Linter,
    paths: Sequence[str],
    jobs: int,
    read_stdin: Callable[[], bytes],
    stdin_name: str,
    cache: Optional[ResultCache] = None,
) -> List[Finding]:
    """Every file's findings, in the order of ``paths``; ``-`` is stdin, always linted here and never cached."""
    results: Dict[int, List[Finding]] = {}
    pending: List[_Pending] = []
    for index, path in enumerate(paths):
        if path == "-":
            results[index] = linter.lint_bytes(read_stdin(), stdin_name)
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            results[index] = linter.lint_path(path)  # the engine reports why it cannot be read (WXK002)
            continue
        if not linter.needs_engine(data):
            results[index] = []
            continue
        key = cache.key(path, data) if cache is not None else None
        cached = cache.load(key) if cache is not None and key is not None else None
        if cached is not None:
            results[index] = [replace(finding, path=path) for finding in cached]
        elif jobs == 1:
            results[index] = _store(cache, key, _lint_one(linter, path, data))
        else:
            pending.append(_Pending(index, path, data, key))
    linted: Iterable[Tuple[_Pending, List[Finding]]] = zip(
        pending, map_files(linter, [(item.path, item.data) for item in pending], jobs, _lint_bytes, _bytes_died)
    )
    for item, findings in linted:  # entries are written while the workers go on with the next chunks
        results[item.index] = _store(cache, item.key, findings)
    return [finding for index in sorted(results) for finding in results[index]]


class _Pending(NamedTuple):
    """A file that passed the prefilter and is not in the cache: its bytes wait for a worker."""

    index: int
    path: str
    data: bytes
    key: Optional[str]


def _store(cache: Optional[ResultCache], key: Optional[str], findings: List[Finding]) -> List[Finding]:
    if cache is not None and key is not None:
        cache.save(key, findings)
    return findings


def _lint_one(linter: Linter, path: str, data: bytes) -> List[Finding]:
    try:
        return linter.lint_passed_bytes(data, path)
    except Exception as error:  # the engine catches what a file can cause; this is a bug, reported as one
        return [_internal_error(path, f"internal error: {_describe(error)}")]


def _lint_bytes(linter: Linter, item: Tuple[str, bytes]) -> List[Finding]:
    return _lint_one(linter, *item)


def _bytes_died(item: Tuple[str, bytes], how: str) -> List[Finding]:
    return worker_died(item[0], how)


def map_files(
    linter: Linter,
    items: Sequence[Item],
    jobs: int,
    task: Callable[[Linter, Item], Result],
    died: Callable[[Item, str], Result],
) -> Iterator[Result]:
    """``task(linter, item)`` for each item, in order: here, or in ``jobs`` workers when there are enough.

    ``task`` must be a module-level function (workers receive it by name); ``died(item, how)`` stands in
    for the result of an item whose process died.  Results come as the workers finish their chunks.
    """
    if jobs > 1 and len(items) >= PARALLEL_MIN_FILES and linter.rules:
        yield from _map_in_workers(linter.settings, list(items), jobs, task, died)
    else:
        for item in items:
            yield task(linter, item)


def _map_in_workers(
    settings: Settings,
    items: List[Item],
    jobs: int,
    task: Callable[[Linter, Item], Result],
    died: Callable[[Item, str], Result],
) -> Iterator[Result]:
    chunk = max(1, min(MAX_CHUNK, -(-len(items) // (jobs * 4))))
    chunks = [items[start : start + chunk] for start in range(0, len(items), chunk)]
    pool = ProcessPoolExecutor(min(jobs, len(chunks)), _context(), _start_worker, (settings, sys.getrecursionlimit()))
    try:
        futures: List[Future] = [pool.submit(_run_chunk, task, part) for part in chunks]
        for part, future in zip(chunks, futures):
            try:
                found = future.result()
            except BrokenProcessPool:  # this chunk's worker or another died: nobody knows which file did it
                found = [_run_isolated(settings, task, died, item) for item in part]
            yield from found
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_isolated(
    settings: Settings, task: Callable[[Linter, Item], Result], died: Callable[[Item, str], Result], item: Item
) -> Result:
    """``task`` on one item in a process of its own: if that process dies, only this item says so."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_isolated_main, args=(settings, sys.getrecursionlimit(), task, item, sender))
    process.start()
    sender.close()  # ours: so that the receiver sees end-of-file when the child dies without an answer
    try:
        result: Result = receiver.recv()
    except EOFError:
        process.join()
        return died(item, _how_it_died(process.exitcode))
    finally:
        receiver.close()
    process.join()
    return result


def _isolated_main(settings: Settings, recursion_limit: int, task: Callable[[Linter, Item], Result], item: Item, sender) -> None:  # type: ignore[no-untyped-def]
    _start_worker(settings, recursion_limit)
    assert _worker_linter is not None
    sender.send(task(_worker_linter, item))
    sender.close()


def _how_it_died(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


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


def _run_chunk(task: Callable[[Linter, Item], Result], items: List[Item]) -> List[Result]:
    assert _worker_linter is not None
    return [task(_worker_linter, item) for item in items]


def worker_died(path: str, how: str) -> List[Finding]:
    """The WXK003 of a file whose process died (``how``: "killed by SIGSEGV", "exit status 3")."""
    return [_engine_finding(path, codes.INTERNAL_ERROR, f"internal error: the process linting this file died ({how})")]
