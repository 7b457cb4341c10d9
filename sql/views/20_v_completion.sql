-- Per-notice completion audit (ENGINEERING_NOTES §11): stated figures beside recomputed ones.
-- verdict: consistent (a check passed, none failed) | inconsistency | not_checkable (nothing to
-- compare; silence is not consistency). formula: the rate formula that matched (or the one
-- tried, for an inconsistency); tolerance: ± percentage points from the stated decimals
-- (98% ±0.5, 95.2% ±0.05). scope: what the total counts (a rate of measures is never compared
-- with problem counts). listed_problems vs stated_problems: the leaf problems the notice lists
-- against the problem counts its summary states (a difference is in issues, and an anomaly).
-- evidence: role:start-end offsets into notices.text of every figure read.
CREATE OR REPLACE VIEW v_completion AS
SELECT
    c.notice_id,
    nu.inspected_unit,
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
         THEN round(c.stated_rate - c.computed_rate, 2) END AS rate_gap,
    c.consistent,
    coalesce(c.verdict, CASE WHEN c.consistent IS NULL THEN 'not_checkable'
                             WHEN c.consistent THEN 'consistent' ELSE 'inconsistency' END)
        AS verdict,
    c.formula,
    c.tolerance,
    c.rate_surface,
    c.scope,
    c.listed_problems,
    c.stated_problems,
    c.issues,
    c.sentence,
    c.evidence
FROM completion c
JOIN notices n USING (notice_id)
JOIN v_notice_units nu USING (notice_id);

-- One row per notice that states completion figures or lists problem statuses: what the
-- Overview completion chart draws. A notice that lists statuses (已完成/基本完成/…) but states no
-- figures is drawn from the statuses of its leaf problems (basis = 'statuses'), so it is not left
-- out; one that states figures keeps them (basis = 'stated'). recomputed_rate is the audit's
-- recomputed rate, else the share of completed problem statuses (v_completion.status_rate, or
-- the same share counted here when the notice has no completion row at all).
CREATE OR REPLACE VIEW v_completion_chart AS
WITH statuses AS (
    SELECT notice_id,
           count(*) AS total,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'basically_completed') AS basically_completed,
           count(*) FILTER (WHERE status = 'not_completed') AS not_completed,
           count(*) FILTER (WHERE status = 'long_term') AS long_term,
           count(*) FILTER (WHERE status = 'in_progress') AS in_progress
    FROM problems
    WHERE is_problem AND NOT coalesce(is_group, false) AND status IS NOT NULL
    GROUP BY notice_id
), stated AS (
    SELECT * FROM completion
    WHERE total IS NOT NULL OR stated_rate IS NOT NULL OR completed IS NOT NULL
)
SELECT
    n.notice_id,
    CASE WHEN c.total IS NOT NULL OR c.completed IS NOT NULL THEN 'stated' ELSE 'statuses' END
        AS basis,
    CASE WHEN c.total IS NOT NULL OR c.completed IS NOT NULL THEN c.total ELSE s.total END
        AS total,
    CASE WHEN c.total IS NOT NULL OR c.completed IS NOT NULL THEN c.completed
         ELSE s.completed END AS completed,
    CASE WHEN c.total IS NOT NULL OR c.completed IS NOT NULL THEN c.basically_completed
         ELSE s.basically_completed END AS basically_completed,
    CASE WHEN c.total IS NOT NULL OR c.completed IS NOT NULL THEN c.not_completed
         ELSE s.not_completed END AS not_completed,
    CASE WHEN c.total IS NOT NULL OR c.completed IS NOT NULL THEN c.long_term
         ELSE s.long_term END AS long_term,
    CASE WHEN c.total IS NOT NULL OR c.completed IS NOT NULL THEN c.in_progress
         ELSE s.in_progress END AS in_progress,
    c.stated_rate,
    coalesce(c.computed_rate, c.status_rate,
             CASE WHEN s.total > 0 THEN round(s.completed * 100.0 / s.total, 1) END)
        AS recomputed_rate,
    c.consistent,
    c.issues
FROM notices n
LEFT JOIN stated c USING (notice_id)
LEFT JOIN statuses s USING (notice_id)
WHERE c.notice_id IS NOT NULL OR s.notice_id IS NOT NULL;
