-- xuncha schema, version 2.
--
-- 1. Sentences are stored once: a quantity keeps its sentence's offsets (sentence_start,
--    sentence_end) into notices.text instead of a copy of the sentence. A 600 KB one-line notice
--    with 100,000 quantities used to hold 100,000 copies of that line (tens of GB in memory).
--    v_quantities rebuilds the sentence text (clipped around the figure when very long).
-- 2. Counts that a notice states can exceed 2^31 (共反馈问题3000000000个): BIGINT, and the
--    ingest stores NULL with an anomaly for anything beyond BIGINT.
-- 3. Canonical metrics (extract/data/metrics.toml): metric_id, the rule that assigned it, the
--    taxonomy version, and restates_quantity_id for a figure that restates an earlier one of the
--    same notice (counted once by v_metric_values).
-- 4. Repeated text: passages of a notice that copy an earlier one, and the cross-notice
--    signatures (MinHash band keys) that find passages shared between notices.

-- Old rows: derive the sentence end from the stored copy before the copy goes.
ALTER TABLE quantities ADD COLUMN sentence_end INTEGER;
UPDATE quantities SET sentence_end = sentence_start + length(sentence);
ALTER TABLE quantities DROP COLUMN sentence;

ALTER TABLE quantities ADD COLUMN metric_id VARCHAR;              -- canonical metric (metrics.metric_id) or NULL
ALTER TABLE quantities ADD COLUMN metric_rule VARCHAR;            -- the taxonomy rule that assigned metric_id
ALTER TABLE quantities ADD COLUMN taxonomy_version VARCHAR;       -- metrics.toml version the id comes from
ALTER TABLE quantities ADD COLUMN restates_quantity_id INTEGER;   -- earlier quantity of the same notice it restates

ALTER TABLE notices ALTER COLUMN inspection_group TYPE BIGINT;
ALTER TABLE notices ALTER COLUMN inspection_round TYPE BIGINT;
ALTER TABLE notices ALTER COLUMN rectification_days TYPE BIGINT;
ALTER TABLE notices ADD COLUMN repeated_share DOUBLE;             -- share of the text that repeats earlier text (0..1)

ALTER TABLE completion ALTER COLUMN total TYPE BIGINT;
ALTER TABLE completion ALTER COLUMN completed TYPE BIGINT;
ALTER TABLE completion ALTER COLUMN basically_completed TYPE BIGINT;
ALTER TABLE completion ALTER COLUMN not_completed TYPE BIGINT;
ALTER TABLE completion ALTER COLUMN long_term TYPE BIGINT;
ALTER TABLE completion ALTER COLUMN in_progress TYPE BIGINT;

-- The taxonomy, reloaded from extract/data/metrics.toml by every writer (like the views).
CREATE TABLE metrics (
    metric_id         VARCHAR PRIMARY KEY,
    name_zh           VARCHAR NOT NULL,
    name_en           VARCHAR NOT NULL,
    family            VARCHAR NOT NULL,
    unit              VARCHAR NOT NULL,   -- canonical unit
    units             VARCHAR NOT NULL,   -- accepted units, comma-joined
    aggregate         VARCHAR NOT NULL,   -- sum | headline | none
    description       VARCHAR,
    description_zh    VARCHAR,            -- what is counted, in Chinese (the Chinese dashboard)
    taxonomy_version  VARCHAR NOT NULL
);

-- Later copies of earlier text inside one notice (a summary restating its body, an 附件 that
-- copies the text, a measure pasted under several problems).
CREATE TABLE repeated_passages (
    notice_id     VARCHAR NOT NULL,
    passage_id    INTEGER NOT NULL,
    start_offset  INTEGER NOT NULL,       -- the later copy
    end_offset    INTEGER NOT NULL,
    source_start  INTEGER NOT NULL,       -- the first occurrence
    source_end    INTEGER NOT NULL,
    similarity    DOUBLE NOT NULL,        -- 1.0 for an exact copy (after normalising)
    method        VARCHAR NOT NULL,       -- exact | near
    label         VARCHAR NOT NULL,       -- restatement | copied_measure
    PRIMARY KEY (notice_id, passage_id)
);

-- Units of text that can be shared with other notices, and their MinHash LSH band keys: a join
-- on band_key (or text_key) finds candidate pairs across notices at a cost proportional to the
-- new notices, not to the store.
CREATE TABLE passages (
    notice_id     VARCHAR NOT NULL,
    passage_id    INTEGER NOT NULL,
    start_offset  INTEGER NOT NULL,
    end_offset    INTEGER NOT NULL,
    text_key      BIGINT NOT NULL,        -- hash of the normalised, digit-masked text: equal = a copy
    cluster_id    VARCHAR,                -- shared-passage cluster ('<notice_id>:<passage_id>' of a member)
    PRIMARY KEY (notice_id, passage_id)
);

-- Band keys of passages that matched no stored passage when written (a passage that joined a
-- cluster is found through the cluster's earlier members), so a sentence copied into every
-- notice keeps one set of bands, not one per copy.
CREATE TABLE passage_bands (
    band_key      BIGINT NOT NULL,
    notice_id     VARCHAR NOT NULL,
    passage_id    INTEGER NOT NULL
);

-- Confirmed shared passages (exact Jaccard at or above the threshold), one row per pair with
-- the later-ingested side first; passages.cluster_id groups them (incremental union-find).
CREATE TABLE passage_links (
    notice_id        VARCHAR NOT NULL,
    passage_id       INTEGER NOT NULL,
    other_notice_id  VARCHAR NOT NULL,
    other_passage_id INTEGER NOT NULL,
    similarity       DOUBLE NOT NULL
);

-- One row per cluster of passages shared by two or more notices, labelled when it changes.
CREATE TABLE shared_clusters (
    cluster_id   VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,       -- boilerplate | copied_measure
    notices      INTEGER NOT NULL,       -- distinct notices holding it when labelled
    labelled_at  TIMESTAMP NOT NULL
);

-- 5. Problem counts and the completion audit (issue 14). A feedback problem whose sub-items are
--    problems is a group heading: the notice's problem count is its leaves
--    (is_problem AND NOT is_group). The completion audit keeps one verdict per notice with the
--    formula that matched, the tolerance from the stated decimals and the evidence offsets.
ALTER TABLE problems ADD COLUMN is_group BOOLEAN DEFAULT false;      -- heading over sub-problems, not counted
ALTER TABLE completion ADD COLUMN verdict VARCHAR;                   -- consistent | inconsistency | not_checkable
ALTER TABLE completion ADD COLUMN formula VARCHAR;                   -- completed/total, (completed+basically)/total, completed/(total-long_term) …
ALTER TABLE completion ADD COLUMN tolerance DOUBLE;                  -- ± percentage points, half a unit of the stated decimals
ALTER TABLE completion ADD COLUMN rate_surface VARCHAR;              -- the stated rate as written (完成率95.2%)
ALTER TABLE completion ADD COLUMN scope VARCHAR;                     -- what the total counts: problems | tasks | measures
ALTER TABLE completion ADD COLUMN listed_problems BIGINT;            -- leaf feedback problems the notice lists
ALTER TABLE completion ADD COLUMN stated_problems VARCHAR;           -- problem counts the summary states, comma-joined
ALTER TABLE completion ADD COLUMN evidence VARCHAR;                  -- role:start-end offsets into notices.text, space-separated

-- 6. Metadata dates keep their precision: a DATE column holds the first day of the period
--    (2021-03 -> 2021-03-01) and <field>_precision says 'day' | 'month' | 'year', so a
--    month-only date ("2019年9月至11月") is stored instead of dropped, and is never read as a day.
--    source_url: the page's own address (a URL line at the top of a scrape, its canonical link).
ALTER TABLE notices ADD COLUMN inspection_start_precision VARCHAR;
ALTER TABLE notices ADD COLUMN inspection_end_precision VARCHAR;
ALTER TABLE notices ADD COLUMN feedback_date_precision VARCHAR;
ALTER TABLE notices ADD COLUMN as_of_date_precision VARCHAR;
ALTER TABLE notices ADD COLUMN signed_date_precision VARCHAR;
ALTER TABLE notices ADD COLUMN published_date_precision VARCHAR;
ALTER TABLE notices ADD COLUMN source_url VARCHAR;
-- Rows written before this migration only ever stored day-precise dates.
UPDATE notices SET
    inspection_start_precision = CASE WHEN inspection_start IS NOT NULL THEN 'day' END,
    inspection_end_precision = CASE WHEN inspection_end IS NOT NULL THEN 'day' END,
    feedback_date_precision = CASE WHEN feedback_date IS NOT NULL THEN 'day' END,
    as_of_date_precision = CASE WHEN as_of_date IS NOT NULL THEN 'day' END,
    signed_date_precision = CASE WHEN signed_date IS NOT NULL THEN 'day' END,
    published_date_precision = CASE WHEN published_date IS NOT NULL THEN 'day' END;

-- 7. The unchanged-file check (issue 12): a source's size and mtime (ns) as last read, so a
--    re-ingest recognises an unchanged file from one stat() without opening it. NULL for rows
--    written before this and for archive members (file_mtime_ns): those are read and compared
--    by content, as before.
ALTER TABLE notice_sources ADD COLUMN file_size BIGINT;
ALTER TABLE notice_sources ADD COLUMN file_mtime_ns BIGINT;
