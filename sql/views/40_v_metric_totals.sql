-- Per notice, kind and unit (and metric phrase): how many quantities and their sum.
-- Dates are left out: summing dates means nothing.
CREATE OR REPLACE VIEW v_metric_totals AS
SELECT
    q.notice_id,
    n.inspected_unit,
    q.kind,
    q.unit,
    q.metric,
    count(*) AS quantity_count,
    sum(q.value) AS value_sum,
    min(q.value) AS value_min,
    max(q.value) AS value_max,
    bool_or(q.approx) AS any_approx
FROM quantities q
JOIN notices n USING (notice_id)
WHERE q.kind <> 'date'
GROUP BY q.notice_id, n.inspected_unit, q.kind, q.unit, q.metric;
