-- One row per notice x facet x value: what the dashboard's facet bar counts and filters on
-- (Datasette-style facets, issue #11). A single-valued facet (level, kind, body, region, year)
-- has at most one row per notice; a many-valued one (family: the metric families the notice
-- states; status: the problem statuses it lists) has one row per distinct value. A notice
-- without a value has no row for that facet: "unknown" is not a value to pick.
-- year: the year of the notice's report date (signed, else as-of, else feedback), the same date
-- that orders notices everywhere else.
CREATE OR REPLACE VIEW v_facets AS
SELECT notice_id, 'level' AS facet, inspection_level AS value
FROM notices WHERE nullif(trim(inspection_level), '') IS NOT NULL
UNION ALL
SELECT notice_id, 'kind', inspection_kind
FROM notices WHERE nullif(trim(inspection_kind), '') IS NOT NULL
UNION ALL
SELECT notice_id, 'body', inspection_body
FROM notices WHERE nullif(trim(inspection_body), '') IS NOT NULL
UNION ALL
SELECT notice_id, 'region', region
FROM notices WHERE nullif(trim(region), '') IS NOT NULL
UNION ALL
SELECT notice_id, 'year', strftime(coalesce(signed_date, as_of_date, feedback_date), '%Y')
FROM notices WHERE coalesce(signed_date, as_of_date, feedback_date) IS NOT NULL
UNION ALL
SELECT DISTINCT q.notice_id, 'family', m.family
FROM quantities q JOIN metrics m ON m.metric_id = q.metric_id
WHERE m.family IS NOT NULL
UNION ALL
SELECT DISTINCT notice_id, 'status', status
FROM problems WHERE status IS NOT NULL AND is_problem;
