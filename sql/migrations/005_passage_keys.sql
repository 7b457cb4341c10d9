-- xuncha schema, version 5: shared-passage state kept per text key and per cluster (issue 12).
--
-- Before this, linking a batch's passages read every stored copy of each text key it met and
-- every member of each cluster it touched (to count the cluster's notices and sample its units
-- and issuers for the label); a stock sentence's cluster holds every notice, so +1 notice cost
-- grew with the store. Now a batch reads one row per key and one row per cluster it touches
-- (extract/store/passages.py keeps both tables up to date as it writes and deletes).
--
-- 1. passage_keys: one representative passage per exact text key (the first stored with it)
--    and its cluster (kept equal to passages.cluster_id); a later copy links to it and joins
--    its cluster without reading the other copies or the passages table.
CREATE TABLE passage_keys (
    text_key    BIGINT NOT NULL,
    notice_id   VARCHAR NOT NULL,
    passage_id  INTEGER NOT NULL,
    cluster_id  VARCHAR
);
-- Stores written before this: the copy the old look-up chose (clustered first, then the
-- smallest cluster id, notice id, passage id).
INSERT INTO passage_keys
SELECT text_key, r.notice_id, r.passage_id, r.cluster_id FROM (
    SELECT text_key, arg_min(
        {'notice_id': notice_id, 'passage_id': passage_id, 'cluster_id': cluster_id},
        (cluster_id IS NULL, coalesce(cluster_id, ''), notice_id, passage_id)) AS r
    FROM passages GROUP BY text_key
);

-- 2. passage_texts: the text and cluster of every passage that keeps band keys (passage_bands),
--    so a band look-up reads the candidates' few rows, not their whole notices and passages.
CREATE TABLE passage_texts (
    notice_id   VARCHAR NOT NULL,
    passage_id  INTEGER NOT NULL,
    text        VARCHAR NOT NULL,     -- substr(notices.text, start_offset + 1, end_offset - start_offset)
    cluster_id  VARCHAR               -- = passages.cluster_id
);
INSERT INTO passage_texts
SELECT p.notice_id, p.passage_id, substring(n.text, p.start_offset + 1, p.end_offset - p.start_offset),
       p.cluster_id
FROM passages p SEMI JOIN passage_bands b USING (notice_id, passage_id)
JOIN notices n USING (notice_id);

-- 3. cluster_inputs: what labelling a cluster needs besides its text, kept as notices join:
--    the smallest distinct inspected units and issuers of its notices (at most 64 of each; a
--    notice without one counts as 'notice:<id>', as extract.audit.shared.label_cluster does).
--    shared_clusters.notices is kept in step with it.
CREATE TABLE cluster_inputs (
    cluster_id  VARCHAR NOT NULL,
    units       VARCHAR[] NOT NULL,
    issuers     VARCHAR[] NOT NULL
);
INSERT INTO cluster_inputs
SELECT p.cluster_id,
       list_slice(list_sort(list_distinct(list(coalesce(n.inspected_unit, 'notice:' || p.notice_id)))), 1, 64),
       list_slice(list_sort(list_distinct(list(coalesce(n.issuer, 'notice:' || p.notice_id)))), 1, 64)
FROM passages p JOIN notices n USING (notice_id)
WHERE p.cluster_id IS NOT NULL
GROUP BY p.cluster_id;
UPDATE shared_clusters SET notices = c.notices
FROM (SELECT cluster_id, count(DISTINCT notice_id) AS notices FROM passages
      WHERE cluster_id IS NOT NULL GROUP BY cluster_id) c
WHERE shared_clusters.cluster_id = c.cluster_id;
