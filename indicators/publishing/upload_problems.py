"""An upload's problems: one row per problem (row = line number in the file, header = line 1; column, value,
message), the refusal of a whole file (``_Stop``) and the error carrying every problem (``UploadError``)."""

from __future__ import annotations

import pandas as pd

MAX_BYTES = 48 * 1024 * 1024
PROBLEM_COLUMNS = ["row", "column", "value", "message"]
WHOLE_LINE = "(toute la ligne)"


class UploadError(Exception):
    """Every problem of a file at once: ``problems`` has columns row, column, value, message."""

    def __init__(self, problems: pd.DataFrame, warnings: pd.DataFrame | None = None) -> None:
        self.problems = problems.reset_index(drop=True)
        self.warnings = warnings if warnings is not None else _problems([])
        super().__init__(f"{len(self.problems)} problème(s) dans le fichier")


def _problems(items: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(items, columns=PROBLEM_COLUMNS).astype({"row": "Int64", "column": str, "value": str})


def _frame(rows: pd.Series, column: str, values: pd.Series, message: str) -> pd.DataFrame:
    return pd.DataFrame(
        {"row": rows.astype("Int64"), "column": column, "value": values.astype(str), "message": message}
    ).reset_index(drop=True)


class _Stop(Exception):
    """A file-level problem (or several, e.g. every line with a wrong number of fields): nothing more is checked."""

    def __init__(self, message: str, column: str = "", value: str = "", row=pd.NA) -> None:
        super().__init__(message)
        self.problems = [(row, column, value, message)]

    def again(self) -> _Stop:
        """A fresh exception with the same problems (a kept refusal raised once more)."""
        stop = _Stop("")
        stop.problems = list(self.problems)
        return stop


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def too_large(size: int, max_bytes: int = MAX_BYTES) -> pd.DataFrame:
    """The one problem of a file over the size limit (said before anything is read)."""
    return _problems(
        [
            (
                pd.NA,
                "",
                f"{_count(size)} octets",
                f"le fichier dépasse la taille maximale ({max_bytes // 1024 // 1024} Mo) : rien n'a été lu",
            )
        ]
    )


def problems_text(problems: pd.DataFrame, limit: int = 50) -> str:
    lines = [
        f"  ligne {r.row if pd.notna(r.row) else '-'} | {r.column or '-'} | {r.value!s:.40} | {r.message}"
        for r in problems.head(limit).itertuples()
    ]
    more = f"\n  … et {len(problems) - limit} autre(s)" if len(problems) > limit else ""
    return "\n".join(lines) + more
