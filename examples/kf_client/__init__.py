"""A small 微信客服 (WeCom kf) client, shipped as wxkf-lint's example: it has known defects.

Every line that wxkf-lint reports carries a trailing ``# expect: CODE`` comment (``# expect-opt-in: CODE`` for
the opt-in rules); every other line is meant to be silent. ``tests/test_examples.py`` holds the linter to both.
"""

from kf_client.api import KfApi, KfApiError
from kf_client.sender import Sender
from kf_client.sync import pull_messages
from kf_client.tokens import TokenStore

__all__ = ["KfApi", "KfApiError", "Sender", "TokenStore", "pull_messages"]
