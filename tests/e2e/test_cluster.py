"""Browser + protocol: two replicas behind nginx (ops/cluster.py) on one copy of the store.

- replica 0 is killed (SIGKILL, by the store's own crash hook ``RADAR_VERSIONS_CRASH_AT``) in the middle of
  a publish it serves: nothing published is lost, the store stays consistent, the analyst's browser is
  reconnected by the proxy to replica 1 (Streamlit's frontend retries on its own), where the same publish
  then succeeds; a visitor on replica 1 never notices.

A browser is put on a chosen replica by giving it a sticky cookie (``radar_replica``) that the proxy hashes to
that replica. Skipped with its reason when nginx is not installed, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from indicators.publishing import auth
from indicators.storage import versions
from ops.cluster import STICKY_COOKIE, Cluster, nginx_binary
from ops.streamlit_client import Session
from tests.e2e.conftest import screenshot
from tests.upload_helpers import copy_store

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-mot-de-passe"
PUBLISHED = b"territory_code;indicator_id;year;value\n38;poverty_rate;2021;12,4\n"  # Isère 2020: 11,3 %
KILLED = b"territory_code;indicator_id;year;value\n44;poverty_rate;2021;10,9\n"  # Loire-Atlantique 2020: 10,0 %


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[tuple[Cluster, object]]:
    if nginx_binary() is None:
        message = "nginx is not installed (apt-get install -y nginx): the cluster tests need it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    store_dir = copy_store(tmp_path_factory.mktemp("cluster-store"))
    env = {"RADAR_DATA_DIR": str(store_dir), auth.ACCOUNTS_ENV: f"Alice={auth.hash_password(PASSWORD)}"}
    crash = {0: {versions.CRASH_ENV: "folder_renamed"}}  # replica 0 dies like kill -9 mid-publish
    with Cluster(2, env=env, replica_env=crash) as running:
        yield running, store_dir


def _browser_on(browser, cluster: Cluster, replica: int):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    context.add_cookies([{"name": STICKY_COOKIE, "value": cluster.sticky_for(replica), "url": cluster.url}])
    page = context.new_page()
    page.set_default_timeout(90_000)  # a loaded machine: the preview of a publish takes long
    return context, page


def _login_and_upload(page, url: str, name: str, data: bytes) -> None:
    page.goto(url)
    page.get_by_role("link", name="Importer (analystes)").click()
    page.get_by_label("Identifiant").fill("Alice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Connecté·e : Alice").wait_for()
    page.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.get_by_text("Fichier valide : 1 valeur(s) à importer").wait_for()
    page.get_by_label("Producteur (ex. Insee, CAF de l'Isère)").fill("CCAS de test")
    page.get_by_label("Titre de la publication").fill("Enquête pauvreté")
    page.get_by_label("Titre de la publication").press("Tab")
    page.get_by_text("Indiquez le producteur et le titre").wait_for(state="detached")


def _profile_text(url: str, sticky: str, code: str, timeout: float = 300) -> tuple[str, str]:
    """The profile of ``code`` as a new visitor of the replica ``sticky`` maps to sees it (its texts, joined)."""

    async def visit() -> tuple[str, str]:
        async with Session(url, cookies={STICKY_COOKIE: sticky}, timeout=timeout) as tab:
            run = await tab.open("profil", f"dep={code}")
            return "\n".join(run.texts), run.replica

    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API runs an event loop in this thread
        return thread.submit(asyncio.run, visit()).result()


def test_a_replica_killed_mid_publish_loses_nothing_and_its_user_is_reconnected(cluster, browser):
    running, store_dir = cluster
    before = versions.current(store_dir)
    history_before = versions.history(store_dir)["id"].tolist()
    bystander = running.sticky_for(1)
    assert "10,0\xa0% en 2020" in _profile_text(running.url, bystander, "44")[0]
    context, page = _browser_on(browser, running, 0)
    try:
        _login_and_upload(page, running.url, "loire-atlantique-2021.csv", KILLED)
        page.get_by_role("button", name="Publier").click()
        assert running.members[0].process.wait(timeout=120) == -9  # SIGKILL mid-publish (folder renamed)
        # The store: the pointer still names the last good version, no damage, the history as it was.
        assert versions.pointer(store_dir).damage is None
        assert versions.current(store_dir) == before
        assert versions.history(store_dir)["id"].tolist() == history_before
        text, replica = _profile_text(running.url, bystander, "44")
        assert running.index_of(replica) == 1 and "10,9\xa0% en 2021" not in text  # served, unchanged, by the survivor
        # The browser reconnects through the proxy to replica 1: a new session there (logged out).
        page.get_by_label("Identifiant").wait_for(timeout=90_000)
        screenshot(page, "cluster-reconnected")
        assert running.replica_for(context.cookies()[0]["value"]) == 1
        # The analyst logs in again on replica 1 and publishes the same file: it goes through.
        _login_and_upload(page, running.url, "loire-atlantique-2021.csv", KILLED)
        page.get_by_text("1 ligne(s) ajoutée(s), 0 ligne(s) modifiée(s), 0 inchangée(s)").wait_for()
        page.get_by_role("button", name="Publier").click()
        page.get_by_text(re.compile(r"Version \d+ publiée : 1 ajout\(s\)")).wait_for()
        screenshot(page, "cluster-republished")
    finally:
        context.close()
    assert versions.pointer(store_dir).damage is None
    after = versions.history(store_dir)["id"].tolist()
    assert versions.current(store_dir) > before and set(history_before) < set(after)  # nothing lost, one more
