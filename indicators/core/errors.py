"""Errors raised on bad raw input: they name the file, the sheet and what was expected."""

from __future__ import annotations

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
