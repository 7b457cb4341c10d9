"""Start-up costs that a one-notice ingest must not pay (issue 12: ``ingest FILE`` under 1 s).

A fresh process analyses its first notice with everything cold, so work done once per process
counts in full there. These checks run a fresh interpreter on the sample notices of ``data/``
and look at what it loaded and built:

* cn2an is not imported (0.10 s of regex compilation at import): the numeral reader reads
  canonical sections itself (tests/test_numerals_own_reader.py holds it to cn2an's values);
* the whole per-character t2s table is not derived (only its BMP part feeds the scan; the
  rest serves the fallback after a failed OpenCC conversion);
* no unit has compiled its own metric-trigger regex (the shared one serves a first notice).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_PROBE = """
import json, sys
from pathlib import Path
from extract.pipeline import analyse
from extract.reading import load_notice
from extract.quantities.metric_id import assigner
from extract.text import fold

quantities = 0
for path in sorted(Path("data").glob("*")):
    if path.suffix in {".txt", ".html"}:
        quantities += len(analyse(load_notice(path)).quantities)
print(json.dumps({
    "quantities": quantities,
    "cn2an": "cn2an" in sys.modules,
    "proces": "proces" in sys.modules,
    "whole_t2s_table": fold._trad_tables.cache_info().currsize,
    "own_unit_regexes": sorted(u for u, i in assigner()._c.by_unit.items() if i.own),
}))
"""


def _probe() -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_first_notices_skip_the_start_up_costs() -> None:
    got = _probe()
    assert isinstance(got["quantities"], int) and got["quantities"] > 50  # the notices were read
    assert got["cn2an"] is False
    assert got["proces"] is False  # cn2an's own dependency
    assert got["whole_t2s_table"] == 0
    assert got["own_unit_regexes"] == []
