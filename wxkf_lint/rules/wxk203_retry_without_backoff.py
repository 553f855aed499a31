"""WXK203 retry-without-backoff: attempts follow each other with no pause.

``-1`` means the server is busy; an instant retry adds load at the worst moment and usually fails the same
way.  A token refresh needs no pause and is not reported: a retry that only 40014/42001 bring round, once (also when the
token store lives in another module), or that visibly refreshes first (then 40001/41001 too, as wechatpy does).
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.analysis.facts import Fact
from wxkf_lint.rules._retry_text import subject
from wxkf_lint.rules.base import LintRule, Report


class RetryWithoutBackoff(LintRule):
    code = "WXK203"

    def check(self) -> Iterator[Report]:
        for site in self.context.retries.sites:
            if site.pause is not Fact.BAD or site.shape == "transport":
                continue
            if site.token_refresh:
                continue
            yield self.report(
                site.anchor,
                f"{subject(site)} retries without a pause; -1 means the server is busy — sleep with "
                f"backoff (time.sleep / asyncio.sleep / tenacity wait=) between attempts",
            )
