-- One row per notice with its headline figures: what the Overview page and notices.csv show.
-- repeated_share: the share of the notice's text that repeats its own earlier text (0..1).
-- <date>_precision: 'day' | 'month' | 'year'; a month- or year-precise date is the first day of
-- its period (2021-03 shows as 2021-03-01 with precision 'month'). rectification_days is NULL
-- unless the feedback and the report dates are both day-precise.
CREATE OR REPLACE VIEW v_notices AS
SELECT
    n.notice_id,
    n.title,
    n.issuer,
    n.inspected_unit,
    n.inspection_body,
    n.inspection_level,
    n.inspection_kind,
    n.inspection_group,
    n.inspection_round,
    n.inspection_type,
    n.region,
    n.inspection_start,
    n.inspection_end,
    n.feedback_date,
    n.as_of_date,
    n.signed_date,
    n.published_date,
    n.inspection_start_precision,
    n.inspection_end_precision,
    n.feedback_date_precision,
    n.as_of_date_precision,
    n.signed_date_precision,
    n.published_date_precision,
    n.rectification_days,
    coalesce(pc.problem_count, 0) AS problem_count,
    coalesce(qc.quantity_count, 0) AS quantity_count,
    c.total AS completion_total,
    c.completed AS completion_completed,
    c.stated_rate,
    c.computed_rate,
    c.consistent AS completion_consistent,
    n.repeated_share,
    n.char_count,
    n.source_path,
    n.source_url,
    n.encoding,
    n.ingested_at,
    n.extractor_version
FROM notices n
LEFT JOIN completion c USING (notice_id)
LEFT JOIN (
    SELECT notice_id, count(*) AS problem_count FROM problems
    WHERE is_problem AND NOT coalesce(is_group, false)  -- leaf problems: a group heading is not counted again
    GROUP BY notice_id
) pc USING (notice_id)
LEFT JOIN (
    SELECT notice_id, count(*) AS quantity_count FROM quantities GROUP BY notice_id
) qc USING (notice_id);
