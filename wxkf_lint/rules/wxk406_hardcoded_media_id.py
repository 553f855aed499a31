"""WXK406 hardcoded-media-id: a literal ``media_id`` in a message body (40007 within 3 days).

Temporary media from ``media/upload`` live 3 days; a media_id written into source works in the demo and fails
with 40007 from then on.  Upload the file when sending (or cache the id with its upload time).
"""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from wxkf_lint.analysis.bodies import dict_items
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.analysis.tokens import is_placeholder
from wxkf_lint.rules.base import LintRule, Report

_KEYS = ("media_id", "thumb_media_id")
#: who an outgoing message goes to, in the bodies of message/send and kf/send_msg; an incoming message (a kf
#: sync_msg item, a callback) names its sender instead, and carries media_ids that are no one's mistake
_RECIPIENTS = ("touser", "toparty", "totag")


class HardcodedMediaId(LintRule):
    code = "WXK406"

    def check(self) -> Iterator[Report]:
        context = self.context
        if context.is_test_file:
            return
        for node in context.index.nodes(cst.Dict):
            items = dict_items(node)
            if "msgtype" not in items or not self._is_sent(node, items):
                continue
            for element in self._media_elements(node):
                text = self._literal_text(element.value)
                if text and not is_placeholder(text) and text.upper() != "MEDIA_ID":
                    yield self.report(
                        element,
                        f"{literal_string(element.key)} is a literal; temporary media expire 3 days after media/upload "
                        f"(40007) — upload the file and use the media_id it returns",
                    )

    def _is_sent(self, message: cst.Dict, items) -> bool:
        """The dict is a message body: a WeCom call the file shows sends it, or it names a recipient.  A
        ``msgtype`` dict that does neither may be a message received (a self-test's callback), not sent."""
        return message in self.context.bodies.sent_to or any(key in items for key in _RECIPIENTS)

    def _literal_text(self, value: cst.BaseExpression):
        """The literal, or the literal a module or class constant holds (``WELCOME_IMAGE = "3a8…"``): a constant
        is the same stale id under a name.  Names bound inside functions are computed ids, not constants."""
        text = literal_string(value)
        if text is not None or not isinstance(value, cst.Name):
            return text
        index = self.context.index
        binding = index.lookup(value.value, value)
        if binding is None or binding.value is None or not isinstance(index.scope_of(binding.node), (cst.Module, cst.ClassDef)):
            return None
        if len(index.bindings.get((index.scope_of(binding.node), value.value), [])) != 1:
            return None
        return literal_string(binding.value)

    def _media_elements(self, message: cst.Dict):
        """media_id keys of the message or of its per-type part (``"image": {"media_id": ...}``)."""
        bodies = self.context.bodies
        parts = [message] + [bodies.resolve(element.value) for element in dict_items(message).values()]
        for part in parts:
            for key, element in dict_items(part).items():
                if key in _KEYS:
                    yield element
