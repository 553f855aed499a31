"""WXK203 retry-without-backoff: attempts follow each other with no pause.

``-1`` means the server is busy; an instant retry adds load at the worst moment and usually fails the same
way.  A retry that only follows a token refresh (40014/42001, and 40001/41001 as wechatpy does) needs no pause and is not reported.
"""

from __future__ import annotations

import libcst as cst

from wxkf_lint.kf_tables import REFRESH_CODES
from wxkf_lint.rules._retry_text import subject
from wxkf_lint.rules.base import LintRule


class RetryWithoutBackoff(LintRule):
    code = "WXK203"
    name = "retry-without-backoff"
    summary = "a retry with no pause between attempts"

    def leave_Module(self, original_node: cst.Module) -> None:
        for site in self.context.retries.sites:
            if site.waits or site.shape == "transport":
                continue
            if site.refreshes_token and site.codes and site.codes <= REFRESH_CODES and not site.exceptions:
                continue
            self.report(
                site.anchor,
                f"{subject(site)} retries without a pause; -1 means the server is busy — sleep with "
                f"backoff (time.sleep / asyncio.sleep / tenacity wait=) between attempts",
            )
