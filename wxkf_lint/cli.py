"""The ``wxkf-lint`` command: parse options, load settings, find files, lint, report.  No rule logic.

Exit codes (SPEC §3): 0 no findings, 1 findings, 2 usage/configuration error, unreadable path or an
internal error.  Every error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Sequence, Set, Tuple

from wxkf_lint import __version__, codes, registry
from wxkf_lint.baseline import BaselineError, new_findings, read_baseline, with_fingerprints, write_baseline
from wxkf_lint.cache import CACHE_DIR_ENV, CACHE_DIR_NAME, ResultCache, default_cache_dir
from wxkf_lint.config import ConfigError, apply_overrides, load_settings
from wxkf_lint.discovery import DiscoveryError, Problem, iter_files
from wxkf_lint.engine import Linter, path_error
from wxkf_lint.findings import Finding
from wxkf_lint.options import OPTIONS
from wxkf_lint.reporters import REPORTERS, formats, internal_errors_report, statistics_report, text_report
from wxkf_lint.rulebook import RuleBookError, page_text
from wxkf_lint.runner import default_jobs, lint_files
from wxkf_lint.settings import Settings

if TYPE_CHECKING:
    from wxkf_lint.fixes import FixRun

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A problem with how the command was called (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wxkf-lint",
        description="Find the recurring defects of Python code that calls the WeCom (企业微信) kf API.",
        epilog="wxkf-lint server runs the language server for editors (needs wxkf-lint[lsp]); see its --help.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to lint (default: .); - reads stdin")
    selection = parser.add_argument_group("rule selection (comma-separated codes or prefixes, e.g. WXK2)")
    selection.add_argument("--select", help="run only these rules (replaces the configured select)")
    selection.add_argument("--ignore", help="skip these rules (replaces the configured ignore)")
    selection.add_argument("--extend-select", help="also run these rules (opt-in rules need their full code)")
    selection.add_argument("--extend-ignore", help="also skip these rules")
    config = parser.add_argument_group("configuration")
    config.add_argument("--config", metavar="FILE", help="read [tool.wxkf-lint] from this pyproject.toml")
    config.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    config.add_argument(
        "--stdin-filename", metavar="PATH", help="lint stdin (implies -), named PATH for configuration and the report"
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--output-format", "--format", dest="format", choices=formats(), default="text", help="report format (default: text)"
    )
    output.add_argument(
        "--output-file", "--output", dest="output", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    output.add_argument("--statistics", action="store_true", help="print a count per code")
    output.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary, no warnings")
    output.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    output.add_argument(
        "--exit-non-zero-on-fix", action="store_true", help="exit 1 when --fix fixed something, even if nothing remains"
    )
    output.add_argument("--verbose", action="store_true", help="print the traceback of an internal error (WXK003)")
    output.add_argument("--jobs", metavar="N", help="worker processes for linting (default: the CPU count)")
    fixing = parser.add_argument_group("fixes")
    fixing.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes and report what remains; for - (stdin) print the fixed source and report on stderr",
    )
    fixing.add_argument(
        "--unsafe-fixes", action="store_true", help="--fix and --diff also apply the fixes that can change behaviour"
    )
    fixing.add_argument("--show-fixes", action="store_true", help="after --fix, list what was fixed per file")
    fixing.add_argument(
        "--diff",
        action="store_true",
        help="print the safe fixes as a unified diff and write nothing (exit 1 if there is a diff)",
    )
    add_ci_options(parser)
    info = parser.add_argument_group("information")
    info.add_argument("--list-rules", action="store_true", help="print every rule and exit")
    info.add_argument("--explain", metavar="CODE", help="print one rule's page and exit")
    info.add_argument("--show-settings", action="store_true", help="print the settings in effect and exit")
    info.add_argument("--show-files", action="store_true", help="print the files that would be linted and exit")
    info.add_argument("--version", action="version", version=f"wxkf-lint {__version__}")
    return parser


def add_ci_options(parser: argparse.ArgumentParser) -> None:
    """The options for large and legacy trees: the result cache, baselines and ``--add-noqa`` (SPEC §6)."""
    group = parser.add_argument_group("cache and baseline")
    group.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    group.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"keep the result cache in DIR (default: ${CACHE_DIR_ENV}, else {CACHE_DIR_NAME} in the project root)",
    )
    group.add_argument("--baseline", metavar="FILE", help="report only the findings that are not in this baseline")
    group.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings in FILE as the baseline, and exit 0"
    )
    group.add_argument(
        "--add-noqa", action="store_true", help="add # noqa: WXKnnn to every reported line (merging into existing ones)"
    )


def result_cache(args: argparse.Namespace, linter: Linter) -> Optional[ResultCache]:
    """The run's result cache; none with ``--no-cache`` (``--fix``/``--diff`` never use one)."""
    if args.no_cache:
        return None
    folder = Path(args.cache_dir) if args.cache_dir else default_cache_dir(linter.settings)
    return ResultCache(folder, linter.settings)


def read_ci_options(args: argparse.Namespace) -> Optional[Set[str]]:
    """Check the CI options before any file is linted; the fingerprints of ``--baseline`` FILE, if given."""
    if args.add_noqa and (args.fix or args.diff):
        raise UsageError("--add-noqa cannot be combined with --fix or --diff")
    if args.add_noqa and ("-" in args.paths or args.stdin_filename):
        raise UsageError("--add-noqa rewrites files; it cannot mark stdin (-)")
    return read_baseline(args.baseline) if args.baseline and not args.write_baseline else None


def apply_ci_options(
    args: argparse.Namespace, findings: List[Finding], baseline: Optional[Set[str]]
) -> Tuple[Optional[int], List[Finding]]:
    """Fingerprint the findings; then ``--write-baseline`` or ``--add-noqa`` end the run (their exit code),
    or ``--baseline`` drops the findings it holds and the run goes on to report the rest."""
    findings = with_fingerprints(findings)
    if args.write_baseline:
        write_baseline(args.write_baseline, findings)
        sys.stderr.write(f"Wrote a baseline of {len(findings)} findings to {args.write_baseline}.\n")
        return EXIT_CLEAN, findings
    if baseline is not None:
        findings = new_findings(findings, baseline)
    if args.add_noqa:
        return add_noqa_and_report(findings), findings
    return None, findings


def add_noqa_and_report(findings: Sequence[Finding]) -> int:
    """``--add-noqa``: mark the reported lines, say what was done on stderr; exit 2 if a file could not be written."""
    from wxkf_lint.add_noqa import SKIPPED_REASON, add_noqa

    run = add_noqa(findings)
    for line in run.skipped:
        sys.stderr.write(f"wxkf-lint: {line}: no # noqa added: {SKIPPED_REASON}\n")
    for error in run.errors:
        sys.stderr.write(f"wxkf-lint: error: {error}\n")
    sys.stderr.write(run.summary() + "\n")
    return EXIT_ERROR if run.errors else EXIT_CLEAN


def list_rules() -> str:
    rows = [f"{'code':<8}{'name':<32}{'default':<9}{'fix':<8}summary"]
    for rule in registry.RULES:
        default, fix = "yes" if rule.default else "opt-in", rule.fix or "-"
        rows.append(f"{rule.code:<8}{rule.name:<32}{default:<9}{fix:<8}{rule.summary}")
    return "\n".join(rows) + "\n"


def explain(code: str) -> str:
    code = code.strip().upper()
    if code in codes.ENGINE_CODES:
        return f"# {code} {codes.ENGINE_CODES[code]}\n\n{codes.ENGINE_EXPLANATIONS[code]}\n"
    if code not in registry.RULES_BY_CODE:
        raise UsageError(f"--explain: unknown rule code {code!r} (see --list-rules)")
    page = page_text(code)
    return page if page.endswith("\n") else page + "\n"


def prepare(args: argparse.Namespace, problems: List[Problem]) -> Tuple[Linter, List[str]]:
    """The linter for the configured rules, and the files to run it on (paths it cannot enter go to ``problems``)."""
    settings = load_settings(Path(args.config) if args.config else None, args.isolated, Path.cwd())
    settings = apply_overrides(
        settings,
        select=args.select,
        ignore=args.ignore,
        extend_select=args.extend_select,
        extend_ignore=args.extend_ignore,
    )
    settings = replace(settings, unsafe_fixes=args.unsafe_fixes)
    check_selection(settings)
    return Linter.from_settings(settings), iter_files(given_paths(args), settings, problems)


def given_paths(args: argparse.Namespace) -> List[str]:
    """What to lint: ``--stdin-filename`` means stdin alone, as in ruff (an editor passes the file's name, not the file)."""
    if args.stdin_filename is not None:
        return ["-"]
    return args.paths or ["."]


def check_selection(settings: Settings) -> None:
    """A selection that enables no rule is a mistake (``--select ,``, ``--select WXK0``): a run that checks nothing
    must not pass for a clean one.  Only a selection the user wrote can be empty, so the default costs nothing."""
    if settings.select is None and not settings.ignore and not settings.extend_ignore:
        return
    from wxkf_lint.selection import enabled_rules

    if not enabled_rules(settings):
        chosen = list(settings.select if settings.select is not None else ["WXK"]) + list(settings.extend_select)
        ignored = list(settings.ignore) + list(settings.extend_ignore)
        raise ConfigError(f"the selection enables no rule (select {chosen}, ignore {ignored}); see --list-rules")


def jobs_count(value: Optional[str]) -> int:
    """``--jobs``: a whole number of at least 1; absent, the CPU count."""
    if value is None:
        return default_jobs()
    try:
        jobs = int(value)
    except ValueError:
        raise UsageError(f"--jobs: expected a whole number of worker processes, got {value!r}") from None
    if jobs < 1:
        raise UsageError(f"--jobs: expected at least 1 worker process, got {jobs}")
    return jobs


def lint(args: argparse.Namespace, linter: Linter, paths: Sequence[str], jobs: int) -> List[Finding]:
    cache = result_cache(args, linter)
    findings = lint_files(linter, paths, jobs, sys.stdin.buffer.read, args.stdin_filename or "-", cache)
    if cache is not None and cache.write_error is not None:
        sys.stderr.write(f"wxkf-lint: warning: {cache.write_error}; this run was not cached (see --cache-dir)\n")
    return findings


def fix(args: argparse.Namespace, linter: Linter, paths: Sequence[str], jobs: int) -> FixRun:
    """``--fix`` / ``--diff``: files are rewritten only for ``--fix`` without ``--diff``; stdin never is."""
    from wxkf_lint.fixes import fix_files  # imports LibCST: only a fixing run pays for it up front

    run = fix_files(linter, paths, sys.stdin.buffer.read, args.stdin_filename or "-", write=not args.diff, jobs=jobs)
    if args.diff:
        write_report(run.diff(), args.output)
    elif run.stdin_output is not None:
        sys.stdout.buffer.write(run.stdin_output)
        sys.stdout.flush()
    for error in run.errors:
        sys.stderr.write(f"wxkf-lint: error: {error}\n")
    return run


def write_report(text: str, output: Optional[str]) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"--output-file: cannot write {output}: {error.strerror or error}") from None


def render(args: argparse.Namespace, findings: Sequence[Finding]) -> str:
    if args.format == "text":
        return text_report(findings, args.unsafe_fixes)
    return REPORTERS[args.format](findings)


def summary(args: argparse.Namespace, findings: Sequence[Finding], run: Optional[FixRun]) -> str:
    """ruff's closing lines: how many findings, how many ``--fix`` would fix, how many only with ``--unsafe-fixes``."""
    if run is not None and run.fixed:
        lines = [run.summary(diff=False)]
    elif findings:
        lines = [f"Found {_count(len(findings), 'error')}."]
    else:
        return "All checks passed!\n"
    fixable = sum(1 for f in findings if f.fixable(args.unsafe_fixes))
    hidden = sum(1 for f in findings if f.fixable(True)) - fixable
    if fixable:
        lines.append(f"[*] {fixable} fixable with `--fix`.")
    if hidden:
        lines.append(f"({_count(hidden, 'more fix', 'more fixes')} with `--unsafe-fixes`.)")
    return "\n".join(lines) + "\n"


def fixes_report(run: FixRun) -> str:
    """``--show-fixes``: per file, how many findings of each code were fixed, as ruff lists them."""
    fixed = [outcome for outcome in run.outcomes if outcome.fixed]
    if not fixed:
        return "No errors fixed.\n"
    lines = [f"Fixed {_count(sum(len(o.fixed) for o in fixed), 'error')}:"]
    for outcome in fixed:
        lines.append(f"- {outcome.path}:")
        counts = Counter((f.code, f.name) for f in outcome.fixed)
        lines.extend(f"    {count} × {code} ({name})" for (code, name), count in sorted(counts.items()))
    return "\n".join(lines) + "\n"


def show_settings(linter: Linter, paths: Sequence[str]) -> str:
    """``--show-settings``: where the settings came from and what they are, as the run will use them."""
    settings = linter.settings
    rows = [
        ("config", str(settings.config_path) if settings.config_path else "(none: defaults)"),
        ("root", str(settings.root)),
        ("select", settings.select if settings.select is not None else "(default rules)"),
        ("extend-select", settings.extend_select),
        ("ignore", settings.ignore),
        ("extend-ignore", settings.extend_ignore),
        ("per-file-ignores", settings.per_file_ignores),
        ("exclude", settings.excludes),
        *((option.key, settings.get(option)) for option in OPTIONS),
        ("unsafe-fixes", settings.unsafe_fixes),
        ("enabled rules", [rule.code for rule in linter.enabled]),
        ("files", len(paths)),
    ]
    return "".join(f"{key:<18}{value}\n" for key, value in rows)


def _count(count: int, one: str, many: Optional[str] = None) -> str:
    return f"{count} {one}" if count == 1 else f"{count} {many or one + 's'}"


def _replace_unencodable() -> None:
    """Output the terminal cannot encode (``PYTHONIOENCODING=cp1252``, a Windows pipe) as ``?``, not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["server"]:  # a folder named server is linted as ./server (or after --)
        from wxkf_lint.server import main as serve

        return serve(argv[1:])
    _replace_unencodable()
    args = build_parser().parse_args(argv)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    try:
        if args.list_rules:
            write_report(list_rules(), args.output)
            return EXIT_CLEAN
        if args.explain:
            write_report(explain(args.explain), args.output)
            return EXIT_CLEAN
        jobs = jobs_count(args.jobs)
        baseline = read_ci_options(args)
        problems: List[Problem] = []
        linter, paths = prepare(args, problems)
        if args.show_settings:
            write_report(show_settings(linter, paths), args.output)
            return EXIT_CLEAN
        if args.show_files:
            write_report("".join(f"{path}\n" for path in paths), args.output)
            sys.stderr.write("".join(f"wxkf-lint: warning: {path}: {message}\n" for path, message in problems))
            return EXIT_CLEAN
        if not paths and not problems and not args.quiet:
            sys.stderr.write("wxkf-lint: warning: no Python file found under the given paths\n")
        run = fix(args, linter, paths, jobs) if args.fix or args.diff else None
        if run is not None and args.diff:
            if not args.quiet:
                sys.stderr.write(run.summary(diff=True) + "\n")
            return EXIT_FINDINGS if run.changed and not args.exit_zero else EXIT_CLEAN
        findings = [path_error(path, message) for path, message in problems]
        findings += run.remaining if run is not None else lint(args, linter, paths, jobs)
        done, findings = apply_ci_options(args, findings, baseline)
        if done is not None:
            return done
        report = render(args, findings)
        if args.statistics:
            report += statistics_report(findings) if args.format == "text" else ""
        if args.format == "text" and not args.quiet:
            report += summary(args, findings, run)
            if run is not None and args.show_fixes:
                report += fixes_report(run)
        if run is not None and run.stdin_output is not None and args.output is None:
            sys.stderr.write(report)  # stdout carries the fixed source
        else:
            write_report(report, args.output)
        if args.statistics and args.format != "text":
            sys.stderr.write(statistics_report(findings))
        sys.stderr.write(internal_errors_report(findings, args.verbose))
        if run is not None:
            if args.format != "text" and not args.quiet:
                sys.stderr.write(run.summary(diff=False) + "\n")
                if args.show_fixes:
                    sys.stderr.write(fixes_report(run))
            if run.errors:
                return EXIT_ERROR
    except (BaselineError, ConfigError, DiscoveryError, RuleBookError, UsageError) as error:
        sys.stderr.write(f"wxkf-lint: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("wxkf-lint: interrupted\n")
        return EXIT_ERROR
    if any(finding.code == codes.INTERNAL_ERROR for finding in findings):
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_CLEAN
    if findings or (args.exit_non_zero_on_fix and run is not None and run.fixed):
        return EXIT_FINDINGS
    return EXIT_CLEAN


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
