-- xuncha schema, version 4: stored sentences (issue 12: export at 10k notices in < 20 s).
--
-- Each sentence that holds at least one quantity, once per notice, as text. v_quantities used to
-- cut every quantity's sentence out of notices.text with substring(text, start, len), and DuckDB
-- walks UTF-8 from the start of the string to reach a character offset: O(offset) per row,
-- O(n^2) per notice (7.6 s against 0.06 s for 150k rows at large vs small offsets), and it joins
-- each quantity to its whole notice text. A sentence stored here is cut once, at ingest.
-- (notice_id, sentence_start, sentence_end) is unique, the key quantities join on; no PRIMARY
-- KEY, since DuckDB holds an ART index in memory and a notice's rows are deleted and rewritten
-- together (extract/ingest.py NOTICE_TABLES).
CREATE TABLE sentences (
    notice_id       VARCHAR NOT NULL,
    sentence_start  INTEGER NOT NULL,     -- offset of the sentence in notices.text
    sentence_end    INTEGER NOT NULL,
    text            VARCHAR NOT NULL      -- substr(notices.text, sentence_start + 1, sentence_end - sentence_start)
);

-- Stores written before this: the sentences their quantities point at, cut from the text.
INSERT INTO sentences
SELECT
    s.notice_id,
    s.sentence_start,
    s.sentence_end,
    substring(n.text, s.sentence_start + 1, s.sentence_end - s.sentence_start)
FROM (SELECT DISTINCT notice_id, sentence_start, sentence_end FROM quantities) s
JOIN notices n USING (notice_id)
ORDER BY s.notice_id, s.sentence_start, s.sentence_end;
