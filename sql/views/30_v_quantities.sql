-- Every quantity with enough context to trace it: notice, problem, sentence, offsets.
CREATE OR REPLACE VIEW v_quantities AS
SELECT
    q.notice_id,
    q.quantity_id,
    n.inspected_unit,
    q.problem_path,
    p.title AS problem_title,
    q.kind,
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
    q.sentence_index,
    q.start_offset,
    q.end_offset,
    q.sentence
FROM quantities q
JOIN notices n USING (notice_id)
LEFT JOIN problems p ON p.notice_id = q.notice_id AND p.problem_id = q.problem_id;
