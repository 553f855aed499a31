"""The language server's re-lint latency: ``didChange`` sent → ``publishDiagnostics`` received.

Usage: ``python benchmarks/server_latency.py [--runs 9] [--lines 2000]`` (also ``bench.py --suites server``).

The document is WeCom code: ``examples/kf_client/*.py`` one after another (their ``from __future__``
lines dropped) until it has ``--lines`` lines, so it is parsed, analysed and has findings everywhere, as
in the ``dense`` suite.  One ``wxkf-lint server`` is started, as an editor starts it, and talked to over
stdio by the test suite's client; each run edits the end of the document (a comment, so the findings stay
the same) and waits for the diagnostics.  The latency minus the server's debounce is the re-lint itself;
the floor it is compared with is LibCST's ``parse_module`` of the same text in this process (LibCST has
no incremental parse, so every re-lint parses the whole text).  Target (issue 12): at most 2× the parse.
The engine's own ``lint_source`` of the text, timed in this process, tells the server's share from the
engine's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence

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


def _median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs + 1):  # the first run warms up
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def parse_seconds(text: str, runs: int) -> float:
    import libcst

    return _median_seconds(lambda: libcst.parse_module(text), runs)


def engine_seconds(text: str, runs: int) -> float:
    """What the server's lint costs without the server: the engine entry point it calls, in this process."""
    from wxkf_lint.engine import Linter
    from wxkf_lint.settings import Settings
    from wxkf_lint.source import SourceText

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    linter = Linter.from_settings(Settings())
    source = SourceText(text=text, encoding="utf-8", bom=False, newline="\n")
    return _median_seconds(lambda: linter.lint_source(source, "kf_dense.py"), runs)


def relint_seconds(text: str, runs: int) -> List[float]:
    """Each run's didChange → publishDiagnostics, in seconds (debounce included)."""
    with tempfile.TemporaryDirectory(prefix="wxkf-bench-server-") as folder:
        path = Path(folder) / "kf_dense.py"
        path.write_text(text, encoding="utf-8")
        session = LspSession(Path(folder))
        try:
            uri = path.as_uri()
            first = session.diagnostics(uri, session.open(path, text), timeout=120)
            if not first:
                raise SystemExit("server_latency.py: the document has no findings; the benchmark would not lint it")
            times = []
            for version in range(2, runs + 3):  # the first change warms up
                edited = text + f"# edit {version}\n"
                start = time.perf_counter()
                mark = session.change(path, edited, version)
                session.diagnostics(uri, mark, timeout=120)
                times.append(time.perf_counter() - start)
                time.sleep(0.2)
            if session.close() != 0:
                print("  warning: the server did not exit cleanly", file=sys.stderr)
        finally:
            session.kill()
    return times[1:]


def report(runs: int, lines: int) -> str:
    text = wecom_document(lines)
    latencies = relint_seconds(text, runs)
    parse = parse_seconds(text, runs)
    engine = engine_seconds(text, runs)
    latency = statistics.median(latencies)
    relint = latency - DEBOUNCE_SECONDS
    ratio = relint / parse
    return "\n".join([
        f"## server: one document of {text.count(chr(10)):,} lines ({len(text) / 1e3:.0f} kB) of examples/ code, median of {runs} edits\n",
        "| measure | median s | min–max s |",
        "| --- | ---: | ---: |",
        f"| didChange → publishDiagnostics | {latency:.3f} | {min(latencies):.3f}–{max(latencies):.3f} |",
        f"| the same, less the {DEBOUNCE_SECONDS:.2f} s debounce | {relint:.3f} | |",
        f"| the engine's lint_source of the text, in-process | {engine:.3f} | |",
        f"| LibCST parse_module of the text | {parse:.3f} | |",
        "",
        f"- re-lint after the debounce / parse: {ratio:.2f} (target <= 2: {'met' if ratio <= 2 else 'NOT met'})",
        f"- the engine alone / parse: {engine / parse:.2f}; the server's own share: {relint - engine:+.3f} s",
        "",
    ])


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
