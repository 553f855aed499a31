"""WXK301 hardcoded-access-token: an access token literal in WeCom code.

A token in source leaks through git history and logs, and it stops working within 7200 s anyway (40014/42001),
so the program breaks the day after it was written.  Placeholders (``ACCESS_TOKEN``, ``<token>``, ``your…``)
and values read from the environment or configuration are not reported.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.rules.base import LintRule, Report


class HardcodedAccessToken(LintRule):
    code = "WXK301"

    def check(self) -> Iterator[Report]:
        for literal in self.context.tokens.token_literals:
            yield self.report(
                literal,
                "access token written into source; it leaks with the code and expires in 7200 s (40014/42001) — "
                "fetch it with gettoken at run time and cache it",
            )
