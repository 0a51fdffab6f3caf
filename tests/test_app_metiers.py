"""The « Métiers du social » page (/metiers?dep=…) on the real store: 93, 38, and Mayotte (missing data)."""

from streamlit.testing.v1 import AppTest

from tests.conftest import APP


def _open(code: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["dep"] = code
    at.run()
    at.switch_page("app_pages/metiers.py").run()
    assert not at.exception
    return at


def _texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_seine_saint_denis():
    at = _open("93")
    assert at.title[0].value == "Les métiers du social de demain"
    assert at.selectbox(key="departement").value == "93"
    text = _texts(at)
    assert (
        "Pour maintenir le taux d'encadrement de 2020, Seine-Saint-Denis aurait besoin, en assistants familiaux" in text
    )
    assert "(518 agents en 2020), de **463 à 713 agents** en 2030" in text
    today = at.table[0].value
    assert today.iloc[0]["pour 1 000"] == "89,9"  # 518 / 5 763 children placed
    assert today.iloc[0]["effectif"] == "518,0 agents"
    assert "Méthode et limites" in [e.label for e in at.expander]
    assert "n'est pas une norme" in text and "retraite" in text
    assert any(c.value.startswith("Source : DREES") for c in at.caption)
    assert len(at.get("download_button")) == 1


def test_isere():
    at = _open("38")
    text = _texts(at)
    assert "Isère aurait besoin, en assistants familiaux" in text
    today = at.table[0].value
    assert today.iloc[0]["pour 1 000"] == "148,7"  # 471 / 3 168
    assert today.iloc[1]["année"] == "2019"  # RSA households stop in 2019


def test_mayotte_shows_missing_as_missing():
    at = _open("976")
    assert at.selectbox(key="departement").value == "976"
    assert any("donnée manquante, pas zéro" in w.value for w in at.warning)
    counts = at.table[0].value
    assert (counts == "non publié").all().all()
    assert len(at.get("download_button")) == 0
