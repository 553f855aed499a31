"""``[tool.wxkf-lint]`` loading and validation, and the command-line overrides of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from wxkf_lint.config import (
    ConfigError,
    apply_overrides,
    find_config,
    load_settings,
    parse_code_list,
    settings_from_table,
)
from wxkf_lint.options import MAX_FILE_SIZE, MAX_RETRIES, WRAPPERS
from wxkf_lint.settings import Settings


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, toml: str) -> str:
    write(tmp_path / "pyproject.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_settings(cwd=tmp_path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "pyproject.toml"))
    return message


# -- finding the file ---------------------------------------------------------------------------------


def test_find_config_walks_up_and_skips_pyprojects_without_our_table(tmp_path):
    ours = write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\nmax-retries = 2\n")
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\ndependencies = ["wxkf-lint"]\n')
    (tmp_path / "pkg" / "src" / "deep").mkdir(parents=True)
    assert find_config(tmp_path / "pkg" / "src" / "deep") == ours.resolve()
    assert find_config(tmp_path) == ours.resolve()


def test_find_config_nearest_wins(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\n")
    inner = write(tmp_path / "sub" / "pyproject.toml", "[tool.wxkf-lint]\nmax-retries = 1\n")
    assert find_config(tmp_path / "sub") == inner.resolve()
    settings = load_settings(cwd=tmp_path / "sub")
    assert settings.get(MAX_RETRIES) == 1
    assert settings.config_path == inner.resolve()
    assert settings.root == (tmp_path / "sub").resolve()


def test_no_config_anywhere_gives_defaults_rooted_at_cwd(tmp_path):
    if find_config(tmp_path) is not None:
        pytest.skip("a configured pyproject.toml exists above the temporary folder")
    settings = load_settings(cwd=tmp_path)
    assert settings == Settings(root=tmp_path.resolve())


def test_isolated_ignores_configuration(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\nmax-retries = 9\n")
    settings = load_settings(isolated=True, cwd=tmp_path)
    assert settings.get(MAX_RETRIES) == 3 and settings.config_path is None
    assert settings.root == tmp_path.resolve()


def test_explicit_config_file(tmp_path):
    config = write(tmp_path / "conf" / "pyproject.toml", '[tool.wxkf-lint]\nwrappers = ["app.wecom.post"]\n')
    settings = load_settings(config=config, cwd=tmp_path)
    assert settings.get(WRAPPERS) == ("app.wecom.post",)
    assert settings.config_path == config
    assert settings.root == config.parent.resolve()


def test_explicit_config_without_our_table_is_an_error(tmp_path):
    config = write(tmp_path / "conf" / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config=config, cwd=tmp_path)
    assert str(caught.value) == f"{config}: no [tool.wxkf-lint] table (--config names the file that holds it)"


@pytest.mark.parametrize("explicit", [True, False])
def test_an_underscore_table_is_an_error_that_names_the_right_one(tmp_path, explicit):
    config = write(tmp_path / "pyproject.toml", "[tool.wxkf_lint]\nmax-retries = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config=config if explicit else None, cwd=tmp_path)
    assert str(caught.value) == f"{config}: [tool.wxkf_lint]: the table is named [tool.wxkf-lint] (with a dash)"


def test_codes_in_the_configuration_are_case_insensitive(tmp_path):
    config = write(tmp_path / "pyproject.toml", '[tool.wxkf-lint]\nignore = ["wxk101"]\nper-file-ignores = {"t/*" = ["wxk3"]}\n')
    settings = load_settings(config=config, cwd=tmp_path)
    assert (settings.ignore, settings.per_file_ignores) == (["WXK101"], {"t/*": ["WXK3"]})


def test_max_file_size_is_read_and_validated(tmp_path):
    config = write(tmp_path / "pyproject.toml", "[tool.wxkf-lint]\nmax-file-size = 2000\n")
    assert load_settings(config=config, cwd=tmp_path).get(MAX_FILE_SIZE) == 2000
    config.write_text("[tool.wxkf-lint]\nmax-file-size = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[tool.wxkf-lint\] max-file-size: expected a non-negative integer, got -1"):
        load_settings(config=config, cwd=tmp_path)


def test_explicit_config_missing(tmp_path):
    with pytest.raises(ConfigError, match="missing.toml: no such configuration file"):
        load_settings(config=tmp_path / "missing.toml", cwd=tmp_path)


def test_invalid_toml_is_one_line(tmp_path):
    message = error_of(tmp_path, "[tool.wxkf-lint\nselect = [\n")
    assert "invalid TOML" in message


def test_invalid_toml_in_an_explicit_file(tmp_path):
    config = write(tmp_path / "x.toml", "select = = 1\n")
    with pytest.raises(ConfigError, match="x.toml: invalid TOML: "):
        load_settings(config=config, cwd=tmp_path)


def test_our_section_must_be_a_table(tmp_path):
    message = error_of(tmp_path, '[tool]\n"wxkf-lint" = 3\n')
    assert "[tool.wxkf-lint]: expected a table" in message


# -- every key ----------------------------------------------------------------------------------------


def test_every_key_is_read(tmp_path):
    toml = """
[tool.wxkf-lint]
select = ["WXK0"]
ignore = ["WXK002"]
extend-select = ["WXK001"]
extend-ignore = ["WXK003"]
exclude = ["gen"]
extend-exclude = ["*_pb2.py"]
max-retries = 0
wrappers = ["app.wecom.post", "send"]

[tool.wxkf-lint.per-file-ignores]
"legacy/*.py" = ["WXK0", "WXK001"]
"tests/**" = []
"""
    write(tmp_path / "pyproject.toml", toml)
    settings = load_settings(cwd=tmp_path)
    assert settings.select == ["WXK0"]
    assert settings.ignore == ["WXK002"]
    assert settings.extend_select == ["WXK001"]
    assert settings.extend_ignore == ["WXK003"]
    assert settings.exclude == ["gen"]
    assert settings.extend_exclude == ["*_pb2.py"]
    assert settings.excludes == ["gen", "*_pb2.py"]
    assert settings.get(MAX_RETRIES) == 0
    assert settings.get(WRAPPERS) == ("app.wecom.post", "send")
    assert settings.per_file_ignores == {"legacy/*.py": ["WXK0", "WXK001"], "tests/**": []}


def test_unknown_key_names_the_key_and_the_known_ones(tmp_path):
    message = error_of(tmp_path, "[tool.wxkf-lint]\nmax_retry = 3\n")
    assert "[tool.wxkf-lint]: unknown key 'max_retry'" in message
    assert "did you mean 'max-retries'?" in message
    assert "expected one of: select, ignore," in message


@pytest.mark.parametrize(
    "line,key,expected",
    [
        ('max-retries = "x"', "max-retries", "expected a non-negative integer, got 'x'"),
        ("max-retries = -1", "max-retries", "expected a non-negative integer, got -1"),
        ("max-retries = true", "max-retries", "expected a non-negative integer, got True"),
        ("max-retries = 2.5", "max-retries", "expected a non-negative integer, got 2.5"),
        ('select = "WXK0"', "select", "expected a list of rule codes or prefixes"),
        ("ignore = [1]", "ignore", "expected a list of rule codes or prefixes"),
        ('extend-select = ["WXK999"]', "extend-select", "unknown rule code or prefix 'WXK999'"),
        ('extend-ignore = ["E501"]', "extend-ignore", "unknown rule code or prefix 'E501'"),
        ('select = ["wxk1x"]', "select", "unknown rule code or prefix 'wxk1x'"),
        ('exclude = "build"', "exclude", "expected a list of glob strings, got 'build'"),
        ("extend-exclude = [true]", "extend-exclude", "expected a list of glob strings"),
        ('wrappers = "app.post"', "wrappers", "expected a list of dotted function names"),
        ('wrappers = ["app..post"]', "wrappers", "expected a dotted function name"),
        ('wrappers = ["app.post()"]', "wrappers", "got 'app.post()'"),
        ('per-file-ignores = ["x"]', "per-file-ignores", 'expected a table of "glob" = [codes]'),
    ],
)
def test_wrong_values_name_file_key_and_expectation(tmp_path, line, key, expected):
    message = error_of(tmp_path, f"[tool.wxkf-lint]\n{line}\n")
    assert f"[tool.wxkf-lint] {key}: " in message
    assert expected in message


def test_per_file_ignores_codes_are_validated(tmp_path):
    message = error_of(tmp_path, '[tool.wxkf-lint.per-file-ignores]\n"legacy/*.py" = ["WXK999"]\n')
    assert 'per-file-ignores."legacy/*.py": unknown rule code or prefix \'WXK999\'' in message


def test_per_file_ignores_value_must_be_a_list(tmp_path):
    message = error_of(tmp_path, '[tool.wxkf-lint.per-file-ignores]\n"legacy/*.py" = "WXK0"\n')
    assert 'per-file-ignores."legacy/*.py": expected a list of rule codes' in message


def test_settings_from_table_directly():
    source = Path("/p/pyproject.toml")
    settings = settings_from_table({"select": ["WXK"], "max-retries": 5}, source)
    assert settings.select == ["WXK"] and settings.get(MAX_RETRIES) == 5
    assert settings.config_path == source
    with pytest.raises(ConfigError) as caught:
        settings_from_table({"max-retries": "x"}, source)
    assert str(caught.value) == (
        f"{source}: [tool.wxkf-lint] max-retries: expected a non-negative integer, got 'x'"
    )


# -- command-line overrides ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("WXK0", ["WXK0"]),
        (" WXK0 , WXK001,,", ["WXK0", "WXK001"]),
        ("", []),
        ("wxk1", ["wxk1"]),
    ],
)
def test_parse_code_list(text, expected):
    assert parse_code_list(text) == expected


def test_select_and_ignore_replace_the_configuration():
    base = Settings(select=["WXK0"], ignore=["WXK001"])
    settings = apply_overrides(base, select="WXK001, WXK002", ignore="WXK003")
    assert settings.select == ["WXK001", "WXK002"]
    assert settings.ignore == ["WXK003"]
    assert base.select == ["WXK0"], "the loaded settings are not mutated"


def test_extend_flags_add_to_the_configuration():
    base = Settings(extend_select=["WXK001"], extend_ignore=["WXK002"])
    settings = apply_overrides(base, extend_select="WXK003", extend_ignore="WXK0")
    assert settings.extend_select == ["WXK001", "WXK003"]
    assert settings.extend_ignore == ["WXK002", "WXK0"]
    assert base.extend_select == ["WXK001"]


def test_codes_on_the_command_line_are_case_insensitive():
    assert apply_overrides(Settings(), select="wxk1, Wxk203").select == ["WXK1", "WXK203"]


def test_select_on_the_command_line_replaces_the_configured_extend_select():
    base = Settings(select=["WXK1"], extend_select=["WXK402"])
    settings = apply_overrides(base, select="WXK303", extend_select="WXK201")
    assert (settings.select, settings.extend_select) == (["WXK303"], ["WXK201"])
    assert apply_overrides(base, extend_select="WXK201").extend_select == ["WXK402", "WXK201"]


def test_no_flags_leave_settings_alone():
    base = Settings(select=["WXK"])
    assert apply_overrides(base) is base


@pytest.mark.parametrize(
    "flag,value,bad",
    [
        ("select", "WXK999", "WXK999"),
        ("ignore", "WXK0,E501", "E501"),
        ("extend_select", "wxk1x", "wxk1x"),
        ("extend_ignore", "WXK1000", "WXK1000"),
    ],
)
def test_override_codes_are_validated(flag, value, bad):
    with pytest.raises(ConfigError) as caught:
        apply_overrides(Settings(), **{flag: value})
    assert str(caught.value) == f"--{flag.replace('_', '-')}: unknown rule code or prefix {bad!r}"


def test_bare_prefix_is_a_valid_selector():
    assert apply_overrides(Settings(), extend_ignore="WXK").extend_ignore == ["WXK"]
