"""The resolved settings of one run, whatever they came from (pyproject.toml, CLI flags, flake8 options)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, TypeVar

from wxkf_lint.options import Option

T = TypeVar("T")

DEFAULT_EXCLUDES: Tuple[str, ...] = (
    ".git",
    ".hg",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "build",
    "dist",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".wxkf_cache",
)


@dataclass
class Settings:
    """Everything that changes what a run reports.  Defaults are SPEC §4's."""

    select: Optional[List[str]] = None
    ignore: List[str] = field(default_factory=list)
    extend_select: List[str] = field(default_factory=list)
    extend_ignore: List[str] = field(default_factory=list)
    per_file_ignores: Dict[str, List[str]] = field(default_factory=dict)
    exclude: Optional[List[str]] = None
    extend_exclude: List[str] = field(default_factory=list)
    #: option key → validated value, for the options (:mod:`wxkf_lint.options`) that were set
    options: Dict[str, Any] = field(default_factory=dict)
    #: ``--unsafe-fixes``: ``--fix`` also applies the fixes that can change what the program does
    unsafe_fixes: bool = False
    #: the pyproject.toml the settings were read from, if any
    config_path: Optional[Path] = None
    #: the folder that relative globs (exclude, per-file-ignores) are matched from
    root: Path = field(default_factory=Path.cwd)

    def get(self, option: Option[T]) -> T:
        """The option's value: as set, or its declared default."""
        return self.options.get(option.key, option.default)

    @property
    def excludes(self) -> List[str]:
        base = list(DEFAULT_EXCLUDES) if self.exclude is None else list(self.exclude)
        return base + list(self.extend_exclude)
