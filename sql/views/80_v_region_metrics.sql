-- Region x canonical metric x unit of measure: the figures behind the map page
-- (dashboard/views/map.py, an optional 示意图). The region is notices.region as the parser read
-- it from the issuer, title or inspected unit ("聊城市东昌府区", "东营市"); the page maps it to a
-- GB region code (cpca) and colours the province or city it lies in.
-- Aggregation follows the metric's declared rule, as for units (v_unit_metric_values):
--   sum, headline  added over the region's notices (each notice's value already counts a
--                  restated figure once), never for a percent;
--   none, and any percent  the median of the notices' values: rates and outputs of different
--                  units do not add up, and one outlier should not colour a whole region.
-- region_aggregate says which rule a row used ('sum' | 'median').
-- A table macro, so that the page's facets (notice_ids: a list of notice ids, NULL = every
-- notice) filter the notices *before* they are aggregated, and so that regions are aggregated by
-- the place they lie in: `regions`/`codes` are parallel lists mapping a region text to a GB code
-- (the page computes them with cpca; NULL = group by the region text itself). Two texts of one
-- place (聊城市, 聊城市东昌府区 at city level) are then one group, under the metric's rule, instead
-- of two figures a page would have to add.
CREATE OR REPLACE MACRO region_metric_values(notice_ids, regions, codes) AS TABLE
WITH places AS (
    SELECT unnest(regions) AS region, unnest(codes) AS code
),
vals AS (
    SELECT trim(n.region) AS region, p.code, v.*,
           v.aggregate IN ('sum', 'headline') AND v.unit <> '%' AS adds_up
    FROM v_metric_values v
    JOIN notices n USING (notice_id)
    LEFT JOIN places p ON p.region = trim(n.region)
    WHERE nullif(trim(n.region), '') IS NOT NULL AND v.value IS NOT NULL
      AND (notice_ids IS NULL OR v.notice_id IN (SELECT unnest(notice_ids)))
)
SELECT
    coalesce(code, region) AS place,
    code,
    list(DISTINCT region ORDER BY region) AS regions,
    metric_id,
    metric_name,
    metric_name_en,
    family,
    unit,
    CASE WHEN bool_and(adds_up) THEN 'sum' ELSE 'median' END AS region_aggregate,
    CASE WHEN bool_and(adds_up) THEN sum(value) ELSE median(value) END AS value,
    count(DISTINCT notice_id) AS notices,
    bool_or(any_approx) AS any_approx
FROM vals
GROUP BY coalesce(code, region), code, metric_id, metric_name, metric_name_en, family, unit;

CREATE OR REPLACE VIEW v_region_metric_values AS
SELECT * FROM region_metric_values(NULL, NULL::VARCHAR[], NULL::VARCHAR[]);
