"""Streamlit's English words replaced in the browser (indicators/ui/streamlit_fr.py): the table still matches
the installed frontend, and the script carries it whole."""

import json
import re
from pathlib import Path

import streamlit

from indicators.ui import streamlit_fr

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"


def test_every_english_string_is_still_in_the_streamlit_bundle():
    # a Streamlit upgrade that renames a label would leave it in English: this test names it
    text = "\n".join(path.read_text(errors="ignore") for path in BUNDLE.glob("*.js"))
    missing = [english for english in streamlit_fr.FRENCH if f"`{english}`" not in text and f'"{english}"' not in text]
    assert missing == []


def test_the_script_holds_the_whole_table_and_translates_only_whole_strings():
    html = streamlit_fr.localizer_html()
    table = json.loads(re.search(r"Object\.entries\((\{.*?\})\)", html, re.S).group(1))
    assert table == streamlit_fr.FRENCH
    assert table["Running..."] == "Calcul en cours…" and table["Download as CSV"] == "Télécharger en CSV"
    assert "FR.has(text)" in html  # a text node is replaced only when its whole (trimmed) text is in the table
    assert all(english != french for english, french in streamlit_fr.FRENCH.items())
