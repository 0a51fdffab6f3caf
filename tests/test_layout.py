"""No pages/ folder next to app.py: Streamlit would serve a deep link opened as the first request after a start
in its old folder mode (narrow layout, file names in the menu, app.py's st.navigation never run)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_legacy_pages_folder():
    assert not (ROOT / "pages").exists(), "pages live in app_pages/ (see README, Layout)"
    assert sorted(p.name for p in (ROOT / "app_pages").glob("*.py")) == sorted(
        line.split('"')[1].removeprefix("app_pages/")
        for line in (ROOT / "app.py").read_text(encoding="utf-8").splitlines()
        if "st.Page(" in line
    )
