"""Radar social: entry point. Registers the pages; nothing else lives here."""

import streamlit as st

from indicators.core.errors import STORE_FAULTS, said_to_visitors
from indicators.core.paths import ROOT
from indicators.storage import versions
from indicators.ui import cache, phone, streamlit_fr, versioned, warmup

# The page icon is our own file, served by the app: a Material icon name (":material/radar:") makes the
# browser fetch it from a third-party font server on every page. The pages' own icons come with Streamlit.
st.set_page_config(page_title="Radar social", page_icon=str(ROOT / "static" / "favicon.png"), layout="wide")
cache.server_tuned()  # once per process: no Nagle wait, no cache clearing from a browser (indicators/ui/serving.py)
version = versioned.pin()  # the store version, read once for this run: the key of every cache (ui/versioned.py)

pages = [
    st.Page("app_pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
    st.Page("app_pages/profil.py", title="Profil d'un territoire", icon=":material/badge:", url_path="profil"),
    st.Page("app_pages/radar.py", title="Radar", icon=":material/radar:", url_path="radar"),
    st.Page("app_pages/comparer.py", title="Comparer", icon=":material/compare_arrows:"),
    st.Page("app_pages/carte.py", title="Carte", icon=":material/map:"),
    st.Page("app_pages/scenarios.py", title="Projections et scénarios 2050", icon=":material/timeline:"),
    st.Page("app_pages/metiers.py", title="Métiers du social", icon=":material/groups:", url_path="metiers"),
    st.Page("app_pages/tendances.py", title="Tendances des taux", icon=":material/trending_up:", url_path="tendances"),
    st.Page("app_pages/import.py", title="Importer (analystes)", icon=":material/upload_file:", url_path="importer"),
]
# Streamlit's own words, in French: the page list folded behind "»" on a phone is named, and a text
# box's "Press Enter to apply" hint is translated; the script below (indicators/ui/streamlit_fr.py) takes no room.
st.html(
    """<style>
[data-testid="stExpandSidebarButton"]::after {content: "Menu"; font-size: 0.9rem; margin-left: 0.25rem;}
[data-testid="stExpandSidebarButton"] {width: auto; padding: 0 0.5rem;}
[data-testid="InputInstructions"] {font-size: 0;}
[data-testid="InputInstructions"]::after {content: "Entrée pour valider"; font-size: 0.75rem;}
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) {display: none;}
</style>"""
)
# Tooltips, aria-labels and placeholders CSS cannot reach (status widget, table toolbar, plotly's mode bar).
st.html(streamlit_fr.localizer_html(), unsafe_allow_javascript=True)
st.html(phone.STYLE)  # tables as cards on a phone (indicators/ui/phone.py)
st.html(phone.SCRIPT, unsafe_allow_javascript=True)
try:
    # versions/CURRENT damaged, or PostgreSQL unreachable (scaled mode): the version served is said
    damage = versions.pointer().damage
    if damage:
        st.warning(damage, icon=":material/warning:")
    st.navigation(pages).run()
except STORE_FAULTS as fault:  # a damaged or missing store (docs/store-faults.md): French, no path, no traceback
    st.error(said_to_visitors(fault), icon=":material/error:")
finally:  # after the page (st.stop and st.switch_page end it by an exception): the warm-up does not slow it down
    warmup.start(version)  # a version new to this process: the map's default view, in the background (ui/warmup.py)
