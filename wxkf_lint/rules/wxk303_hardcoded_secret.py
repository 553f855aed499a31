"""WXK303 hardcoded-secret: a corpsecret (app or kf secret) literal in WeCom code.

Anyone who reads the source can mint access tokens with it; and when the secret is rotated the program breaks
with 40001 (invalid secret) until someone edits and redeploys the code.
"""

from __future__ import annotations

from typing import Iterator

from wxkf_lint.rules.base import LintRule, Report


class HardcodedSecret(LintRule):
    code = "WXK303"

    def check(self) -> Iterator[Report]:
        for literal in self.context.tokens.secret_literals:
            yield self.report(
                literal,
                "corpsecret written into source; anyone with the code can mint tokens, and rotating it breaks the "
                "program with 40001 — read it from the environment or a secret store",
            )
