"""WXK204 retry-on-permanent-error: a retry triggered by codes that retrying cannot change.

Only ``-1`` (and later 45009) is transient; ``40014``/``42001`` need a token refresh first, then one retry;
every other code (40001 bad secret, 400xx bad request, 95xxx kf limits) fails the same way every time, so
retrying burns quota and hides the error.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.analysis.codesets import describe
from wxkf_lint.analysis.facts import Fact
from wxkf_lint.rules._retry_text import subject
from wxkf_lint.rules.base import LintRule, Report


class RetryOnPermanentError(LintRule):
    code = "WXK204"

    def check(self) -> Iterator[Report]:
        for site in self.context.retries.sites:
            if site.permanent_trigger is Fact.BAD:
                permanent = site.permanent_codes
                yield self.report(
                    site.anchor,
                    f"{subject(site)} retries on {describe(permanent)}, which retrying cannot change; "
                    f"only -1 is transient — retry -1 only, and refresh the token once on 40014/42001",
                )
