"""Datasette-style facets for every page: level, 巡视/巡察, inspecting body, region, year, metric
family, problem status — each with notice counts, each kept in the URL.

The shared contract (issue #11): pages call :func:`facet_bar` to render the widgets and get a
:class:`Facets`, then :func:`facet_sql` to turn it into a predicate over ``v_notices`` columns.
Values of one facet are OR-ed, facets are AND-ed; counts are computed in SQL (``v_facets``, one
GROUP BY per facet under the other facets' filters, cached per file version by ``db.query``).

Why the URL is synced by hand instead of ``bind="query-params"``: a bound widget writes its
*formatted* option to the URL, so the link would carry 已完成 in one language and ``completed``
in the other, and a facet's state is lost on a page switch (ENGINEERING_NOTES §10, #14350).
Here the URL always holds the stored code (``status=completed``), the widgets show labels, and
the choice lives in session state too, so it follows the user from page to page. Counts are
a caption under each widget, not part of its options: the browser echoes an option's text
back, and a count that changed since would no longer name the option.

``Facets`` and ``facet_sql`` are defined in ``dashboard.data`` (which every query uses and which
stays free of Streamlit) and re-exported here, where the contract names them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.data import FIELDS, Facets, facet_sql
from dashboard.i18n import label, labels
from dashboard.ui import lang, query_param_list, set_query_param, t

__all__ = [
    "FIELDS",
    "Facets",
    "copy_link_button",
    "counts",
    "facet_bar",
    "facet_sql",
    "link_params",
    "query_args",
    "value_text",
]

#: Facets whose stored values are codes with a label group (``family.rect``, ``status.completed``).
_CODED: dict[str, str] = {"family": "family", "status": "status"}
#: Session-state key holding the last synced value of a facet (survives page switches).
_STATE = "_facet.{field}"


def _hashable(params: Sequence[object]) -> tuple[object, ...]:
    """Params as tuples (lists are not hashable cache keys); ``data`` turns them back."""
    return tuple(tuple(p) if isinstance(p, list) else p for p in params)


def query_args(f: Facets, notice_alias: str = "n") -> tuple[str, tuple[object, ...]]:
    """:func:`facet_sql` with hashable params, to pass through ``db.query``'s cache."""
    pred, params = facet_sql(f, notice_alias)
    return pred, _hashable(params)


def link_params(**extra: str | Sequence[str] | None) -> dict[str, str | list[str]]:
    """Query parameters for a link to another page that keeps this view: the language, every
    chosen facet, and ``extra`` (``n=…``, ``m=…``; a None or empty value is left out).
    """
    out: dict[str, str | list[str]] = {"lang": lang()}
    for name in FIELDS:
        values = st.session_state.get(_STATE.format(field=name))
        if values:
            out[name] = [str(v) for v in values]
    for name, value in extra.items():
        if value is None or value == "" or (not isinstance(value, str) and not list(value)):
            continue
        out[name] = value if isinstance(value, str) else [str(v) for v in value]
    return out


def counts(
    con_or_query: duckdb.DuckDBPyConnection | Callable[..., Any],
    f: Facets,
    field_names: Sequence[str] = FIELDS,
    where: str = "",
) -> pd.DataFrame:
    """(facet, value, notices) for every facet, each counted under the other facets' choices."""
    others = []
    for name in field_names:
        pred, params = facet_sql(f.without(name))
        others.append((pred, _hashable(params)))
    args = (tuple(field_names), tuple(others), where)
    if isinstance(con_or_query, duckdb.DuckDBPyConnection):
        return data.facet_counts(con_or_query, *args)
    result: pd.DataFrame = con_or_query(data.facet_counts, *args)
    return result


def value_text(field: str, value: str, language: str) -> str:
    """How a facet value reads in ``language``: a code's label, else the stored text."""
    group = _CODED.get(field)
    if group is None:
        return value
    key = f"{group}.{value}"
    text = label(key, language)
    return value if text == key else text


def _code_of(field: str, value: str) -> str:
    """The stored code behind ``value``, which may be a label in either language.

    The browser sends a multiselect's choice back as the *label* it showed; after a language
    switch that is the other language's label, which must still mean the same code.
    """
    group = _CODED.get(field)
    if group is None:
        return value
    prefix = f"{group}."
    for key, entry in labels().items():
        if key.startswith(prefix) and value in entry.values():
            return key.removeprefix(prefix)
    return value


def _formatter(field: str, language: str) -> Callable[[str], str]:
    """The multiselect's ``format_func`` for one facet."""

    def fmt(value: str) -> str:
        return value_text(field, value, language)

    return fmt


def _seed(field: str, widget_key: str) -> None:
    """Put the URL's (or the session's) choice into the widget before it is drawn.

    The URL wins when it differs from what this module last wrote there: a pasted link, a
    ``st.page_link`` with query params, or the browser's back button changed it.
    """
    url = query_param_list(field)
    synced = st.session_state.get(_STATE.format(field=field))
    if widget_key not in st.session_state:
        st.session_state[widget_key] = url or list(synced or [])
    elif synced is not None and url != list(synced):
        st.session_state[widget_key] = url
    else:
        st.session_state[widget_key] = [
            _code_of(field, str(v)) for v in st.session_state[widget_key]
        ]


def facet_bar(
    con_or_query: duckdb.DuckDBPyConnection | Callable[..., Any],
    *,
    key: str,
    fields: Sequence[str] = FIELDS,
    where: str = "",
) -> Facets:
    """Render the facet widgets (in the sidebar) with counts and return the chosen facets.

    ``con_or_query`` is ``db.query`` on a page (cached per file version) or a connection in a
    test. ``key`` names this page's bar (its widget keys and the matched-notices caption);
    ``where`` is the page's own fixed predicate over ``v_notices n`` (no parameters), e.g. the
    Overview chart's "states completion figures", so counts match what the page shows.
    """
    language = lang()
    widget_keys = {name: f"facet_{key}_{name}" for name in fields}
    for name in fields:
        _seed(name, widget_keys[name])
    current = Facets(
        **{name: tuple(str(v) for v in st.session_state[widget_keys[name]]) for name in fields}
    )
    table = counts(con_or_query, current, fields, where)
    chosen: dict[str, tuple[str, ...]] = {}
    with st.sidebar:
        st.markdown(f"**{t('facets.title')}**")
        for name in fields:
            rows = table[table["facet"] == name]
            n_by_value = dict(
                zip(rows["value"].astype(str), rows["notices"].astype(int), strict=True)
            )
            picked = [str(v) for v in st.session_state[widget_keys[name]]]
            # A chosen value with no notice under the other facets stays an option (count 0):
            # dropping it would silently change the user's filter.
            options = list(n_by_value) + [v for v in picked if v not in n_by_value]
            values = st.multiselect(
                t(f"facets.{name}"),
                options,
                key=widget_keys[name],
                # Labels without counts: the browser echoes the label back, and a count that
                # changed since would no longer name the option.
                format_func=_formatter(name, language),
                placeholder=t("facets.any") if options else t("facets.none"),
                disabled=not options,
            )
            if n_by_value:
                st.caption(_count_line(name, n_by_value, language))
            chosen[name] = tuple(_code_of(name, str(v)) for v in values)
            set_query_param(name, list(chosen[name]))
            st.session_state[_STATE.format(field=name)] = list(chosen[name])
    return Facets(**chosen)


#: How many values a facet's count line names (the widget offers all of them).
_COUNT_LINE_VALUES = 6


def _count_line(field: str, n_by_value: dict[str, int], language: str) -> str:
    """``市级 12 · 县级 5 · …``: the facet's most frequent values and their notice counts."""
    shown = list(n_by_value.items())[:_COUNT_LINE_VALUES]
    line = " · ".join(
        label("facets.option", language, value=value_text(field, v, language), n=n)
        for v, n in shown
    )
    return line + (" · …" if len(n_by_value) > len(shown) else "")


def copy_link_button(key: str = "copy_link") -> None:
    """A 复制链接 button that copies the page's current address, query string included.

    The address is read in the browser at click time (the server does not know the fragment
    the user sees), inside Streamlit's same-origin component frame, with a selectable text box
    as the fallback when the clipboard is refused (plain http on a LAN). No outside request.
    ``st.iframe`` of an HTML string is same-origin, so the script may read the parent's URL.
    """
    texts = {
        "label": t("facets.copy_link"),
        "done": t("facets.copied"),
        "failed": t("facets.copy_failed"),
    }
    payload = html.escape(json.dumps(texts, ensure_ascii=False), quote=True)
    st.iframe(
        f"""
<div id="xuncha-{html.escape(key)}" data-texts="{payload}"
     style="font-family:sans-serif;font-size:14px">
  <button type="button" style="padding:4px 10px;border:1px solid #bbb;border-radius:6px;
          background:#fff;cursor:pointer"></button>
  <span class="msg" style="margin-left:6px;color:#555"></span>
  <input class="url" readonly style="display:none;width:95%;margin-top:4px">
</div>
<script>
(function () {{
  const box = document.currentScript.previousElementSibling;
  const texts = JSON.parse(box.dataset.texts);
  const button = box.querySelector("button");
  const msg = box.querySelector(".msg");
  const field = box.querySelector(".url");
  button.textContent = texts.label;
  button.addEventListener("click", function () {{
    let url;
    try {{ url = window.parent.location.href; }} catch (e) {{ url = document.referrer; }}
    const fallback = function () {{
      field.style.display = "block"; field.value = url; field.select();
      let ok = false;
      try {{ ok = document.execCommand("copy"); }} catch (e) {{ ok = false; }}
      msg.textContent = ok ? texts.done : texts.failed;
    }};
    if (navigator.clipboard && window.isSecureContext) {{
      navigator.clipboard.writeText(url).then(function () {{ msg.textContent = texts.done; }},
                                              fallback);
    }} else {{ fallback(); }}
  }});
}})();
</script>
""",
        height=70,
    )
