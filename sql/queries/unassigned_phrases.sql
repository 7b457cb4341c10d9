-- name = "unassigned_phrases"
-- title_zh = "未归类数量的短语(指标待办)"
-- title_en = "Phrases of unassigned quantities (taxonomy to-do)"
-- description_zh = "尚无统一指标的数量按短语、类型和单位归并,出现多的在前:指标体系下一步该补的内容。notices_approx 为出现该短语的通报数(估算,误差约 2%)。"
-- description_en = "Quantities without a canonical metric grouped by phrase, kind and unit, most frequent first: what the taxonomy should cover next. notices_approx is how many notices use the phrase (an estimate, about ±2%)."
-- columns = ["metric", "kind", "unit", "n", "notices_approx"]
-- order = 50
-- [params.top]
-- type = "integer"
-- default = 200
-- label_zh = "显示前几条"
-- label_en = "Rows to show"
-- # approx_count_distinct (HyperLogLog): an exact count(DISTINCT notice_id) per phrase takes
-- # seconds at 100k notices (one hash set per phrase), far over the 1 s a saved query may take.
SELECT metric, kind, unit, count(*) AS n, approx_count_distinct(notice_id) AS notices_approx
FROM v_unassigned_quantities
GROUP BY ALL
ORDER BY n DESC, metric, kind, unit
LIMIT :top
