"""The options that change what rules find, each declared once.

One :class:`Option` is everything about a setting: its ``[tool.wxkf-lint]`` key, its default, how a
value is validated, how flake8's text (``--wxkf-max-retries 5``, or ``wxkf-max-retries = 5`` in its
config) becomes that value, its help, and the rules that read it.  The settings, the pyproject
validation, the flake8 plugin's options and the README's option list are all derived from
:data:`OPTIONS`, so pyproject and flake8 accept and reject exactly the same values with the same words.
Adding an option is adding one declaration here.

Nothing here imports LibCST: configuration is validated before any file is parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Generic, List, Tuple, TypeVar

T = TypeVar("T")

#: ASCII only on purpose: the prefilter turns wrapper names into byte markers (see prefilter.py).
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class OptionError(ValueError):
    """A value the option does not accept; the text says what it expected and what it got."""


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting.  ``validate`` takes a TOML value; ``from_text`` turns flake8's text into one."""

    key: str
    default: T
    metavar: str
    help: str
    validate: Callable[[Any], T]
    from_text: Callable[[str], Any]
    #: the codes of the rules that read it; empty for a setting of the shared analysis
    rules: Tuple[str, ...] = ()

    @property
    def field(self) -> str:
        """The key as a Python name (``max_retries``)."""
        return self.key.replace("-", "_")

    @property
    def flake8_flag(self) -> str:
        return f"--wxkf-{self.key}"

    @property
    def default_text(self) -> str:
        """The default as flake8's text would spell it (``3``, ``a.b,c.d``; ``none`` for an empty list)."""
        if isinstance(self.default, (list, tuple)):
            return ",".join(self.default) or "none"
        return str(self.default)

    def parse_text(self, text: str) -> T:
        """flake8's value (command line or config file), validated as pyproject's would be."""
        return self.validate(self.from_text(text))


def _non_negative_int(value: Any) -> int:
    # bool is an int subclass: ``max-retries = true`` must not mean 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise OptionError(f"expected a non-negative integer, got {value!r}")
    return value


def _int_text(text: str) -> Any:
    """The int the text spells, or the text itself, which validation then rejects with its own words."""
    try:
        return int(text.strip())
    except ValueError:
        return text


def _dotted_names(value: Any) -> Tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise OptionError(f"expected a list of dotted function names, got {value!r}")
    for name in value:
        if not _DOTTED.match(name):
            raise OptionError(f"expected a dotted function name (e.g. \"app.wecom.post\"), got {name!r}")
    return tuple(value)


def _comma_list(text: str) -> List[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


MAX_RETRIES: Option[int] = Option(
    key="max-retries",
    default=3,
    metavar="N",
    help="the most retries WXK202 allows (domain: at most 3 retries of `-1`)",
    validate=_non_negative_int,
    from_text=_int_text,
    rules=("WXK201", "WXK202"),
)

WRAPPERS: Option[Tuple[str, ...]] = Option(
    key="wrappers",
    default=(),
    metavar="NAMES",
    help="dotted names of functions that send a WeCom request and return the parsed response; their first "
    "string argument (or `path=`/`url=`) is the endpoint",
    validate=_dotted_names,
    from_text=_comma_list,
)

MAX_FILE_SIZE: Option[int] = Option(
    key="max-file-size",
    default=1_048_576,
    metavar="BYTES",
    help="bytes (of UTF-8 text) above which a WeCom file is reported as `WXK004`, not parsed (LibCST needs up to "
    "350 times a file's size in memory; the default is 4 times the standard library's largest module); `0`: no limit",
    validate=_non_negative_int,
    from_text=_int_text,
)

OPTIONS: Tuple[Option[Any], ...] = (MAX_RETRIES, WRAPPERS, MAX_FILE_SIZE)
OPTIONS_BY_KEY = {option.key: option for option in OPTIONS}
