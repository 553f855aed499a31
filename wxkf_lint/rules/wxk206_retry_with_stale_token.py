"""WXK206 retry-with-stale-token: the repeat after a token refresh sends what was built from the old token.

On 40014 (invalid access_token) or 42001 (expired) the client fetches a new token and repeats the request once.
A URL with ``?access_token=`` formatted before the refresh still holds the dead token: the repeat fails with
the same code and the refresh achieved nothing.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.rules.base import LintRule, Report


class RetryWithStaleToken(LintRule):
    code = "WXK206"
    def check(self) -> Iterator[Report]:
        for stale in self.context.refresh_resends.stale:
            yield self.report(
                stale.repeat,
                f"the repeat after the token refresh sends '{stale.carrier}', built from the old token, and fails "
                f"again with 40014/42001 — build the URL/params from the fresh token after refreshing",
            )
