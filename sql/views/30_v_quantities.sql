-- Every quantity with enough context to trace it: notice, problem, sentence, offsets, and the
-- canonical metric with the rule that gave it. inspected_unit is the unit with the aliases file
-- applied (v_notice_units), like every other view.
-- `sentence` comes from the sentences table (each sentence holding a quantity, stored once at
-- ingest; migration 004), never cut out of notices.text here: substring at a large offset walks
-- the UTF-8 text from its start, O(n^2) per notice. A sentence of more than 600 characters (a
-- page that lost its punctuation) is shown as 200 characters either side of the figure, cut
-- from the stored sentence at small offsets, so one pathological line cannot make every row of
-- it huge;
-- `sentence_offset` is where `sentence` starts in notices.text (the figure sits at
-- start_offset - sentence_offset inside it) and `sentence_clipped` says whether it was cut.
CREATE OR REPLACE VIEW v_quantities AS
WITH shown AS (
    SELECT
        q.*,
        q.sentence_end - q.sentence_start > 600 AS sentence_clipped,
        CASE WHEN q.sentence_end - q.sentence_start > 600
             THEN greatest(q.sentence_start, q.start_offset - 200)
             ELSE q.sentence_start END AS shown_start,
        CASE WHEN q.sentence_end - q.sentence_start > 600
             THEN least(q.sentence_end, q.end_offset + 200)
             ELSE q.sentence_end END AS shown_end
    FROM quantities q
)
SELECT
    q.notice_id,
    q.quantity_id,
    nu.inspected_unit,
    q.problem_path,
    p.title AS problem_title,
    q.kind,
    q.metric_id,
    m.name_zh AS metric_name,
    q.metric_rule,
    q.metric,
    q.surface,
    q.value,
    q.value_high,
    q.date_value,
    q.date_high,
    q.unit,
    q.approx,
    q.qualifier,
    q.year_inferred,
    q.restates_quantity_id,
    q.sentence_index,
    q.start_offset,
    q.end_offset,
    CASE WHEN q.sentence_clipped
         THEN substring(s.text, q.shown_start - q.sentence_start + 1, q.shown_end - q.shown_start)
         ELSE s.text END AS sentence,
    q.shown_start AS sentence_offset,
    q.sentence_clipped,
    q.taxonomy_version
FROM shown q
JOIN v_notice_units nu USING (notice_id)
LEFT JOIN sentences s ON s.notice_id = q.notice_id
    AND s.sentence_start = q.sentence_start AND s.sentence_end = q.sentence_end
LEFT JOIN problems p ON p.notice_id = q.notice_id AND p.problem_id = q.problem_id
LEFT JOIN metrics m ON m.metric_id = q.metric_id;
