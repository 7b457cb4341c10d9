"""The settings table (extract/settings.py): types, ranges, precedence, errors, and the README.

Each row cites the case it covers; errors must be one line naming where the value came from.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import settings
from extract.settings import SETTINGS, SettingError, Settings, apply_overrides, read_config

REPO = Path(__file__).resolve().parents[1]

PARSE_CASES = [
    # (setting, raw, expected, why)
    ("sql_timeout_s", "10", 10.0, "a float setting from the environment's text"),
    ("sql_timeout_s", 2, 2.0, "a TOML integer is a valid float"),
    ("sql_max_rows", "5_000", 5000, "underscores as in TOML and Python numbers"),
    ("sql_max_rows", 250, 250, "a TOML integer"),
    ("dashboard_host", "0.0.0.0", "0.0.0.0", "a text setting is kept as written"),
    ("ingest_jobs", "0", 0, "0 means one worker per core"),
]

BAD_CASES = [
    # (setting, raw, fragment of the error, why)
    ("sql_max_rows", "many", "wants int", "not a number"),
    ("sql_max_rows", 2.5, "wants int", "a fraction for a count"),
    ("sql_max_rows", True, "wants int", "TOML true is not a count"),
    ("sql_max_rows", "0", "must be in", "below the minimum"),
    ("dashboard_port", "70000", "must be in", "above the maximum"),
    ("sql_timeout_s", "fast", "wants float", "not a number"),
]


@pytest.mark.parametrize(("name", "raw", "expected", "why"), PARSE_CASES)
def test_parse(name: str, raw: object, expected: object, why: str) -> None:
    value = settings.setting(name).parse(raw, "test")
    assert value == expected and type(value) is type(expected), why


@pytest.mark.parametrize(("name", "raw", "fragment", "why"), BAD_CASES)
def test_parse_refuses(name: str, raw: object, fragment: str, why: str) -> None:
    with pytest.raises(SettingError) as info:
        settings.setting(name).parse(raw, "XUNCHA_X")
    message = str(info.value)
    assert fragment in message and message.startswith("XUNCHA_X: "), why
    assert "\n" not in message


def test_table_is_consistent() -> None:
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names)), "names are unique"
    for s in SETTINGS:
        assert s.name == s.name.lower() and " " not in s.name
        assert s.help and not s.help.endswith("."), s.name
        assert s.parse(s.default, "default") == s.default, f"{s.name}: its default is valid"


def test_precedence_default_file_env(tmp_path: Path) -> None:
    config = tmp_path / "xuncha.toml"
    config.write_text("[settings]\nsql_timeout_s = 9\nsql_max_rows = 300\n", encoding="utf-8")
    env = {"XUNCHA_CONFIG": str(config), "XUNCHA_SQL_MAX_ROWS": "400"}
    eff = Settings(env)
    assert eff["sql_timeout_s"] == 9.0, "the file beats the default"
    assert eff["sql_max_rows"] == 400, "the environment beats the file"
    assert eff["chart_notice_cap"] == 40, "untouched settings keep their default"
    assert eff.sources["sql_max_rows"] == "XUNCHA_SQL_MAX_ROWS"
    assert eff.sources["sql_timeout_s"] == str(config)


def test_top_level_keys_and_cwd_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "xuncha.toml").write_text("table_row_cap = 50\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert Settings({})["table_row_cap"] == 50, "xuncha.toml in the current folder, no [settings]"


@pytest.mark.parametrize(
    ("text", "fragment", "why"),
    [
        ("sql_max_rows = 10\nsql_timout_s = 3\n", "xuncha.toml:2: unknown setting", "a typo"),
        ("sql_max_rows = 'ten'\n", "xuncha.toml:1: setting 'sql_max_rows' wants int", "bad value"),
        ("sql_max_rows = \n", "xuncha.toml: ", "broken TOML"),
        ("settings = 3\n", "[settings] must be a table", "a section that is not a table"),
    ],
)
def test_config_errors_name_file_and_line(
    tmp_path: Path, text: str, fragment: str, why: str
) -> None:
    path = tmp_path / "xuncha.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingError) as info:
        read_config(path)
    assert fragment in str(info.value), why
    assert "\n" not in str(info.value)


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="settings file not found"):
        Settings({"XUNCHA_CONFIG": str(tmp_path / "absent.toml")})


def test_overrides_reach_the_environment() -> None:
    env: dict[str, str] = {}
    apply_overrides(["sql_timeout_s=12", "dashboard_port = 9000"], env)
    assert env["XUNCHA_SQL_TIMEOUT_S"] == "12.0" and env["XUNCHA_DASHBOARD_PORT"] == "9000"
    eff = Settings(env)
    assert eff["dashboard_port"] == 9000
    assert eff.sources["dashboard_port"] == "--setting dashboard_port", "the flag is named"
    with pytest.raises(SettingError, match="unknown setting"):
        apply_overrides(["no_such=1"], env)
    with pytest.raises(SettingError, match="NAME=VALUE"):
        apply_overrides(["sql_timeout_s"], env)


def test_readme_lists_every_setting() -> None:
    """The README's settings table is exactly the generated one (edit SETTINGS, then the README)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- settings:start -->", "<!-- settings:end -->"
    assert start in readme and end in readme, "README has a generated settings table"
    table = readme.split(start, 1)[1].split(end, 1)[0].strip()
    assert table == settings.readme_table()
