"""Errors raised on bad raw input: they name the file, the sheet and what was expected."""

from __future__ import annotations

import logging
from pathlib import Path


class RawFileError(Exception):
    """A raw publication is missing, truncated or laid out differently than expected."""

    def __init__(self, path: Path | str, expected: str, sheet: str | None = None) -> None:
        self.path = Path(path)
        self.sheet = sheet
        self.expected = expected
        where = f"{self.path.name}" + (f", sheet '{sheet}'" if sheet else "")
        super().__init__(f"{where}: {expected} (file: {self.path})")


class StoreMissing(FileNotFoundError):
    """The built store (data/processed) is not there: `make data` builds it."""


class StoreDamaged(Exception):
    """A file of the built store is unreadable (truncated, corrupt). ``user_message`` is the French sentence a
    page shows (no path, no exception text); ``str()`` is the precise message for the log."""

    def __init__(self, detail: str, user_message: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


STORE_REBUILD_HINT = "un administrateur peut la reconstruire avec « make data »"
STORE_NOT_BUILT = "Les données ne sont pas encore construites : un administrateur doit lancer « make data »."
STORE_FAULTS = (StoreDamaged, StoreMissing)


def said_to_visitors(fault: Exception) -> str:
    """The French sentence a page shows for a store fault (no path, no exception text); the detail is logged."""
    logging.getLogger(__name__).error("store fault shown to a visitor: %s", fault)
    return fault.user_message if isinstance(fault, StoreDamaged) else STORE_NOT_BUILT
