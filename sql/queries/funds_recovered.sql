-- name = "funds_recovered"
-- title_zh = "追回资金(统一指标,万元)"
-- title_en = "Funds recovered (canonical metric, 10k yuan)"
-- description_zh = "各通报的追回资金(funds.recovered,以元计的数值换算为万元),不少于所填金额;重复表述只计一次。"
-- description_en = "Funds recovered per notice (funds.recovered, in 10k yuan) of at least the amount given; a restated figure counts once."
-- columns = ["display_name", "inspected_unit", "value_wan_yuan", "statements", "restated_statements"]
-- order = 20
-- [params.min_wan_yuan]
-- type = "number"
-- default = 0
-- label_zh = "至少(万元)"
-- label_en = "At least (10k yuan)"
SELECT n.display_name, n.inspected_unit, round(v.value / 1e4, 2) AS value_wan_yuan, v.statements,
       v.restated_statements
FROM v_metric_values v
JOIN v_notice_names n USING (notice_id)
WHERE v.metric_id = 'funds.recovered' AND v.unit = '元' AND v.value >= :min_wan_yuan * 1e4
ORDER BY v.value DESC NULLS LAST, n.display_name
