"""flake8 front end: ``flake8 --select WXK``.  As thin as flake8-bugbear's: adapt, never decide.

flake8 reads, decodes, applies ``# noqa``, ``--select``/``--ignore`` and per-file-ignores itself; this
class hands the file's lines to the same :class:`~wxkf_lint.engine.Linter` the runner uses and adapts
the findings to flake8's ``(line, column, text, type)`` tuples (flake8 columns are 0-based).
Opt-in rules run only when flake8's ``--select``/``--extend-select`` names their full code, as in the runner.

The settings are the runner's: ``[tool.wxkf-lint]`` of the nearest pyproject.toml above the current
folder, loaded and validated by :mod:`wxkf_lint.config`, so one repository gets one set of findings;
flake8's own ``--wxkf-*`` options (command line or its config) override the table.  (flake8 consumes its
``--isolated`` before plugins see their options, so the table is read even then.)
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar, Dict, Iterator, List, Optional, Tuple

from wxkf_lint import __version__, registry
from wxkf_lint.config import ConfigError, load_settings
from wxkf_lint.engine import Linter
from wxkf_lint.options import OPTIONS, OptionError
from wxkf_lint.rulebook import RuleBookError
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
        """One flake8 option per declared option (``--wxkf-max-retries``), also read from flake8's config.

        Values arrive as text and are validated in :meth:`parse_options` by the option itself, so that
        the command line, flake8's config and pyproject.toml accept exactly the same values.
        """
        for option in OPTIONS:
            option_manager.add_option(
                option.flake8_flag,
                default=None,
                metavar=option.metavar,
                parse_from_config=True,
                help=f"wxkf-lint: {option.help} (default: {option.default_text})",
            )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        named = set(getattr(options, "select", None) or []) | set(getattr(options, "extend_select", None) or [])
        try:
            opt_in = [rule.code for rule in registry.RULES if not rule.default and rule.code in named]
            settings = load_settings(None, False, Path.cwd())
        except (ConfigError, RuleBookError) as error:  # flake8 would print a traceback: one line and exit 2
            sys.stderr.write(f"wxkf-lint: error: {error}\n")
            raise SystemExit(2) from None
        values = dict(settings.options, **flake8_option_values(options))
        extend_select = list(settings.extend_select) + opt_in
        cls._linter = Linter.from_settings(replace(settings, extend_select=extend_select, options=values))

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


def flake8_option_values(options: Any) -> Dict[str, Any]:
    """The declared options flake8 was given (command line or config), validated; exit 2 on a bad one.

    flake8 has no error channel for a plugin's options, so a bad value is reported as argparse reports
    its own: one line on stderr and exit status 2, never a traceback.
    """
    values: Dict[str, Any] = {}
    for option in OPTIONS:
        text = getattr(options, option.flake8_flag[2:].replace("-", "_"), None)
        if text is None:
            continue
        try:
            values[option.key] = option.parse_text(str(text))
        except OptionError as error:
            sys.stderr.write(f"flake8: error: {option.flake8_flag}: {error}\n")
            raise SystemExit(2) from None
    return values
