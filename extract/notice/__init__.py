"""Notice understanding: metadata, the problem tree, statuses, completion figures, anomalies.

``parse_notice(text)`` is the entry point; the modules underneath are one pass each
(``tree`` numbering and hierarchy, ``classify`` problem or not, ``rectification``, ``metadata``,
``completion``, ``anomalies``), with their word lists in ``extract/data/notice_*``.
"""

from __future__ import annotations

from extract.notice.parse import parse_notice

__all__ = ["parse_notice"]
