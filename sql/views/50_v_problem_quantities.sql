-- Per problem-tree node: its status and the quantities inside it.
-- A node's span covers its sub-items, so quantity_count counts the quantities of its measures
-- (一是…二是…) and sub-problems too: "how many figures does this problem's rectification cite".
-- own_quantity_count counts only those whose deepest node is this one (quantities.problem_id),
-- so own counts add up to the notice total while quantity_count nests.
-- is_group: a feedback problem whose sub-items are problems (a heading over 一是…二是…). The
-- notice's problem count is its leaves, is_problem AND NOT is_group; counting both doubles it.
-- No money total here: a problem's figures are of unlike metrics (money invested, recovered,
-- GDP); per-metric values are in v_metric_values.
CREATE OR REPLACE VIEW v_problem_quantities AS
SELECT
    p.notice_id,
    nu.inspected_unit,
    p.problem_id,
    p.path,
    p.level,
    p.title,
    p.status,
    p.is_problem,
    coalesce(p.is_group, false) AS is_group,
    count(q.quantity_id) AS quantity_count,
    count(q.quantity_id) FILTER (WHERE q.problem_id = p.problem_id) AS own_quantity_count,
    count(q.quantity_id) FILTER (WHERE q.kind = 'count') AS count_quantities,
    count(q.quantity_id) FILTER (WHERE q.kind = 'money') AS money_quantities,
    count(q.quantity_id) FILTER (WHERE q.metric_id IS NOT NULL) AS metric_quantities,
    count(q.quantity_id) FILTER (WHERE q.kind = 'date') AS date_quantities
FROM problems p
JOIN notices n USING (notice_id)
JOIN v_notice_units nu USING (notice_id)
LEFT JOIN quantities q
       ON q.notice_id = p.notice_id
      AND q.start_offset >= p.start_offset
      AND q.start_offset < p.end_offset
GROUP BY ALL;
