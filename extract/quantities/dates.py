"""Calendar dates for the extractor: a re-export of :mod:`extract.text.dates`.

The grammar moved to the text layer so the notice parser and the extractor share one; this
module keeps the extractor's imports (``from extract.quantities import dates``) working while
the extractor is rewritten. New code imports :mod:`extract.text.dates`.
"""

from __future__ import annotations

from extract.text.dates import DATE_RE, DateHit, parse_date_match, with_year

__all__ = ["DATE_RE", "DateHit", "parse_date_match", "with_year"]
