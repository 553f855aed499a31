"""flake8 front end: ``flake8 --select WXK``.  As thin as flake8-bugbear's: adapt, never decide.

flake8 reads, decodes, applies ``# noqa``, ``--select``/``--ignore`` and per-file-ignores itself; this
class hands the file's lines to the same :class:`~wxkf_lint.engine.Linter` the runner uses and adapts
the findings to flake8's ``(line, column, text, type)`` tuples (flake8 columns are 0-based).
Opt-in rules run only when flake8's ``--select``/``--extend-select`` names their full code, as in the runner.
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar, Iterator, List, Optional, Tuple

from wxkf_lint import __version__
from wxkf_lint.engine import Linter
from wxkf_lint.rules import ALL_RULES
from wxkf_lint.settings import Settings
from wxkf_lint.source import SourceText


class WxkfChecker:
    name = "wxkf-lint"
    version = __version__

    _linter: ClassVar[Optional[Linter]] = None

    def __init__(self, tree: Any, filename: str, lines: List[str]) -> None:
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.add_option(
            "--wxkf-max-retries",
            type=int,
            default=3,
            parse_from_config=True,
            help="wxkf-lint: the most retries WXK202 allows (default: %(default)s)",
        )
        option_manager.add_option(
            "--wxkf-wrappers",
            default="",
            comma_separated_list=True,
            parse_from_config=True,
            help="wxkf-lint: dotted names of the project's own functions that send a WeCom request",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        named = set(getattr(options, "select", None) or []) | set(getattr(options, "extend_select", None) or [])
        opt_in = [rule.code for rule in ALL_RULES if not rule.default and rule.code in named]
        settings = Settings(
            extend_select=opt_in,
            max_retries=int(getattr(options, "wxkf_max_retries", 3)),
            wrappers=[name for name in (getattr(options, "wxkf_wrappers", None) or []) if name],
        )
        cls._linter = Linter.from_settings(settings)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        # The limit the runner sets (cli.main): LibCST's code generation, which places findings, recurses once
        # per nesting level, and 2,000 implicitly concatenated literals (pydoc_data/topics.py) exceed Python's
        # default of 1,000 — flake8 would report WXK003 where the runner reports the file's findings.
        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
        linter = self._linter or Linter.from_settings(Settings())
        text = "".join(self.lines)
        newline = "\r\n" if text.find("\r\n") >= 0 else "\n"
        source = SourceText(text=text, encoding="utf-8", bom=False, newline=newline)
        for finding in linter.lint_source(source, self.filename):
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
