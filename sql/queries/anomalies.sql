-- name = "anomalies"
-- title_zh = "异常与编号问题"
-- title_en = "Anomalies"
-- description_zh = "解析时发现的编号跳号、结构不完整等问题,按通报排列;可按类型筛选(留空为全部)。"
-- description_en = "Numbering and structure faults found while parsing, by notice; filter by kind (empty: all)."
-- columns = ["display_name", "kind", "location", "detail"]
-- order = 60
-- [params.anomaly_kind]
-- type = "text"
-- default = ""
-- label_zh = "类型(留空为全部)"
-- label_en = "Kind (empty: all)"
SELECT n.display_name, a.kind, a.location, a.detail
FROM anomalies a
JOIN v_notice_names n USING (notice_id)
WHERE :anomaly_kind = '' OR a.kind = :anomaly_kind
ORDER BY n.display_name, a.anomaly_id
