"""strip_noise: rule examples from the data file, synthetic rows per rule, the real corpus.

The five real notices are read from ../shared/corpus at run time (never copied into the
repo). Their noise must go and their content must stay; nothing here is special-cased for
one file: every corpus row checks a property that holds for any notice.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.noise import load_noise_rules, strip_noise
from extract.normalize import normalize_text
from tests import corpus

CORPUS = corpus.CORPUS
CORPUS_FILES = corpus.available_paths()
needs_corpus = corpus.needs_corpus

RULES = load_noise_rules()

# ----------------------------------------------------------------- rules file self-check

LINE_DROPS = [(r.name, d) for r in RULES.lines for d in r.drops]
INLINE_EXAMPLES = [(r.name, t, e) for r in RULES.inline for t, e in r.examples]


def test_every_rule_has_examples() -> None:
    missing = [r.name for r in RULES.lines if not r.drops]
    missing += [r.name for r in RULES.inline if not r.examples]
    assert missing == []


@pytest.mark.parametrize(("rule", "line"), LINE_DROPS, ids=[f"{n}:{d[:12]}" for n, d in LINE_DROPS])
def test_line_rule_examples_are_dropped(rule: str, line: str) -> None:
    text = f"正文第一段,有标点。\n{line}\n正文第二段。"
    assert strip_noise(text) == "正文第一段,有标点。\n正文第二段。"


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    INLINE_EXAMPLES,
    ids=[f"{n}:{t[:12]}" for n, t, _ in INLINE_EXAMPLES],
)
def test_inline_rule_examples(rule: str, text: str, expected: str) -> None:
    assert strip_noise(f"正文第一段,有标点。\n{text}") == f"正文第一段,有标点。\n{expected}"


# ----------------------------------------------------------------- synthetic rows

BODY = "根据市委统一部署,市委第二巡察组开展了常规巡察。"

DROPPED_LINES = [
    # (id, noise line placed between two content lines)
    ("lang_switch_en", "EN"),
    ("home", "首页"),
    ("breadcrumb_current_position", "当前位置:首页 > 巡察工作 > 整改公开"),
    ("prev_next_on_one_line", "上一篇:某产业园聚焦重头项目 下一篇:新赛道上发力"),
    ("next_only", "下一篇:没有了"),
    ("share_bar_empty", "分享到:"),
    ("share_bar_icons", "分享到:微信 微博 QQ空间"),
    ("print_page", "打印本页"),
    ("close_window", "关闭窗口"),
    ("font_size_bracketed", "【字体:大 中 小】"),
    ("toolbar_combo", "【打印本页】【关闭窗口】"),
    ("copyright_symbol", "©中共某市纪律检查委员会 某市监察委员会 版权所有"),
    ("icp_record", "冀ICP备0000000号"),
    ("icp_with_copyright", "©某市纪委 版权所有 青ICP备00000000号-1"),
    ("police_record", "青公网安备 00000000000000号"),
    ("repost_disclaimer", "文章内容来自网络,如有侵权,联系删除、联系电话:000-00000000"),
    ("scan_qr", "扫一扫在手机打开当前页"),
    ("footer_sponsor", "主办单位:青禾市人民政府办公室"),
    ("hit_counter", "浏览次数:3021"),
]


@pytest.mark.parametrize("line", [c[1] for c in DROPPED_LINES], ids=[c[0] for c in DROPPED_LINES])
def test_noise_line_dropped(line: str) -> None:
    assert strip_noise(f"{BODY}\n{line}\n{BODY}") == f"{BODY}\n{BODY}"


INLINE_ROWS = [
    # (id, line, expected line) — only the spam fragment goes, the real content stays
    (
        "spam_source_and_author_fields",
        "发布时间:2024-04-15 06:25:24 来源:mgm美高梅79906 作者:MGM高梅美线路官网",
        "发布时间:2024-04-15 06:25:24",
    ),
    (
        "spam_site_title_replacing_place_name",
        "参照《英国威廉希尔公司_威廉希尔中文网站@:市级机关工作餐管理办法》执行。",
        "参照《市级机关工作餐管理办法》执行。",
    ),
    (
        "spam_site_title_in_address",
        "通信地址:英国威廉希尔公司_威廉希尔中文网站@:新滩邻里中心,邮编000000。",
        "通信地址:新滩邻里中心,邮编000000。",
    ),
    (
        "spam_site_name_without_at",
        "参照澳门新葡京娱乐城_官方网站有关办法执行。",
        "参照有关办法执行。",
    ),
    (
        "counter_field_on_metadata_line",
        "来源:市委巡察办 发布时间:2021-07-28 09:13:53 阅读量:2965",
        "来源:市委巡察办 发布时间:2021-07-28 09:13:53",
    ),
    (
        "bracketed_toolbar_on_metadata_line",
        "发布时间:2024-03-20 来源:市委巡察办 【字体:大 中 小】 【打印】",
        "发布时间:2024-03-20 来源:市委巡察办",
    ),
]


@pytest.mark.parametrize(
    ("line", "expected"), [c[1:] for c in INLINE_ROWS], ids=[c[0] for c in INLINE_ROWS]
)
def test_inline_spam_removed(line: str, expected: str) -> None:
    assert strip_noise(f"{BODY}\n{line}") == f"{BODY}\n{expected}"


KEPT_LINES = [
    # (id, line that looks a bit like noise but is content)
    ("publication_date", "发布时间:2024-04-15"),
    ("real_source", "来源:市委巡察办"),
    ("source_is_a_gov_site", "来源:青禾市人民政府官网 发布时间:2024-01-02"),
    ("lottery_in_a_sentence", "加强福利彩票销售网点监管,开展专项检查3次。"),
    ("official_site_in_a_sentence", "在区政府官网公开整改情况,接受群众监督。"),
    ("macau_in_a_sentence", "赴澳门、香港开展招商推介活动2次。"),
    ("short_heading_mid_text", "附件"),
    ("signature_organisation", "中共青禾市经济开发区工作委员会"),
    ("signature_date", "2023年12月15日"),
    ("contact_line", "联系方式:电话0000-1234567;邮政信箱:青禾市某路1号(邮编000000)。"),
    ("email_address", "电子邮箱:demo@example.com。"),
    ("heading_with_print_word", "二、关于打印耗材采购不规范的问题"),
    ("share_in_sentence", "分享经验做法3次,推动整改成果共享。"),
]


@pytest.mark.parametrize("line", [c[1] for c in KEPT_LINES], ids=[c[0] for c in KEPT_LINES])
def test_content_line_kept(line: str) -> None:
    assert strip_noise(f"{BODY}\n{line}\n{BODY}") == f"{BODY}\n{line}\n{BODY}"


LEADING_CRUMBS = [
    # (id, text, expected) — short crumbs above the title go; the title and below stay
    (
        "nav_words_above_title",
        "EN\n高端装备\n某某开发区关于巡察整改进展情况的通报\n" + BODY,
        "某某开发区关于巡察整改进展情况的通报\n" + BODY,
    ),
    (
        "short_line_below_title_kept",
        "某某开发区关于巡察整改进展情况的通报\n附件\n" + BODY,
        "某某开发区关于巡察整改进展情况的通报\n附件\n" + BODY,
    ),
    (
        "short_line_with_punctuation_kept",
        "通报:\n某某开发区关于巡察整改进展情况的通报",
        "通报:\n某某开发区关于巡察整改进展情况的通报",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in LEADING_CRUMBS], ids=[c[0] for c in LEADING_CRUMBS]
)
def test_leading_crumbs(text: str, expected: str) -> None:
    assert strip_noise(text) == expected


def test_output_is_canonical_and_stable() -> None:
    messy = "\u3000EN\r\n标题行比较长的通报标题\r\n\r\n\r\n正文,有内容。 \r\n分享到:"
    once = strip_noise(messy)
    assert once == "标题行比较长的通报标题\n\n正文,有内容。"
    assert strip_noise(once) == once == normalize_text(once)


# ----------------------------------------------------------------- the real corpus

NOISE_MARKERS = [
    # (id, regex that must not match anywhere in a cleaned corpus notice)
    ("prev_next", r"上一篇|下一篇"),
    ("share_bar", r"分享到"),
    ("icp", r"ICP备"),
    ("copyright", r"版权所有|©"),
    ("spam_mgm", r"(?i)美高梅|mgm"),
    ("spam_william_hill", r"威廉希尔"),
    ("spam_site_shape", r"网站@:|线路官网"),
    ("repost_disclaimer", r"如有侵权"),
    ("counter", r"阅读量"),
    ("lone_nav_line", r"(?m)^(?:EN|首页)$"),
]


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem[:3] for p in CORPUS_FILES])
@pytest.mark.parametrize(
    ("marker",), [(m[1],) for m in NOISE_MARKERS], ids=[m[0] for m in NOISE_MARKERS]
)
def test_corpus_noise_removed(path: Path, marker: str) -> None:
    assert re.search(marker, strip_noise(path.read_text(encoding="utf-8"))) is None


def _lines(text: str) -> list[str]:
    return [line for line in normalize_text(text).split("\n") if line]


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem[:3] for p in CORPUS_FILES])
def test_corpus_opening_sentence_survives(path: Path) -> None:
    """The `根据/按照…统一部署…` sentence that opens every notice is kept verbatim."""
    raw_lines = _lines(path.read_text(encoding="utf-8"))
    opening = next(line for line in raw_lines if re.match(r"(?:根据|按照).{0,6}统一部署", line))
    assert opening in strip_noise(path.read_text(encoding="utf-8")).split("\n")


_DATE_LINE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def _signature_pairs() -> list[tuple[Path, str, str]]:
    """(file, organisation line, date line) for every signature block in the corpus."""
    pairs = []
    for path in CORPUS_FILES:
        lines = _lines(path.read_text(encoding="utf-8"))
        pairs += [
            (path, a, b)
            for a, b in itertools.pairwise(lines)
            if _DATE_LINE.fullmatch(b) and a.startswith("中共") and len(a) < 60
        ]
    return pairs


SIGNATURES = _signature_pairs()


@needs_corpus
def test_corpus_has_signatures() -> None:
    assert len({p for p, _, _ in SIGNATURES}) >= 3


@pytest.mark.parametrize(
    ("path", "org", "date"), SIGNATURES, ids=[f"{p.stem[:3]}:{d}" for p, _, d in SIGNATURES]
)
def test_corpus_signature_survives(path: Path, org: str, date: str) -> None:
    """A signature block (organisation line, then date line) is kept, in order."""
    cleaned = _lines(strip_noise(path.read_text(encoding="utf-8")))
    i = cleaned.index(org)
    assert cleaned[i + 1] == date


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem[:3] for p in CORPUS_FILES])
def test_corpus_publication_dates_survive(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    dates = re.findall(r"发布时间:\s*\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?", raw)
    cleaned = strip_noise(raw)
    assert all(d in cleaned for d in dates)


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem[:3] for p in CORPUS_FILES])
def test_corpus_removes_little(path: Path) -> None:
    """Noise is a sliver of a notice: cleaning keeps >= 97% of the characters, and a long
    content line is either kept whole or loses only a short spam fragment (<= 60 chars)."""
    before = normalize_text(path.read_text(encoding="utf-8"))
    after = strip_noise(before)
    assert len(after) >= 0.97 * len(before)
    kept = [k for k in after.split("\n") if k]
    for line in before.split("\n"):
        if len(line) > 120 and line not in kept:
            assert any(
                0 < len(line) - len(k) <= 60 and (k[:10] == line[:10] or k[-10:] == line[-10:])
                for k in kept
            ), line[:40]


# ----------------------------------------------------------------- properties

_PIECES = st.sampled_from(
    [
        "EN",
        "首页",
        "分享到:",
        "上一篇:某文",
        "©",
        "版权所有",
        "冀ICP备1号",
        "来源:",
        "作者:",
        "美高梅",
        "mgm",
        "威廉希尔",
        "_",
        "@:",
        "官网",
        "【打印】",
        "阅读量:12",
        "发布时间:2024-01-01",
        "根据市委统一部署,",
        "已完成22个。",
        "整改情况:",
        "\n",
        "\n\n",
        " ",
        "\u3000",
        "高端装备",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_strip_noise_is_idempotent_and_canonical(text: str) -> None:
    once = strip_noise(text)
    assert strip_noise(once) == once
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_strip_noise_never_crashes(text: str) -> None:
    assert isinstance(strip_noise(text), str)


def test_fragments_joined_by_a_removal_are_removed_too() -> None:
    """Found by hypothesis: cutting 【打印】 joined the spam fragment 美高梅@: back together."""
    assert strip_noise("美高梅【打印】@:") == strip_noise(strip_noise("美高梅【打印】@:"))
