"""Facts from domain.md that rules cite: endpoints, the codes each kf endpoint adds, msgtypes, limits.

Rules import these tables instead of spelling codes themselves, so a message always cites domain.md.
"""

from __future__ import annotations

from typing import Dict, FrozenSet, Optional, Tuple

#: Codes a retry cannot change (only -1 and, later, 45009 are transient; 40014/42001 need a refresh first).
TRANSIENT_CODES: FrozenSet[int] = frozenset({-1, 45009})
TOKEN_CODES: FrozenSet[int] = frozenset({40014, 42001})
#: Codes after which refetching the token and repeating the request once is the reference behaviour
#: (wechatpy ``client/base.py`` refetches on 40001/40014/42001; 41001 is an empty token).
REFRESH_CODES: FrozenSet[int] = frozenset({40001, 40014, 41001, 42001})

#: The 95xxx (and other kf-specific) codes each kf endpoint can return, from domain.md's endpoint table.
KF_ENDPOINT_CODES: Dict[str, Tuple[int, ...]] = {
    "kf/account/add": (95000, 95004, 95005, 95006, 40007),
    "kf/account/del": (95000, 95004, 95005, 95006, 40007),
    "kf/account/update": (95000, 95004, 95005, 95006, 40007),
    "kf/account/list": (),
    "kf/add_contact_way": (95000, 95004),
    "kf/servicer/add": (95000, 95004),
    "kf/servicer/del": (95000, 95004),
    "kf/servicer/list": (95000, 95004),
    "kf/service_state/get": (95000, 95004),
    "kf/service_state/trans": (95000, 95004),
    "kf/sync_msg": (95007,),
    "kf/send_msg": (95000, 95001, 95002, 95003, 95004, 95008, 95009, 40007, 40008, 90207),
    "kf/send_msg_on_event": (95008, 95009),
    "kf/customer/batchget": (),
    "kf/get_corp_statistic": (95000,),
    "kf/get_servicer_statistic": (95000,),
}

#: Endpoints answered with GET (everything else under kf/ is POST JSON).
GET_ENDPOINTS: FrozenSet[str] = frozenset({"gettoken", "kf/servicer/list", "media/get", "user/get", "department/list"})

#: Endpoint names recognised even without a WeCom URL in the file (a wrapper called with the bare path).
KNOWN_ENDPOINTS: FrozenSet[str] = frozenset(set(KF_ENDPOINT_CODES) | {"gettoken", "message/send", "media/get", "media/upload"})

#: msgtypes each send endpoint accepts (40008 otherwise).
SEND_MSG_TYPES: FrozenSet[str] = frozenset(
    {"text", "image", "voice", "video", "file", "link", "miniprogram", "msgmenu", "location", "business_card", "ca_link"}
)
SEND_ON_EVENT_MSG_TYPES: FrozenSet[str] = frozenset({"text", "msgmenu"})

#: msgmenu limits (95008, 95009).
MENU_MAX_ITEMS = 10
MENU_ITEM_TYPES: FrozenSet[str] = frozenset({"click", "view", "miniprogram", "text"})


def kf_codes_text(endpoint: str) -> str:
    """``95000, 95001, …`` — the 95xxx codes an endpoint can return, for rule messages."""
    codes = [code for code in KF_ENDPOINT_CODES.get(endpoint, ()) if 95000 <= code < 96000]
    return ", ".join(str(code) for code in codes)


def failure_codes_text(endpoint: Optional[str]) -> str:
    """A few codes an endpoint answers failures with, for messages that say "WeCom answers failures (…) with
    HTTP 200": the token codes everywhere but gettoken (which fails on its secret) and a group robot's webhook
    (which has a key, not a token), then the endpoint's own
    kf codes, so that no message cites a 95xxx code to code that never calls a kf endpoint."""
    if endpoint == "gettoken":
        return "40001 invalid secret"
    if (endpoint or "").startswith("webhook/"):  # a group robot's key is in its URL: no access token to expire
        return "93000 invalid webhook key, 45009 over 20 messages a minute"
    kf = [code for code in KF_ENDPOINT_CODES.get(endpoint or "", ()) if 95000 <= code < 96000]
    own = [str(code) for code in sorted(kf, key=lambda code: (code not in (95001, 95002), code))][:2]
    return ", ".join(["40014", "42001"] + own + (["…"] if own else []))
