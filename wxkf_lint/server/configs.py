"""The settings of each open document, read as the runner reads them, and forgotten when a pyproject.toml changes.

A document is linted with ``[tool.wxkf-lint]`` from the nearest pyproject.toml at or above its folder
(``config.load_settings`` with that folder as the starting point, exactly the runner's search), so two
projects open in one editor each get their own configuration.  Reading it walks up the folders and parses
TOML, so the outcome is kept per folder, and one :class:`~wxkf_lint.engine.Linter` per configuration file
(its rules load once); both are dropped together when the editor reports a pyproject.toml change.  A bad
configuration is kept as its :class:`~wxkf_lint.config.ConfigError`, raised again for each document under it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Dict, Optional, Union

from wxkf_lint.config import ConfigError, load_settings
from wxkf_lint.discovery import DiscoveryError, iter_files
from wxkf_lint.engine import Linter


class Configurations:
    """Folder → its linter (or its configuration error), cached until :meth:`forget`.

    ``root`` is the workspace folder: what the runner's current folder is to a run, the folder that
    ``exclude`` globs match from when no configuration file sets one.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_folder: Dict[Path, Union[Linter, ConfigError]] = {}
        self._by_config: Dict[Optional[Path], Linter] = {}

    def linter_for(self, folder: Path) -> Linter:
        """The linter for documents in ``folder``; raises :class:`ConfigError` for a bad configuration."""
        found = self._by_folder.get(folder)
        if found is None:
            try:
                settings = load_settings(cwd=folder)
            except ConfigError as error:
                found = error
            else:
                # globs match from the configuration's folder, or the workspace's when there is none,
                # so every unconfigured folder shares one linter
                key = settings.config_path
                if key not in self._by_config:
                    if key is None:
                        settings = replace(settings, root=self.root)
                    self._by_config[key] = Linter.from_settings(settings, keep_pieces=True)
                found = self._by_config[key]
            self._by_folder[folder] = found
        if isinstance(found, ConfigError):
            raise found
        return found

    def forget(self) -> None:
        self._by_folder.clear()
        self._by_config.clear()


def is_excluded(linter: Linter, path: str) -> bool:
    """Whether the runner, given this file by name, would drop it (``exclude``/``extend-exclude``).

    A file not on disk (a new, unsaved one) is never excluded: the runner has nothing to compare.
    """
    if not os.path.isfile(path):
        return False
    try:
        return not iter_files([path], linter.settings)
    except DiscoveryError:
        return False
