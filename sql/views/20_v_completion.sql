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
JOIN notices n USING (notice_id);
