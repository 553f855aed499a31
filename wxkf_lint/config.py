"""``[tool.wxkf-lint]`` in pyproject.toml, and the command-line overrides of it, validated.

Every mistake is a :class:`ConfigError` whose text is one line naming the file, the key and what was
expected, so the runner can print it and exit 2 (SPEC §4).  A typo must never silently fall back to a
default: a misspelt ``ignore`` that is skipped looks exactly like a rule that does not work.
"""

from __future__ import annotations

import difflib
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

from wxkf_lint.codes import invalid_selectors
from wxkf_lint.options import OPTIONS_BY_KEY, OptionError
from wxkf_lint.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10
    import tomli as tomllib

SECTION = "wxkf-lint"
#: the spelling TOML users reach for by habit (``[tool.wxkf_lint]``): an error, never a silently unread table
_MISSPELT = "wxkf_lint"
_CODE_KEYS = ("select", "ignore", "extend-select", "extend-ignore")
_GLOB_KEYS = ("exclude", "extend-exclude")
KNOWN_KEYS = _CODE_KEYS + ("per-file-ignores",) + _GLOB_KEYS + tuple(OPTIONS_BY_KEY)


class ConfigError(Exception):
    """A configuration or usage mistake, described in one line."""


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise ConfigError(f"{path}: cannot read: {reason}") from None


def _section(path: Path, text: str) -> Optional[Mapping[str, Any]]:
    """Our table in ``text``, or None when the file has none; broken TOML is an error, not "no table"."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        reason = " ".join(str(error).split())
        raise ConfigError(f"{path}: invalid TOML: {reason}") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and _MISSPELT in tool:
        raise ConfigError(f"{path}: [tool.{_MISSPELT}]: the table is named [tool.{SECTION}] (with a dash)")
    if not isinstance(tool, dict) or SECTION not in tool:
        return None
    table = tool[SECTION]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{SECTION}]: expected a table, got {table!r}")
    return table


def _find(start: Path) -> Optional[Tuple[Path, Mapping[str, Any]]]:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # absent or unreadable: not ours, as ruff treats it
        # The text test spares parsing every pyproject.toml on the way up; most have no table of ours.
        if SECTION in text or _MISSPELT in text:
            table = _section(candidate, text)
            if table is not None:
                return candidate, table
    return None


def find_config(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml at or above the folder ``start`` that has a ``[tool.wxkf-lint]`` table.

    A pyproject.toml without our table is skipped, as ruff does, so that a sub-package's own
    pyproject.toml does not hide the repository's configuration.
    """
    found = _find(start.resolve())
    return found[0] if found else None


def load_settings(config: Optional[Path] = None, isolated: bool = False, cwd: Optional[Path] = None) -> Settings:
    """Settings from ``config``, or the nearest configured pyproject.toml above ``cwd``, or defaults.

    ``root`` (what exclude and per-file-ignores globs are relative to) is the configuration file's
    folder, or ``cwd`` when there is none.
    """
    here = (cwd or Path.cwd()).resolve()
    if isolated:
        return Settings(root=here)
    if config is not None:
        if not config.is_file():
            raise ConfigError(f"{config}: no such configuration file")
        table = _section(config, _read(config))
        if table is None:
            raise ConfigError(f"{config}: no [tool.{SECTION}] table (--config names the file that holds it)")
        return settings_from_table(table, config)
    found = _find(here)
    if found is None:
        return Settings(root=here)
    return settings_from_table(found[1], found[0])


# -- validation ---------------------------------------------------------------------------------------


def _string_list(where: str, key: str, value: Any, expected: str) -> List[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} {key}: expected {expected}, got {value!r}")
    return list(value)


def _codes(where: str, key: str, value: Any) -> List[str]:
    items = _string_list(where, key, value, "a list of rule codes or prefixes (e.g. [\"WXK1\"])")
    bad = _unknown_selector(items)
    if bad is not None:
        raise ConfigError(f"{where} {key}: unknown rule code or prefix {bad!r}")
    return [item.upper() for item in items]


def _unknown_selector(items: List[str]) -> Optional[str]:
    """The first selector, as the user spelt it, that names no code in any case (``wxk1`` is ``WXK1``)."""
    bad = set(invalid_selectors([item.upper() for item in items]))
    return next((item for item in items if item.upper() in bad), None)


def _per_file_ignores(where: str, key: str, value: Any) -> Dict[str, List[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} {key}: expected a table of \"glob\" = [codes], got {value!r}")
    return {glob: _codes(where, f'{key}."{glob}"', codes) for glob, codes in value.items()}


def _unknown_key(where: str, key: str) -> ConfigError:
    close = difflib.get_close_matches(key.replace("_", "-"), KNOWN_KEYS, n=1)
    hint = f", did you mean {close[0]!r}?" if close else ""
    return ConfigError(f"{where}: unknown key {key!r}{hint} (expected one of: {', '.join(KNOWN_KEYS)})")


def settings_from_table(table: Mapping[str, Any], source: Path) -> Settings:
    """Validate every key of ``[tool.wxkf-lint]`` read from ``source`` and build the settings."""
    where = f"{source}: [tool.{SECTION}]"
    values: Dict[str, Any] = {}
    options: Dict[str, Any] = {}
    for key, value in table.items():
        field = key.replace("-", "_")
        if key in _CODE_KEYS:
            values[field] = _codes(where, key, value)
        elif key in _GLOB_KEYS:
            values[field] = _string_list(where, key, value, "a list of glob strings")
        elif key == "per-file-ignores":
            values[field] = _per_file_ignores(where, key, value)
        elif key in OPTIONS_BY_KEY:
            try:
                options[key] = OPTIONS_BY_KEY[key].validate(value)
            except OptionError as error:
                raise ConfigError(f"{where} {key}: {error}") from None
        else:
            raise _unknown_key(where, key)
    return Settings(config_path=source, root=source.resolve().parent, options=options, **values)


# -- command-line overrides ---------------------------------------------------------------------------


def parse_code_list(text: str) -> List[str]:
    """``"wxk1, WXK203,"`` → ``["wxk1", "WXK203"]``: flake8's comma lists, blanks tolerated, spelling kept for messages."""
    return [item.strip() for item in text.split(",") if item.strip()]


def apply_overrides(
    settings: Settings,
    *,
    select: Optional[str] = None,
    ignore: Optional[str] = None,
    extend_select: Optional[str] = None,
    extend_ignore: Optional[str] = None,
) -> Settings:
    """Command-line flags over configuration: --select/--ignore replace it, --extend-* add to it.

    As in ruff, ``--select`` replaces the configured ``extend-select`` too: the command line's
    selection is then the whole selection (``--select WXK303`` runs WXK303 and nothing else).
    """
    changes: Dict[str, Any] = {}
    if select is not None:
        changes["extend_select"] = []
    flags = (("select", select), ("ignore", ignore), ("extend_select", extend_select), ("extend_ignore", extend_ignore))
    for field, text in flags:
        if text is None:
            continue
        items = parse_code_list(text)
        bad = _unknown_selector(items)
        if bad is not None:
            flag = "--" + field.replace("_", "-")
            raise ConfigError(f"{flag}: unknown rule code or prefix {bad!r}")
        items = [item.upper() for item in items]
        base = [] if field in ("select", "ignore") else changes.get(field, getattr(settings, field))
        changes[field] = list(base) + items
    return replace(settings, **changes) if changes else settings
