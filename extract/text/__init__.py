"""The text layer shared by the notice parser and the quantity extractor.

Both read a *matching copy* of the stored text (folded full-width forms, simplified script,
pinyin annotations out of the way) and report offsets into the stored text itself; this package
owns that copy so the two stages can never disagree about what a character is. Import from the
modules (``extract.text.fold``).
"""
