"""``[tool.wxkf-lint]`` in pyproject.toml, and the command-line overrides of it, validated.

Every mistake is a :class:`ConfigError` whose text is one line naming the file, the key and what was
expected, so the runner can print it and exit 2 (SPEC §4).
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional

from wxkf_lint.codes import invalid_selectors
from wxkf_lint.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib

SECTION = "wxkf-lint"
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class ConfigError(Exception):
    """A configuration or usage mistake, described in one line."""


def find_config(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml at or above ``start`` that has a ``[tool.wxkf-lint]`` table."""
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if SECTION in text and _table(candidate, text) is not None:
                return candidate
    return None


def _table(path: Path, text: str) -> Optional[Mapping[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    table = data.get("tool", {}).get(SECTION)
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}] must be a table")
    return table


def load_settings(config: Optional[Path] = None, isolated: bool = False, cwd: Optional[Path] = None) -> Settings:
    """Settings from ``config``, or the nearest pyproject.toml above ``cwd``, or defaults."""
    here = (cwd or Path.cwd()).resolve()
    if isolated:
        return Settings(root=here)
    if config is not None:
        if not config.is_file():
            raise ConfigError(f"{config}: no such configuration file")
        try:
            text = config.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"{config}: cannot read: {error}") from None
        table = _table(config, text)
        if table is None:
            return Settings(config_path=config, root=config.resolve().parent)
        return settings_from_table(table, config)
    found = find_config(here)
    if found is None:
        return Settings(root=here)
    table = _table(found, found.read_text(encoding="utf-8"))
    return settings_from_table(table or {}, found)


# -- validation ---------------------------------------------------------------------------------------


def _codes(where: str) -> Callable[[str, Any], List[str]]:
    def check(key: str, value: Any) -> List[str]:
        items = _string_list(where, key, value, "a list of rule codes or prefixes")
        bad = invalid_selectors(items)
        if bad:
            raise ConfigError(f"{where} {key}: unknown rule code or prefix {bad[0]!r}")
        return items

    return check


def _string_list(where: str, key: str, value: Any, expected: str) -> List[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} {key}: expected {expected}, got {value!r}")
    return list(value)


def settings_from_table(table: Mapping[str, Any], source: Path) -> Settings:
    """Validate every key of ``[tool.wxkf-lint]`` and build the settings."""
    where = f"{source}: [tool.{SECTION}]"
    codes = _codes(where)
    values: Dict[str, Any] = {}
    for key, value in table.items():
        if key in ("select", "ignore", "extend-select", "extend-ignore"):
            values[key.replace("-", "_")] = codes(key, value)
        elif key in ("exclude", "extend-exclude"):
            values[key.replace("-", "_")] = _string_list(where, key, value, "a list of glob strings")
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} {key}: expected a table of glob = [codes], got {value!r}")
            values["per_file_ignores"] = {glob: codes(f"{key}.{glob!r}", item) for glob, item in value.items()}
        elif key == "max-retries":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{where} {key}: expected a non-negative integer, got {value!r}")
            values["max_retries"] = value
        elif key == "wrappers":
            names = _string_list(where, key, value, "a list of dotted function names")
            bad = [name for name in names if not _DOTTED.match(name)]
            if bad:
                raise ConfigError(f"{where} {key}: expected dotted function names, got {bad[0]!r}")
            values["wrappers"] = names
        else:
            known = "select, ignore, extend-select, extend-ignore, per-file-ignores, exclude, extend-exclude, max-retries, wrappers"
            raise ConfigError(f"{where}: unknown key {key!r} (expected one of: {known})")
    return Settings(config_path=source, root=source.resolve().parent, **values)


def parse_code_list(text: str) -> List[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def apply_overrides(
    settings: Settings,
    *,
    select: Optional[str] = None,
    ignore: Optional[str] = None,
    extend_select: Optional[str] = None,
    extend_ignore: Optional[str] = None,
) -> Settings:
    """Command-line flags over configuration: --select/--ignore replace, --extend-* add."""
    changes: Dict[str, Any] = {}
    for flag, text in (("--select", select), ("--ignore", ignore), ("--extend-select", extend_select), ("--extend-ignore", extend_ignore)):
        if text is None:
            continue
        items = parse_code_list(text)
        bad = invalid_selectors(items)
        if bad:
            raise ConfigError(f"{flag}: unknown rule code or prefix {bad[0]!r}")
        field = flag[2:].replace("-", "_")
        changes[field] = items if field in ("select", "ignore") else list(getattr(settings, field)) + items
    return replace(settings, **changes) if changes else settings
