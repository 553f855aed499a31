"""WXK202 too-many-retries: a retry bounded above ``max-retries`` (default 3, from domain.md's -1 row)."""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.options import MAX_RETRIES
from wxkf_lint.rules._retry_text import subject
from wxkf_lint.rules.base import LintRule, Report


class TooManyRetries(LintRule):
    code = "WXK202"

    def check(self) -> Iterator[Report]:
        limit = self.context.settings.get(MAX_RETRIES)
        for site in self.context.retries.sites:
            retries = site.retries
            if retries is not None and retries > limit:
                yield self.report(
                    site.anchor,
                    f"{subject(site)} allows {retries} retries, more than max-retries ({limit}) for -1 "
                    f"(system busy) — lower the bound to {limit}",
                )
