"""WXK302 token-never-refreshed: an access token obtained once and used with no way to renew it.

A token lives ``expires_in`` seconds (7200) and can die earlier (another gettoken with the same secret, a
secret reset).  A token fetched at import, set only in ``__init__`` or hard-coded, in a class or module that
neither reads ``expires_in`` nor handles 40014/42001, works for two hours and then fails every call.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.rules.base import LintRule, Report


class TokenNeverRefreshed(LintRule):
    code = "WXK302"

    def check(self) -> Iterator[Report]:
        for stale in self.context.tokens.stale_tokens:
            yield self.report(
                stale.store,
                f"access token {stale.name} is {stale.how} and never renewed; tokens live 7200 s and 40014/42001 "
                f"mean fetch a new one — cache it with its expires_in and refetch on 40014/42001, then retry once",
            )
