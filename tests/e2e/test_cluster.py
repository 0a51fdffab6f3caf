"""Browser + protocol: two replicas behind nginx (ops/cluster.py) on one copy of the store.

- a publish through replica 1 (an analyst's browser) is served by replica 0, without restart: a visitor of
  replica 0 opens the compare table when the store's pointer moves and sees the new value. The seconds it
  took are written beside the screenshots; the 5 s budget is `make bench-cluster`'s figure, measured with the
  machine otherwise quiet (here the other test worker shares the 2 cores: 6,6 s once in a full run, with
  1,8 s of the replica's CPU), so this test bounds it at 60 s: a replica that never learns of the version
  fails, a slow machine does not;
- replica 0 is killed (SIGKILL, by the store's own crash hook ``RADAR_VERSIONS_CRASH_AT``) in the middle of
  a publish it serves: nothing published is lost, the store stays consistent, the analyst's browser is
  reconnected by the proxy to replica 1 (Streamlit's frontend retries on its own), where the same publish
  then succeeds; a visitor on replica 1 never notices.

A browser is put on a chosen replica by giving it a sticky cookie (``radar_replica``) that the proxy hashes to
that replica. Skipped with its reason when nginx is not installed, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from indicators.publishing import auth
from indicators.storage import versions
from ops.cluster import STICKY_COOKIE, Cluster, cpu_seconds, nginx_binary
from ops.streamlit_client import Session
from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.upload_helpers import copy_store

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-mot-de-passe"
PUBLISHED = b"territory_code;indicator_id;year;value\n38;poverty_rate;2021;12,4\n"  # Isère 2020: 11,3 %
# Isère and Seine-Saint-Denis 2021: the compare table of the two shows their latest common year, 2021 once published.
PROPAGATED = b"territory_code;indicator_id;year;value\n38;poverty_rate;2021;12,4\n93;poverty_rate;2021;27,9\n"
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


def _login_and_upload(page, url: str, name: str, data: bytes, values: int = 1) -> None:
    page.goto(url)
    page.get_by_role("link", name="Importer (analystes)").click()
    page.get_by_label("Identifiant").fill("Alice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Connecté·e : Alice").wait_for()
    page.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.get_by_text(f"Fichier valide : {values} valeur(s) à importer").wait_for()
    page.get_by_label("Producteur (ex. Insee, CAF de l'Isère)").fill("CCAS de test")
    page.get_by_label("Titre de la publication").fill("Enquête pauvreté")
    page.get_by_label("Titre de la publication").press("Tab")
    page.get_by_text("Indiquez le producteur et le titre").wait_for(state="detached")


def _poverty_row(url: str, sticky: str, deps: str = "38,93", timeout: float = 300) -> tuple[str, str, float]:
    """A new visitor of the replica ``sticky`` maps to opens the compare table of ``deps``: its poverty-rate row
    as shown (cells joined by `` | ``), the replica that served it, and when the page was rendered."""

    async def visit() -> tuple[str, str, float]:
        async with Session(url, cookies={STICKY_COOKIE: sticky}, timeout=timeout) as tab:
            run = await tab.open("comparer", f"deps={deps}")
            row = next(t for t in run.texts if t.startswith("Taux de pauvreté (%) |"))
            return row, run.replica, time.perf_counter()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, visit()).result()


def _commit_time(store_dir, before: int, timeout: float = 300) -> float:
    """When the store's published version moves past ``before`` (the publish's commit), polled every 20 ms."""
    deadline = time.perf_counter() + timeout
    while versions.current(store_dir) == before:
        assert time.perf_counter() < deadline, f"no publish committed within {timeout:.0f} s"
        time.sleep(0.02)
    return time.perf_counter()


def test_a_publish_through_one_replica_is_served_by_the_other_without_restart(cluster, browser):
    running, store_dir = cluster
    on_zero = running.sticky_for(0)
    row, replica, _ = _poverty_row(running.url, on_zero)  # also warms replica 0 (version-independent caches)
    pid = running.members[0].process.pid
    assert running.index_of(replica) == 0 and "| 11,3 ·" in row and "12,4" not in row, row
    before = versions.current(store_dir)
    context, page = _browser_on(browser, running, 1)
    try:
        _login_and_upload(page, running.url, "pauvrete-2021.csv", PROPAGATED, values=2)
        page.get_by_role("button", name="Publier").click()
        committed = _commit_time(store_dir, before)
        cpu_before = cpu_seconds(pid)
        while True:  # a visitor of replica 0 opens the page until it shows the published value
            row, replica, rendered = _poverty_row(running.url, on_zero)
            if "| 12,4 ·" in row or rendered - committed > 60:
                break
        page.get_by_text(re.compile(r"Version \d+ publiée : 2 ajout\(s\)")).wait_for()
    finally:
        context.close()
    waited, cpu = rendered - committed, cpu_seconds(pid) - cpu_before  # cpu: what replica 0 spent meanwhile
    figures = {"seconds": round(waited, 3), "replica_cpu_s": round(cpu, 2), "load_average": os.getloadavg()[0]}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "cluster-propagation.json").write_text(json.dumps(figures), encoding="utf-8")
    print(f"publish committed through replica 1, served by replica 0 after {waited:.2f} s ({cpu:.2f} s of its CPU)")
    assert running.index_of(replica) == 0 and running.members[0].process.pid == pid  # the same process: no restart
    assert "| 12,4 ·" in row and "| 27,9 ·" in row, f"replica 0 still serves {row!r} {waited:.1f} s after the commit"
    assert waited <= 60.0  # the 5 s budget: make bench-cluster (module docstring)


def test_a_replica_killed_mid_publish_loses_nothing_and_its_user_is_reconnected(cluster, browser):
    running, store_dir = cluster
    before = versions.current(store_dir)
    history_before = versions.history(store_dir)["id"].tolist()
    bystander = running.sticky_for(1)
    assert "| 10,0 ·" in _poverty_row(running.url, bystander, "44,38")[0]  # Loire-Atlantique 2020
    context, page = _browser_on(browser, running, 0)
    try:
        _login_and_upload(page, running.url, "loire-atlantique-2021.csv", KILLED)
        page.get_by_role("button", name="Publier").click()
        assert running.members[0].process.wait(timeout=120) == -9  # SIGKILL mid-publish (folder renamed)
        # The store: the pointer still names the last good version, no damage, the history as it was.
        assert versions.pointer(store_dir).damage is None
        assert versions.current(store_dir) == before
        assert versions.history(store_dir)["id"].tolist() == history_before
        row, replica, _ = _poverty_row(running.url, bystander, "44,38")
        assert running.index_of(replica) == 1 and "| 10,0 ·" in row and "10,9" not in row  # unchanged, by the survivor
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
