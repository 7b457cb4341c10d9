"""Errors the store raises; their messages are shown to users as they are."""


class StoreError(Exception):
    """Something is wrong with the database file; the message says what and what to do."""


class StoreMissingError(StoreError):
    """The database file does not exist yet (nothing ingested)."""


class StoreVersionError(StoreError):
    """The database was made by another schema version."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (DuckDB's run over several lines)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
