"""Zero third-party requests (issue 23, finding 8): every request the browser makes on every page, fonts and
icons included, goes to the app's own host. Nothing is blocked: a request to another host fails the test
(offline it would fail anyway; online it would tell a third party who reads what). The probe's hostile URL
parameters ride along: an image smuggled through ?dep= would be a request to the host x."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import screenshot, wait_until_idle

pytestmark = pytest.mark.e2e

PAGES = {
    "accueil": "/",
    "profil-departement": "/profil?dep=38",
    "profil-commune": "/profil?com=59183",
    "profil-epci": "/profil?epci=245900428",
    "comparer": "/comparer?deps=38,44,93",
    "carte-departements": "/carte?ind=poverty_rate&year=2020",
    "carte-communes": "/carte?maille=communes&dep=59&com=59183",
    "carte-epci": "/carte?maille=communes&epci=245900428",
    "scenarios": "/scenarios",
    "tendances": "/tendances",
    "importer": "/importer",
    "profil-hostile": "/profil?dep=![x](http://x/t.png)%20[clic%20ici](http://x)",
    "carte-hostile": "/carte?maille=communes&epci=%0A%0A%23%20titre%20![x](http://x/t.png)",
}


def test_every_page_requests_its_own_host_only(browser, app_url):
    own = urlsplit(app_url).netloc
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    requests: dict[str, list[str]] = {}
    current = ["start"]
    context.on("request", lambda request: requests.setdefault(current[0], []).append(request.url))
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        for name, path in PAGES.items():
            current[0] = name
            page.goto(app_url + path)
            page.locator("[data-testid=stMain] h1").first.wait_for()
            wait_until_idle(page)
            page.wait_for_timeout(500)  # late fetches: fonts, the favicon, plotly's topology
            if name in ("accueil", "profil-hostile", "carte-hostile"):
                screenshot(page, f"third-party-{name}")
        main = page.locator("[data-testid=stMain]")
        assert main.locator("a[href^='http://x'], img[src^='http://x']").count() == 0
        assert "titre" in main.inner_text()  # said back as text on the last (hostile) page
        assert main.locator("h1, h2, h3").filter(has_text="titre").count() == 0
    finally:
        context.close()
    elsewhere = {
        name: sorted(
            {
                url
                for url in urls
                if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).netloc != own
            }
        )
        for name, urls in requests.items()
    }
    assert {name: urls for name, urls in elsewhere.items() if urls} == {}
    assert set(PAGES) <= set(requests)  # every page was recorded
    assert any(urlsplit(url).path.endswith(".woff2") for urls in requests.values() for url in urls)  # fonts: ours
