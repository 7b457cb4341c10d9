"""``extract_quantities``: every quantity in a text, normalised as QUANTITY_SPEC.md says.

Design (for speed and for offsets that always point into the caller's text):

1. Fold the text (``extract.text.fold``: full-width ASCII → ASCII, traditional → simplified
   with OpenCC, the variants in ``quantity_char_map.tsv``) one code point to one code point,
   and take pinyin annotations (``個(gè)``) out of the copy. Offsets found in the copy are
   mapped back (the identity unless there were annotations), so ``text[start:end] == surface``.
2. One scan for masked spans (titles, codes, slogans, names — ``exclusions.py``).
3. One scan of the date grammar (``dates.py``); dates win over other readings.
4. One scan of the quantity grammar below (a numeral, scale words, approximation words, an
   optional range and a unit from the lexicon); every further decision is a cheap local test
   on the few characters around the match.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import lru_cache
from typing import Any

import regex

from extract.gcpause import gc_paused
from extract.model import Quantity
from extract.quantities import dates as dates_mod
from extract.quantities.exclusions import (
    OPEN_QUOTES,
    in_short_quote,
    is_cjk,
    masked_spans,
    overlaps,
)
from extract.quantities.metric import metric_phrase
from extract.quantities.metric_id import assign_metric_ids
from extract.quantities.numbers import (
    CN_DIGITS,
    SCALES,
    NumeralError,
    is_arabic,
    parse_number,
    parse_range,
)
from extract.quantities.sentences import sentence_index_at, sentence_starts, split_sentences
from extract.quantities.units import (
    Unit,
    load_char_map,
    load_implied_contexts,
    load_implied_units,
    load_units,
)
from extract.quantities.wordlists import quantity_words, trie_pattern
from extract.text.fold import FoldProfile, MatchingView, fold, matching_view

__all__ = ["extract_quantities", "fold_text"]

_NUM_AR = r"[0-9](?:[0-9]|,(?=[0-9]{3}(?![0-9])))*(?:\.[0-9]+)?"
_NUM_CN = (
    r"[零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾]"
    r"[零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟]*"
)
_SCALE = r"(?:千(?![米克瓦])|百(?![分米]))?[万亿]{0,2}"
# Scraped text sometimes puts a space before the scale word too ("5000.5 万元").
_SCALE_SPACE = r"(?:[ \u3000](?=[万亿]))?"
_RSEP = r"(?:[-~—–至到]|－|～)"
_CLAUSE_END = frozenset("，,、；;。：:！？!?\n\r\t （）()《》“”\"'…—")
_YEARLIKE = regex.compile(r"(?:19|20)\d\d")
# A written year further than this from the notice's own dates is not lent to a yearless
# date: notices span a few years (inspection, feedback, as-of), plans and histories do not.
_YEAR_DRIFT = 3


@lru_cache(maxsize=1)
def _grammar() -> dict[str, Any]:
    """Compile the quantity grammar from the lexicons (once per process)."""
    words = quantity_words()
    units = load_units()
    approx = words["approx"]
    unit_alt = trie_pattern(sorted(units, key=len, reverse=True))
    post_alt = trie_pattern(sorted(approx["suffix"], key=len, reverse=True))
    infix_alt = "|".join(regex.escape(w) for w in approx["infix"])
    pattern = rf"""
        # prefilter: a numeral (or 百分之 / 半) starts here
        (?=[0-9零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾百半])
        (?:
        (?P<halfq>
            (?P<hn>{_NUM_CN}|{_NUM_AR})个半(?P<hmonth>月|小时)
          | (?P<hn2>{_NUM_CN}|{_NUM_AR})(?P<hunit>年|小时|天)半
          | (?<![上下前后多大])半(?P<hu>个月|个小时|个季度|年|天|小时|月)
        )
      | (?P<pct>百分之)?
        (?P<n1>{_NUM_AR}|{_NUM_CN}|(?<=百分之)百(?![分千万亿]))  # 百分之百: a bare 百 only here
        (?P<ax1>{infix_alt})?
        {_SCALE_SPACE}(?P<s1>{_SCALE})
        (?:(?P<rsep>{_RSEP})(?P<n2>{_NUM_AR}|{_NUM_CN})(?P<ax2>{infix_alt})?(?P<s2>{_SCALE}))?
        (?P<ax3>{infix_alt})?
        (?:[ \u3000]?(?P<unit>{unit_alt}))?       # scraped text sometimes has "13 件"
        (?P<post>{post_alt})?
        )
    """
    implied = load_implied_units()
    exclude = words["exclude"]
    rank = words["rank"]
    prefix = approx["prefix"]
    return {
        "re": regex.compile(pattern, regex.VERBOSE),
        "units": units,
        "implied_re": regex.compile(trie_pattern(sorted(implied, key=len, reverse=True))),
        "implied": implied,
        "implied_after": load_implied_contexts(),
        "prefix": sorted(prefix.items(), key=lambda kv: len(kv[0]), reverse=True),
        "prefix_last": frozenset(w[-1] for w in prefix),
        "infix": approx["infix"],
        "suffix": approx["suffix"],
        "recent_units": frozenset(approx["recent_units"]),
        "guard": {w: frozenset(chars) for w, chars in approx.get("guard", {}).items()},
        "name_prefixes": tuple(exclude["name_prefixes"]),
        "grade_suffixes": tuple(exclude["grade_suffixes"]),
        "after_ge": frozenset(exclude["after_ge"]),
        "volume_not_after": frozenset(exclude["volume_not_after"]),
        "tenth_not_after": frozenset(exclude["tenth_not_after"]),
        "one_ok": tuple(exclude["one_ok_followers"]),
        "programme_followers": tuple(exclude["programme_followers"]),
        "one_count_prefixes": tuple(exclude["one_count_prefixes"]),
        "money_cn_followers": frozenset(exclude["money_cn_followers"]),
        "rank_verbs": tuple(sorted(rank["verbs"], key=len, reverse=True)),
        "rank_always": frozenset(rank["units_always"]),
        "rank_with_verb": frozenset(rank["units_with_verb"]),
    }


@lru_cache(maxsize=1)
def _fold_profile() -> FoldProfile:
    """The extractor's fold: Chinese punctuation kept, plus ``quantity_char_map.tsv``'s pairs.

    A ``，`` must stay apart from the thousands separator ``,``; the char map holds only the
    numeral and currency variants that are not a script conversion (OpenCC does the script).
    """
    pairs = tuple(sorted((chr(code), dst) for code, dst in load_char_map().items()))
    return FoldProfile(punctuation=False, extra=pairs)


def fold_text(text: str) -> str:
    """The extractor's matching copy, exactly as long as ``text`` (annotations masked).

    >>> fold_text("１２萬個")
    '12万个'
    """
    return fold(text, _fold_profile())


def _approx_prefix(g: dict[str, Any], text: str, start: int) -> tuple[int, str | None]:
    """Return (new_start, qualifier) for an approximation word right before ``start``.

    Why the guard: 约/近/超 also end words (签约, 附近, 赶超); read as approximation words they
    would turn an exact 签约5个项目 into "about 5" and hide the trigger 签约 from the metric id.
    """
    if start == 0 or text[start - 1] not in g["prefix_last"]:
        return start, None
    guard = g["guard"]
    for word, qualifier in g["prefix"]:
        begin = start - len(word)
        if begin >= 0 and text.startswith(word, begin):
            if begin > 0 and text[begin - 1] in guard.get(word, ""):
                continue  # 签约5个 / 附近3个 / 赶超2家: the end of a word, not an approximation
            return begin, qualifier
    return start, None


def _rank_clause_has_verb(g: dict[str, Any], text: str, pos: int) -> bool:
    window = text[max(0, pos - 16) : pos]
    for i in range(len(window) - 1, -1, -1):
        if window[i] in _CLAUSE_END:
            window = window[i + 1 :]
            break
    return any(v in window for v in g["rank_verbs"])


def _float(value: Decimal) -> float:
    result = float(value)
    if not math.isfinite(result):
        raise NumeralError(str(value))
    return result


def _one_as_article(g: dict[str, Any], text: str, end: int) -> bool:
    """一 + measure word followed by more words is "a/an" (一项重要政治任务)."""
    if end >= len(text) or text[end] in _CLAUSE_END or not is_cjk(text[end]):
        return False
    return not text.startswith(g["one_ok"], end)


_RANGE_CONNECTORS = frozenset({"-", "~", "—", "–", "至", "到", "——"})


def _merge_unit_ranges(folded: str, rows: list[Any]) -> list[Any]:
    """``10%-20%`` / ``2万元至5万元``: both ends carry the unit, one quantity with value_high."""
    merged: list[Any] = []
    for row in rows:
        if merged:
            prev = merged[-1]
            if (
                prev[2] == row[2] != "date"
                and prev[5] == row[5]
                and prev[4] is None
                and row[4] is None
                and folded[prev[1] : row[0]] in _RANGE_CONNECTORS
                and isinstance(prev[3], float)
                and row[3] > prev[3]
            ):
                approx = prev[6] or row[6]
                qualifier = prev[8] if prev[8] != "accurate" else row[8]
                merged[-1] = (
                    prev[0],
                    row[1],
                    prev[2],
                    prev[3],
                    row[3],
                    prev[5],
                    approx,
                    False,
                    qualifier,
                )
                continue
        merged.append(row)
    return merged


def _parallel_one(text: str, s: int, e: int) -> bool:
    """完成一项、报告一项、销号一项 / 发现一处,治理一处: a parallel slogan, not counts."""
    token = text[s:e]
    window = text[max(0, s - 12) : s] + "\x00" + text[e : e + 12]
    return token in window


class _Extractor:
    """Holds the per-text state (folded text, masks, dates) for one call."""

    def __init__(self, text: str, context_year: int | None) -> None:
        self.text = text
        self.view: MatchingView = matching_view(text, _fold_profile())
        self.folded = self.view.text
        self.context_year = context_year
        self.g = _grammar()
        self.mask_starts, self.mask_ends = masked_spans(self.folded)
        self.out: list[tuple[int, int, str, Any, Any, str, bool, bool, str]] = []

    # -- dates -------------------------------------------------------------------------
    def scan_dates(self) -> list[tuple[int, int]]:
        folded = self.folded
        spans: list[tuple[int, int]] = []
        prev: dates_mod.DateHit | None = None
        prev_year: int | None = None
        prev_inferred = False
        last_written_year: int | None = None
        for m in dates_mod.DATE_RE.finditer(folded):
            s, e = m.span()
            if overlaps(self.mask_starts, self.mask_ends, s, e):
                continue
            hit = dates_mod.parse_date_match(m)
            if hit is None:
                continue
            if (
                hit.precision == "dayonly"
                and s > 0
                and is_cjk(folded[s - 1])
                and (folded[s - 1] in "第每")
            ):
                continue
            value, high = hit.value, hit.value_high
            inferred = False
            between = folded[prev.end : s].strip() if prev is not None else ""
            linked = prev is not None and between in ("至", "到", "-", "—", "~", "－", "–", "——")
            if hit.year is None and linked and prev is not None and prev_year is not None:
                month = prev.month if hit.precision == "dayonly" else None
                value = dates_mod.with_year(value, prev_year, month) or value
                high = dates_mod.with_year(high, prev_year, month)
                inferred = prev_inferred
                hit.year = prev_year
            elif hit.year is None and linked and prev is not None and hit.precision == "dayonly":
                if prev.month is not None:
                    value = value[:5] + f"{prev.month:02d}" + value[7:]
            elif hit.year is None and self.context_year is not None:
                # The nearest written year, unless it is far from the notice's own dates: a
                # plan's horizon (二〇三五年远景目标) or a history (2008年以来) is no year for
                # a 截至6月 in a notice signed in 2021.
                year = (
                    last_written_year
                    if last_written_year is not None
                    and abs(last_written_year - self.context_year) <= _YEAR_DRIFT
                    else self.context_year
                )
                value = dates_mod.with_year(value, year) or value
                high = dates_mod.with_year(high, year)
                inferred = True
                hit.year = year
            elif hit.year is not None:
                last_written_year = hit.year
            if hit.precision == "dayonly" and linked and prev is not None and hit.month is None:
                hit.month = prev.month
            self.out.append((s, e, "date", value, high, hit.unit, False, inferred, "accurate"))
            spans.append((s, e))
            prev, prev_year, prev_inferred = hit, hit.year, inferred
        return spans

    # -- other quantities ----------------------------------------------------------------
    def scan_quantities(self, date_spans: list[tuple[int, int]]) -> None:
        g = self.g
        folded = self.folded
        di = 0
        nd = len(date_spans)
        for m in g["re"].finditer(folded):
            s, e = m.span()
            while di < nd and date_spans[di][1] <= s:
                di += 1
            if di < nd and date_spans[di][0] < e:
                continue
            if overlaps(self.mask_starts, self.mask_ends, s, e):
                continue
            try:
                if m.group("halfq"):
                    self._half(m)
                else:
                    self._quantity(m)
            except NumeralError:
                continue

    def _emit(
        self,
        s: int,
        e: int,
        kind: str,
        value: float,
        high: float | None,
        unit: str,
        approx: bool,
        qualifier: str,
    ) -> None:
        self.out.append((s, e, kind, value, high, unit, approx, False, qualifier))

    def _half(self, m: regex.Match[str]) -> None:
        s, e = m.span()
        if m.group("hn"):
            value = parse_number(m.group("hn")) + Decimal("0.5")
            unit = "个月" if m.group("hmonth") == "月" else "小时"
        elif m.group("hn2"):
            value = parse_number(m.group("hn2")) + Decimal("0.5")
            unit = m.group("hunit")
        else:
            value = Decimal("0.5")
            unit = {"个月": "个月", "月": "个月", "个小时": "小时", "个季度": "季度"}.get(
                m.group("hu"), m.group("hu")
            )
        self._emit(s, e, "duration", _float(value), None, unit, False, "accurate")

    def _quantity(self, m: regex.Match[str]) -> None:
        g = self.g
        folded = self.folded
        n1 = m.group("n1")
        s = m.start("n1") if not m.group("pct") else m.start()
        e = m.end()
        unit_text = m.group("unit")
        post = m.group("post")
        before = folded[s - 1] if s > 0 else ""
        after = folded[e] if e < len(folded) else ""
        arabic = is_arabic(n1)

        # Codes and formulas: letters/+ glued to the number (5G, 1+N, A4, 85后 has no unit).
        if before.isascii() and (before.isalpha() or before in "+_#") and before:
            return
        if after and after.isascii() and (after.isalpha() or after == "+"):
            return
        if before == "-" and s > 1 and folded[s - 2].isdigit():
            return
        # Enumerated ordinals: 一、二、三轮 / 二、三类费用.
        if before == "、" and s > 1 and (folded[s - 2] in CN_DIGITS or folded[s - 2].isdigit()):
            return
        if not arabic and before and any(folded.endswith(p, 0, s) for p in g["name_prefixes"]):
            return
        if (
            not arabic
            and len(n1) > 1
            and all(ch in CN_DIGITS for ch in n1)
            and parse_range(n1) is None
        ):
            return

        ordinal = before == "第"
        if ordinal:
            self._rank(m, s, e)
            return

        if post in ("多", "余") and (
            not unit_text
            or g["units"][unit_text].kind != "duration"
            or (after != "" and after in "年月天")
        ):
            # 两年多 (more than two years) but 2个多年未发展 (two … for many years).
            post = None
            e = m.end("unit") if unit_text else m.end("s1")
            after = folded[e] if e < len(folded) else ""

        unit: Unit | None = None
        implied_unit: str | None = None
        implied_in_context = False  # 省市两级: the noun's place words precede the numeral
        implied_m = None
        if unit_text and not m.group("post") and not m.group("rsep"):
            # A noun that starts with the measure word (两部门 vs 部) wins when it is longer.
            implied_m = g["implied_re"].match(folded, m.start("unit"))
            if implied_m is not None and implied_m.end() - m.start("unit") > len(unit_text):
                if n1 in ("一", "壹") or folded.startswith("一", implied_m.end()):
                    return
                implied_unit = g["implied"][implied_m.group()]
                unit_text = None
                e = m.start("unit")
        if unit_text:
            unit = g["units"][unit_text]
        elif implied_unit is not None:
            pass
        else:
            # A number + noun without measure word (1650大学生, 139行政村, 两区四县).
            if m.group("rsep") or n1 in ("一", "壹") or (arabic and _YEARLIKE.fullmatch(n1)):
                return
            if m.group("pct"):
                unit = g["units"]["%"]
            else:
                im = g["implied_re"].match(folded, e)
                if im is None:
                    return
                if folded.startswith("一", im.end()):  # 一村一品-like patterns
                    return
                context = g["implied_after"].get(im.group())
                if context is not None:
                    if not folded.endswith(context, 0, s):
                        return
                    implied_in_context = True
                implied_unit = g["implied"][im.group()]

        if unit is not None:
            flags = unit.flags
            if "arabic" in flags and not arabic:
                return
            if "cn_small" in flags and (arabic or n1 not in "一二三四五六七八九十两"):
                return
            if "phase" in flags and not arabic and n1 != "两" and not post:
                return
            unit_end = m.end("unit")
            if unit.only_before and not folded.startswith(unit.only_before, unit_end):
                return  # 8点 is a time; 5点意见 counts
            if (
                "no_cjk_after" in flags
                and after
                and is_cjk(after)
                and not post
                and not (unit.also_before and folded.startswith(unit.also_before, unit_end))
            ):
                return
            if "no_quote_after" in flags and not arabic and after in OPEN_QUOTES:
                return  # 两个“确保”: a formula, not a count
            if "no_year" in flags and arabic and _YEARLIKE.fullmatch(n1):
                return
            if unit_text == "方" and after in g["volume_not_after"]:
                return
            if unit_text == "成" and after in g["tenth_not_after"]:
                return
            if unit_text == "个" and after in g["after_ge"]:
                return
            if unit.kind == "duration" and after == "一":  # 一年一度
                return
            if unit.kind == "duration" and folded.startswith(g["programme_followers"], e):
                return  # 三年行动 names a programme, not a span of time
            if (
                unit.kind == "money"
                and not arabic
                and after
                and is_cjk(after)
                and (after not in g["money_cn_followers"])
            ):
                return  # 商河县三元净水工程: a name
            if unit_text in ("周", "个周") and after == "年":  # 3周年 is an anniversary
                return
        if after in g["grade_suffixes"] and not post and not implied_in_context:
            return
        if in_short_quote(folded, s, e):
            return

        # 一 as "a/an".
        if n1 in ("一", "壹") and not m.group("rsep"):
            kind = unit.kind if unit is not None else "count"
            only = folded.endswith(g["one_count_prefixes"], max(0, s - 2), s)
            if kind == "count" and not only and _one_as_article(g, folded, e):
                return
            if kind == "count" and _parallel_one(folded, s, e):
                return

        # Values.
        v1 = self._value(n1, m.group("s1"))
        v_high: Decimal | None = None
        if isinstance(v1, tuple):
            v1, v_high = v1
        if m.group("rsep"):
            n2 = m.group("n2")
            if not is_arabic(n2) and len(n2) > 1 and all(ch in CN_DIGITS for ch in n2):
                return
            v2 = self._value(n2, m.group("s2"))
            if isinstance(v2, tuple):
                return
            scale2 = self._trailing_scale(n2, m.group("s2"))
            if scale2 > 1 and self._trailing_scale(n1, m.group("s1")) == 1:
                v1 = v1 * scale2
            if v2 <= v1:
                return
            v_high = v2

        # Approximation words.
        qualifier: str | None = None
        start = s
        unit_name = unit.unit if unit is not None else (implied_unit or "")
        p_start, p_qual = _approx_prefix(g, folded, s)
        if p_qual is not None:
            word = folded[p_start:s]
            recent = word == "近" and unit_text in g["recent_units"]
            if not recent:
                start, qualifier = p_start, p_qual
        for grp in ("ax1", "ax2", "ax3"):
            if qualifier is None and m.group(grp):
                qualifier = g["infix"][m.group(grp)]
        if qualifier is None and post:
            qualifier = g["suffix"][post]
        if qualifier is None and unit is not None and "approx" in unit.flags:
            qualifier = "blur+"

        if unit is not None:
            factor = unit.factor
            kind = unit.kind
        else:
            factor = Decimal(1)
            kind = "count"
        if m.group("pct"):
            kind, unit_name = "percent", "%"
            if unit_text:  # 百分之五十个 is not a percent we can read
                return
        value = _float(v1 * factor)
        high = _float(v_high * factor) if v_high is not None else None
        self._emit(
            start, e, kind, value, high, unit_name, qualifier is not None, qualifier or "accurate"
        )

    def _rank(self, m: regex.Match[str], s: int, e: int) -> None:
        g = self.g
        unit_text = m.group("unit")
        if m.group("rsep") or m.group("pct"):
            return
        if unit_text in g["rank_always"]:
            pass
        elif unit_text in g["rank_with_verb"] or unit_text is None:
            if not _rank_clause_has_verb(g, self.folded, s - 1):
                return
        else:
            return
        value = self._value(m.group("n1"), m.group("s1"))
        if isinstance(value, tuple):
            return
        if unit_text is None:
            e = m.end("s1")
        elif m.group("post"):
            e = m.end("unit")
        self._emit(s - 1, e, "rank", _float(value), None, unit_text or "名", False, "accurate")

    @staticmethod
    def _trailing_scale(token: str, scale: str | None) -> Decimal:
        factor = Decimal(1)
        for ch in scale or "":
            factor *= SCALES[ch]
        if not is_arabic(token):
            end = len(token)
            while end and token[end - 1] in "万亿":
                factor *= SCALES[token[end - 1]]
                end -= 1
        return factor

    @staticmethod
    def _value(token: str, scale: str | None) -> Decimal | tuple[Decimal, Decimal]:
        if token == "百":  # 百分之百: the grammar lets a bare 百 through only after 百分之
            return Decimal(100)
        rng = None if is_arabic(token) else parse_range(token)
        factor = Decimal(1)
        for ch in scale or "":
            factor *= SCALES[ch]
        if rng is not None:
            return rng[0] * factor, rng[1] * factor
        return parse_number(token) * factor

    # -- assembly ------------------------------------------------------------------------
    def run(self) -> list[Quantity]:
        date_spans = self.scan_dates()
        self.scan_quantities(date_spans)
        self.out.sort(key=lambda r: (r[0], r[1]))
        self.out = _merge_unit_ranges(self.folded, self.out)
        starts = sentence_starts(split_sentences(self.text))
        result: list[Quantity] = []
        text = self.text
        phrases = [
            "" if row[2] == "date" else metric_phrase(self.folded, row[0], row[1])
            for row in self.out
        ]
        ids = assign_metric_ids(
            self.folded,
            [(r[0], r[1], r[2], r[5], p) for r, p in zip(self.out, phrases, strict=True)],
        )
        view = self.view
        for row, metric, (metric_id, metric_rule) in zip(self.out, phrases, ids, strict=True):
            s, e, kind, value, high, unit, approx, inferred, qualifier = row
            if not view.is_identity:
                s, e = view.source_span(s, e)
            result.append(
                Quantity(
                    surface=text[s:e],
                    start=s,
                    end=e,
                    kind=kind,
                    value=value,
                    value_high=high,
                    unit=unit,
                    approx=approx,
                    year_inferred=inferred,
                    metric=metric,
                    sentence_index=sentence_index_at(starts, s),
                    qualifier=qualifier,
                    metric_id=metric_id,
                    metric_rule=metric_rule,
                )
            )
        return result


def extract_quantities(text: str, *, context_year: int | None = None) -> list[Quantity]:
    """Return every quantity in ``text`` (QUANTITY_SPEC.md), in text order.

    ``context_year`` fills years that are not written (nearest earlier written year in the
    text first, else ``context_year``) and marks them ``year_inferred``.

    >>> [(q.surface, q.value, q.unit) for q in extract_quantities("共开展学习17次")]
    [('17次', 17.0, '次')]
    """
    if not isinstance(text, str):
        raise TypeError(f"extract_quantities expects str, got {type(text).__name__}")
    if context_year is not None and (
        isinstance(context_year, bool)
        or not isinstance(context_year, int)
        or not 1000 <= context_year <= 9999
    ):
        raise ValueError(f"context_year must be a four-digit year, got {context_year!r}")
    if not text:
        return []
    with gc_paused():
        return _Extractor(text, context_year).run()
