"""Plotly figure builders: DataFrame in, figure out, no Streamlit (so tests can inspect traces).

Every figure uses a CJK-capable font list so Chinese labels render as text, not boxes, on
Linux (Noto), Windows (YaHei, SimHei) and macOS (PingFang).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.data import STATUS_PARTS
from dashboard.i18n import DEFAULT_LANG, label, value_label
from dashboard.units import PRECISE_DATE_FIELDS, choose_scale, format_date, format_value

FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
STATUS_COLOURS = {
    "completed": "#2e7d32",
    "basically_completed": "#9ccc65",
    "not_completed": "#ef6c00",
    "long_term": "#5c6bc0",
}


def _layout(fig: go.Figure, title: str = "") -> go.Figure:
    fig.update_layout(
        title=title or None,
        font={"family": FONT_FAMILY, "size": 13},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 40, "r": 40, "t": 60, "b": 40},
    )
    return fig


def _hover_names(df: pd.DataFrame) -> list[str]:
    titles = df.get("title", pd.Series([""] * len(df), index=df.index)).fillna("")
    return [
        f"{lab}<br>{str(t)[:40]}<br>{nid}"
        for lab, t, nid in zip(df["label"], titles, df["notice_id"], strict=True)
    ]


#: Characters of a notice name shown as a bar's tick label; the hover shows it whole. Without a
#: cap one long name took the whole plot area and left a 110 px chart.
TICK_LABEL_CHARS = 18
#: Height per bar and fixed chrome (title, legend, axes) of a horizontal bar chart, in px.
BAR_HEIGHT = 26
CHART_CHROME = 130


def short_label(text: object, limit: int = TICK_LABEL_CHARS) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (tick labels only)."""
    value = str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def bar_chart_height(bars: int) -> int:
    """A height that gives every bar the same room, however many there are."""
    return CHART_CHROME + BAR_HEIGHT * max(bars, 3)


def completion_figure(df: pd.DataFrame, lang: str = DEFAULT_LANG) -> go.Figure:
    """Horizontal stacked bars of completion parts (share of total) per notice, in ``df``'s
    order (lowest recomputed rate on top), with the stated and recomputed rates as markers on
    a percent axis above.

    ``df`` is :func:`dashboard.data.completion`. Two markers apart flag a notice whose stated
    rate its own figures do not support. Bars are horizontal so a long name never squeezes the
    plot: ticks are cut to :data:`TICK_LABEL_CHARS`, the hover has the whole name, and the
    height grows with the number of notices. ``customdata[0]`` of every point is the notice id,
    for :func:`selected_notice` (a click drills to the quantities behind the bar).
    """
    fig = go.Figure()
    hover = _hover_names(df)
    ids = list(df["notice_id"])
    names = list(df["label"])
    for part in STATUS_PARTS:
        fig.add_trace(
            go.Bar(
                name=value_label("status", part, lang),
                orientation="h",
                y=names,
                x=df[f"{part}_ratio"],
                marker_color=STATUS_COLOURS[part],
                customdata=list(zip(ids, hover, df[part].astype("Float64").fillna(0), strict=True)),
                hovertemplate="%{customdata[1]}<br>%{x:.1%} (%{customdata[2]})<extra>"
                + value_label("status", part, lang)
                + "</extra>",
            )
        )
    for column, symbol, colour in (
        ("stated_rate", "diamond", "#c62828"),
        ("computed_rate", "x", "#212121"),
    ):
        fig.add_trace(
            go.Scatter(
                name=label(f"chart.{column}", lang),
                y=names,
                x=df[column],
                xaxis="x2",
                mode="markers",
                marker={"symbol": symbol, "size": 11, "color": colour},
                customdata=list(zip(ids, hover, strict=True)),
                hovertemplate="%{customdata[1]}<br>%{x:.1f}%<extra>"
                + label(f"chart.{column}", lang)
                + "</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        height=bar_chart_height(len(df)),
        xaxis={
            "title": label("chart.share_of_total", lang),
            "tickformat": ".0%",
            "range": [0, 1.05],
        },
        xaxis2={
            "title": label("chart.rate_percent", lang),
            "overlaying": "x",
            "side": "top",
            "range": [0, 105],
            "ticksuffix": "%",
            "showgrid": False,
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": names,
            "autorange": "reversed",
            "tickvals": names,
            "ticktext": [short_label(n) for n in names],
            "automargin": True,
        },
        clickmode="event+select",
    )
    fig = _layout(fig, label("chart.completion_title", lang))
    # The legend stands to the right: above, it would collide with the rate axis's ticks.
    fig.update_layout(
        margin={"l": 10, "r": 20, "t": 90, "b": 40},
        legend={"orientation": "v", "yanchor": "top", "y": 1, "x": 1.02},
    )
    return fig


def metric_bars_figure(
    df: pd.DataFrame, title: str, unit: str, lang: str = DEFAULT_LANG
) -> go.Figure:
    """Ranked horizontal bars of one metric in one unit: one bar per notice, largest on top.

    ``df`` is the rows of :func:`dashboard.data.metric_values` for a single (metric, unit),
    already ranked. One display scale for the whole chart (元 → 万元/亿元) keeps bars
    comparable; each bar's text is its own readable value. A notice whose statements disagree
    has no value and gets no bar (the table lists it). ``customdata`` carries the notice id so
    a clicked bar can be traced to its sentences (:func:`selected_notice`).
    """
    shown = df[df["value"].notna()]
    max_abs = shown["value"].abs().max() if not shown.empty else None
    divisor, display_unit = choose_scale(
        unit, None if max_abs is None or pd.isna(max_abs) else float(max_abs)
    )
    statements = label("compare.hover_statements", lang)
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=list(shown["label"]),
            x=list(shown["value"] / divisor),
            text=[format_value(v, unit) for v in shown["value"]],
            textposition="auto",
            customdata=list(zip(shown["notice_id"], shown["statements"], strict=True)),
            hovertemplate="%{y}<br>%{text}<br>" + statements + " %{customdata[1]}<extra></extra>",
            marker_color="#1565c0",
        )
    )
    names = list(shown["label"])
    fig.update_layout(
        height=bar_chart_height(len(shown)),
        showlegend=False,
        xaxis={"title": display_unit, "rangemode": "tozero"},
        # Ranked largest first: categories are drawn bottom-up, so reverse the axis. Ticks are
        # cut short (the hover names the notice in full) so a long name cannot squeeze the plot.
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "type": "category",
            "categoryorder": "array",
            "categoryarray": names,
            "tickvals": names,
            "ticktext": [short_label(n) for n in names],
        },
        clickmode="event+select",
    )
    fig = _layout(fig, title)
    fig.update_layout(margin={"l": 10, "r": 20, "t": 50, "b": 40})
    return fig


def date_tick_stops(lang: str = DEFAULT_LANG) -> list[dict[str, object]]:
    """Tick formats of a date axis by zoom, in ``lang``: plotly's own are English month names
    (``Jan 2024``) whatever the page's language."""
    return [
        {"dtickrange": [None, "M1"], "value": label("trends.tick_day", lang)},
        {"dtickrange": ["M1", "M11"], "value": label("trends.tick_month", lang)},
        {"dtickrange": ["M12", None], "value": label("trends.tick_year", lang)},
    ]


def even_sample(points: pd.DataFrame, cap: int) -> pd.DataFrame:
    """At most ``cap`` rows of ``points`` (already in drawing order, e.g. by date), evenly
    spread from the first row to the last, so a capped chart still spans the whole range; all
    rows when they fit. A chart of 10k dots is a smear and ~1 MB to every browser."""
    if len(points) <= cap:
        return points
    picks = np.unique(np.linspace(0, len(points) - 1, max(cap, 1)).round().astype(int))
    return points.iloc[picks]


def selected_notice(selection: object) -> str | None:
    """The notice id of the bar clicked in a :func:`metric_bars_figure` chart, or None.

    ``selection`` is what ``st.plotly_chart(on_select="rerun")`` returns (or its session
    state): ``{"selection": {"points": [{"customdata": [notice_id, n], ...}]}}``.
    """
    inner = _get(selection, "selection")
    points = _get(inner, "points")
    for point in points if isinstance(points, (list, tuple)) else []:
        custom = _get(point, "customdata")
        if isinstance(custom, (list, tuple)) and custom:
            return str(custom[0])
        if isinstance(custom, str):
            return custom
    return None


def _get(obj: object, name: str) -> object:
    """``obj[name]`` or ``obj.name`` (Streamlit's state objects support both), else None."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    try:
        return obj[name]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        return getattr(obj, name, None)


# The notice's dates on the timeline: every metadata date that carries a precision.
TIMELINE_FIELDS = PRECISE_DATE_FIELDS


def _as_date(value: object) -> date | None:
    """A date from whatever pandas hands back (Timestamp, date, string, NaT/None/NaN)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        ts = pd.Timestamp(str(value))
    except (ValueError, TypeError):
        return None
    return None if pd.isna(ts) else ts.date()


def _shown_date(meta: pd.Series, field: str) -> str:
    """A timeline date as the notice states it: ``2024-03`` for a month-precise date."""
    return format_date(meta.get(field), meta.get(f"{field}_precision"))


def timeline_figure(meta: pd.Series, lang: str = DEFAULT_LANG) -> go.Figure:
    """The notice's life on a date axis: inspection period, feedback, as-of, signature.

    Missing dates are skipped; the inspection period is a thick segment when both ends are
    known. The figure is empty (no traces) when the notice states no date at all.
    """
    fig = go.Figure()
    start, end = _as_date(meta.get("inspection_start")), _as_date(meta.get("inspection_end"))
    if start and end:
        fig.add_trace(
            go.Scatter(
                x=[start, end],
                y=[0, 0],
                mode="lines",
                line={"width": 14, "color": "#90caf9"},
                name=label("timeline.inspection_period", lang),
                customdata=[
                    _shown_date(meta, "inspection_start"),
                    _shown_date(meta, "inspection_end"),
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    points = [(f, _as_date(meta.get(f))) for f in TIMELINE_FIELDS]
    points = [(f, d) for f, d in points if d is not None]
    if points:
        names = [label(f"field.{f}", lang) for f, _ in points]
        fig.add_trace(
            go.Scatter(
                x=[d for _, d in points],
                y=[0] * len(points),
                mode="markers+text",
                text=names,
                textposition=[
                    "top center" if i % 2 == 0 else "bottom center" for i in range(len(points))
                ],
                marker={"size": 12, "color": "#1565c0"},
                name=label("timeline.events", lang),
                customdata=[_shown_date(meta, f) for f, _ in points],
                hovertemplate="%{text}: %{customdata}<extra></extra>",
            )
        )
    fig.update_layout(
        height=240,
        showlegend=False,
        yaxis={"visible": False, "range": [-1, 1]},
        xaxis={"type": "date", "tickformat": "%Y-%m-%d"},
    )
    return _layout(fig, label("timeline.title", lang))
