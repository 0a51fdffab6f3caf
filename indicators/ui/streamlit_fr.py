"""Streamlit's and plotly.js's own English words, in French, for every page (injected once by app.py).

Streamlit 1.67 has no locale setting: its status widget ("Running...", "Stop"), the dataframe toolbar
(Download as CSV, Search, Fullscreen), the column menu, selectbox placeholders and plotly's mode bar are
English strings in the frontend bundle. CSS alone can replace a visible text (app.py does so for the
sidebar's "Menu" and "Press Enter to apply") but not a tooltip nor an aria-label. A small script watches the
page and replaces these exact strings, in text nodes and in the aria-label / title / data-title /
placeholder attributes, by their French (and the file uploader's "88.0B" by "88,0 o"). Only whole
strings of this table are replaced, never a part of the app's own content. tests/test_streamlit_fr.py
checks that each English string is still in the bundle, so a Streamlit upgrade that renames one is noticed.
"""

from __future__ import annotations

import json

FRENCH = {
    # status widget (top right while a page computes)
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Stopping...": "Arrêt…",
    "Connecting": "Connexion…",
    "Connecting to Streamlit server": "Connexion au serveur",
    # element toolbar of tables and charts
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    # dataframe column menu
    "Sort ascending": "Tri croissant",
    "Sort descending": "Tri décroissant",
    "Autosize": "Largeur automatique",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Hide column": "Masquer la colonne",
    # selectbox / multiselect
    "Choose an option": "Choisissez une option",
    "Choose options": "Choisissez",
    "No results": "Aucun résultat",
    "No options to select.": "Aucune option.",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Select all": "Tout sélectionner",
    "Copy to clipboard": "Copier",
    # plotly.js mode bar (tooltips in data-title)
    "Download plot as a PNG": "Télécharger l'image (PNG)",
    "Download plot": "Télécharger l'image",
    "Zoom in": "Zoom avant",
    "Zoom out": "Zoom arrière",
    "Reset view": "Vue initiale",
    "Reset": "Réinitialiser",
    "Reset axes": "Axes initiaux",
    "Autoscale": "Échelle automatique",
    "Pan": "Déplacer",
    "Box Select": "Sélection rectangulaire",
    "Lasso Select": "Sélection au lasso",
    "Toggle Spike Lines": "Lignes de repère",
    "Show closest data on hover": "Valeur la plus proche au survol",
    "Compare data on hover": "Comparer au survol",
}

_SCRIPT = r"""<script>
(() => {
  if (window.__radarFrench) return;
  window.__radarFrench = true;
  const FR = new Map(Object.entries(%s));
  const ATTRS = ["aria-label", "title", "data-title", "placeholder"];
  // the file uploader's sizes in French: 88,0 o, 1,2 Mo
  const SIZE = /^(\d+)(?:\.(\d+))?\s?(B|KB|MB|GB)$/;
  const UNITS = {B: "o", KB: "Ko", MB: "Mo", GB: "Go"};
  const LABEL_SIZE = /, (\d+)(?:\.(\d+))?\s?(B|KB|MB|GB)$/;  // a file's aria-label: name, size
  const french = (_, int, dec, unit) => `${int}${dec ? "," + dec : ""}\u00a0${UNITS[unit]}`;
  const size = (text) => text.replace(SIZE, french);
  const fix = (root) => {
    if (!root) return;
    if (root.nodeType === Node.TEXT_NODE) {
      const text = root.nodeValue.trim();
      if (FR.has(text)) root.nodeValue = root.nodeValue.replace(text, FR.get(text));
      else if (SIZE.test(text)) root.nodeValue = size(text);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) fix(node);
    for (const el of [root, ...root.querySelectorAll("[aria-label], [title], [data-title], [placeholder]")]) {
      for (const name of ATTRS) {
        const value = el.getAttribute(name);
        if (value === null) continue;
        if (FR.has(value)) el.setAttribute(name, FR.get(value));
        else if (LABEL_SIZE.test(value)) {
          el.setAttribute(name, value.replace(LABEL_SIZE, (...m) => ", " + french(...m)));
        }
      }
    }
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "childList") m.addedNodes.forEach(fix);
      else fix(m.target);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ATTRS});
  fix(document.body);
})();
</script>"""


def localizer_html() -> str:
    """The <script> that puts FRENCH in place of Streamlit's English (st.html, unsafe_allow_javascript)."""
    return _SCRIPT % json.dumps(FRENCH, ensure_ascii=False)
