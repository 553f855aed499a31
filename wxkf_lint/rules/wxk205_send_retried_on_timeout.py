"""WXK205 send-retried-on-timeout: a message send re-sent after a read timeout.

A read timeout means the request went out and the answer was late: WeCom may already have delivered the
message, and the retry delivers it again.  Retry sends only where the request cannot have arrived (connect
errors, an errcode -1 answer), or make the duplicate recognisable: ``kf/send_msg`` with a caller-chosen
``msgid`` reused on the retry, ``message/send`` with ``enable_duplicate_check``.
"""

from __future__ import annotations

from typing import Dict, Iterator

import libcst as cst

from wxkf_lint.rules.base import LintRule, Report


class SendRetriedOnTimeout(LintRule):
    code = "WXK205"
    def check(self) -> Iterator[Report]:
        by_construct: Dict[cst.CSTNode, list] = {}
        for resend in self.context.resends.unsafe:
            by_construct.setdefault(resend.construct, []).append(resend)
        for construct, resends in by_construct.items():
            first = resends[0]
            endpoint = first.send.endpoint or ""
            remedy = "reuse one caller-chosen msgid on every attempt" if endpoint.startswith("kf/") else "set enable_duplicate_check"
            shared = f", for {len(resends)} sends" if len(resends) > 1 else ""
            yield self.report(
                construct,
                f"{endpoint} is re-sent after a read timeout ({first.reason}){shared}: the first request "
                f"may have been delivered — retry only connect errors and errcode -1, or {remedy}",
            )
