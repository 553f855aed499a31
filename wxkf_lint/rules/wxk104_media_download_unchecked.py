"""WXK104 media-download-unchecked: a ``media/get`` download saved or returned after checking only the HTTP status.

WeCom answers a failed download (40007 expired media_id, 40014 invalid token, 42001 expired token) with HTTP 200
and an errcode JSON body; a download judged by its status alone saves that JSON as the customer's image.
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from wxkf_lint.rules.base import LintRule, Report


class MediaDownloadUnchecked(LintRule):
    code = "WXK104"
    def check(self) -> Iterator[Report]:
        for download in self.context.downloads.unchecked:
            yield self.report(
                download.use.value if isinstance(download.use, cst.Return) else download.use,
                f"{download.call.endpoint} bytes are used without a content check; errors (40007, 40014, 42001) "
                f"come back as HTTP 200 with errcode JSON — check Content-Type (JSON means an error) or parse errcode first",
            )
