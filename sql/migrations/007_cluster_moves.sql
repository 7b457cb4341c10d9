-- xuncha schema, version 7: merged shared-passage clusters are recorded, not repointed (issue 12).
--
-- When a notice's passage links two stored clusters, the writer used to repoint every member of
-- the merged-away cluster (passages, passage_keys, passage_texts). Members of a stock sentence
-- sit in every notice, so that UPDATE scanned the whole cluster column and its commit rewrote
-- column segments all over the table: about 0.8 s of a one-notice ingest into 100k notices, and
-- growing with the store. Now the members keep the id they were written with and the merge is
-- one row here. A member's cluster is coalesce(cluster_moves.target, its cluster_id): the view
-- v_passage_clusters resolves it for every reader, and the writer resolves its look-ups alike.
--
-- Invariant (tests/test_passages_incremental.py): a cluster_id appears at most once, and a
-- target is never itself moved (a later merge of the target repoints its rows here, which are
-- few). Stores written before this have no moves: every stored id is already final.
CREATE TABLE cluster_moves (
    cluster_id  VARCHAR NOT NULL,   -- a cluster id merged away, as its members still hold it
    target      VARCHAR NOT NULL    -- the cluster it is part of now
);
