"""Web pages built in code from a notice's text, for the web-reader and fetch tests.

The corpus notices (../shared/corpus) are text scrapes; a reader of web pages must be judged
on pages. :func:`notice_page` wraps a notice's lines in the chrome a government CMS puts
around an article — top bar, navigation, breadcrumbs, an info line with 发布时间 and 阅读量,
share buttons, a sidebar of related links with a ranking table, a footer with the ICP number,
scripts and styles — in one of two layouts seen on real sites: a modern ``<div>`` layout and an
old ``<table>`` layout where the article sits in a cell. A fictional data table (虚构示例) is
put into the article, and returned as ``a | b`` rows inside the matching text version, so that
the comparison with the text file covers tables too.

Nothing here is corpus text: the notice's text comes from the caller, the chrome and the table
are fictional.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Literal

from extract.reading import title_from_text

__all__ = ["TABLE_ROWS", "NoticePage", "notice_page", "notice_text_with_table"]

Layout = Literal["div", "table"]

# 虚构示例: a rectification ledger with figures in cells (counts, money, area, a rate).
TABLE_ROWS: tuple[tuple[str, ...], ...] = (
    ("序号", "整改事项(虚构示例)", "数量", "完成率"),
    ("1", "开展集中学习", "17次", "100%"),
    ("2", "投入专项资金", "2000万元", "95.2%"),
    ("3", "整治闲置土地", "1000亩", "88%"),
)

_STYLE = (
    "<style>.nav li{float:left;margin:0 12px}.share a{color:#333}"
    ".hide{display:none}.art-info{color:#999;font-size:12px}</style>"
)
_SCRIPT_HEAD = (
    "<script>var _hmt=_hmt||[];var siteId=20240315;"
    "function fontSize(n){document.getElementById('zoom').style.fontSize=n+'px';}</script>"
)
_SCRIPT_TAIL = (
    "<script>document.write('<span>访问量:'+(123456+1)+'次</span>');"
    "var shareTitle='关于整改情况的通报';</script>"
)
_TOPBAR = (
    '<div class="topbar"><a href="/en/">EN</a> <a href="/wza/">无障碍浏览</a> '
    '<a href="/m/">手机版</a></div>'
)
_NAV = (
    '<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/yw/">要闻动态</a></li>'
    '<li><a href="/xc/">巡察工作</a></li><li><a href="/gk/">信息公开</a></li>'
    '<li><a href="/hd/">互动交流</a></li></ul></nav>'
)
_BREADCRUMB = (
    '<div class="position">当前位置:<a href="/">首页</a> &gt; <a href="/xc/">巡察工作</a>'
    " &gt; 整改公开</div>"
)
_INFO = (
    '<div class="art-info">发布时间:2024-05-06 09:30:00 来源:巡察办 阅读量:2965 '
    '【字体:<a href="javascript:fontSize(20)">大</a> 中 小】 【打印】 【关闭】</div>'
)
_SHARE = (
    '<div class="share">分享到:<a href="#">微信</a> <a href="#">微博</a> '
    '<a href="#">QQ空间</a></div>'
)
_PREV_NEXT = (
    '<div class="art-nav"><p>上一篇:<a href="/xc/11.html">巡察工作动态(虚构)</a></p>'
    '<p>下一篇:<a href="/xc/13.html">没有了</a></p></div>'
)
_SIDEBAR = (
    '<aside class="sidebar"><h3>相关阅读</h3><ul>'
    '<li><a href="/xc/1.html">巡察工作问答(虚构)</a></li>'
    '<li><a href="/xc/2.html">第五轮巡察进驻公告(虚构)</a></li></ul>'
    '<h3>点击排行</h3><table class="rank"><tr><td>1</td><td><a href="/xc/3.html">'
    "整改公开专栏(虚构)</a></td><td>浏览8832次</td></tr><tr><td>2</td><td>"
    '<a href="/xc/4.html">举报须知(虚构)</a></td><td>浏览5120次</td></tr></table></aside>'
)
_FOOTER = (
    '<footer class="footer"><p>主办单位:某市纪委监委(虚构) 承办:某市信息中心</p>'
    "<p>版权所有 ICP备00000000号-1 网站标识码:0000000001</p>"
    "<p>联系电话:0000-12345678</p></footer>"
)


@dataclass(frozen=True)
class NoticePage:
    """A page and the text file it corresponds to (the notice with the table as rows)."""

    html: str
    text: str


def _table_html() -> str:
    head, *body = TABLE_ROWS
    cells = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body
    )
    return (
        f'<table class="ledger" border="1"><thead><tr>{cells}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _table_lines() -> list[str]:
    return [" | ".join(row) for row in TABLE_ROWS]


def _split(text: str) -> tuple[list[str], str, list[str]]:
    """``(lines before the title, title, lines after)``; the title as ``title_from_text`` finds it.

    Scraped notices often start with leftovers of the site (``EN``, a section name) before the
    title line; they stay where they are, in the article before its heading.
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    title = title_from_text("\n".join(lines))
    at = next((i for i, line in enumerate(lines) if title and title in line), None)
    if at is None:
        return [], "", lines  # a notice scraped without its title: the page has none either
    return lines[:at], lines[at], lines[at + 1 :]


def notice_text_with_table(text: str) -> str:
    """``text`` with :data:`TABLE_ROWS` after the title's next two paragraphs, as a text file."""
    before, title, body = _split(text)
    at = min(2, len(body))
    head = [*before, title] if title else []
    return "\n".join([*head, *body[:at], *_table_lines(), *body[at:]]) + "\n"


def notice_page(
    text: str, *, layout: Layout = "div", charset: str = "utf-8", br_lines: bool = False
) -> NoticePage:
    """The notice ``text`` as a CMS page (see the module docstring).

    The title line (an ``<h2>`` in the article, and the ``<title>`` with the site name
    after an underscore, as CMSs write it); every further line becomes a ``<p>`` (or, with
    ``br_lines``, a ``<br>``-separated line of one ``<div>``, as some editors produce).
    ``charset`` goes into ``<meta charset>``; encode the page with it.
    """
    before, title, body = _split(text)
    at = min(2, len(body))
    esc = [html.escape(line) for line in body]

    def paragraphs(lines: list[str]) -> str:
        if br_lines:
            return "<br>\n".join(f"\u3000\u3000{line}" for line in lines) + "<br>"
        return "".join(f"<p>\u3000\u3000{line}</p>\n" for line in lines)

    heading = f'<h2 class="art-title">{html.escape(title)}</h2>' if title else ""
    article = (
        f"{paragraphs([html.escape(line) for line in before]) if before else ''}"
        f"{heading}{_INFO}"
        f'<div class="TRS_Editor" id="zoom">{paragraphs(esc[:at])}{_table_html()}'
        f'{paragraphs(esc[at:])}<div class="hide">统计代码 9999</div></div>{_SHARE}{_PREV_NEXT}'
    )
    head = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}">'
        f"<title>{html.escape(title) + '_' if title else ''}某市纪委监委网站(虚构)</title>"
        f'<link rel="canonical" href="/xc/12.html">{_STYLE}{_SCRIPT_HEAD}</head><body>'
    )
    if layout == "div":
        page = (
            f'{head}{_TOPBAR}<header><div class="logo">某市纪委监委网站(虚构)</div></header>'
            f'{_NAV}<div class="main">{_BREADCRUMB}<div class="article">{article}</div>'
            f"{_SIDEBAR}</div>{_FOOTER}{_SCRIPT_TAIL}</body></html>"
        )
    else:
        page = (
            f'{head}<table width="1000" align="center"><tr><td colspan="2">{_TOPBAR}'
            f"<h1>某市纪委监委网站(虚构)</h1>{_NAV}</td></tr>"
            f'<tr><td width="250" valign="top">{_SIDEBAR}</td>'
            f'<td width="750" valign="top">{_BREADCRUMB}{article}</td></tr>'
            f'<tr><td colspan="2">{_FOOTER}</td></tr></table>{_SCRIPT_TAIL}</body></html>'
        )
    return NoticePage(html=page, text=notice_text_with_table(text))
