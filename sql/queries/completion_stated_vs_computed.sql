-- name = "completion_stated_vs_computed"
-- title_zh = "完成率:通报值与核算值"
-- title_en = "Completion: stated vs computed"
-- description_zh = "通报所述的整改完成率与按完成数重新计算的完成率并列,差距(百分点)大的在前;只看不一致的可勾选。"
-- description_en = "The completion rate each notice states beside the one recomputed from its counts, largest gap (points) first; tick to see only inconsistent ones."
-- columns = ["display_name", "total", "completed", "stated_rate", "computed_rate", "rate_gap", "verdict"]
-- order = 30
-- [params.only_inconsistent]
-- type = "boolean"
-- default = false
-- label_zh = "只看不一致的"
-- label_en = "Only inconsistent ones"
SELECT n.display_name, c.total, c.completed, c.stated_rate, c.computed_rate, c.rate_gap,
       c.verdict
FROM v_completion c
JOIN v_notice_names n USING (notice_id)
WHERE NOT :only_inconsistent OR c.verdict = 'inconsistency'
ORDER BY abs(c.rate_gap) DESC NULLS LAST, n.display_name
