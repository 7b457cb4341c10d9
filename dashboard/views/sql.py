"""SQL: an ad hoc, read-only, locked-down query box over the database (notes §3)."""

from __future__ import annotations

import streamlit as st

from dashboard import db
from dashboard.i18n import labels
from dashboard.sqlbox import MAX_ROWS, TIMEOUT_S, SqlFailed, SqlRefused, examples
from dashboard.ui import download, lang, require_data, t
from extract.store import StoreError
from extract.store.sql_runner import SqlResult

HISTORY_SIZE = 10


def _use_example(sql: str) -> None:
    """Button callback: put the example in the box and run it straight away."""
    st.session_state["sql_text"] = sql.strip()
    st.session_state["sql_run_now"] = True


def _refusal(exc: SqlRefused) -> str:
    """The translated refusal, or the runner's own English / Chinese line for a code the
    labels do not have yet (a new refusal must never show as a raw ``sql.refused.x`` key)."""
    key = f"sql.refused.{exc.code}"
    return t(key, detail=exc.detail) if key in labels() else str(exc)


def _use_history() -> None:
    chosen = st.session_state.get("sql_history_pick")
    if chosen:
        st.session_state["sql_text"] = chosen


status = require_data()
box = db.sql_box(str(status.path))
st.title(t("sql.title"))
st.caption(t("sql.caption", rows=MAX_ROWS, seconds=f"{TIMEOUT_S:g}"))

main, side = st.columns([3, 1])
with side:
    st.markdown(f"**{t('sql.schema')}**")
    try:
        schema = box.schema()
    except StoreError as exc:
        schema = None
        st.error(str(exc))
    if schema is not None:
        for (table, kind), cols in schema.groupby(["table_name", "object_type"], sort=False):
            with st.expander(f"{table} ({t('sql.' + kind)})"):
                st.code(
                    "\n".join(
                        f"{c}  {d}"
                        for c, d in zip(cols["column_name"], cols["data_type"], strict=True)
                    ),
                    language="text",
                )

with main:
    st.markdown(f"**{t('sql.examples')}**")
    ex_cols = st.columns(3)
    for i, example in enumerate(examples()):
        ex_cols[i % 3].button(
            example[f"title_{lang()}"],
            key=f"sql_example_{i}",
            on_click=_use_example,
            args=(example["sql"],),
            width="stretch",
        )
    if "sql_text" not in st.session_state:
        st.session_state["sql_text"] = examples()[0]["sql"].strip()
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

    if run or st.session_state.pop("sql_run_now", False):
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
