-- Inspected units (the `unit` and `units` pages of the dashboard, issue #11 item 4).
-- A unit is the inspected unit of its notices as v_notice_units gives it (trimmed, the aliases
-- file applied); a notice without one belongs to no unit (it is still on every notice page). `notice_date` orders a unit's notices: the date the figures
-- are as of, else the signature, else the feedback date (the first one a notice states).

-- One row per notice of a named unit, with the date that places it on the unit's timeline.
CREATE OR REPLACE VIEW v_unit_notices AS
SELECT
    nu.inspected_unit AS unit_name,
    n.notice_id,
    coalesce(n.as_of_date, n.signed_date, n.feedback_date) AS notice_date,
    CASE WHEN n.as_of_date IS NOT NULL THEN n.as_of_date_precision
         WHEN n.signed_date IS NOT NULL THEN n.signed_date_precision
         ELSE n.feedback_date_precision END AS notice_date_precision,
    -- orders a unit's notices, latest last: arg_max(x, latest_key) is "x of the latest notice"
    -- (an undated notice sorts first, so it is never the latest; the id breaks ties). A key
    -- rather than a window, so a filter on one unit reaches the scan of notices.
    coalesce(strftime(coalesce(n.as_of_date, n.signed_date, n.feedback_date), '%Y-%m-%d'), '')
        || n.notice_id AS latest_key
FROM notices n
JOIN v_notice_units nu USING (notice_id)
WHERE nu.inspected_unit IS NOT NULL;

-- One row per unit: how many notices over which dates, its problems, figures and findings.
-- latest_*_rate: the completion rates of its latest notice that states any (not an average:
-- rates of different rounds do not add). inconsistent_audits counts notices whose stated rate
-- disagrees with the recomputed one; copied_measures counts passages a notice shares with
-- notices of other units (v_shared_passages label copied_measure).
CREATE OR REPLACE VIEW v_units AS
WITH per_notice AS (
    SELECT u.unit_name, u.notice_id, u.notice_date, u.latest_key,
           v.problem_count, v.quantity_count, v.stated_rate, v.computed_rate,
           c.verdict,
           coalesce(a.anomaly_count, 0) AS anomaly_count,
           coalesce(s.copied_measures, 0) AS copied_measures
    FROM v_unit_notices u
    JOIN v_notices v USING (notice_id)
    LEFT JOIN v_completion c USING (notice_id)
    -- GROUP BY joins rather than per-row subqueries: linear in the store
    -- a missing signature date is a metadata gap most scraped notices share, not a numbering
    -- or structure fault: not counted, as on the Overview (dashboard/data.py
    -- UNCOUNTED_ANOMALIES; tests/test_dashboard_pages.py checks the two agree)
    LEFT JOIN (SELECT notice_id, count(*) AS anomaly_count FROM anomalies
               WHERE kind <> 'missing_signature' GROUP BY notice_id) a
           USING (notice_id)
    LEFT JOIN (SELECT notice_id, count(*) AS copied_measures FROM v_shared_passages
               WHERE label = 'copied_measure' GROUP BY notice_id) s USING (notice_id)
)
SELECT
    unit_name,
    count(*) AS notices,
    min(notice_date) AS first_date,
    max(notice_date) AS last_date,
    count(*) FILTER (WHERE notice_date IS NULL) AS undated_notices,
    sum(problem_count)::BIGINT AS problems,
    sum(quantity_count)::BIGINT AS quantities,
    arg_max(stated_rate, latest_key) FILTER (WHERE stated_rate IS NOT NULL) AS latest_stated_rate,
    arg_max(computed_rate, latest_key) FILTER (WHERE computed_rate IS NOT NULL)
        AS latest_computed_rate,
    count(*) FILTER (WHERE verdict = 'inconsistency') AS inconsistent_audits,
    sum(anomaly_count)::BIGINT AS anomalies,
    sum(copied_measures)::BIGINT AS copied_measures
FROM per_notice
GROUP BY unit_name;

-- One row per unit x canonical metric x unit of measure: the unit's figure over all its notices,
-- by the metric's declared aggregate (metrics.aggregate):
--   sum, headline  added over the unit's notices (each notice's value is already v_metric_values'
--                  one definition: a restated figure once, a headline once), never for a percent;
--   none, and any percent   the latest notice's value (rates and outputs do not add up).
-- unit_aggregate says which of the two a row is ('sum' | 'latest'), so a page can say so.
-- Values are never added across units of measure (人 and 人次 stay two rows).
CREATE OR REPLACE VIEW v_unit_metric_values AS
WITH vals AS (
    -- the unit comes from v_metric_values' own group key, so a filter on one unit is pushed
    -- below its aggregation instead of aggregating the whole store first
    SELECT trim(v.inspected_unit) AS unit_name, u.notice_date, u.latest_key, v.*,
           v.aggregate IN ('sum', 'headline') AND v.unit <> '%' AS adds_up
    FROM v_metric_values v
    JOIN v_unit_notices u USING (notice_id)
    WHERE nullif(trim(v.inspected_unit), '') IS NOT NULL
)
SELECT
    unit_name,
    metric_id,
    metric_name,
    metric_name_en,
    family,
    aggregate,
    unit,
    CASE WHEN bool_and(adds_up) THEN 'sum' ELSE 'latest' END AS unit_aggregate,
    CASE WHEN bool_and(adds_up) THEN sum(value)
         ELSE arg_max(value, latest_key) FILTER (WHERE value IS NOT NULL) END AS value,
    count(*) AS notices,
    sum(statements)::BIGINT AS statements,
    arg_max(notice_id, latest_key) AS latest_notice_id,
    max(notice_date) AS latest_date,
    bool_or(any_approx) AS any_approx,
    bool_or(values_disagree) AS values_disagree
FROM vals
GROUP BY unit_name, metric_id, metric_name, metric_name_en, family, aggregate, unit;

-- Per canonical metric of the taxonomy: how many notices state it and how often (0 when none),
-- for metric pickers. Counted on quantities directly (one GROUP BY) rather than through
-- v_metric_values, which aggregates every notice x metric x unit first.
CREATE OR REPLACE VIEW v_metric_usage AS
SELECT
    m.metric_id,
    m.name_zh,
    m.name_en,
    m.family,
    m.unit,
    m.aggregate,
    coalesce(u.notices, 0) AS notices,
    coalesce(u.statements, 0) AS statements
FROM metrics m
LEFT JOIN (
    SELECT metric_id, count(DISTINCT notice_id) AS notices, count(*) AS statements
    FROM quantities
    WHERE metric_id IS NOT NULL AND kind <> 'date' AND value IS NOT NULL
    GROUP BY metric_id
) u USING (metric_id);
