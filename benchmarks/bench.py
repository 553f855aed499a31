"""Whole-run wall time and peak memory of wxkf-lint against flake8, ruff, Fixit and LibCST's parser alone.

Usage: ``python benchmarks/bench.py [--runs 5] [--suites stdlib,dense,empty,cache,server,big] [--tools ...]`` (see --help).

Three trees, each built in a temporary folder so that every tool sees the same files and no
configuration (each tool is also run with its "isolated" flag where it has one):

* ``stdlib``: the ``*.py``/``*.pyi`` files of the running Python's standard library (``sysconfig``'s
  stdlib path), copied without ``site-packages``/``dist-packages``, which ruff skips by default and the
  others would not.  Almost no file mentions WeCom: this measures the cost of the prefilter and start-up.
* ``dense``: ``examples/`` copied into nested packages until there are ``--dense-files`` files: every
  file is WeCom code with findings, so every file is parsed, analysed and reported.  LibCST's
  ``parse_module`` alone over the same files (read, decode, parse; one process) is the floor.
* ``empty``: ``--empty-files`` empty ``__init__.py`` in nested packages: per-file overhead and discovery.
* ``cache``: the dense tree linted by ``wxkf-lint`` (default jobs) without a cache, then with its result
  cache: cold (the cache folder emptied before each run: every entry is written), warm (a second run),
  and on a fresh copy of the tree (new mtimes, as a CI checkout has) with the warm cache; the warm and
  fresh-copy reports are compared with the uncached one byte for byte.
* ``server``: the language server's re-lint latency for one ``--server-lines`` document (``server_latency.py``).

And ``big``: one generated WeCom module (:mod:`wecom_gen`) of each of ``--big-lines`` sizes, linted
with ``--jobs 1`` and parsed alone, to show how the cost of one file grows with its length (a cost
that grows with the square of a file only shows in files of thousands of lines).

Each command runs once to warm the file cache, then ``--runs`` times; the table shows the median wall
time, the CPU time (user+sys, all processes), and the peak resident memory of the largest single
process (``getrusage(RUSAGE_CHILDREN)`` in a small wrapper process per run, so runs do not mix).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
SUITES = ("stdlib", "dense", "empty", "cache", "server", "big")

#: runs the command given as argv[1:], then prints "wall_seconds cpu_seconds peak_kib exit_code" of its process tree
_WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)
"""

#: the floor for one big file: read and parse it with LibCST, nothing else
_PARSE_ONE = """
import sys, libcst
with open(sys.argv[1], "rb") as handle:
    libcst.parse_module(handle.read())
"""

#: the floor for the dense tree: read, decode and parse every file with LibCST, nothing else
_PARSE_ONLY = """
import os, sys, libcst
for folder, _, names in os.walk("."):
    for name in names:
        if name.endswith(".py"):
            with open(os.path.join(folder, name), "rb") as handle:
                libcst.parse_module(handle.read())
"""


@dataclass
class Tool:
    name: str
    argv: List[str]
    suites: Tuple[str, ...] = ("stdlib", "dense", "empty")


@dataclass
class Result:
    tool: str
    walls: List[float]
    cpus: List[float]
    peak_kib: int

    @property
    def median(self) -> float:
        return statistics.median(self.walls)


def _executable(name: str) -> Optional[str]:
    """``name`` from this interpreter's environment first (a venv's bin/), then from PATH."""
    here = os.path.dirname(sys.executable)
    return shutil.which(name, path=here + os.pathsep + os.environ.get("PATH", ""))


def tools(jobs: int) -> List[Tool]:
    found: List[Tool] = []
    wxkf, flake8, ruff, fixit = (_executable(n) for n in ("wxkf-lint", "flake8", "ruff", "fixit"))
    if wxkf:
        # cold runs: the result cache would turn every timed run after the warm-up into a warm one
        found.append(Tool("wxkf-lint", [wxkf, "--isolated", "--no-cache", "."]))
        found.append(Tool("wxkf-lint --jobs 1", [wxkf, "--isolated", "--no-cache", "--jobs", "1", "."]))
    if flake8:
        found.append(Tool(f"flake8 -j{jobs}", [flake8, "--isolated", f"-j{jobs}", "."]))
        found.append(Tool(f"flake8 --select WXK -j{jobs}", [flake8, "--isolated", "--select", "WXK", f"-j{jobs}", "."]))
    if ruff:
        found.append(Tool("ruff check", [ruff, "check", "--no-cache", "--isolated", "--exit-zero", "."]))
    if fixit:
        # not on the empty tree: Fixit's per-file start-up makes it take minutes there (its issue #458)
        found.append(Tool("fixit lint", [fixit, "lint", "."], ("stdlib", "dense")))
    found.append(Tool("libcst parse_module only", [sys.executable, "-c", _PARSE_ONLY], ("dense",)))
    return found


def build_stdlib(target: Path) -> str:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    count = size = 0
    for folder, dirs, names in os.walk(stdlib):
        dirs[:] = sorted(d for d in dirs if d not in ("site-packages", "dist-packages", "__pycache__"))
        for name in names:
            if name.endswith((".py", ".pyi")):
                source = Path(folder) / name
                destination = target / source.relative_to(stdlib)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
                count, size = count + 1, size + source.stat().st_size
    return f"{count:,} files, {size / 1e6:.0f} MB: {stdlib} without site-packages"


def build_dense(target: Path, files: int) -> str:
    examples = sorted((REPO / "examples").rglob("*.py"))
    if not examples:
        raise SystemExit(f"bench.py: no examples under {REPO / 'examples'} to build the dense tree from")
    written = size = copy = 0
    while written < files:
        for source in examples[: files - written]:
            destination = target / f"group{copy // 50:03d}" / f"copy{copy:04d}" / source.relative_to(REPO / "examples")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            written, size = written + 1, size + source.stat().st_size
        copy += 1
    return f"{written:,} files, {size / 1e6:.1f} MB: copies of examples/*.py ({len(examples)} files)"


def build_empty(target: Path, files: int) -> str:
    for number in range(files):
        package = target / f"pkg{number // 1000:03d}" / f"sub{number // 50 % 20:02d}" / f"leaf{number % 50:02d}"
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").touch()
    return f"{files:,} empty __init__.py, three packages deep"


def measure(tool: Tool, tree: Path, runs: int) -> Result:
    return _measure(tool.name, tool.argv, tree, runs)


def _measure(name: str, argv: Sequence[str], tree: Path, runs: int) -> Result:
    walls: List[float] = []
    cpus: List[float] = []
    peak = 0
    for run in range(runs + 1):  # the first run only warms the file cache
        output = subprocess.run(
            [sys.executable, "-c", _WRAPPER, *argv], cwd=tree, capture_output=True, text=True, check=True
        ).stdout.split()
        if int(output[3]) not in (0, 1):  # 1: findings; anything else means the run did not do its work
            print(f"  warning: {name} exited with {output[3]}", file=sys.stderr)
        if run:
            walls.append(float(output[0]))
            cpus.append(float(output[1]))
            peak = max(peak, int(output[2]))
    return Result(name, walls, cpus, peak)


def measure_cache(tree: Path, runs: int) -> List[Result]:
    """Runs of wxkf-lint on ``tree`` without a cache, then cold, warm and on a fresh copy, the cache beside it."""
    wxkf = _executable("wxkf-lint")
    if wxkf is None:
        raise SystemExit("bench.py: the cache suite needs wxkf-lint installed")
    cache = tree.parent / "cache"
    pristine = tree.parent / "pristine"
    shutil.copytree(tree, pristine, copy_function=shutil.copyfile)
    uncached = [wxkf, "--isolated", "--no-cache", "."]
    cached = [wxkf, "--isolated", "--cache-dir", str(cache), "."]
    expected = subprocess.run(uncached, cwd=tree, capture_output=True).stdout
    results: List[Result] = []
    for name, command in (
        ("wxkf-lint --no-cache", uncached),
        ("wxkf-lint, cold cache", cached),
        ("wxkf-lint, warm cache", cached),
        ("wxkf-lint, fresh copy", cached),
    ):
        walls: List[float] = []
        cpus: List[float] = []
        peak = 0
        for attempt in range(runs + 1):  # the first run only warms the file cache (and the result cache)
            folder = tree
            if "cold" in name:
                shutil.rmtree(cache, ignore_errors=True)
            elif "fresh" in name:  # a new checkout: the same bytes and paths, new mtimes
                folder = tree.parent / f"checkout{attempt}"
                shutil.copytree(pristine, folder, copy_function=shutil.copyfile)
            output = subprocess.run(
                [sys.executable, "-c", _WRAPPER, *command], cwd=folder, capture_output=True, text=True, check=True
            ).stdout.split()
            if attempt:
                walls.append(float(output[0]))
                cpus.append(float(output[1]))
                peak = max(peak, int(output[2]))
            if "cold" not in name and subprocess.run(command, cwd=folder, capture_output=True).stdout != expected:
                print(f"  warning: the report of {name} differs from the uncached one", file=sys.stderr)
            if folder != tree:
                shutil.rmtree(folder)
        results.append(Result(name, walls, cpus, peak))
    return results


def table(results: Sequence[Result]) -> str:
    base = next((r for r in results if r.tool == "wxkf-lint"), results[0])
    rows = [
        "| tool | median wall s | min–max s | CPU s | peak MB | × wxkf-lint |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rows.append(
            f"| {r.tool} | {r.median:.2f} | {min(r.walls):.2f}–{max(r.walls):.2f} | "
            f"{statistics.median(r.cpus):.2f} | {r.peak_kib / 1024:.0f} | {r.median / base.median:.2f} |"
        )
    return "\n".join(rows)


def targets(suite: str, by_tool: Dict[str, Result]) -> List[str]:
    """The issue's targets for this suite, where the tools they compare were run."""

    def ratio(a: str, b: str) -> Optional[float]:
        return by_tool[a].median / by_tool[b].median if a in by_tool and b in by_tool else None

    checks: List[Tuple[str, Optional[float], str]] = []
    flake8 = next((name for name in by_tool if name.startswith("flake8 -j")), "")
    if suite == "stdlib":
        checks.append(("wxkf-lint / ruff check", ratio("wxkf-lint", "ruff check"), "<= 1"))
        checks.append((f"{flake8} / wxkf-lint", ratio(flake8, "wxkf-lint"), ">= 10"))
    elif suite == "dense":
        checks.append(("wxkf-lint --jobs 1 / parse_module only", ratio("wxkf-lint --jobs 1", "libcst parse_module only"), "<= 3"))
        checks.append(("wxkf-lint --jobs 1 / fixit lint", ratio("wxkf-lint --jobs 1", "fixit lint"), "<= 0.25"))
        if "wxkf-lint --jobs 1" in by_tool:
            peak = by_tool["wxkf-lint --jobs 1"].peak_kib / 1024
            checks.append(("wxkf-lint --jobs 1 peak MB", peak, "< 200"))
    elif suite == "empty":
        checks.append(("wxkf-lint / ruff check", ratio("wxkf-lint", "ruff check"), "<= 3"))
    elif suite == "cache":
        cold = "wxkf-lint, cold cache"
        checks.append(("warm / cold", ratio("wxkf-lint, warm cache", cold), "<= 0.15"))
        checks.append(("fresh copy / cold", ratio("wxkf-lint, fresh copy", cold), "<= 0.2"))
        checks.append(("cold / no cache", ratio(cold, "wxkf-lint --no-cache"), "<= 1.1"))
    lines = []
    for label, value, target in checks:
        if value is not None:
            operator, bound = target.split()
            met = {"<=": value <= float(bound), ">=": value >= float(bound), "<": value < float(bound)}[operator]
            lines.append(f"- {label}: {value:.2f} (target {target}: {'met' if met else 'NOT met'})")
    return lines


def run_big(sizes: Sequence[int], runs: int) -> None:
    """One generated module per size: wxkf-lint ``--jobs 1`` against its parse, and the growth per doubling.

    Growth per doubling is ``(t2 / t1) ** (1 / log2(n2 / n1))`` between consecutive sizes: 2.0 is linear,
    4.0 quadratic.  The targets are the issue's: at most 3× the parse on the largest file, four times the
    lines at most 4.6× the time, peak memory under 200 MB.  The parse's own peak is shown beside wxkf-lint's:
    LibCST's tree of a file is most of the memory any LibCST linter holds.  The CPU times are printed too:
    on a shared machine they vary less than the wall times.
    """
    sys.path.insert(0, str(REPO / "benchmarks"))
    from wecom_gen import generate

    wxkf = _executable("wxkf-lint")
    if wxkf is None:
        print("big: wxkf-lint is not installed\n")
        return
    print("## big: one generated WeCom module per size (benchmarks/wecom_gen.py)\n", flush=True)
    rows = [
        "| lines | wxkf-lint --jobs 1 s | parse_module s | / parse | growth per doubling | CPU s (parse) | peak MB | parse peak MB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    measured: List[Tuple[int, Result, Result]] = []
    with tempfile.TemporaryDirectory(prefix="wxkf-bench-big-") as folder:
        for size in sizes:
            text = generate(size)
            lines = text.count("\n")
            path = Path(folder) / f"kf_{size}.py"
            path.write_text(text, encoding="utf-8")
            print(f"  running {lines:,} lines ...", file=sys.stderr, flush=True)
            lint = _measure("wxkf-lint --jobs 1", [wxkf, "--isolated", "--no-cache", "--jobs", "1", path.name], Path(folder), runs)
            parse = _measure("parse", [sys.executable, "-c", _PARSE_ONE, path.name], Path(folder), runs)
            growth = ""
            if measured:
                previous_lines, previous, _ = measured[-1]
                growth = f"{(lint.median / previous.median) ** (1 / math.log2(lines / previous_lines)):.2f}"
            measured.append((lines, lint, parse))
            rows.append(f"| {lines:,} | {lint.median:.2f} | {parse.median:.2f} | {lint.median / parse.median:.2f} | "
                        f"{growth} | {statistics.median(lint.cpus):.2f} ({statistics.median(parse.cpus):.2f}) | "
                        f"{lint.peak_kib / 1024:.0f} | {parse.peak_kib / 1024:.0f} |")
    print("\n".join(rows) + "\n")
    if len(measured) >= 2:
        lines, lint, parse = measured[-1]
        first_lines, first, _ = measured[-2]
        checks = [(f"{lines:,} lines: wxkf-lint --jobs 1 / parse_module", lint.median / parse.median, 3.0)]
        if 3.6 <= lines / first_lines <= 4.4:  # the bound is for four times the lines
            checks.append((f"{lines / first_lines:.1f}× the lines: × the time", lint.median / first.median, 4.6))
        checks.append((f"{lines:,} lines: peak MB", lint.peak_kib / 1024, 200.0))
        for label, value, bound in checks:
            print(f"- {label}: {value:.2f} (target <= {bound:g}: {'met' if value <= bound else 'NOT met'})")
        print(flush=True)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command, after one warm-up (default: 5)")
    parser.add_argument("--suites", default=",".join(SUITES), help=f"comma-separated, of {', '.join(SUITES)}")
    parser.add_argument("--tools", help="comma-separated tool names to run (default: every installed one)")
    parser.add_argument("--dense-files", type=int, default=3200, help="files in the dense tree (default: 3200)")
    parser.add_argument("--empty-files", type=int, default=20000, help="empty __init__.py files (default: 20000)")
    parser.add_argument("--big-lines", default="1000,4000,16000",
                        help="comma-separated line counts of the big suite's generated files (default: 1000,4000,16000)")
    parser.add_argument("--jobs", type=int, default=2, help="flake8's -j (default: 2, as the targets say)")
    parser.add_argument("--server-lines", type=int, default=2000, help="lines of the server suite's document (default: 2000)")
    args = parser.parse_args(argv)
    suites = [s.strip() for s in args.suites.split(",") if s.strip()]
    unknown = [s for s in suites if s not in SUITES]
    if unknown or args.runs < 1:
        parser.error(f"unknown suite {unknown[0]!r}" if unknown else "--runs must be at least 1")
    try:
        big_lines = [int(size) for size in args.big_lines.split(",")]
    except ValueError:
        parser.error(f"--big-lines: expected comma-separated line counts, got {args.big_lines!r}")
    if any(size < 100 for size in big_lines):
        parser.error("--big-lines: every size must be at least 100 lines")
    available = tools(args.jobs)
    if args.tools:
        wanted = {name.strip() for name in args.tools.split(",")}
        available = [tool for tool in available if tool.name in wanted]
    print(f"# {platform.python_implementation()} {platform.python_version()}, {platform.system()} "
          f"{platform.machine()}, {os.cpu_count()} CPUs; median of {args.runs} runs\n")
    builders = {
        "stdlib": build_stdlib,
        "dense": lambda target: build_dense(target, args.dense_files),
        "empty": lambda target: build_empty(target, args.empty_files),
        "cache": lambda target: build_dense(target, args.dense_files),
    }
    for suite in suites:
        if suite == "server":  # one editor session, not whole runs: see server_latency.py
            from server_latency import report

            print(report(args.runs, args.server_lines), flush=True)
            continue
        if suite == "big":
            run_big(big_lines, args.runs)
            continue
        with tempfile.TemporaryDirectory(prefix=f"wxkf-bench-{suite}-") as folder:
            tree = Path(folder) / "tree"
            tree.mkdir()
            description = builders[suite](tree)
            print(f"## {suite}: {description}\n", flush=True)
            results = measure_cache(tree, args.runs) if suite == "cache" else []
            for tool in available:
                if suite in tool.suites:
                    print(f"  running {tool.name} ...", file=sys.stderr, flush=True)
                    results.append(measure(tool, tree, args.runs))
            if results:
                print(table(results) + "\n")
                print("\n".join(targets(suite, {r.tool: r for r in results})) + "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
