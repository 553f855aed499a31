"""WXK201 unbounded-retry: a WeCom request re-sent on failure with no limit on attempts.

``-1`` (system busy) is worth at most 3 retries (domain.md); a loop that only ends on success turns an outage
or a permanent error into a hot loop that never reports anything.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.analysis.facts import Fact
from wxkf_lint.analysis.retries import RetrySite
from wxkf_lint.kf_tables import TOKEN_CODES
from wxkf_lint.options import MAX_RETRIES
from wxkf_lint.rules._retry_text import subject
from wxkf_lint.rules.base import LintRule, Report


class UnboundedRetry(LintRule):
    code = "WXK201"

    def check(self) -> Iterator[Report]:
        for site in self.context.retries.sites:
            if site.unbounded is Fact.BAD:
                yield self.report(site.anchor, f"{subject(site)} has no bound on attempts; {self._advice(site)}")

    def _advice(self, site: RetrySite) -> str:
        """What the bound should be: one retry for a dead token, a few for -1."""
        if site.codes and site.codes <= TOKEN_CODES:
            return ("40014/42001 call for one token refresh and one retry — if the fresh token fails too, "
                    "give up with the error instead of calling again")
        return (f"-1 (system busy) is worth at most {self.context.settings.get(MAX_RETRIES)} retries — cap the attempts "
                f"and give up with the error")
