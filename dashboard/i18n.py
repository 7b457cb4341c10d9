"""Interface labels in Chinese (default) and English, from ``labels.toml`` and ``labels/*.toml``.

Labels are data, not code: translators edit the TOML, and a test checks that every key has
every language and that format placeholders agree across languages. Pages with many labels of
their own keep them in ``labels/<page>.toml``, so that two people editing two pages never edit the
same file; a key defined in two files is an error naming both, not a silent override.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from extract.model import KINDS

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"
_LABELS_FILE = Path(__file__).with_name("labels.toml")
_LABELS_DIR = Path(__file__).with_name("labels")
# Quantity kinds in the spec's order, from the shared model rather than retyped here.
KINDS_ORDER: tuple[str, ...] = KINDS


def _flatten(table: dict[str, object], prefix: str = "") -> dict[str, dict[str, str]]:
    """``{"col": {"unit": {"zh": …, "en": …}}}`` → ``{"col.unit": {"zh": …, "en": …}}``.

    A leaf is a table whose keys are all language codes; TOML sections group the rest.
    """
    out: dict[str, dict[str, str]] = {}
    for key, value in table.items():
        if not isinstance(value, dict):
            continue
        name = f"{prefix}{key}"
        if value and set(value) <= set(LANGS) and all(isinstance(v, str) for v in value.values()):
            out[name] = value  # type: ignore[assignment]
        else:
            out.update(_flatten(value, name + "."))
    return out


@cache
def labels() -> dict[str, dict[str, str]]:
    """All labels as ``{"section.key": {lang: text}}``, loaded once per process."""
    files = [_LABELS_FILE, *sorted(_LABELS_DIR.glob("*.toml"))]
    out: dict[str, dict[str, str]] = {}
    origin: dict[str, Path] = {}
    for path in files:
        with path.open("rb") as fh:
            try:
                table = _flatten(tomllib.load(fh))
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{path}: {exc}") from None
        for key, entry in table.items():
            if key in out:
                raise ValueError(f"{path}: label {key!r} is already defined in {origin[key]}")
            out[key] = entry
            origin[key] = path
    return out


def label(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The label ``key`` in ``lang``, formatted with ``fmt``.

    A missing key shows as the key itself instead of crashing a page: a forgotten label is a
    cosmetic bug, not a reason to hide the data.
    """
    entry = labels().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get(DEFAULT_LANG) or key
    return text.format(**fmt) if fmt else text


def value_label(group: str, value: object, lang: str = DEFAULT_LANG) -> str:
    """Translate a stored code (a status, a kind…) via the ``group.value`` key, else as is."""
    if value is None:
        return ""
    key = f"{group}.{value}"
    return label(key, lang) if key in labels() else str(value)


#: How extract/ writes a message in both languages: ``中文 / English``; several are joined
#: with ``; `` (completion issues). The Chinese side never contains ``; `` (it uses ``;``).
BILINGUAL_SEP = " / "
_JOIN_SEP = "; "


def _has_han(text: str) -> bool:
    """Whether ``text`` has a Chinese character (to tell the two sides of a message apart)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def bilingual_part(text: object, lang: str = DEFAULT_LANG) -> str:
    """The ``lang`` side of a bilingual message from extract/ (``zh / en``, several joined by
    ``; ``; a few are written English first), so the Chinese interface shows no English; a
    one-language text comes back as is.

    Missing (None/NaN) is ``—``. English parts may contain ``; `` themselves, so a piece
    without the separator continues the previous message instead of starting one.
    """
    if text is None or (isinstance(text, float) and text != text):
        return "—"
    messages: list[list[str]] = []
    for piece in str(text).split(_JOIN_SEP):
        if BILINGUAL_SEP in piece or not messages:
            messages.append([piece])
        else:
            messages[-1].append(piece)
    out: list[str] = []
    for pieces in messages:
        whole = _JOIN_SEP.join(pieces)
        zh, sep, en = whole.partition(BILINGUAL_SEP)
        if sep and not _has_han(zh) and _has_han(en):  # written English first
            zh, en = en, zh
        out.append((en if lang == "en" else zh) if sep else whole)
    return ";".join(out) if lang != "en" else _JOIN_SEP.join(out)
