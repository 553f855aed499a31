"""Handing a customer over to a human servicer, for the deployments that use wechatpy's work client.

wechatpy raises ``WeChatClientException`` on every non-zero errcode, so its results need no errcode test;
what the handler does with the exception's errcode and errmsg is still the program's business.
"""

from __future__ import annotations

import logging
from typing import Optional

from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import WeChatClientException

log = logging.getLogger(__name__)


def hand_over(client: WeChatClient, open_kfid: str, external_userid: str, servicer_userid: str) -> Optional[str]:
    try:
        result = client.post("kf/service_state/trans", data={
            "open_kfid": open_kfid,
            "external_userid": external_userid,
            "service_state": 3,
            "servicer_userid": servicer_userid,
        })
    except WeChatClientException as error:
        if error.errcode == 95004:
            log.warning("kf account %s no longer exists", open_kfid)
            return None
        if "not in servicer list" in str(error):  # expect: WXK101
            return None
        log.error("hand-over failed: %s %s", error.errcode, error.errmsg)
        raise
    return result.get("msg_code")
