-- Figures over time (the `trends` page, issue #11 item 3): one row per dated point, in long form,
-- with both time axes a user can pick (feedback date or as-of date) and the inspection round, so
-- the page only filters and plots. A point without the chosen date cannot be placed on the axis:
-- the page counts those notices instead of dropping them silently.

-- One row per notice x canonical metric x unit of measure (v_metric_values: the notice's one
-- figure by the metric's aggregate) with the notice's dates and their precisions.
CREATE OR REPLACE VIEW v_metric_trend AS
SELECT
    v.notice_id,
    nu.inspected_unit AS unit_name,
    v.metric_id,
    v.metric_name,
    v.metric_name_en,
    v.family,
    v.aggregate,
    v.unit,
    v.value,
    v.values_disagree,
    n.feedback_date,
    n.feedback_date_precision,
    n.as_of_date,
    n.as_of_date_precision,
    n.inspection_round
FROM v_metric_values v
JOIN notices n USING (notice_id)
JOIN v_notice_units nu USING (notice_id);

-- One row per notice that states or implies a completion rate: the stated rate, the rate
-- recomputed from its counts (v_completion) and its dates. `rate` is the recomputed rate when
-- there is one (it is checked against the notice's own counts), else the stated one.
CREATE OR REPLACE VIEW v_completion_trend AS
SELECT
    c.notice_id,
    nu.inspected_unit AS unit_name,
    c.stated_rate,
    c.computed_rate,
    coalesce(c.computed_rate, c.stated_rate) AS rate,
    c.verdict,
    n.feedback_date,
    n.feedback_date_precision,
    n.as_of_date,
    n.as_of_date_precision,
    n.inspection_round
FROM v_completion c
JOIN notices n USING (notice_id)
JOIN v_notice_units nu USING (notice_id)
WHERE c.stated_rate IS NOT NULL OR c.computed_rate IS NOT NULL;
