"""PDF fixtures built in code: a fictional notice (虚构示例) laid out the way 公文 PDFs are.

No binary is committed: :func:`notice_pdf` typesets :data:`NOTICE_TXT` with fpdf2 (LGPL, a
test-only dependency) in Noto Sans CJK from Debian's fonts-noto-cjk. The layout reproduces
what makes real PDFs hard to read back:

- body lines justified to the full width with character spacing, as Word sets Chinese;
- paragraphs indented by two U+3000 spaces, headings in a larger size, the title centred;
- wrapped lines that split a number from its unit (``2300`` | ``人次``) or a number itself,
  forced where the source text has :data:`WRAP` (the line is still justified to the margin);
- a running header and a page-number footer on every page (``- N -`` or ``第N页 共M页``);
- a table drawn as cells, a paragraph running across a page break, and optionally a page
  holding only an image (a scan).
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF

NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
WRAP = "¶"  # in NOTICE_SOURCE: the builder must wrap the line here (never in the text)
TABLE_START, TABLE_END = "[[table]]", "[[/table]]"
HEADER_TEXT = "青禾市虚构示例委员会 巡察整改专栏"

# The notice as its .txt version reads (WRAP marks removed). Figures as in the brief.
NOTICE_SOURCE = (
    "\n".join(
        (
            "【虚构示例,仅供测试】中共青禾市云岭开发区工作委员会关于市委第三巡察组反馈意见整"
            "改进展情况的通报",
            "根据市委统一部署,2023年4月12日至6月13日,市委第三巡察组对云岭开发区党"
            "工委开展了常规巡察,并于2023年8月29日反馈了巡察意见。按照党务公开原则和巡"
            "察工作有关要求,现将巡察整改进展情况予以公布。",
            "一、整改工作基本情况",
            "开发区党工委把巡察整改作为重大政治任务,成立整改工作领导小组,召开专题会议研究部"
            "署,逐条制定整改措施,明确责任领导、责任部门和完成时限。针对巡察反馈的31个具体"
            "问题,截至2023年11月30日,已完成22个、基本完成7个、未完成2个,整改完"
            "成率95.2%。",
            "二、反馈问题整改情况",
            "(一)关于理论学习不够深入的问题",
            "1.反馈问题:理论学习不够深入,学习形式单一。",
            "整改情况:已完成。修订党工委理论学习中心组学习制度,开展集中学习17次,组织专题"
            "研讨6次,邀请党校专家开展专题辅导4场,举办读书班2期,覆盖机关和基层党员干部¶2300人次,编印学习资料1200册。",
            "2.反馈问题:基层党组织建设存在薄弱环节。",
            "整改情况:基本完成。对全区47个基层党组织逐一开展评估,整顿软弱涣散党组织3个,"
            "新发展党员28名,选派第一书记9名,开展党支部书记轮训3期,培训党务工作者和骨干¶360人次。",
            "(二)关于项目推进缓慢的问题",
            "1.反馈问题:重点项目推进缓慢。",
            "整改情况:已完成。设立2000万元技术改造专项扶持资金,新建道路12公里,整治土"
            "地1000亩,建成标准厂房8.5万平方米,带动就业1500人,新引进企业5家,年内完成投资¶36.8亿元。",
            "2.反馈问题:资金使用管理不规范。",
            "整改情况:未完成。清理核查往来款项4100万元,追回违规资金356.2万元,对1"
            "2名相关责任人进行了批评教育,相关制度正在修订中,预计2024年6月底前完成。",
            "三、下一步工作打算",
            "开发区党工委将继续深入学习贯彻党的二十大精神,坚持目标不变、标准不降、力度不减,"
            "对已完成的整改事项适时开展回头看,对未完成的整改事项紧盯不放,确保全部整改到位。",
            "欢迎广大干部群众对巡察整改落实情况进行监督。联系电话:0000-1234567。",
            "中共青禾市云岭开发区工作委员会",
            "2023年12月20日",
            "附件:整改任务清单",
            TABLE_START,
            "序号 | 整改任务 | 完成时限 | 状态",
            "1 | 修订学习制度 | 2023年9月 | 已完成",
            "2 | 整顿软弱涣散党组织 | 2023年10月 | 基本完成",
            "3 | 追回违规资金 | 2024年6月 | 未完成",
            TABLE_END,
        )
    )
    + "\n"
)

BODY_PT, HEADING_PT, TITLE_PT, HEADER_PT = 12.0, 14.0, 16.0, 9.0
MARGIN_MM = 25.0
FOOTER_STYLES = ("dash", "of_total", "slash")


def notice_txt() -> str:
    """The .txt version of the fictional notice (what the PDF must read back as)."""
    lines = []
    for line in NOTICE_SOURCE.replace(WRAP, "").splitlines():
        if line not in (TABLE_START, TABLE_END):
            lines.append(line)
    return "\n".join(lines) + "\n"


def _is_heading(line: str) -> bool:
    return line[:2] in {"一、", "二、", "三、", "四、"}


def notice_pdf(
    *,
    repeat_body: int = 1,
    scan_page: bool = False,
    footer: str = "dash",
    font: Path = NOTO_CJK,
) -> bytes:
    """The fictional notice typeset as a text PDF (see the module docstring).

    ``repeat_body`` repeats section 二's paragraphs (for a longer document: the speed test);
    ``scan_page`` appends a page with only an image; ``footer`` picks the page-number style.
    """

    class Notice(FPDF):
        def header(self) -> None:
            self.set_font("cjk", size=HEADER_PT)
            self.set_xy(MARGIN_MM, 10)
            self.cell(0, 5, HEADER_TEXT, align="C")
            self.set_xy(MARGIN_MM, MARGIN_MM)

        def footer(self) -> None:
            self.set_font("cjk", size=HEADER_PT)
            self.set_xy(MARGIN_MM, -15)
            n = self.page_no()
            text = {
                "dash": f"- {n} -",
                "of_total": f"第{n}页 共{{nb}}页",
                "slash": f"{n}/{{nb}}",
            }[footer]
            self.cell(0, 5, text, align="C")

    pdf = Notice(format="A4", unit="mm")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, margin=MARGIN_MM)
    pdf.add_font("cjk", fname=str(font))
    pdf.set_title("虚构示例通报")
    pdf.add_page()
    width = pdf.w - 2 * MARGIN_MM

    lines = NOTICE_SOURCE.splitlines()
    if repeat_body > 1:
        start = lines.index("二、反馈问题整改情况") + 1
        end = lines.index("三、下一步工作打算")
        lines = lines[:end] + lines[start:end] * (repeat_body - 1) + lines[end:]
    in_table = False
    for index, line in enumerate(lines):
        if line == TABLE_START:
            in_table = True
            rows: list[list[str]] = []
            continue
        if line == TABLE_END:
            in_table = False
            _draw_table(pdf, rows)
            continue
        if in_table:
            rows.append([cell.strip() for cell in line.split("|")])
            continue
        if index == 0:
            pdf.set_font("cjk", size=TITLE_PT)
            pdf.multi_cell(width, 9, line, align="C", new_x="LMARGIN", new_y="NEXT")
            continue
        if line.startswith(("中共青禾市", "2023年12月")) and index > 2:
            pdf.set_font("cjk", size=BODY_PT)
            pdf.cell(width, 7, line, align="R", new_x="LMARGIN", new_y="NEXT")
            continue
        size = HEADING_PT if _is_heading(line) else BODY_PT
        pdf.set_font("cjk", size=size)
        _paragraph(pdf, "\u3000\u3000" + line, width, 7 if size == BODY_PT else 8)
    if scan_page:
        _scan_page(pdf)
    return bytes(pdf.output())


def _paragraph(pdf: FPDF, text: str, width: float, height: float) -> None:
    """Typeset one paragraph: greedy wrap by width (forced at WRAP), justified lines."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if ch == WRAP:
            lines.append(current)
            current = ""
            continue
        if current and pdf.get_string_width(current + ch) > width:
            lines.append(current)
            current = ""
        current += ch
    lines.append(current)
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        spacing = 0.0
        if not last and len(line) > 1:
            slack = width - pdf.get_string_width(line)
            # char spacing is in points; spread the slack over the gaps between characters
            spacing = max(0.0, slack / (len(line) - 1)) * 72 / 25.4
        pdf.set_char_spacing(spacing)
        pdf.cell(width, height, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_char_spacing(0)


def _draw_table(pdf: FPDF, rows: list[list[str]]) -> None:
    pdf.set_font("cjk", size=BODY_PT - 1)
    widths = (12, 60, 40, 30)
    with pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=False) as table:
        for row in rows:
            cells = table.row()
            for cell in row:
                cells.cell(cell)


def _scan_page(pdf: FPDF) -> None:
    """A page holding one image, like a scanned signature page; its only text is the running
    header and the page number (both dropped as furniture, so it still needs OCR)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(image)
    for y in range(80, 720, 40):
        draw.rectangle((60, y, 540, y + 12), fill=0)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    pdf.add_page()  # the publisher's running header and page number are still text on it
    pdf.image(buf, x=MARGIN_MM, y=MARGIN_MM, w=150)
