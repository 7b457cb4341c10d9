"""Integrity of the extractor's data files (unit lexicon, word lists, character map).

A typo in a data file must fail here, with the file and line, not as a silent miss later.
"""

from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from extract.model import KINDS
from extract.quantities.units import (
    KNOWN_FLAGS,
    NOUN_FLAGS,
    LexiconError,
    data_path,
    load_char_map,
    load_implied_contexts,
    load_implied_units,
    parse_units,
    read_rows,
)
from extract.quantities.wordlists import masked_phrases, phrase_list, quantity_words

UNITS = parse_units()


def test_lexicon_is_not_empty() -> None:
    assert len(UNITS) > 100


@pytest.mark.parametrize("unit", UNITS, ids=[u.surface for u in UNITS])
def test_every_unit_is_well_formed(unit) -> None:  # type: ignore[no-untyped-def]
    assert unit.kind in KINDS and unit.kind != "date"
    assert unit.factor > 0
    assert unit.unit, "canonical unit must not be empty"
    assert unit.flags <= KNOWN_FLAGS | NOUN_FLAGS
    assert ("only_before" in unit.flags) == bool(unit.only_before)
    assert ("also_before" in unit.flags) == bool(unit.also_before)
    assert unit.surface == unit.surface.strip() and unit.surface


@pytest.mark.parametrize("unit", UNITS, ids=[u.surface for u in UNITS])
def test_unit_surfaces_are_simplified(unit) -> None:  # type: ignore[no-untyped-def]
    """The text is converted with OpenCC before matching: a traditional surface is dead weight."""
    from extract.text.fold import to_simplified

    assert to_simplified(unit.surface) == unit.surface


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ("only_before=", "bad flag"),  # a noun flag needs nouns
        ("before=意见", "bad flag"),  # an unknown noun flag
        ("loud", "unknown flags"),  # an unknown plain flag
    ],
)
def test_bad_unit_flags_name_file_and_line(tmp_path, monkeypatch, flags, message) -> None:  # type: ignore[no-untyped-def]
    import extract.quantities.units as units_mod

    bad = tmp_path / "units.tsv"
    bad.write_text(f"surface\tkind\tunit\tfactor\tflags\n点\tcount\t点\t1\t{flags}\n", "utf-8")
    monkeypatch.setattr(units_mod, "data_path", lambda name: tmp_path / name)
    with pytest.raises(LexiconError, match=rf"units.tsv:2: {message}"):
        units_mod.parse_units()


def test_implied_contexts_name_nouns_of_the_table() -> None:
    contexts = load_implied_contexts()
    assert "省市" in contexts["级"]
    assert set(contexts) <= set(load_implied_units())


def test_no_duplicate_surface() -> None:
    counts = Counter(u.surface for u in UNITS)
    assert [s for s, n in counts.items() if n > 1] == []


@pytest.mark.parametrize(
    ("surface", "kind", "canonical", "factor"),
    [
        ("万元", None, None, None),  # scale words are folded by the number parser, not listed
        ("元", "money", "元", 1),
        ("㎡", "area", "平方米", 1),
        ("千米", "length", "公里", 1),
        ("m³", "volume", "立方米", 1),
        ("千克", "mass", "公斤", 1),
        ("成", "percent", "%", 10),
        ("个百分点", "percent", "个百分点", 1),
        ("日", "duration", "天", 1),
        ("人次", "count", "人次", 1),
        ("大项", "count", "大项", 1),
    ],
    ids=lambda v: str(v),
)
def test_canonical_units_follow_the_conventions(
    surface: str, kind: str | None, canonical: str | None, factor: int | None
) -> None:
    by_surface = {u.surface: u for u in UNITS}
    if kind is None:
        assert surface not in by_surface
        return
    unit = by_surface[surface]
    assert (unit.kind, unit.unit, unit.factor) == (kind, canonical, factor)


def test_canonical_units_per_kind_are_few() -> None:
    """Each non-count kind reports a handful of canonical units (what the dashboard groups by)."""
    per_kind: dict[str, set[str]] = {}
    for u in UNITS:
        per_kind.setdefault(u.kind, set()).add(u.unit)
    assert per_kind["money"] <= {"元", "美元"}
    assert per_kind["area"] == {"亩", "公顷", "平方米", "平方公里"}
    assert per_kind["length"] == {"米", "公里"}
    assert per_kind["volume"] == {"立方米"}
    assert per_kind["mass"] == {"吨", "公斤"}
    assert per_kind["percent"] == {"%", "个百分点"}


def test_implied_units_are_count_measure_words() -> None:
    counts = {u.surface for u in UNITS if u.kind == "count"}
    implied = load_implied_units()
    assert implied
    assert set(implied.values()) <= counts


def test_char_map_is_one_to_one_and_unique() -> None:
    rows = read_rows("quantity_char_map.tsv", 2)
    sources = [cells[0] for _, cells in rows]
    assert len(sources) == len(set(sources))
    assert all(len(c[0]) == 1 and len(c[1]) == 1 and c[0] != c[1] for _, c in rows)
    assert load_char_map()[ord("拾")] == "十"


def test_char_map_holds_no_script_conversion() -> None:
    """OpenCC t2s does the script (issue 14 item 7); a row here must be something it does not."""
    from extract.text.fold import to_simplified

    for src, dst in ((chr(k), v) for k, v in load_char_map().items()):
        assert to_simplified(src) != dst, f"quantity_char_map.tsv: {src}→{dst} is OpenCC's job"


@pytest.mark.parametrize("name", ["slogans.txt", "non_quantity_names.txt"])
def test_phrase_lists_have_no_duplicates(name: str) -> None:
    phrases = phrase_list(name)
    assert phrases
    assert [p for p, n in Counter(phrases).items() if n > 1] == []


def test_masked_phrases_contain_spec_examples() -> None:
    phrases = set(masked_phrases())
    for p in ("两个确立", "三会一课", "一岗双责", "四风", "三重一大", "十四五", "千阳县", "七里墩"):
        assert p in phrases


def test_quantity_words_toml_parses_and_has_sections() -> None:
    words = quantity_words()
    assert set(words) >= {"approx", "rank", "exclude", "metric"}
    qualifiers = {"blur", "blur+", "blur-"}
    for section in ("prefix", "infix", "suffix"):
        assert set(words["approx"][section].values()) <= qualifiers
    # every spec approximation word is present somewhere
    every = (
        set(words["approx"]["prefix"])
        | set(words["approx"]["infix"])
        | set(words["approx"]["suffix"])
    )
    assert every >= {
        "余",
        "多",
        "近",
        "约",
        "超过",
        "以上",
        "左右",
        "逾",
        "不少于",
        "不到",
        "将近",
        "以下",
        "及以上",
    }
    tomllib.loads(data_path("quantity_words.toml").read_text(encoding="utf-8"))


def test_malformed_lexicon_reports_file_and_line(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "units.tsv"
    bad.write_text("surface\tkind\tunit\tfactor\tflags\n次\tcounts\t次\t1\t-\n", encoding="utf-8")
    import extract.quantities.units as units_mod

    monkeypatch.setattr(units_mod, "data_path", lambda name: tmp_path / name)
    with pytest.raises(LexiconError, match=r"units.tsv:2: unknown kind"):
        units_mod.parse_units()
