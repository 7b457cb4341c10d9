-- Per problem: its status and how many quantities of each kind sit inside it.
CREATE OR REPLACE VIEW v_problem_quantities AS
SELECT
    p.notice_id,
    n.inspected_unit,
    p.problem_id,
    p.path,
    p.level,
    p.title,
    p.status,
    p.is_problem,
    count(q.quantity_id) AS quantity_count,
    count(q.quantity_id) FILTER (WHERE q.kind = 'count') AS count_quantities,
    count(q.quantity_id) FILTER (WHERE q.kind = 'money') AS money_quantities,
    sum(q.value) FILTER (WHERE q.kind = 'money') AS money_sum_yuan,
    count(q.quantity_id) FILTER (WHERE q.kind = 'date') AS date_quantities
FROM problems p
JOIN notices n USING (notice_id)
LEFT JOIN quantities q ON q.notice_id = p.notice_id AND q.problem_id = p.problem_id
GROUP BY ALL;
