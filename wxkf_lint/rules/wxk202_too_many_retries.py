"""WXK202 too-many-retries: a retry bounded above ``max-retries`` (default 3, from domain.md's -1 row)."""

from __future__ import annotations

import libcst as cst

from wxkf_lint.rules._retry_text import subject
from wxkf_lint.rules.base import LintRule


class TooManyRetries(LintRule):
    code = "WXK202"
    name = "too-many-retries"
    summary = "a retry bounded above max-retries (default 3)"

    def leave_Module(self, original_node: cst.Module) -> None:
        limit = self.context.settings.max_retries
        for site in self.context.retries.sites:
            retries = site.retries
            if retries is not None and retries > limit:
                self.report(
                    site.anchor,
                    f"{subject(site)} allows {retries} retries, more than max-retries ({limit}) for -1 "
                    f"(system busy) — lower the bound to {limit}",
                )
