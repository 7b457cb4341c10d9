"""xuncha's extraction library: read notices, find quantities, parse the problem tree, store.

The public, stable entry point is :func:`extract_quantities`; everything else is used by the
``xuncha`` command line and the dashboard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.2.0"

if TYPE_CHECKING:  # pragma: no cover
    from extract.model import Quantity

__all__ = ["Quantity", "__version__", "extract_quantities"]


def extract_quantities(text: str, *, context_year: int | None = None) -> list[Quantity]:
    """Return every quantity in ``text`` (see ``docs/quantity-spec.md``), offsets into ``text``.

    Imported lazily so that ``import extract`` stays cheap for the CLI's ``--help``.
    """
    from extract.quantities.extractor import extract_quantities as _impl

    return _impl(text, context_year=context_year)


def __getattr__(name: str) -> object:
    if name == "Quantity":
        from extract.model import Quantity

        return Quantity
    raise AttributeError(name)
