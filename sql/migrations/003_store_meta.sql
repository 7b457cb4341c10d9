-- xuncha schema, version 3: what in-place writes need (issue 12, item 3).
--
-- 1. store_meta: key/value facts about the store itself. 'code_fingerprint' is the hash of the
--    views and the taxonomy last applied, so a writer re-creates them only when they changed
--    (re-creating them on every open would rewrite the catalog on every ingest).
CREATE TABLE store_meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
