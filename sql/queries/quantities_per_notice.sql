-- name = "quantities_per_notice"
-- title_zh = "各通报的数量统计"
-- title_en = "Quantities per notice"
-- description_zh = "每份通报识别出的数量个数,及其中计数、金额、百分比、日期各多少(其余类型计入“其他”),多的在前。"
-- description_en = "How many quantities each notice states, and how many of them are counts, money, percents and dates (the other kinds under other), most first."
-- columns = ["display_name", "quantities", "counts", "money", "percents", "dates", "other"]
-- order = 10
-- # One row per notice (one GROUP BY key): at 100k notices and 15M quantities this is about a
-- # third of the cost of a (notice, kind) grouping.
SELECT n.display_name, q.quantities, q.counts, q.money, q.percents, q.dates,
       q.quantities - q.counts - q.money - q.percents - q.dates AS other
FROM (
    SELECT notice_id, count(*) AS quantities,
           count(*) FILTER (WHERE kind = 'count') AS counts,
           count(*) FILTER (WHERE kind = 'money') AS money,
           count(*) FILTER (WHERE kind = 'percent') AS percents,
           count(*) FILTER (WHERE kind = 'date') AS dates
    FROM quantities
    GROUP BY notice_id
) q
JOIN v_notice_names n USING (notice_id)
ORDER BY q.quantities DESC, n.display_name
