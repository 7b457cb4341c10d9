"""Integrity of the extractor's data files (unit lexicon, word lists, character map).

A typo in a data file must fail here, with the file and line, not as a silent miss later.
"""

from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from extract.lexicon import read_tsv
from extract.model import KINDS
from extract.quantities.units import (
    CHAR_MAP_COLUMNS,
    KNOWN_FLAGS,
    NOUN_FLAGS,
    UNIT_COLUMNS,
    LexiconError,
    data_path,
    load_char_map,
    load_implied_contexts,
    load_implied_units,
    parse_char_map,
    parse_units,
)
from extract.quantities.wordlists import masked_phrases, phrase_list, quantity_words

UNITS = parse_units()
HEADER = "\t".join(UNIT_COLUMNS) + "\n"


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
def test_bad_unit_flags_name_file_and_line(tmp_path, flags, message) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "units.tsv"
    bad.write_text(f"{HEADER}点\tcount\t点\t1\t{flags}\t-\n", "utf-8")
    with pytest.raises(LexiconError, match=rf"units.tsv:2: .*{message}"):
        parse_units(bad)


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
    rows = read_tsv(data_path("quantity_char_map.tsv"), CHAR_MAP_COLUMNS)
    sources = [row["from"] for row in rows]
    assert len(sources) == len(set(sources))
    assert all(len(r["from"]) == 1 and len(r["to"]) == 1 and r["from"] != r["to"] for r in rows)
    assert load_char_map()[ord("拾")] == "十"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("拾\t十\n拾\t什\n", "mapped twice"),  # one source, two targets
        ("拾\t十十\n", "1 char → 1 char"),  # a mapping must keep offsets
    ],
)
def test_bad_char_map_names_file_and_line(tmp_path, rows: str, message: str) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "quantity_char_map.tsv"
    bad.write_text("from\tto\n" + rows, encoding="utf-8")
    with pytest.raises(LexiconError, match=rf"quantity_char_map.tsv:\d: .*{message}"):
        parse_char_map(bad)


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


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("次\tcounts\t次\t1\t-\t-\n", "unknown kind"),  # a kind the model does not know
        ("次\tcount\t次\tone\t-\t-\n", "is not a number"),  # factor must be a number
        ("次\tcount\t次\t0\t-\t-\n", "must be > 0"),  # a zero factor erases every value
        ("次\tcount\t次\t1\n", "expected 6 tab-separated fields"),  # a row cut short
    ],
)
def test_malformed_lexicon_reports_file_and_line(tmp_path, row: str, message: str) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "units.tsv"
    bad.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(LexiconError, match=rf"units.tsv:2: .*{message}"):
        parse_units(bad)


def test_header_out_of_place_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A column moved (not_before before flags) would shift every value: the header says so."""
    bad = tmp_path / "units.tsv"
    bad.write_text("surface\tkind\tunit\tfactor\tnot_before\tflags\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"units.tsv:1: .*header should be"):
        parse_units(bad)


@pytest.mark.parametrize(
    ("surface", "chars", "why"),
    [
        ("方", "面案", "方面/方案 are words, not cubic metres"),
        ("成", "立不", "成立/一成不变 are words, not tenths"),
        ("个", "一五", "五个一 is a slogan"),
        ("周", "年", "3周年 is an anniversary"),
        ("个周", "年", "3个周年 too"),
    ],
)
def test_not_before_column(surface: str, chars: str, why: str) -> None:
    """The characters that make a word of the unit live in units.tsv's not_before column."""
    unit = {u.surface: u for u in UNITS}[surface]
    assert set(chars) <= unit.not_before, why


def test_not_before_is_empty_for_plain_units() -> None:
    """A "-" reads as no characters: 次 and 元 never start a word of their own."""
    by_surface = {u.surface: u for u in UNITS}
    assert by_surface["次"].not_before == frozenset() == by_surface["元"].not_before


@pytest.mark.parametrize(
    ("words", "section", "key", "message"),
    [
        ({}, "rank", None, r"missing table \[rank\]"),  # a whole table gone
        ({"approx": {}}, "approx", "prefix", r"\[approx\] .*prefix"),  # a list gone
        ({"exclude": {"grade_suffixes": "级"}}, "exclude", "grade_suffixes", r"not a list"),
    ],
    ids=["table", "key", "type"],
)
def test_grammar_names_a_missing_word_list(
    words: dict[str, object], section: str, key: str | None, message: str
) -> None:
    """The grammar reads quantity_words.toml once; a list it needs is a LexiconError there."""
    from extract.quantities.grammar import _entry, _section

    with pytest.raises(LexiconError, match=rf"^quantity_words.toml: .*{message}"):
        table = _section(words, section)
        _entry(table, section, key or "", list)
