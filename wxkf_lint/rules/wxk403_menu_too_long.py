"""WXK403 menu-too-long: a msgmenu literal whose ``list`` has more than 10 items (95008)."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from wxkf_lint.analysis.bodies import dict_items
from wxkf_lint.kf_tables import MENU_MAX_ITEMS
from wxkf_lint.rules.base import LintRule, Report


class MenuTooLong(LintRule):
    code = "WXK403"

    def check(self) -> Iterator[Report]:
        bodies = self.context.bodies
        for menu in bodies.menus():
            items = bodies.menu_items(menu)
            if isinstance(items, (cst.List, cst.Tuple)) and len(items.elements) > MENU_MAX_ITEMS:
                yield self.report(
                    dict_items(menu)["list"],
                    f"msgmenu has {len(items.elements)} items; WeCom rejects more than {MENU_MAX_ITEMS} with 95008 — "
                    f"shorten the menu or split it",
                )
