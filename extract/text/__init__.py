"""The text layer shared by the notice parser and the quantity extractor.

Both read a *matching copy* of the stored text (folded full-width forms, simplified script,
pinyin annotations out of the way) and report offsets into the stored text itself; this package
owns that copy and everything read from it, so the two stages can never disagree about what a
character, a number, a date or a sentence is:

* ``fold`` — the one length-preserving matching fold;
* ``numerals`` — Arabic, full-width and Chinese numerals on ``Decimal`` (and marker numbers);
* ``dates`` — the one date grammar, day/month/year precision, ranges, quarters;
* ``punctuation`` — sentence and clause ends, range connectors, quotes;
* ``sentences`` — sentence spans.

Import from the modules (``extract.text.dates``).
"""
