-- name = "metric_family_values"
-- title_zh = "某类指标的数值(每个指标、单位分列)"
-- title_en = "Values of one metric family (one row per metric and unit)"
-- description_zh = "所选指标类别(如 study 学习、funds 资金)中每个统一指标在各通报中的数值;不同计量单位分行,从不相加。"
-- description_en = "Each canonical metric of the chosen family (e.g. study, funds) per notice; different units of measure are separate rows, never added."
-- columns = ["display_name", "metric_name", "unit", "value", "statements", "restated_statements"]
-- order = 40
-- [params.metric_family]
-- type = "text"
-- default = "study"
-- label_zh = "指标类别"
-- label_en = "Metric family"
SELECT n.display_name, v.metric_name, v.unit, v.value, v.statements, v.restated_statements
FROM v_metric_values v
JOIN v_notice_names n USING (notice_id)
WHERE v.family = :metric_family
ORDER BY v.metric_name, v.unit, v.value DESC NULLS LAST, n.display_name
