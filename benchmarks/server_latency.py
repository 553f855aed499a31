"""The language server's re-lint latency: ``didChange`` sent → ``publishDiagnostics`` received.

Usage: ``python benchmarks/server_latency.py [--runs 9] [--lines 2000]`` (also ``bench.py --suites server``).

The document is WeCom code: ``examples/kf_client/*.py`` one after another (their ``from __future__``
lines dropped) until it has ``--lines`` lines, so it is parsed, analysed and has findings everywhere, as
in the ``dense`` suite.  One ``wxkf-lint server`` is started, as an editor starts it, and talked to over
stdio by the test suite's client; each run edits the end of the document (a comment, so the findings stay
the same) and waits for the diagnostics.  The latency minus the server's debounce is the re-lint itself;
the floor it is compared with is LibCST's ``parse_module`` of the same text in this process (LibCST has
no incremental parse, so every re-lint parses the whole text).  Target (issue 12): at most 2× the parse.
Each edit is followed at once by the parse and by the engine's own ``lint_source`` of the text in this
process, so that on a shared machine they meet the same load; the server's CPU time per edit (Linux
``/proc``) and the engine's tell the server's own share from the engine's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the test suite's LSP client

from tests.lsp_client import LspSession  # noqa: E402
from wxkf_lint.server.app import DEBOUNCE_SECONDS  # noqa: E402


def wecom_document(lines: int) -> str:
    """Whole example modules one after another until there are at least ``lines`` lines (a cut could not parse)."""
    sources = sorted((REPO / "examples").rglob("*.py"))
    if not sources:
        raise SystemExit(f"server_latency.py: no examples under {REPO / 'examples'}")
    parts: List[str] = []
    while len(parts) < lines:
        for source in sources:
            text = source.read_text(encoding="utf-8")
            parts.extend(line for line in text.splitlines() if not line.startswith("from __future__"))
            if len(parts) >= lines:
                break
    return "\n".join(parts) + "\n"


@dataclass
class Run:
    """One edit: the editor's wait, the server's CPU time for it, and a parse of the same text right after."""

    wall: float
    server_cpu: Optional[float]
    parse_wall: float
    parse_cpu: float
    engine_cpu: float


def _cpu_of(pid: int) -> Optional[float]:
    """User + system CPU seconds of a process so far (Linux ``/proc``; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(work: Callable[[], object]) -> Tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(text: str, runs: int) -> List[Run]:
    """``runs`` edits after one warm-up; each followed at once by a parse and an engine lint here, so that
    on a shared machine all three see the same load."""
    import libcst

    from wxkf_lint.engine import Linter
    from wxkf_lint.settings import Settings
    from wxkf_lint.source import SourceText

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    linter = Linter.from_settings(Settings())
    source = SourceText(text=text, encoding="utf-8", bom=False, newline="\n")
    found: List[Run] = []
    with tempfile.TemporaryDirectory(prefix="wxkf-bench-server-") as folder:
        path = Path(folder) / "kf_dense.py"
        path.write_text(text, encoding="utf-8")
        session = LspSession(Path(folder))
        try:
            uri = path.as_uri()
            if not session.diagnostics(uri, session.open(path, text), timeout=120):
                raise SystemExit("server_latency.py: the document has no findings; the benchmark would not lint it")
            for version in range(2, runs + 3):  # the first edit warms up
                edited = text + f"# edit {version}\n"  # a comment: the findings stay the same
                cpu = _cpu_of(session.process.pid)
                start = time.perf_counter()
                session.diagnostics(uri, session.change(path, edited, version), timeout=120)
                wall = time.perf_counter() - start
                after = _cpu_of(session.process.pid)
                parse_wall, parse_cpu = _timed(lambda: libcst.parse_module(edited))
                _, engine_cpu = _timed(lambda: linter.lint_source(source, "kf_dense.py"))
                server_cpu = after - cpu if after is not None and cpu is not None else None
                found.append(Run(wall, server_cpu, parse_wall, parse_cpu, engine_cpu))
            if session.close() != 0:
                print("  warning: the server did not exit cleanly", file=sys.stderr)
        finally:
            session.kill()
    return found[1:]


def report(runs: int, lines: int) -> str:
    text = wecom_document(lines)
    measured = measure(text, runs)

    def median(values: List[float]) -> float:
        return statistics.median(values)

    wall = median([r.wall for r in measured])
    relint = wall - DEBOUNCE_SECONDS
    wall_ratio = median([(r.wall - DEBOUNCE_SECONDS) / r.parse_wall for r in measured])
    rows = [
        f"## server: one document of {text.count(chr(10)):,} lines ({len(text) / 1e3:.0f} kB) of examples/ code, "
        f"median of {runs} edits\n",
        "| measure | median s | min–max s |",
        "| --- | ---: | ---: |",
        f"| didChange → publishDiagnostics (wall) | {wall:.3f} | "
        f"{min(r.wall for r in measured):.3f}–{max(r.wall for r in measured):.3f} |",
        f"| the same, less the {DEBOUNCE_SECONDS:.2f} s debounce | {relint:.3f} | |",
        f"| LibCST parse_module of the text (wall) | {median([r.parse_wall for r in measured]):.3f} | |",
    ]
    cpus = [r.server_cpu for r in measured if r.server_cpu is not None]
    if cpus:
        rows.append(f"| the server's CPU time per re-lint | {median(cpus):.3f} | {min(cpus):.3f}–{max(cpus):.3f} |")
    rows += [
        f"| the engine's lint_source of the text (CPU, this process) | {median([r.engine_cpu for r in measured]):.3f} | |",
        f"| LibCST parse_module of the text (CPU) | {median([r.parse_cpu for r in measured]):.3f} | |",
        "",
        f"- re-lint after the debounce / parse, wall, each edit against the parse right after it: {wall_ratio:.2f} "
        f"(target <= 2: {'met' if wall_ratio <= 2 else 'NOT met'})",
    ]
    if cpus:
        cpu_ratio = median([r.server_cpu / r.parse_cpu for r in measured if r.server_cpu is not None])
        rows.append(f"- the same in CPU time, which a loaded machine disturbs less: {cpu_ratio:.2f}")
    rows.append(f"- the engine alone / parse, CPU: {median([r.engine_cpu / r.parse_cpu for r in measured]):.2f}")
    return "\n".join(rows) + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed edits, after one warm-up (default: 9)")
    parser.add_argument("--lines", type=int, default=2000, help="lines in the document (default: 2000)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.lines < 1:
        parser.error("--runs and --lines must be at least 1")
    print(report(args.runs, args.lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
