"""The profile page shows the store's values for a département, survives départements with gaps and says
so when the link carries an unknown or retired code."""

import re
from html import unescape

import pytest
from streamlit.testing.v1 import AppTest

from indicators.core.formatting import NBSP
from tests.conftest import APP

CARD = re.compile(
    r"<div class='rs-label'>(.*?)</div><div class='rs-value'>(.*?)</div>(.*?)<div class='rs-src'>(.*?)</div>"
)


@pytest.fixture(scope="module")
def at():
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["dep"] = "38"
    app.switch_page("app_pages/profil.py").run()
    return app


def _cards(app) -> dict[str, tuple[str, str, str]]:
    """label -> (value, comparison lines, source line) of the first card with that label (the key figures
    come first), markup removed and spaces collapsed."""
    out: dict[str, tuple[str, str, str]] = {}
    for block in app.markdown:
        for label, value, compare, source in CARD.findall(block.value):
            plain = [unescape(re.sub(r"<[^>]+>", " ", t)).strip() for t in (value, compare, source)]
            out.setdefault(
                unescape(re.sub(r"<[^>]+>", "", label)), tuple(re.sub(r"\s+", " ", t) for t in plain)
            )  # NBSP too
    return out


def test_isere_profile_shows_store_values(at):
    assert not at.exception
    assert at.header[0].value == "Isère (38)"
    cards = _cards(at)
    assert cards["Population au 1er janvier"][0] == "1 294 476 habitants"
    assert cards["Taux de pauvreté (seuil à 60 % du niveau de vie médian)"][:2] == (
        "11,3 %",
        "médiane des départements : 14,2 %",
    )
    assert cards["Densité de population"][0] == "164 hab./km²"
    rsa = cards["Part de la population couverte par le RSA"]
    assert rsa[0] == "3,7 %" and "81ᵉ sur 101" in rsa[1] and "France : 5,7 %" in rsa[1]
    markdown = " ".join(m.value for m in at.markdown)
    assert f"**24,8{NBSP}%**" in markdown  # share of under-20s in the age table
    assert "Le taux de pauvreté (11,3" in markdown and "[Loire-Atlantique (44)](/profil?dep=44)" in markdown
    assert at.query_params["dep"] == ["38"] or at.query_params["dep"] == "38"


@pytest.mark.parametrize("code", ["2A", "976", "69"])
def test_switching_departement_works(at, code):
    at.text_input(key="profile_search").input(code).run()  # the search box: the département comes first
    at.button(key="profile_search-0").click().run()
    assert not at.exception
    assert at.header[0].value.endswith(f"({code})")
    cards = _cards(at)
    if code == "976":
        unemployment = cards["Taux de chômage localisé (moyenne annuelle)"]
        assert unemployment[0] == "n.d." and "Mayotte n'est pas couverte" in unemployment[2]
    if code == "2A":
        assert "après 2017" in " ".join(c.value for c in at.caption) + " ".join(v[2] for v in cards.values())
    assert all(value[0] != "0" for value in cards.values())


@pytest.mark.parametrize(("raw", "message"), [("999", "« 999 » n'est pas un code"), ("20", "ancien code de la Corse")])
def test_unknown_or_retired_code_says_so(raw, message):
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["dep"] = raw
    app.switch_page("app_pages/profil.py").run()
    assert not app.exception
    assert message in app.warning[0].value
    assert not app.header  # no profile of some other département
    assert "/profil?dep=2B" in " ".join(m.value for m in app.markdown)
