-- One row per notice, its headline metrics (aggregate = 'headline' in metrics.toml) as columns:
-- the figures a supervisor compares first. Each column holds the notice's first statement of
-- that metric (v_metric_values), whatever item word it used (个 / 项 / 条 all count items).
-- tests/test_metric_views.py checks that every headline metric of the taxonomy has a column.
CREATE OR REPLACE VIEW v_unit_metrics AS
WITH mv AS (
    SELECT notice_id, metric_id, value, quantity_ids[1] AS first_quantity FROM v_metric_values
)
SELECT
    n.notice_id,
    nu.inspected_unit,
    n.inspection_body,
    n.feedback_date,
    n.as_of_date,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.problems_total') AS rect_problems_total,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.problems_completed') AS rect_problems_completed,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.problems_basically') AS rect_problems_basically,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.problems_open') AS rect_problems_open,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.problems_long_term') AS rect_problems_long_term,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.aspects') AS rect_aspects,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.measures_total') AS rect_measures_total,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.measures_completed') AS rect_measures_completed,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.suggestions') AS rect_suggestions,
    arg_min(mv.value, mv.first_quantity) FILTER (WHERE mv.metric_id = 'rect.completion_rate') AS rect_completion_rate,
    c.stated_rate AS completion_stated_rate,
    c.computed_rate AS completion_computed_rate,
    count(DISTINCT mv.metric_id) AS metrics_stated,
    n.repeated_share
FROM notices n
JOIN v_notice_units nu USING (notice_id)
LEFT JOIN mv USING (notice_id)
LEFT JOIN completion c USING (notice_id)
GROUP BY ALL;
