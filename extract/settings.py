"""One table of settings: every limit a user may need to change, with its default and help.

Why one table (datasette's ``SETTINGS`` is the model): limits used to be module constants spread
over eight modules, with the upload size defined twice, and a user had no way to see or change
them. Here each setting has a name, a type, a default and one line of help, and the README's
settings table is generated from it (a test checks they agree).

A value comes from, lowest to highest precedence:

1. the default in :data:`SETTINGS`;
2. an ``xuncha.toml`` file: ``$XUNCHA_CONFIG`` if set, else ``xuncha.toml`` in the current folder
   (keys at top level or under ``[settings]``);
3. the environment: ``XUNCHA_<NAME>`` in upper case (``XUNCHA_SQL_TIMEOUT_S=10``);
4. ``xuncha --setting NAME=VALUE`` (repeatable), which the CLI applies by writing the
   environment variable, so the dashboard server, the ingest workers and every child process
   see the same value without passing it along by hand.

A bad file, name or value is a one-line :class:`SettingError` naming where it came from
(``xuncha.toml:3: unknown setting 'sql_timout_s'``), never a traceback.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_ENV = "XUNCHA_CONFIG"
CONFIG_FILE = "xuncha.toml"
ENV_PREFIX = "XUNCHA_"
#: Names set by ``--setting`` in this run or a parent run, so ``xuncha settings`` can say so.
CLI_MARK_ENV = "XUNCHA__FROM_SETTING_FLAG"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class SettingError(ValueError):
    """A setting could not be read: the message is one line naming the source and the reason."""


@dataclass(frozen=True)
class Setting:
    """One user-adjustable limit: its name, type, default, help, and the range it must lie in."""

    name: str
    default: int | float | str | bool
    help: str
    minimum: float | None = None
    maximum: float | None = None

    @property
    def type(self) -> type:
        return type(self.default)

    @property
    def env(self) -> str:
        """The environment variable that overrides it."""
        return ENV_PREFIX + self.name.upper()

    def parse(self, raw: object, where: str) -> int | float | str | bool:
        """``raw`` (from TOML, the environment or the command line) as this setting's type."""
        kind = self.type
        value: int | float | str | bool
        try:
            if kind is bool:
                if isinstance(raw, bool):
                    value = raw
                elif str(raw).strip().lower() in _TRUE:
                    value = True
                elif str(raw).strip().lower() in _FALSE:
                    value = False
                else:
                    raise ValueError
            elif kind is int:
                if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                    raise ValueError
                text = str(raw).replace("_", "").strip() if isinstance(raw, str) else raw
                value = int(text)  # type: ignore[call-overload]
            elif kind is float:
                if isinstance(raw, bool):
                    raise ValueError
                value = float(raw)  # type: ignore[arg-type]
            else:
                value = str(raw)
        except (TypeError, ValueError):
            raise SettingError(
                f"{where}: setting {self.name!r} wants {kind.__name__}, got {raw!r} / "
                f"设置 {self.name} 的值类型不对"
            ) from None
        if isinstance(value, int | float) and not isinstance(value, bool):
            low, high = self.minimum, self.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                bounds = f"{'' if low is None else low:g}..{'' if high is None else high:g}"
                raise SettingError(
                    f"{where}: setting {self.name!r} must be in {bounds}, got {value!r} / "
                    f"设置 {self.name} 超出允许范围"
                )
        return value


_MB = 1024 * 1024

#: Every setting, in the order the README lists them.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "max_file_bytes",
        20 * _MB,
        "largest notice file read (on disk, uploaded, fetched, or inside a .zip)",
        1024,
        1 << 34,
    ),
    Setting("ingest_jobs", 0, "worker processes for ingest; 0 = one per core", 0, 256),
    Setting("ingest_batch_size", 64, "notices written per transaction", 1, 100_000),
    Setting("lock_timeout_s", 600.0, "how long a writer waits for another writer", 0, 86_400),
    Setting("sql_max_rows", 1000, "rows a SQL query returns (xuncha sql, SQL page)", 1, 100_000),
    Setting("sql_max_result_bytes", 50 * _MB, "bytes a SQL result may hold", 1024, 1 << 34),
    Setting("sql_timeout_s", 5.0, "time limit of one SQL query", 0.1, 3600),
    Setting("sql_threads", 2, "DuckDB threads of one SQL query", 1, 256),
    Setting("table_row_cap", 2000, "rows a dashboard table shows at once", 10, 1_000_000),
    Setting("chart_notice_cap", 40, "notices one dashboard chart draws", 1, 10_000),
    Setting("dashboard_host", "127.0.0.1", "address the dashboard listens on (loopback: local)"),
    Setting("dashboard_port", 8501, "port the dashboard listens on", 1, 65_535),
    Setting("pdf_max_pages", 2000, "pages read from one PDF", 1, 100_000),
    Setting("pdf_timeout_s", 120.0, "wall-clock limit for reading one PDF", 1, 86_400),
)

_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The :class:`Setting` called ``name``; an unknown name is a :class:`SettingError`."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise SettingError(f"unknown setting {name!r} / 未知的设置项:{name}") from None


def _config_path(environ: Mapping[str, str]) -> Path | None:
    explicit = environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise SettingError(f"{path}: settings file not found ({CONFIG_ENV}) / 找不到设置文件")
        return path
    here = Path(CONFIG_FILE)
    return here if here.is_file() else None


def _toml_line(text: str, key: str) -> int:
    """The 1-based line of ``key = …`` in ``text`` (for error messages), else 1."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.split("=", 1)[0].strip().strip('"') == key:
            return number
    return 1


def read_config(path: Path) -> dict[str, int | float | str | bool]:
    """The settings an ``xuncha.toml`` sets, checked: unknown names and bad values are errors."""
    try:
        text = path.read_text(encoding="utf-8")
        table: dict[str, Any] = tomllib.loads(text)
    except OSError as exc:
        raise SettingError(f"{path}: cannot read settings file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SettingError(
            f"{path}: settings file is not UTF-8 / 设置文件不是 UTF-8 编码"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingError(f"{path}: {exc} / 设置文件格式错误") from None
    section = table.get("settings", table)
    if not isinstance(section, dict):
        raise SettingError(f"{path}: [settings] must be a table / [settings] 必须是表")
    out: dict[str, int | float | str | bool] = {}
    for key, raw in section.items():
        where = f"{path}:{_toml_line(text, key)}"
        if key not in _BY_NAME:
            raise SettingError(f"{where}: unknown setting {key!r} / 未知的设置项:{key}")
        out[key] = _BY_NAME[key].parse(raw, where)
    return out


class Settings:
    """The effective values: defaults, then ``xuncha.toml``, then the environment."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        values: dict[str, int | float | str | bool] = {s.name: s.default for s in SETTINGS}
        self.sources: dict[str, str] = {s.name: "default" for s in SETTINGS}
        path = _config_path(env)
        if path is not None:
            for key, value in read_config(path).items():
                values[key] = value
                self.sources[key] = str(path)
        flagged = set(env.get(CLI_MARK_ENV, "").split(","))
        for s in SETTINGS:
            if s.env in env:
                where = f"--setting {s.name}" if s.name in flagged else s.env
                values[s.name] = s.parse(env[s.env], where)
                self.sources[s.name] = where
        self._values = values

    def __getitem__(self, name: str) -> Any:
        setting(name)  # unknown names are errors, not KeyError tracebacks
        return self._values[name]

    def items(self) -> Iterable[tuple[str, Any]]:
        return self._values.items()


def get(name: str) -> Any:
    """The effective value of one setting, read fresh (cheap: a dict and a stat)."""
    return Settings()[name]


def get_int(name: str) -> int:
    """:func:`get` typed for callers that want an ``int``."""
    return int(get(name))


def get_float(name: str) -> float:
    """:func:`get` typed for callers that want a ``float``."""
    return float(get(name))


def apply_overrides(pairs: Iterable[str], environ: dict[str, str] | None = None) -> None:
    """Apply ``NAME=VALUE`` pairs from ``--setting`` by exporting them to the environment.

    Writing the environment (after checking the value) is what makes an override reach every
    process xuncha starts: ingest workers, the dashboard server, the PDF reader's child.
    """
    env = os.environ if environ is None else environ
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep:
            raise SettingError(f"--setting {pair!r}: want NAME=VALUE / 格式应为 名称=值")
        s = setting(name)
        value = s.parse(raw, f"--setting {name}")
        env[s.env] = str(value).lower() if isinstance(value, bool) else str(value)
        flagged = [n for n in env.get(CLI_MARK_ENV, "").split(",") if n]
        env[CLI_MARK_ENV] = ",".join(sorted({*flagged, s.name}))


def readme_table() -> str:
    """The README's settings table, generated from :data:`SETTINGS` (a test checks the README)."""
    rows = ["| setting | default | environment | what it limits |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        default = (
            f"{s.default:_}" if isinstance(s.default, int) and s.default >= 10_000 else s.default
        )
        rows.append(f"| `{s.name}` | `{default}` | `{s.env}` | {s.help} |")
    return "\n".join(rows)


def describe(environ: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(name, effective value, where it came from) for ``xuncha settings``."""
    eff = Settings(environ)
    return [(name, str(value), eff.sources[name]) for name, value in eff.items()]
