"""The radar's three strongest signals of a département, as one small block of its printed profile
(indicators.views.report): one short line each (the figure and its references, radar.sentences.short; the
page's « À retenir » has the full sentences), from the store's signals file of the published version (no
block when the store has none: never a stale or invented radar)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from reportlab.platypus import Paragraph

from indicators.radar import sentences, stored
from indicators.views import radar_view
from indicators.views.pdf_style import _esc

TOP = radar_view.TOP


def top_signals(code: str, store_dir: Path | None = None) -> pd.DataFrame | None:
    """The département's strongest signals (at most TOP) of the published version, None without a radar file."""
    if not stored.has_signals(None, store_dir):
        return None
    found = stored.load_signals(store_dir)
    found = found[(found["territory_level"] == "departement") & (found["territory_code"] == code)]
    return found.sort_values("score", ascending=False, kind="stable").head(TOP)


def block(signals: pd.DataFrame | None, styles: dict) -> list:
    """« Le radar — à retenir » in one paragraph: its (at most TOP) signals numbered, one short line each
    (« plus favorable » said, a difficult situation being the default); « aucun signal net » when none."""
    if signals is None:
        return []
    lines = [
        f"{rank}. {_esc(sentences.short(signal))}" + ("" if signal["direction"] == "worse" else " (plus favorable)")
        for rank, signal in enumerate(signals.head(TOP).to_dict("records"), start=1)
    ]
    text = " ; ".join(lines) if lines else "aucun signal net : rien ne ressort nettement des indicateurs"
    return [Paragraph(f"<b>Le radar — à retenir :</b> {text}.", styles["comment"])]
