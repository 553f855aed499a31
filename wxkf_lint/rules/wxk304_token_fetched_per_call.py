"""WXK304 token-fetched-per-call: ``gettoken`` called on every API call, with no cache between.

WeCom throttles ``gettoken`` (45009, API frequency limit) and asks clients to keep the token for its
``expires_in`` (7200 s).  A sender that fetches a fresh token each time it sends doubles its requests, is slow,
and is the first thing the limit stops.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.rules.base import LintRule, Report


class TokenFetchedPerCall(LintRule):
    code = "WXK304"
    def check(self) -> Iterator[Report]:
        for fetch in self.context.token_fetches.per_call:
            names = ", ".join(sorted(f.name.value for f in fetch.serves)[:3])
            more = f" and {len(fetch.serves) - 3} more" if len(fetch.serves) > 3 else ""
            count = len(fetch.serves)
            yield self.report(
                fetch.gettoken,
                f"gettoken runs on every call of {names}{more} ({count} sending function{'s' if count != 1 else ''}); "
                f"WeCom throttles it (45009) — cache the token for its expires_in (7200 s) and refetch on 40014/42001",
            )
