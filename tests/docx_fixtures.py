"""Word files built in code for the .docx tests: a fictional notice with real auto-numbering.

No binary fixture is committed. :data:`NOTICE_TXT` is a fictional notice (虚构示例) written as
a .txt file would be; :func:`docx_from_txt` turns it into a .docx the way a 公文 template
would: the ``一、`` / ``（一）`` / ``1.`` labels are *removed* from the text and replaced by
Word auto-numbering (``chineseCounting`` ``%1、`` through a paragraph style and its basedOn
chain, ``（%1）`` and ``%1.`` by direct ``numPr``), a restarted list gets a new ``w:num`` with a
``startOverride``, pipe-table lines become a Word table, and a header and footer are added
(they must not reach the text). Reading the .docx must then give back the .txt's tree.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import docx
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

NOTICE_TXT = """\
【虚构示例,仅供测试,非真实通报】
中共虚构县委关于市委第三巡察组反馈意见整改进展情况的通报
根据市委统一部署,2023年3月1日至4月30日,市委第三巡察组对虚构县进行了常规巡察,并于2023年6月10日反馈了巡察意见。现将整改进展情况予以公布。
一、整改工作总体情况
县委召开专题会议5次,制定整改方案。市委第三巡察组反馈的3个问题,已完成2个、基本完成1个,整改完成率66.7%。
二、巡察反馈问题整改落实情况
（一）理论学习不够深入
整改情况:已完成。
1.开展集中学习17次,专题研讨4次。
2.组织党员干部轮训3期,覆盖1360人次。
（二）资金使用不够规范
整改情况:已完成。
1.投入资金2000万元,追回违规资金436.5万元。
2.修订财务制度6项。
（三）耕地保护存在短板
整改情况:基本完成。
1.整治土地1000亩,完成率95.2%。
2.拆除违法建筑12处,面积3.6万平方米。
三、下一步工作打算
持续巩固整改成果,健全长效机制。
中共虚构县委
2023年12月20日
附件
整改任务清单
序号 | 反馈问题 | 整改措施 | 完成情况
1 | 理论学习不够深入 | 开展集中学习17次 | 已完成
2 | 资金使用不够规范 | 投入资金2000万元 | 已完成
3 | 耕地保护存在短板 | 整治土地1000亩 | 基本完成
附件2
整改长效机制清单
一、制度建设
1.修订制度6项。
二、监督检查
1.开展专项检查3次。
"""

# The level of each label kind in the template's one multi-level list.
_LABELS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"^(?P<n>[一二三四五六七八九十]+)、"), 0),
    (re.compile(r"^（(?P<n>[一二三四五六七八九十]+)）"), 1),
    (re.compile(r"^(?P<n>\d+)\."), 2),
)
_CN_VALUES = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}

ABSTRACT_ID = "90"  # the default template already uses 0-8
BASE_NUM_ID = "10"
HEADING_BASE_STYLE = "XcHeadingBase"  # carries numPr (numId, ilvl 0)
HEADING_STYLE = "XcHeading1"  # basedOn the base style, no numPr of its own

# A 公文 template's multi-level list: 一、 / （一） / 1.
GONGWEN_LEVELS = (
    ("chineseCounting", "%1、"),
    ("chineseCounting", "（%2）"),
    ("decimal", "%3."),
)


def _cn_value(label: str) -> int:
    if label == "十":
        return 10
    if label.startswith("十"):
        return 10 + _CN_VALUES[label[1]]
    if len(label) == 1:
        return _CN_VALUES[label]
    return _CN_VALUES[label[0]] * 10 + (_CN_VALUES[label[2]] if len(label) > 2 else 0)


@dataclass(frozen=True)
class Level:
    """One ``w:lvl`` of an abstract numbering definition."""

    fmt: str
    text: str
    start: int = 1
    restart: int | None = None
    legal: bool = False
    suffix: str | None = None
    style: str | None = None  # w:pStyle: the paragraph style that selects this level


def abstract_num_xml(abstract_id: str, levels: Sequence[Level]) -> str:
    """``w:abstractNum`` XML for ``levels`` (level i is ``w:ilvl="i"``)."""
    parts = [f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">']
    parts.append('<w:multiLevelType w:val="multilevel"/>')
    for i, lvl in enumerate(levels):
        parts.append(f'<w:lvl w:ilvl="{i}"><w:start w:val="{lvl.start}"/>')
        parts.append(f'<w:numFmt w:val="{lvl.fmt}"/>')
        if lvl.style is not None:
            parts.append(f'<w:pStyle w:val="{lvl.style}"/>')
        if lvl.restart is not None:
            parts.append(f'<w:lvlRestart w:val="{lvl.restart}"/>')
        if lvl.legal:
            parts.append("<w:isLgl/>")
        if lvl.suffix is not None:
            parts.append(f'<w:suff w:val="{lvl.suffix}"/>')
        parts.append(f'<w:lvlText w:val="{lvl.text}"/><w:lvlJc w:val="left"/></w:lvl>')
    parts.append("</w:abstractNum>")
    return "".join(parts)


def num_xml(num_id: str, abstract_id: str, start_overrides: dict[int, int] | None = None) -> str:
    """``w:num`` XML pointing at ``abstract_id``, with optional ``startOverride`` per level."""
    overrides = "".join(
        f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
        for ilvl, start in (start_overrides or {}).items()
    )
    return (
        f'<w:num {nsdecls("w")} w:numId="{num_id}">'
        f'<w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'
    )


def add_numbering(document: DocumentObject, abstracts: Iterable[str], nums: Iterable[str]) -> None:
    """Put abstractNum/num definitions into numbering.xml (abstracts before nums, as Word wants)."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for xml in abstracts:
        el = parse_xml(xml)
        if first_num is not None:
            first_num.addprevious(el)
        else:
            numbering.append(el)
    for xml in nums:
        numbering.append(parse_xml(xml))


def set_num_pr(paragraph_or_style_element: object, num_id: str | None, ilvl: int | None) -> None:
    """Give a ``w:p`` or ``w:style`` element a ``w:numPr`` (either part may be left out)."""
    ppr = paragraph_or_style_element.get_or_add_pPr()  # type: ignore[attr-defined]
    num_pr = ppr.get_or_add_numPr()
    if ilvl is not None:
        num_pr.get_or_add_ilvl().val = ilvl
    if num_id is not None:
        num_pr.get_or_add_numId().val = int(num_id)


def add_heading_styles(document: DocumentObject, num_id: str) -> None:
    """A base style carrying the list's numPr and a heading style inheriting it by basedOn."""
    base = document.styles.add_style(HEADING_BASE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    set_num_pr(base.element, num_id, None)
    heading = document.styles.add_style(HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = base


def to_bytes(document: DocumentObject) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def docx_from_txt(text: str) -> bytes:
    """The .txt notice as a templated .docx with auto-numbered headings (see module doc)."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "虚构县委办公室 页眉不应出现在正文中"
    section.footer.paragraphs[0].text = "第 1 页 页脚不应出现在正文中"
    add_heading_styles(document, BASE_NUM_ID)
    nums = [num_xml(BASE_NUM_ID, ABSTRACT_ID)]
    current = BASE_NUM_ID
    counters: dict[int, int] = {}
    restart = False
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if " | " in line:
            rows = []
            while i < len(lines) and " | " in lines[i]:
                rows.append(lines[i].split(" | "))
                i += 1
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, cells in enumerate(rows):
                for c, cell_text in enumerate(cells):
                    table.cell(r, c).text = cell_text
            continue
        for pattern, level in _LABELS:
            m = pattern.match(line)
            if m is None:
                continue
            raw = m.group("n")
            number = int(raw) if raw.isdigit() else _cn_value(raw)
            expected = counters.get(level, 0) + 1
            if number != expected or restart:  # the list restarts: a new num instance
                restart = False
                current = str(int(BASE_NUM_ID) + len(nums))
                nums.append(num_xml(current, ABSTRACT_ID, {level: number}))
            counters[level] = number
            for deeper in range(level + 1, 3):
                counters.pop(deeper, None)
            body = line[m.end() :]
            if level == 0 and current == BASE_NUM_ID:
                document.add_paragraph(body, style=HEADING_STYLE)  # numbered by its style
            else:
                p = document.add_paragraph(body)
                set_num_pr(p._p, current, level)
            break
        else:
            if line.startswith("附件"):
                counters.clear()  # an attachment's numbering starts over
                restart = True
            document.add_paragraph(line)
        i += 1
    levels = [Level(fmt, lvl_text) for fmt, lvl_text in GONGWEN_LEVELS]
    add_numbering(document, [abstract_num_xml(ABSTRACT_ID, levels)], nums)
    return to_bytes(document)


def numbered_docx(
    paragraphs: Sequence[tuple[str, str | None, int | None]],
    levels: Sequence[Level],
    nums: Sequence[tuple[str, dict[int, int]]] = ((BASE_NUM_ID, {}),),
) -> bytes:
    """A .docx of ``(text, numId, ilvl)`` paragraphs over one abstract list of ``levels``.

    ``numId`` None: no numbering; ``"style"``: numbered through the basedOn heading style.
    """
    document = docx.Document()
    add_heading_styles(document, nums[0][0])
    for text, num_id, ilvl in paragraphs:
        if num_id == "style":
            p = document.add_paragraph(text, style=HEADING_STYLE)
            if ilvl is not None:
                set_num_pr(p._p, None, ilvl)
            continue
        p = document.add_paragraph(text)
        if num_id is not None:
            set_num_pr(p._p, num_id, ilvl)
    add_numbering(
        document,
        [abstract_num_xml(ABSTRACT_ID, levels)],
        [num_xml(nid, ABSTRACT_ID, so) for nid, so in nums],
    )
    return to_bytes(document)


def body_xml_docx(body_xml: str) -> bytes:
    """A .docx whose body is ``body_xml`` (w: elements), for markup python-docx cannot write."""
    document = docx.Document()
    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    wrapper = parse_xml(f"<w:body {nsdecls('w')}>{body_xml}</w:body>")
    for child in list(wrapper):
        if sect is not None:
            sect.addprevious(child)
        else:
            body.append(child)
    return to_bytes(document)


def long_docx(pages: int) -> bytes:
    """About ``pages`` A4 pages of numbered notice text (for the speed measurement)."""
    document = docx.Document()
    add_heading_styles(document, BASE_NUM_ID)
    for page in range(pages):
        document.add_paragraph(f"第{page + 1}部分整改情况", style=HEADING_STYLE)
        for item in range(2):
            p = document.add_paragraph(f"关于第{item + 1}类问题")
            set_num_pr(p._p, BASE_NUM_ID, 1)
            for k in range(6):
                q = document.add_paragraph(
                    f"开展集中学习{17 + k}次,投入资金{2000 + page}万元,整治土地{1000 + k}亩,"
                    "完成率95.2%,持续巩固整改成果,健全长效机制,推动问题整改落地见效。"
                )
                set_num_pr(q._p, BASE_NUM_ID, 2)
    levels = [Level(fmt, lvl_text) for fmt, lvl_text in GONGWEN_LEVELS]
    add_numbering(
        document, [abstract_num_xml(ABSTRACT_ID, levels)], [num_xml(BASE_NUM_ID, ABSTRACT_ID)]
    )
    return to_bytes(document)
