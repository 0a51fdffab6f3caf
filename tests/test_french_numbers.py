"""Every number a page shows is in French format: no '1.70', '0.8' or '1,234' in visible text or tables."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP

ENGLISH_NUMBER = re.compile(r"(?<![\w./-])\d+\.\d+(?![\w./])|(?<![\w.,])\d{1,3},\d{3}(?![\d,])")
PAGES = {
    "app_pages/accueil.py": {},
    "app_pages/profil.py": {"dep": "93"},
    "app_pages/comparer.py": {"deps": "38,44,93,974,2A"},
    "app_pages/carte.py": {"ind": "poverty_rate", "year": "2020"},
    "app_pages/scenarios.py": {"dep": "93"},
    "app_pages/tendances.py": {"dep": "93"},
}


ALLOWED = re.compile(r"Etalab 2\.0|Licence Ouverte 2\.0")  # licence versions, not figures
HTML = re.compile(r"<style>.*?</style>|<[^>]+>", re.S)


def _visible(text: str) -> str:
    """Text as a reader sees it: without style sheets and tag attributes of the app's own HTML."""
    return ALLOWED.sub(" ", HTML.sub(" ", text))


def _texts(at: AppTest) -> list[str]:
    texts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for table in [*at.table, *at.dataframe]:
        frame = table.value
        if hasattr(frame, "data"):  # a Styler
            frame = frame.data
        texts += [str(c) for c in frame.columns]
        texts += [v for v in frame.astype(str).to_numpy().ravel().tolist() if isinstance(v, str)]
    for slider in at.slider:
        texts.append(str(slider.label))
    return texts


@pytest.mark.parametrize("path", list(PAGES))
def test_page_shows_french_numbers(path):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(PAGES[path])
    at.run()
    at.switch_page(path).run()
    assert not at.exception
    texts = [_visible(t) for t in _texts(at)]
    found = sorted({f"{m.group(0)} in «{t[:60]}»" for t in texts for m in ENGLISH_NUMBER.finditer(t)})
    assert found == []
