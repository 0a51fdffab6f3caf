"""No user text is rendered as Markdown or HTML (issue 23, finding 3): every page's URL parameters, the search
box and an uploaded file's column name are fed the probe's hostile strings; what each page writes is parsed
as GitHub-flavoured Markdown (markdown-it-py, with autolinks, as Streamlit's renderer: CommonMark + GFM) and
must hold no link, image, heading or HTML that came from them. The app's own links (/profil?dep=38) and HTML
(the profile's cards) stay."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from indicators.publishing import auth
from tests.conftest import APP
from tests.upload_helpers import copy_store

# The probe's strings. Inline ones share a value (one page run each); the heading needs its own line.
INLINE = "[clic ici](http://x) ![x](http://x/t.png) <script> <img src=x> www.x.io"
HOSTILE = {"inline": INLINE, "heading": "%0A%0A# titre".replace("%0A", "\n")}
MARKDOWN_KINDS = ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success")
GFM = MarkdownIt("gfm-like")  # tables, strikethrough and autolinks (linkify), as remark-gfm


def _smuggled(text: str) -> list[str]:
    """What a reader would get from the hostile strings in this Markdown body: links to x, images, the
    'titre' heading, script or img HTML."""
    found = []
    tokens = GFM.parse(text)
    for token in [t for block in tokens for t in [block, *(block.children or [])]]:
        href = str(token.attrs.get("href", "") or token.attrs.get("src", ""))
        if token.type == "link_open" and not href.startswith("/"):
            found.append(f"link {href}")
        elif token.type == "image":
            found.append(f"image {href}")
        elif token.type == "heading_open" and "titre" in tokens[tokens.index(token) + 1].content:
            found.append("heading")
        elif token.type.startswith("html") and ("<script" in token.content or "<img" in token.content):
            found.append(f"html {token.content[:40]}")
    return found


def _check(at: AppTest) -> list[str]:
    assert not at.exception, at.exception
    bodies = [str(e.value) for kind in MARKDOWN_KINDS for e in getattr(at, kind)]
    bodies += [str(e.label) for e in [*at.button, *at.expander, *at.checkbox, *at.selectbox, *at.text_input]]
    smuggled = {body[:80]: _smuggled(body) for body in bodies if _smuggled(body)}
    assert not smuggled
    return bodies


def _page(page: str, params: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.switch_page(page).run()


ECHOED = {("app_pages/profil.py", p) for p in ("dep", "com", "epci")} | {("app_pages/carte.py", "epci")}
PARAMS = [
    ("app_pages/profil.py", "dep", {}),
    ("app_pages/profil.py", "com", {}),
    ("app_pages/profil.py", "epci", {}),
    ("app_pages/carte.py", "dep", {"maille": "communes"}),
    ("app_pages/carte.py", "epci", {"maille": "communes"}),
    ("app_pages/carte.py", "com", {"maille": "communes", "dep": "59"}),
    ("app_pages/comparer.py", "deps", {}),
]


@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize(("page", "param", "others"), PARAMS, ids=[f"{p[10:-3]}-{k}" for p, k, _ in PARAMS])
def test_url_parameter_is_said_back_as_text(page, param, others, kind):
    at = _page(page, {**others, param: HOSTILE[kind]})
    bodies = _check(at)
    if (page, param) in ECHOED:  # the unknown code is said back, whole and as text
        echo = next(b for b in bodies if "n'est pas un code" in b)
        assert echo.startswith("« ") and "\n" not in echo and ("titre" in echo.lower() or "www" in echo.lower())


def test_the_unknown_code_shows_its_characters():
    """Escaped, not removed: the reader sees what the link carried (CommonMark backslash escapes)."""
    at = _page("app_pages/profil.py", {"dep": "[clic ici](http://x)"})
    assert at.warning[0].value.startswith(r"« \[clic ici\](http\://x) » n'est pas un code de département")
    assert GFM.renderInline(at.warning[0].value).startswith("« [clic ici](http://x) »")


@pytest.mark.parametrize(
    "page", ["app_pages/accueil.py", "app_pages/carte.py", "app_pages/scenarios.py", "app_pages/tendances.py"]
)
def test_every_other_page_ignores_hostile_parameters(page):
    """Pages that read few or no parameters: every parameter the app knows, each with a hostile string."""
    names = ["dep", "com", "epci", "deps", "ind", "year", "method", "k", "gap", "maille"]
    values = list(HOSTILE.values())
    _check(_page(page, {name: values[i % len(values)] for i, name in enumerate(names)}))


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_search_query_is_said_back_as_text(kind):
    at = _page("app_pages/profil.py", {})
    at.text_input(key="profile_search").input(HOSTILE[kind]).run()
    _check(at)


def test_uploaded_column_name_is_said_back_as_text(tmp_path, monkeypatch):
    monkeypatch.setenv("RADAR_DATA_DIR", str(copy_store(tmp_path / "store")))
    monkeypatch.setenv(auth.ACCOUNTS_ENV, f"Alice={auth.hash_password('secret-de-test', iterations=1000)}")
    monkeypatch.setenv(auth.DB_ENV, str(tmp_path / "auth.sqlite3"))
    at = AppTest.from_file(APP, default_timeout=60).run().switch_page("app_pages/import.py").run()
    at.text_input(key="login_name").set_value("Alice")
    at.text_input(key="login_password").set_value("secret-de-test")
    at = at.button[0].click().run()
    column = f"{INLINE} 2020"  # a wide column: its name ends with a year
    csv = f"CODGEO;TP6020;{column}\n38;12;12\n".encode()
    at.file_uploader(key="upload_file").set_value(("x.csv", csv, "text/csv")).run()
    at = at.selectbox(key="column").set_value(column).run()
    bodies = _check(at)
    assert any(r"colonne « \[clic ici\](http\://x)" in b for b in bodies)
