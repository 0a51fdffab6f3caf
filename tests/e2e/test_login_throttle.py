"""Browser: an attacker's failures never lock the account's owner out of her own browser (issue 23, finding 6).

The owner logs in once (her browser keeps the client key cookie); an attacker on the same address has made
her account, the address and the server wait; the attacker's browser is refused even the right password, the
owner, in a new session of her browser, logs in at once. The login database is the test's own (RADAR_AUTH_DB),
outside the store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicators.publishing import auth
from tests.e2e.server import streamlit_server

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-mot-de-passe"
ENV: dict[str, str] = {}


@pytest.fixture(scope="module")
def login_url(tmp_path_factory) -> Iterator[str]:
    ENV[auth.ACCOUNTS_ENV] = f"Alice={auth.hash_password(PASSWORD)}"
    ENV[auth.DB_ENV] = str(tmp_path_factory.mktemp("auth") / "auth.sqlite3")
    with streamlit_server(ENV) as url:
        yield url


def _try(page, url: str, password: str) -> None:
    page.goto(url)
    page.get_by_role("link", name="Importer (analystes)").click()
    page.get_by_label("Identifiant").fill("Alice")
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_the_owner_is_not_locked_out_by_an_attacker(browser, login_url):
    owner = browser.new_context(locale="fr-FR")
    attacker = browser.new_context(locale="fr-FR")
    try:
        mine = owner.new_page()
        _try(mine, login_url, PASSWORD)
        mine.get_by_text("Connecté·e : Alice").wait_for()
        mine.wait_for_function(f"() => document.cookie.includes('{auth.DEVICE_COOKIE}=')")
        cookie = next(c for c in owner.cookies() if c["name"] == auth.DEVICE_COOKIE)
        assert len(cookie["value"]) >= 40 and cookie["sameSite"] == "Strict"

        # the state an attacker reaches after hours of guesses (real time: a browser's tries take seconds each,
        # and the first waits of 1, 2, 4 s would run out between them): Alice's account, this address and the
        # whole server made to wait
        now = time.time()
        with auth._db(Path(ENV[auth.DB_ENV])) as db:
            for key, failures, wait in (("account:alice", 12, 900), ("client:127.0.0.1", 12, 900), ("global", 30, 60)):
                db.execute("INSERT OR REPLACE INTO throttle VALUES (?, ?, ?, ?)", (key, failures, now, now + wait))
        theirs = attacker.new_page()
        _try(theirs, login_url, PASSWORD)  # the right password from another browser: refused, it waits
        theirs.get_by_text("Trop de tentatives").wait_for()

        again = owner.new_page()  # a new session of the owner's browser: it shows its client key
        _try(again, login_url, PASSWORD)
        again.get_by_text("Connecté·e : Alice").wait_for()
    finally:
        owner.close()
        attacker.close()
