-- How much of a notice the taxonomy understands, and what it does not yet: the taxonomy's
-- to-do list. Only the kinds that can carry a metric id count (METRICS.md: count, money, area,
-- length, volume, mass); percents, durations, ranks and dates get no id by design (the one
-- exception, a stated completion rate, is assigned but not counted here either way).
CREATE OR REPLACE VIEW v_metric_coverage AS
SELECT
    n.notice_id,
    nu.inspected_unit,
    count(q.quantity_id) AS quantities,
    count(q.quantity_id) FILTER (WHERE q.metric_id IS NOT NULL) AS assigned,
    count(q.quantity_id) FILTER (WHERE q.metric_id IS NULL) AS unassigned,
    CASE WHEN count(q.quantity_id) > 0
         THEN count(q.quantity_id) FILTER (WHERE q.metric_id IS NOT NULL) / count(q.quantity_id)
    END AS assigned_share
FROM notices n
JOIN v_notice_units nu USING (notice_id)
LEFT JOIN quantities q
       ON q.notice_id = n.notice_id
      AND q.kind IN ('count', 'money', 'area', 'length', 'volume', 'mass')
GROUP BY n.notice_id, nu.inspected_unit;

-- Every quantity of those kinds without a metric id, with the phrase that says what it counts
-- (quantities.metric): grouping these by phrase shows which wordings the taxonomy still misses.
CREATE OR REPLACE VIEW v_unassigned_quantities AS
SELECT
    q.notice_id,
    q.quantity_id,
    nu.inspected_unit,
    q.kind,
    q.unit,
    q.metric,
    q.surface,
    q.value,
    q.problem_path,
    q.start_offset,
    q.end_offset,
    q.restates_quantity_id
FROM quantities q
JOIN notices n USING (notice_id)
JOIN v_notice_units nu USING (notice_id)
WHERE q.metric_id IS NULL
  AND q.kind IN ('count', 'money', 'area', 'length', 'volume', 'mass');

-- The statements behind each v_metric_values row, one row per quantity, and whether the row's
-- value counts it: `sum` counts every statement that is not a restatement, `headline` counts
-- the first statement only, `none` counts nothing (never added). The rules mirror
-- v_metric_values so a page can show which sentence gave the figure and which were counted
-- once; tests check that the counted values add up to v_metric_values.value.
CREATE OR REPLACE VIEW v_metric_sources AS
WITH ids AS (
    SELECT notice_id, metric_id, unit, aggregate, quantity_ids[1] AS first_id,
           unnest(quantity_ids) AS quantity_id
    FROM v_metric_values
)
SELECT
    ids.notice_id,
    ids.metric_id,
    ids.unit,
    ids.aggregate,
    ids.quantity_id,
    q.restates_quantity_id,
    CASE ids.aggregate
        WHEN 'sum' THEN q.restates_quantity_id IS NULL
        WHEN 'headline' THEN ids.quantity_id = ids.first_id
        ELSE FALSE
    END AS counted
FROM ids
JOIN quantities q ON q.notice_id = ids.notice_id AND q.quantity_id = ids.quantity_id;
