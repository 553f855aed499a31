#!/usr/bin/env python3
"""Ecosystem check: lint pinned real WeCom packages and compare with the judged findings table.

Like ruff's ecosystem check, this is how the linter learns what real code does. Every finding the
installed ``wxkf-lint`` reports on the pinned releases of ``ecosystem/packages.txt`` must have a row in
``ecosystem/findings.tsv`` (``package, path, line, code, verdict, reason``) with a verdict
(``true``/``false``/``unsure``) written by reading the code, and every row must still be reported.
The script prints new and vanished findings and the counts per rule, and exits 0 only when the table
matches the run and every row has a verdict.

The packages are third-party code: they are downloaded with ``pip download --no-deps`` and unpacked
(``.py`` files only) into a cache outside the repository (``$WXKF_ECOSYSTEM``, default
``~/.cache/wxkf-lint/corpus``, one ``NAME-VERSION/`` folder per release), never into the project.
It needs the network the first time, so it is not part of the test suite.

    python scripts/ecosystem.py            # fetch what is missing, lint, compare; exit 1 on a difference
    python scripts/ecosystem.py --update   # the same, then rewrite the table: new rows get an empty verdict
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent.parent / "ecosystem"
COLUMNS = ("package", "path", "line", "code", "verdict", "reason")
VERDICTS = ("true", "false", "unsure")
# The engine's own codes (syntax error, unreadable file, rule crash) are not claims about the code's
# WeCom use: they are listed, not judged.
ENGINE_CODES = ("WXK001", "WXK002", "WXK003")
#: how many lines away a row may still match a finding of the same package, path and code
NEAR = 3


class Finding(NamedTuple):
    """One finding of the run, or one row of the table (with its verdict and reason)."""

    package: str
    path: str
    line: int
    code: str
    verdict: str = ""
    reason: str = ""


def read_packages(path: Path) -> List[Tuple[str, str]]:
    """The pinned ``NAME==VERSION`` lines of the package list, comments and blanks skipped."""
    pins = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        if not sep or not version:
            raise SystemExit(f"{path}: '{raw}' is not pinned as NAME==VERSION")
        pins.append((name.strip(), version.strip()))
    return pins


def fetch(pins: Sequence[Tuple[str, str]], cache: Path) -> List[str]:
    """Download and unpack the releases missing from the cache; return the ones that failed."""
    cache.mkdir(parents=True, exist_ok=True)
    failed = []
    for name, version in pins:
        out = cache / f"{name}-{version}"
        if out.is_dir():
            continue
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                 "--disable-pip-version-check", "-d", tmp, f"{name}=={version}"],
                capture_output=True, text=True,
            )
            if done.returncode != 0:
                failed.append(f"{name}=={version}")
                continue
            staging = Path(tmp) / "unpacked"
            for archive in Path(tmp).iterdir():
                unpack(archive, staging)
            keep_python_only(staging)
            shutil.move(str(staging), str(out))
    return failed


def unpack(archive: Path, dest: Path) -> None:
    """Unpack a wheel, zip or sdist tarball without letting a member escape ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                if member.endswith(".py") and safe_member(member):
                    zf.extract(member, dest)
    elif archive.name.endswith((".tar.gz", ".tgz", ".tar.bz2")):
        with tarfile.open(archive) as tf:
            members = [m for m in tf.getmembers() if m.isfile() and m.name.endswith(".py") and safe_member(m.name)]
            tf.extractall(dest, members=members)


def safe_member(name: str) -> bool:
    """Whether an archive member stays inside the folder it is unpacked to."""
    return not (name.startswith(("/", "\\")) or ".." in Path(name).parts)


def keep_python_only(root: Path) -> None:
    """Delete everything but ``.py`` files: the check lints source, and stores nothing else."""
    for path in root.rglob("*"):
        if path.is_file() and path.suffix != ".py":
            path.unlink()


def lint(pins: Sequence[Tuple[str, str]], cache: Path, linter: str) -> Tuple[List[Finding], List[Finding]]:
    """Run the installed linter over every fetched release: (rule findings, engine findings)."""
    roots = [cache / f"{name}-{version}" for name, version in pins if (cache / f"{name}-{version}").is_dir()]
    if not roots:
        return [], []
    done = subprocess.run(
        [linter, "--isolated", "--no-cache", "--format", "json", "--exit-zero", *map(str, roots)],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{linter} failed (exit {done.returncode}): {done.stderr.strip()}")
    rules, engine = [], []
    for item in json.loads(done.stdout or "[]"):
        path = Path(item["path"]).resolve()
        root = next(r for r in roots if r.resolve() in path.parents)
        finding = Finding(root.name, path.relative_to(root.resolve()).as_posix(), int(item["line"]), item["code"])
        (engine if finding.code in ENGINE_CODES else rules).append(finding)
    return sorted(rules), sorted(engine)


def read_table(path: Path) -> List[Finding]:
    """The judged findings table; a missing table is an empty one."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SystemExit(f"{path}: the header must be {' '.join(COLUMNS)}")
        return [
            Finding(r["package"], r["path"], int(r["line"]), r["code"], r["verdict"].strip(), r["reason"].strip())
            for r in reader
        ]


def write_table(path: Path, rows: Iterable[Finding]) -> None:
    """Rewrite the table sorted by package, path, line and code."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in sorted(rows):
            writer.writerow(row)


def match(run: Sequence[Finding], table: Sequence[Finding]) -> Tuple[List[Tuple[Finding, Finding]], List[Finding], List[Finding]]:
    """Pair run findings with table rows: (pairs, new findings, vanished rows).

    A row matches a finding of the same package, path and code; among those the same line is taken
    first, then the nearest line within :data:`NEAR` lines (a finding anchored a line away, at a
    decorator instead of its ``def``, keeps its verdict), so a moved finding does not show up as one
    vanished and one new, while a finding elsewhere in the file is new and gets judged.
    """
    open_rows: Dict[Tuple[str, str, str], List[Finding]] = collections.defaultdict(list)
    for row in table:
        open_rows[(row.package, row.path, row.code)].append(row)
    pairs, new = [], []
    pending = []
    for finding in run:
        rows = open_rows[(finding.package, finding.path, finding.code)]
        exact = next((r for r in rows if r.line == finding.line), None)
        if exact is not None:
            rows.remove(exact)
            pairs.append((finding, exact))
        else:
            pending.append(finding)
    for finding in pending:
        rows = [r for r in open_rows[(finding.package, finding.path, finding.code)] if abs(r.line - finding.line) <= NEAR]
        if rows:
            nearest = min(rows, key=lambda r: abs(r.line - finding.line))
            open_rows[(finding.package, finding.path, finding.code)].remove(nearest)
            pairs.append((finding, nearest))
        else:
            new.append(finding)
    vanished = sorted(r for rows in open_rows.values() for r in rows)
    return pairs, new, vanished


def report(pairs: Sequence[Tuple[Finding, Finding]], new: Sequence[Finding], vanished: Sequence[Finding],
           engine: Sequence[Finding]) -> bool:
    """Print the differences and the counts; return whether the table matches and is fully judged."""
    for finding in new:
        print(f"+ {finding.package}/{finding.path}:{finding.line}: {finding.code}  (new, not in the table)")
    for row in vanished:
        print(f"- {row.package}/{row.path}:{row.line}: {row.code}  (vanished; was {row.verdict or 'unjudged'}: {row.reason})")
    unjudged = [row for _, row in pairs if row.verdict not in VERDICTS]
    for row in unjudged:
        print(f"? {row.package}/{row.path}:{row.line}: {row.code}  (no verdict)")
    counts: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    false_per_file: collections.Counter = collections.Counter()
    for _, row in pairs:
        counts[row.code][row.verdict or "unjudged"] += 1
        if row.verdict == "false":
            false_per_file[f"{row.package}/{row.path}"] += 1
    print(f"\n{'code':<8} {'true':>5} {'false':>5} {'unsure':>6}")
    totals: collections.Counter = collections.Counter()
    for code in sorted(counts):
        c = counts[code]
        totals.update(c)
        print(f"{code:<8} {c['true']:>5} {c['false']:>5} {c['unsure']:>6}")
    print(f"{'all':<8} {totals['true']:>5} {totals['false']:>5} {totals['unsure']:>6}")
    judged = totals["true"] + totals["false"]
    if judged:
        print(f"precision {totals['true'] / judged:.3f} over {judged} judged findings ({totals['unsure']} unsure)")
    worst = false_per_file.most_common(3)
    if worst:
        print("most false findings in one file: " + ", ".join(f"{path} ({n})" for path, n in worst))
    if engine:
        print(f"{len(engine)} engine findings (not judged): " + ", ".join(
            f"{f.package}/{f.path}:{f.line}: {f.code}" for f in engine))
    ok = not new and not vanished and not unjudged
    print("ecosystem check: " + ("the table matches the run" if ok else
          f"{len(new)} new, {len(vanished)} vanished, {len(unjudged)} without a verdict"))
    return ok


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--packages", type=Path, default=HERE / "packages.txt")
    parser.add_argument("--table", type=Path, default=HERE / "findings.tsv")
    parser.add_argument("--cache", type=Path,
                        default=Path(os.environ.get("WXKF_ECOSYSTEM", Path.home() / ".cache" / "wxkf-lint" / "corpus")))
    parser.add_argument("--linter", default=shutil.which("wxkf-lint") or "wxkf-lint",
                        help="the wxkf-lint command to run (default: the one on PATH)")
    parser.add_argument("--no-fetch", action="store_true", help="lint only what is already in the cache")
    parser.add_argument("--update", action="store_true",
                        help="rewrite the table to the run: matched rows keep their verdict, new rows get none")
    args = parser.parse_args(argv)

    pins = read_packages(args.packages)
    if not args.no_fetch:
        for spec in fetch(pins, args.cache):
            print(f"could not download {spec}", file=sys.stderr)
    missing = [f"{n}=={v}" for n, v in pins if not (args.cache / f"{n}-{v}").is_dir()]
    run, engine = lint(pins, args.cache, args.linter)
    pairs, new, vanished = match(run, read_table(args.table))
    ok = report(pairs, new, vanished, engine)
    if missing:
        print(f"{len(missing)} packages not in the cache: {', '.join(missing)}")
        ok = False
    if args.update:
        rows = [f._replace(verdict=r.verdict, reason=r.reason) for f, r in pairs] + list(new)
        write_table(args.table, rows)
        print(f"wrote {args.table} ({len(rows)} rows)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
