"""Turning findings into text for people and machines.  No rule logic lives here."""

from __future__ import annotations

import json
from collections import Counter
from typing import Callable, Dict, List, Sequence

from wxkf_lint.findings import Finding


def text_report(findings: Sequence[Finding]) -> str:
    """``path:line:col: CODE message``, the form editors and CI logs jump to."""
    return "".join(f"{f.path}:{f.line}:{f.column}: {f.message}\n" for f in findings)


def json_report(findings: Sequence[Finding]) -> str:
    rows = []
    for finding in findings:
        row = finding.as_dict()
        row["message"] = _message_body(finding)
        rows.append(row)
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def github_report(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one ``::error`` annotation per finding."""
    lines = []
    for f in findings:
        message = _escape_data(_message_body(f))
        lines.append(
            f"::error file={_escape_property(f.path)},line={f.line},col={f.column},"
            f"endLine={f.end_line},endColumn={f.end_column},title={f.code}::{message}\n"
        )
    return "".join(lines)


def statistics_report(findings: Sequence[Finding]) -> str:
    """A count per code, most frequent first (then by code), as ``ruff --statistics`` prints it."""
    counts = Counter(f.code for f in findings)
    names = {f.code: f.name for f in findings}
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "".join(f"{count:>5}\t{code}\t{names[code]}\n" for code, count in rows)


def _message_body(finding: Finding) -> str:
    prefix = f"{finding.code} "
    return finding.message[len(prefix):] if finding.message.startswith(prefix) else finding.message


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


REPORTERS: Dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": text_report,
    "json": json_report,
    "github": github_report,
}


def formats() -> List[str]:
    return sorted(REPORTERS)
