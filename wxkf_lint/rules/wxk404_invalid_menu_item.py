"""WXK404 invalid-menu-item: a msgmenu item whose ``type`` is not click, view, miniprogram or text (95009)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from wxkf_lint.analysis.bodies import dict_items
from wxkf_lint.analysis.strings import literal_string
from wxkf_lint.kf_tables import MENU_ITEM_TYPES
from wxkf_lint.rules.base import LintRule, Report


class InvalidMenuItem(LintRule):
    code = "WXK404"

    def check(self) -> Iterator[Report]:
        bodies = self.context.bodies
        allowed = ", ".join(sorted(MENU_ITEM_TYPES))
        for menu in bodies.menus():
            items = bodies.menu_items(menu)
            if not isinstance(items, (cst.List, cst.Tuple)):
                continue
            for element in items.elements:
                item = dict_items(bodies.resolve(element.value))
                kind = item.get("type")
                text = literal_string(kind.value) if kind is not None else None
                if text is not None and text not in MENU_ITEM_TYPES:
                    yield self.report(kind, f"msgmenu item type {text!r} is not one of {allowed}; WeCom answers 95009")
