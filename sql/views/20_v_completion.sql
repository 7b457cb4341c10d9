-- Per-notice completion: stated figures beside recomputed ones, with the disagreement flag.
CREATE OR REPLACE VIEW v_completion AS
SELECT
    c.notice_id,
    n.inspected_unit,
    n.inspection_body,
    n.as_of_date,
    n.signed_date,
    c.total,
    c.completed,
    c.basically_completed,
    c.not_completed,
    c.long_term,
    c.in_progress,
    c.stated_rate,
    c.computed_rate,
    c.status_rate,
    CASE WHEN c.stated_rate IS NOT NULL AND c.computed_rate IS NOT NULL
         THEN round(c.stated_rate - c.computed_rate, 1) END AS rate_gap,
    c.consistent,
    c.issues,
    c.sentence
FROM completion c
JOIN notices n USING (notice_id);
