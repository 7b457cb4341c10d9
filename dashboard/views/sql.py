"""SQL: saved queries with typed parameters, and an ad hoc read-only, locked-down query box.

Saved queries are the files of ``sql/queries/`` (:mod:`extract.store.saved_queries`). Each has a
URL — ``sql?saved=NAME&param=value`` — that opens the page with the query chosen, its form
filled and its result shown, so a colleague can be sent the exact table; ``xuncha sql --saved
NAME --param k=v`` prints the same. Form values reach the SQL only as typed literals (see the
loader), and everything still runs in the one locked-down runner (notes §3).

The schema browser lists every table and view with its column types and, where
``sql/columns.toml`` describes it, what the column means.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import db
from dashboard.i18n import labels
from dashboard.sqlbox import MAX_ROWS, TIMEOUT_S, SqlFailed, SqlRefused, saved_queries
from dashboard.ui import download, lang, require_data, t
from extract.store import StoreError
from extract.store.column_docs import column_descriptions
from extract.store.saved_queries import Param, SavedQuery, SavedQueryError, coerce
from extract.store.sql_runner import SqlResult

HISTORY_SIZE = 10
SAVED_KEY = "sql_saved"
URL_SAVED = "saved"


def _field_key(query: SavedQuery, param: Param) -> str:
    return f"sql_p_{query.name}_{param.name}"


def _url_text(param: Param, value: object) -> str:
    """How a value is written in the URL (and read back by :func:`coerce`)."""
    if param.type == "boolean":
        return "true" if value else "false"
    if param.type == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _widget_value(param: Param, value: object) -> object:
    """A coerced value in the form its widget holds (number_input wants a float for numbers)."""
    if param.type == "number":
        return float(value)  # type: ignore[arg-type]
    return value


def _reset_fields(query: SavedQuery) -> None:
    for param in query.params:
        st.session_state[_field_key(query, param)] = _widget_value(param, param.default)


def _pick(name: str, run: bool) -> None:
    """Choose a saved query (button or selectbox callback): fields at their defaults, URL set."""
    st.session_state[SAVED_KEY] = name
    query = _by_name().get(name)
    if query is not None:
        _reset_fields(query)
    st.session_state["sql_run_saved"] = run and query is not None
    st.session_state.pop("sql_result", None)
    _write_url(query, {})


def _on_select() -> None:
    _pick(st.session_state.get(SAVED_KEY) or "", run=False)


def _write_url(query: SavedQuery | None, values: dict[str, object]) -> None:
    """``saved=NAME`` plus every parameter that differs from its default, nothing else of ours."""
    for name in list(st.query_params):
        if name == URL_SAVED or any(name == p.name for q in saved_queries() for p in q.params):
            del st.query_params[name]
    if query is not None:
        st.query_params[URL_SAVED] = query.name
        for param in query.params:
            if param.name in values and values[param.name] != param.default:
                st.query_params[param.name] = _url_text(param, values[param.name])
    # What we wrote is already applied: reading it back must not reset the form or rerun.
    st.session_state["_sql_url_applied"] = _url_signature()


def _url_signature() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((k, tuple(st.query_params.get_all(k))) for k in st.query_params))


def _by_name() -> dict[str, SavedQuery]:
    return {q.name: q for q in saved_queries()}


def _from_url() -> None:
    """Apply ``?saved=NAME&p=v`` once per distinct URL: choose the query, fill, run it."""
    name = st.query_params.get(URL_SAVED)
    if not name:
        return
    signature = _url_signature()
    if st.session_state.get("_sql_url_applied") == signature:
        return
    st.session_state["_sql_url_applied"] = signature
    query = _by_name().get(name)
    if query is None:
        st.session_state["_sql_url_problem"] = t("sql.saved.unknown", name=name)
        return
    st.session_state[SAVED_KEY] = name
    _reset_fields(query)
    for param in query.params:
        raw = st.query_params.get(param.name)
        if raw is None:
            continue
        try:
            value = coerce(param, raw, query.path)
        except SavedQueryError:
            st.session_state["_sql_url_problem"] = t(
                "sql.saved.bad_value", name=param.label(lang()), value=raw, kind=param.type
            )
            continue
        st.session_state[_field_key(query, param)] = _widget_value(param, value)
    st.session_state["sql_run_saved"] = True


def _field(query: SavedQuery, param: Param) -> None:
    """One typed form field; its value lives in session state under :func:`_field_key`."""
    key, text = _field_key(query, param), param.label(lang())
    if param.type == "boolean":
        st.checkbox(text, key=key)
    elif param.type == "integer":
        st.number_input(text, key=key, step=1)
    elif param.type == "number":
        st.number_input(text, key=key, format="%g")
    elif param.type == "date":
        st.date_input(text, key=key, format="YYYY-MM-DD")
    else:
        st.text_input(text, key=key)


def _values(query: SavedQuery) -> dict[str, object]:
    out: dict[str, object] = {}
    for param in query.params:
        value = st.session_state.get(_field_key(query, param), param.default)
        out[param.name] = coerce(param, value, query.path)
    return out


def _run(sql: str) -> None:
    """Run ``sql`` in the box; keep the result (or show why not) for the result area."""
    try:
        result = box.run(sql)
    except SqlRefused as exc:
        st.session_state.pop("sql_result", None)
        st.error(_refusal(exc))
    except SqlFailed as exc:
        st.session_state.pop("sql_result", None)
        if exc.timed_out:
            st.error(t("sql.timeout", seconds=f"{TIMEOUT_S:g}"))
        else:
            st.error(t("sql.failed"))
            st.code(str(exc), language="text")
    except StoreError as exc:
        st.session_state.pop("sql_result", None)
        st.error(str(exc))
    else:
        st.session_state["sql_result"] = result


def _refusal(exc: SqlRefused) -> str:
    """The translated refusal, or the runner's own English / Chinese line for a code the
    labels do not have yet (a new refusal must never show as a raw ``sql.refused.x`` key)."""
    key = f"sql.refused.{exc.code}"
    return t(key, detail=exc.detail) if key in labels() else str(exc)


def _use_history() -> None:
    chosen = st.session_state.get("sql_history_pick")
    if chosen:
        st.session_state["sql_text"] = chosen


def _to_box(sql: str) -> None:
    st.session_state["sql_text"] = sql


def _schema_lines(cols: pd.DataFrame, table: str, notes: dict[tuple[str, str], str]) -> str:
    width = max((len(c) for c in cols["column_name"]), default=0)
    lines = []
    for column, kind in zip(cols["column_name"], cols["data_type"], strict=True):
        note = notes.get((table, column), "")
        lines.append(f"{column.ljust(width)}  {kind}" + (f"  — {note}" if note else ""))
    return "\n".join(lines)


status = require_data()
box = db.sql_box(str(status.path))
st.title(t("sql.title"))
st.caption(t("sql.caption", rows=MAX_ROWS, seconds=f"{TIMEOUT_S:g}"))
_from_url()

main, side = st.columns([3, 1])
with side:
    st.markdown(f"**{t('sql.schema')}**")
    try:
        schema = box.schema()
    except StoreError as exc:
        schema = None
        st.error(str(exc))
    if schema is not None:
        notes = column_descriptions(lang())
        for (table, kind), cols in schema.groupby(["table_name", "object_type"], sort=False):
            with st.expander(f"{table} ({t('sql.' + kind)})"):
                st.code(_schema_lines(cols, str(table), notes), language="text")

with main:
    problem = st.session_state.pop("_sql_url_problem", None)
    if problem:
        st.warning(problem)
    st.markdown(f"**{t('sql.saved.examples')}**")
    ex_cols = st.columns(3)
    for i, saved in enumerate(saved_queries()):
        ex_cols[i % 3].button(
            saved.title(lang()),
            key=f"sql_example_{i}",
            on_click=_pick,
            args=(saved.name, True),
            help=saved.description(lang()),
            width="stretch",
        )
    names = ["", *(q.name for q in saved_queries())]
    if st.session_state.get(SAVED_KEY) not in names:
        st.session_state[SAVED_KEY] = ""
    st.selectbox(
        t("sql.saved.pick"),
        names,
        key=SAVED_KEY,
        on_change=_on_select,
        format_func=lambda n: _by_name()[n].title(lang()) if n else t("sql.saved.none"),
    )
    chosen = _by_name().get(st.session_state.get(SAVED_KEY) or "")
    if chosen is not None:
        st.caption(chosen.description(lang()))
        with st.form(key="sql_saved_form", border=True):
            for param in chosen.params:
                _field(chosen, param)
            submitted = st.form_submit_button(
                t("sql.run"), type="primary", icon=":material/play_arrow:"
            )
        if submitted or st.session_state.pop("sql_run_saved", False):
            try:
                values = _values(chosen)
            except SavedQueryError:
                st.error(t("sql.saved.bad_form"))
            else:
                _write_url(chosen, values)
                bound = chosen.bind(values)
                st.session_state["sql_shown_sql"] = bound
                _run(bound)
        shown_sql = st.session_state.get("sql_shown_sql")
        if shown_sql:
            with st.expander(t("sql.saved.sql")):
                st.code(shown_sql, language="sql")
                st.button(
                    t("sql.saved.edit"), key="sql_saved_edit", on_click=_to_box, args=(shown_sql,)
                )

    if "sql_text" not in st.session_state:
        st.session_state["sql_text"] = saved_queries()[0].bind() if saved_queries() else ""
    sql = st.text_area(t("sql.query"), key="sql_text", height=180)
    run = st.button(t("sql.run"), type="primary", key="sql_run", icon=":material/play_arrow:")
    history: list[str] = st.session_state.setdefault("sql_history", [])
    if history:
        st.selectbox(
            t("sql.history"),
            ["", *history],
            key="sql_history_pick",
            on_change=_use_history,
            format_func=lambda q: q[:80] if q else "—",
        )

    if run:
        _run(sql)
        if "sql_result" in st.session_state:
            if sql.strip() in history:
                history.remove(sql.strip())
            history.insert(0, sql.strip())
            del history[HISTORY_SIZE:]

    shown: SqlResult | None = st.session_state.get("sql_result")
    if shown is not None:
        result = shown
        st.caption(t("sql.rows", n=len(result.frame), seconds=f"{result.elapsed_s:.3f}"))
        if result.truncated:  # by rows or by bytes: either way the first len(frame) rows show
            st.warning(t("sql.truncated", n=len(result.frame)))
        st.dataframe(result.frame, hide_index=True, key="sql_table", placeholder="NULL")
        download(result.frame, "query", key="dl_sql")
