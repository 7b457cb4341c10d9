-- The user's name fixes (data/aliases.toml, or `--aliases FILE`), loaded by
-- extract/store/aliases.py:sync_aliases at ingest and by `xuncha aliases`. Created here rather
-- than in a migration because v_notice_names below must bind to it, and like `metrics` it is a
-- copy of a file, rebuilt whole by every load: no data of its own to migrate.
-- kind: 'unit' (match = an inspected unit as parsed, name = the preferred unit name) or 'notice'
-- (match = a notice id, source path, source file name or source URL; name = its display name).
-- line: where the entry is in the file, so a name on a page can be traced to the line that made it.
CREATE TABLE IF NOT EXISTS aliases (
    kind VARCHAR NOT NULL,
    match VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    line INTEGER,
    PRIMARY KEY (kind, match)
);
-- Which file was loaded, and its sha256, so `xuncha dashboard` can tell the file changed since.
CREATE TABLE IF NOT EXISTS alias_source (
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    entries INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

-- Each notice's inspected unit as the aliases file prefers it (inspected_unit), and as parsed.
-- The one definition of "the unit" for every view that groups or shows notices by unit: cheap
-- (one join with the small aliases table, no window), so a per-notice query stays per-notice.
CREATE OR REPLACE VIEW v_notice_units AS
SELECT
    n.notice_id,
    coalesce(ua.name, nullif(trim(n.inspected_unit), '')) AS inspected_unit,
    nullif(trim(n.inspected_unit), '') AS inspected_unit_parsed
FROM notices n
LEFT JOIN aliases ua ON ua.kind = 'unit' AND ua.match = trim(n.inspected_unit);

-- One name per notice, the one every page, export and report shows (issue #11 item 6).
-- inspected_unit: the unit as the aliases file prefers it (inspected_unit_parsed: as the parser
-- read it). display_name, in this order:
--   1. the notice's own alias (matched by notice id, source URL, source path, source file name);
--   2. unit + kind + date: "东昌府区 巡视整改 2023-03-23" — kind is 巡视整改 / 巡察整改 (left out
--      when unknown), the date is the feedback date, else the published date, written at its
--      precision (2023-03, 2023), left out when neither is known;
--   3. without a unit: the title (first 40 characters), unless it is a URL;
--   4. without a usable title: the source file name without its extension, hash-like runs of 8+
--      hex digits removed, unless nothing but digits and punctuation is left;
--   5. 未命名通报 (unnamed notice).
-- Never a URL or a hash. Two notices with the same name get " (1)", " (2)" … in notice-id order,
-- so a chart category or a picker option never stands for two notices.
CREATE OR REPLACE VIEW v_notice_names AS
WITH parts AS (
    SELECT
        n.notice_id,
        nu.inspected_unit_parsed AS unit_parsed,
        nu.inspected_unit AS unit,
        coalesce(a_id.name, a_url.name, a_path.name, a_file.name) AS fixed_name,
        CASE n.inspection_kind WHEN '巡视' THEN '巡视整改' WHEN '巡察' THEN '巡察整改' END AS kind,
        CASE WHEN n.feedback_date IS NOT NULL THEN
                 CASE n.feedback_date_precision
                      WHEN 'year' THEN strftime(n.feedback_date, '%Y')
                      WHEN 'month' THEN strftime(n.feedback_date, '%Y-%m')
                      ELSE strftime(n.feedback_date, '%Y-%m-%d') END
             WHEN n.published_date IS NOT NULL THEN
                 CASE n.published_date_precision
                      WHEN 'year' THEN strftime(n.published_date, '%Y')
                      WHEN 'month' THEN strftime(n.published_date, '%Y-%m')
                      ELSE strftime(n.published_date, '%Y-%m-%d') END
        END AS dated,
        -- Rules 3 and 4 only matter without a unit: inside CASE, their string work (a regex per
        -- notice costs ~0.3 s at 100k notices) runs for those few notices alone.
        CASE WHEN nu.inspected_unit IS NULL AND nullif(trim(n.title), '') IS NOT NULL
                  AND NOT regexp_matches(trim(n.title), '^(https?://|www\.)|://')
             THEN left(trim(n.title), 40) END AS title,
        CASE WHEN nu.inspected_unit IS NULL
             THEN nullif(trim(regexp_replace(parse_filename(n.source_path, true, 'both_slash'),
                                             '[0-9A-Fa-f]{8,}', '', 'g'), ' _-.'), '') END
            AS file_stem
    FROM notices n
    JOIN v_notice_units nu USING (notice_id)
    LEFT JOIN aliases a_id ON a_id.kind = 'notice' AND a_id.match = n.notice_id
    LEFT JOIN aliases a_url ON a_url.kind = 'notice' AND a_url.match = n.source_url
    LEFT JOIN aliases a_path ON a_path.kind = 'notice' AND a_path.match = n.source_path
    -- the file name of a path (an archive member's too: 'box.zip!/a/b.txt' -> 'b.txt')
    LEFT JOIN aliases a_file ON a_file.kind = 'notice'
        AND a_file.match = parse_filename(n.source_path, false, 'both_slash')
), named AS (
    SELECT
        notice_id,
        unit_parsed,
        unit,
        coalesce(
            fixed_name,
            CASE WHEN unit IS NOT NULL THEN concat_ws(' ', unit, kind, dated) END,
            title,
            CASE WHEN regexp_matches(file_stem, '[A-Za-z\p{Han}]')
                      AND NOT regexp_matches(file_stem, '^(https?|www)') THEN file_stem END,
            '未命名通报'
        ) AS base_name
    FROM parts
)
SELECT
    notice_id,
    unit AS inspected_unit,
    unit_parsed AS inspected_unit_parsed,
    CASE WHEN count(*) OVER (PARTITION BY base_name) > 1
         THEN base_name || ' (' || row_number() OVER (PARTITION BY base_name ORDER BY notice_id)
              || ')'
         ELSE base_name END AS display_name
FROM named;

-- One row per notice with its headline figures: what the Overview page and notices.csv show.
-- display_name and inspected_unit come from v_notice_names (aliases applied);
-- inspected_unit_parsed is the unit as read from the text.
-- repeated_share: the share of the notice's text that repeats its own earlier text (0..1).
-- <date>_precision: 'day' | 'month' | 'year'; a month- or year-precise date is the first day of
-- its period (2021-03 shows as 2021-03-01 with precision 'month'). rectification_days is NULL
-- unless the feedback and the report dates are both day-precise.
CREATE OR REPLACE VIEW v_notices AS
SELECT
    n.notice_id,
    nn.display_name,
    n.title,
    n.issuer,
    nn.inspected_unit,
    nn.inspected_unit_parsed,
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
JOIN v_notice_names nn USING (notice_id)
LEFT JOIN completion c USING (notice_id)
LEFT JOIN (
    SELECT notice_id, count(*) AS problem_count FROM problems
    WHERE is_problem AND NOT coalesce(is_group, false)  -- leaf problems: a group heading is not counted again
    GROUP BY notice_id
) pc USING (notice_id)
LEFT JOIN (
    SELECT notice_id, count(*) AS quantity_count FROM quantities GROUP BY notice_id
) qc USING (notice_id);
