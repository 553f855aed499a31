"""Wording shared by the retry rules: what was retried, said once."""

from __future__ import annotations

from wxkf_lint.analysis.retries import RetrySite

_SHAPES = {
    "loop": "retry loop",
    "recursion": "retry by recursion",
    "tenacity": "tenacity @retry",
    "retrying": "@retry",
    "backoff": "backoff retry",
    "transport": "urllib3 Retry",
}


def subject(site: RetrySite) -> str:
    what = _SHAPES.get(site.shape, "retry")
    if site.shared_by > 1:
        shared = "configuration" if site.shape in ("tenacity", "retrying", "backoff") else "decorator"
        what = f"{what} ({shared} shared by {site.shared_by} functions)"
    return f"{what} of {site.endpoint}" if site.endpoint else what
