"""How extract/text/fold.py derives its t2s scan cheaply, checked against the plain forms.

The scan of characters t2s changes is derived from the BMP part of the table alone and
written as a class of ranges (compiled 3x faster); the whole table is derived on fallback.
These tests compare each shortcut with the straightforward construction it replaces.
"""

from __future__ import annotations

import random
import re

from extract.text import fold


def test_scan_is_the_class_of_the_whole_tables_bmp_characters() -> None:
    table, scan = fold._trad_tables()
    plain = re.compile(
        "["
        + "".join(re.escape(chr(c)) for c in sorted(table) if c < 0x10000)
        + "\U00020000-\U0002fa1f]"
    )
    everything = "".join(chr(c) for c in range(0x3000, 0x10000) if not 0xD800 <= c < 0xE000)
    assert [m.start() for m in scan.finditer(everything)] == [
        m.start() for m in plain.finditer(everything)
    ]
    assert scan is fold._scan()
    assert set(fold._bmp_table()) == {c for c in table if c < 0x10000}


def test_class_ranges_match_the_characters_they_list() -> None:
    rng = random.Random(5)
    probe = "".join(chr(c) for c in range(0, 0x3100))
    for _ in range(200):
        codes = sorted(
            set(rng.sample(range(0x3000), rng.randint(1, 40))) | set(rng.sample(range(0x7F), 8))
        )
        ranged = re.compile(f"[{fold._class_ranges(codes)}]")
        listed = re.compile("[" + "".join(re.escape(chr(c)) for c in codes) + "]")
        assert [m.start() for m in ranged.finditer(probe)] == [
            m.start() for m in listed.finditer(probe)
        ]
