-- xuncha schema, version 1. Applied once by extract/store/migrate.py inside a transaction.
-- Offsets (start_offset/end_offset) are character offsets into notices.text, the canonical text.

CREATE TABLE notices (
    notice_id          VARCHAR PRIMARY KEY,   -- first 16 hex of sha256(canonical text)
    source_path        VARCHAR NOT NULL,      -- the path it was first ingested from
    source_format      VARCHAR NOT NULL,      -- txt | md | html
    encoding           VARCHAR NOT NULL,      -- detected input encoding
    file_sha256        VARCHAR NOT NULL,      -- sha256 of the raw file bytes
    title              VARCHAR,
    text               VARCHAR NOT NULL,      -- canonical text: every offset refers to it
    char_count         INTEGER NOT NULL,
    ingested_at        TIMESTAMP NOT NULL,
    extractor_version  VARCHAR NOT NULL,
    issuer             VARCHAR,
    inspected_unit     VARCHAR,
    inspection_body    VARCHAR,
    inspection_level   VARCHAR,               -- 中央 | 省 | 市 | 县区
    inspection_kind    VARCHAR,               -- 巡视 | 巡察
    inspection_group   INTEGER,
    inspection_round   INTEGER,
    inspection_type    VARCHAR,               -- 常规 | 专项 | 回头看 (comma-joined)
    inspection_start   DATE,
    inspection_end     DATE,
    feedback_date      DATE,
    as_of_date         DATE,
    signed_date        DATE,
    published_date     DATE,
    region             VARCHAR,
    rectification_days INTEGER,
    inferred_dates     VARCHAR                -- comma-joined names of date fields whose year was inferred
);

-- Every path a notice was read from (the same content may come from several files).
CREATE TABLE notice_sources (
    source_path  VARCHAR PRIMARY KEY,
    notice_id    VARCHAR NOT NULL,
    file_sha256  VARCHAR NOT NULL,
    seen_at      TIMESTAMP NOT NULL
);

CREATE TABLE problems (
    notice_id      VARCHAR NOT NULL,
    problem_id     INTEGER NOT NULL,          -- 1-based order within the notice
    path           VARCHAR NOT NULL,          -- e.g. 二/(一)/3/(2); 附件/... for attachments
    parent_path    VARCHAR,
    level          INTEGER NOT NULL,
    label          VARCHAR,
    title          VARCHAR,
    rectification  VARCHAR,
    status         VARCHAR,                   -- completed | basically_completed | in_progress | not_completed | long_term
    status_text    VARCHAR,
    start_offset   INTEGER NOT NULL,
    end_offset     INTEGER NOT NULL,
    is_problem     BOOLEAN NOT NULL,
    PRIMARY KEY (notice_id, problem_id)
);

CREATE TABLE quantities (
    notice_id       VARCHAR NOT NULL,
    quantity_id     INTEGER NOT NULL,         -- 1-based order within the notice
    problem_id      INTEGER,                  -- deepest problem whose span holds it; NULL outside the tree
    problem_path    VARCHAR,
    sentence_index  INTEGER NOT NULL,
    sentence        VARCHAR NOT NULL,
    sentence_start  INTEGER NOT NULL,         -- offset of the sentence in notices.text
    start_offset    INTEGER NOT NULL,         -- offset of the surface in notices.text
    end_offset      INTEGER NOT NULL,
    surface         VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,         -- count money area length volume mass percent duration rank date
    value           DOUBLE,                   -- numeric kinds: normalised value in unit
    value_high      DOUBLE,                   -- numeric ranges: upper end
    date_value      VARCHAR,                  -- dates: ISO-like, XXXX for an unwritten year
    date_high       VARCHAR,                  -- dates: upper end of a range
    unit            VARCHAR NOT NULL,
    approx          BOOLEAN NOT NULL,
    qualifier       VARCHAR NOT NULL,         -- accurate | blur | blur+ | blur-
    year_inferred   BOOLEAN NOT NULL,
    metric          VARCHAR NOT NULL,         -- the words saying what was counted
    PRIMARY KEY (notice_id, quantity_id)
);

CREATE TABLE completion (
    notice_id            VARCHAR PRIMARY KEY,
    total                INTEGER,
    completed            INTEGER,
    basically_completed  INTEGER,
    not_completed        INTEGER,
    long_term            INTEGER,
    in_progress          INTEGER,
    stated_rate          DOUBLE,              -- percent as stated (95.2)
    computed_rate        DOUBLE,              -- completed / total * 100
    status_rate          DOUBLE,              -- from per-problem statuses
    consistent           BOOLEAN,
    issues               VARCHAR,             -- what disagrees, '; '-joined
    sentence             VARCHAR,
    start_offset         INTEGER,
    end_offset           INTEGER
);

CREATE TABLE anomalies (
    notice_id     VARCHAR NOT NULL,
    anomaly_id    INTEGER NOT NULL,
    kind          VARCHAR NOT NULL,
    location      VARCHAR,
    detail        VARCHAR,
    start_offset  INTEGER,
    PRIMARY KEY (notice_id, anomaly_id)
);

CREATE TABLE ingest_runs (
    run_id       VARCHAR PRIMARY KEY,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    files        INTEGER,
    new          INTEGER,
    updated      INTEGER,
    unchanged    INTEGER,
    failed       INTEGER,
    quantities   INTEGER
);
