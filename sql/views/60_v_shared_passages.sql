-- Every passage with its cluster now: a merged-away cluster id resolves through cluster_moves
-- (migration 007), so members keep the id they were written with and a merge writes one row.
-- Read cluster ids from here, never from passages.cluster_id.
CREATE OR REPLACE VIEW v_passage_clusters AS
SELECT p.notice_id, p.passage_id, p.start_offset, p.end_offset, p.text_key,
       coalesce(m.target, p.cluster_id) AS cluster_id
FROM passages p
LEFT JOIN cluster_moves m ON m.cluster_id = p.cluster_id;

-- Passages found in two or more notices (MinHash LSH candidates confirmed by exact Jaccard),
-- one row per notice holding a passage of a cluster. label: boilerplate (a stock sentence of
-- the genre, or a unit reusing its own words) or copied_measure (a substantive measure shared
-- by notices of different inspected units: a finding). See extract/store/passages.py.
-- cluster_notices is shared_clusters.notices, which the writer keeps equal to a count over the
-- members (tests/test_passages_incremental.py checks it after every run): counting the members
-- here took 5.5 s for one notice's rows at 100k notices, against 0.05 s.
CREATE OR REPLACE VIEW v_shared_passages AS
SELECT
    p.cluster_id,
    c.label,
    c.notices AS cluster_notices,
    p.notice_id,
    nu.inspected_unit,
    n.issuer,
    p.passage_id,
    p.start_offset,
    p.end_offset,
    substring(n.text, p.start_offset + 1, least(p.end_offset - p.start_offset, 600)) AS passage
FROM v_passage_clusters p
JOIN shared_clusters c USING (cluster_id)
JOIN notices n USING (notice_id)
JOIN v_notice_units nu USING (notice_id)
WHERE c.notices >= 2;

-- Inside one notice: later copies of its own earlier text, with the first occurrence.
CREATE OR REPLACE VIEW v_repeated_passages AS
SELECT
    r.notice_id,
    nu.inspected_unit,
    r.passage_id,
    r.label,
    r.method,
    r.similarity,
    r.start_offset,
    r.end_offset,
    r.source_start,
    r.source_end,
    substring(n.text, r.start_offset + 1, least(r.end_offset - r.start_offset, 600)) AS passage
FROM repeated_passages r
JOIN notices n USING (notice_id)
JOIN v_notice_units nu USING (notice_id);
