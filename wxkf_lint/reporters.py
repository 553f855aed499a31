"""Turning findings into text for people and machines.  No rule logic lives here."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence
from urllib.parse import quote

from wxkf_lint import __version__, codes, registry
from wxkf_lint.baseline import SARIF_FINGERPRINT_KEY, with_fingerprints
from wxkf_lint.findings import Finding, Fix
from wxkf_lint.rulebook import page_text, sections

PROJECT_URL = "https://github.com/wxkf-lint/wxkf-lint"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


#: where the engine's own codes (WXK001-WXK004), which have no page of their own, are described
ENGINE_CODES_URL = f"{PROJECT_URL}#the-engines-own-codes"


def rule_url(code: str) -> str:
    """The page a finding's code is described on: its rule page, or the README's list of engine codes."""
    return ENGINE_CODES_URL if code in codes.ENGINE_CODES else f"{PROJECT_URL}/blob/main/rules/{code}.md"


def text_report(findings: Sequence[Finding], unsafe_fixes: bool = False) -> str:
    """``path:line:col: CODE message``, the form editors and CI logs jump to; ``CODE [*]`` where ``--fix`` would fix it."""
    return "".join(
        f"{f.path}:{f.line}:{f.column}: {f.code}{' [*]' if f.fixable(unsafe_fixes) else ''} {f.message}\n" for f in findings
    )


def json_report(findings: Sequence[Finding]) -> str:
    rows = [dict(finding.as_dict(), url=rule_url(finding.code)) for finding in findings]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def github_report(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one ``::error`` annotation per finding."""
    lines = []
    for f in findings:
        message = _escape_data(f.message)
        lines.append(
            f"::error file={_escape_property(f.path)},line={f.line},col={f.column},"
            f"endLine={f.end_line},endColumn={f.end_column},title={f.code}::{message}\n"
        )
    return "".join(lines)


def sarif_report(findings: Sequence[Finding]) -> str:
    """SARIF 2.1.0 with one run, as GitHub code scanning uploads it.

    The driver describes every code a run can report (the rules and the engine's own codes), so a
    viewer can show a rule's page next to its results; each result points at its descriptor by
    ``ruleIndex``.  Columns count code points (``columnKind``), as the findings do.  Each result carries
    the baseline fingerprint (see :mod:`wxkf_lint.baseline`), which does not move with its line.
    """
    descriptors = _rule_descriptors()
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    if not all(finding.fingerprint for finding in findings):
        findings = with_fingerprints(findings)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "wxkf-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {"executionSuccessful": not any(f.code == codes.INTERNAL_ERROR for f in findings)}
                ],
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(finding, index) for finding in findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule_descriptors() -> List[Dict[str, Any]]:
    """One ``reportingDescriptor`` per code: the engine's codes, then every rule, described by its page."""
    descriptors = []
    for code, name in codes.ENGINE_CODES.items():
        summary = codes.ENGINE_SUMMARIES[code]
        descriptors.append(
            _descriptor(code, name, summary, summary, f"# {code} {name}\n\n{summary}\n", rule_url(code))
        )
    for rule in registry.RULES:
        page = page_text(rule.code)
        full = " ".join(sections(page).get("What it does", rule.summary).split())
        descriptors.append(
            _descriptor(rule.code, rule.name, rule.summary, full, page, rule_url(rule.code))
        )
    return descriptors


def _descriptor(code: str, name: str, summary: str, full: str, page: str, help_uri: str) -> Dict[str, Any]:
    """The page is the help in Markdown; the plain-text help (for viewers without Markdown) points to it."""
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": f"{full} See {help_uri}", "markdown": page},
        "helpUri": help_uri,
        "defaultConfiguration": {"level": "error"},
    }


def _sarif_result(finding: Finding, index: Dict[str, int]) -> Dict[str, Any]:
    artifact = _artifact_location(finding.path)
    result: Dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    result["level"] = "error"
    result["message"] = {"text": finding.message}
    result["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": artifact,
                "region": _region(finding.line, finding.column, finding.end_line, finding.end_column),
            }
        }
    ]
    result["partialFingerprints"] = {SARIF_FINGERPRINT_KEY: finding.fingerprint}
    if finding.fix is not None:
        result["fixes"] = [_sarif_fix(finding.fix, artifact)]
    result["properties"] = {"url": rule_url(finding.code)}
    return result


def _sarif_fix(fix: Fix, artifact: Dict[str, str]) -> Dict[str, Any]:
    replacement = {
        "deletedRegion": _region(fix.line, fix.column, fix.end_line, fix.end_column),
        "insertedContent": {"text": fix.content},
    }
    out: Dict[str, Any] = {"artifactChanges": [{"artifactLocation": artifact, "replacements": [replacement]}]}
    if fix.description:
        out["description"] = {"text": fix.description}
    return out


def _region(line: int, column: int, end_line: int, end_column: int) -> Dict[str, int]:
    """1-based; SARIF's end column, like a finding's, is the column just past the region."""
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _artifact_location(path: str) -> Dict[str, str]:
    """A relative path becomes a relative URI under ``%SRCROOT%`` (the checkout); an absolute one a file URI."""
    local = Path(path)
    if local.is_absolute():
        return {"uri": local.as_uri()}
    return {"uri": quote(local.as_posix()), "uriBaseId": "%SRCROOT%"}


def statistics_report(findings: Sequence[Finding]) -> str:
    """A count per code, most frequent first (then by code), as ``ruff --statistics`` prints it."""
    counts = Counter(f.code for f in findings)
    names = {f.code: f.name for f in findings}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:>5}\t{code}\t{names[code]}\n" for code, count in rows)


def internal_errors_report(findings: Sequence[Finding], verbose: bool) -> str:
    """For stderr: each internal error's traceback with ``--verbose``; otherwise one line saying how to get them."""
    failed = [f for f in findings if f.code == codes.INTERNAL_ERROR]
    if not failed:
        return ""
    if not verbose:
        return f"wxkf-lint: {len(failed)} internal error(s), a bug in wxkf-lint; --verbose prints the traceback\n"
    return "".join(f"wxkf-lint: {f.path}:{f.line}:{f.column}: {f.code} {f.message}\n{f.detail or ''}" for f in failed)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


REPORTERS: Dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": text_report,
    "json": json_report,
    "github": github_report,
    "sarif": sarif_report,
}


def formats() -> List[str]:
    return sorted(REPORTERS)
