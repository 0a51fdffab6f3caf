"""Issue 25: a newcomer's wait for the first pixel with ``make demo`` (no store build), budget 60 s.

From ``make demo`` typed to the home page's title drawn in Chromium: the fixture store written, Streamlit
started, the page run. On a fresh clone (``python -m tests.benchmarks.bench_demo /tmp/clone``) the figure
also holds the virtualenv's creation and ``pip install -r requirements.txt``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.benchmarks.run import Measure
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.server import _free_port

ROOT = Path(__file__).resolve().parents[2]


def first_pixel(repo: Path = ROOT, screenshot: Path | None = None, timeout: float = 900) -> float:
    """Seconds from ``make demo`` in ``repo`` to the home page's title visible in a browser."""
    from playwright.sync_api import Error, sync_playwright

    port = _free_port()
    args = f"--server.port {port} --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false"
    started = time.perf_counter()
    make = subprocess.Popen(
        ["make", "demo", f"DEMO_ARGS={args}"],
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: make, pip and streamlit stopped together
    )
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            while True:
                if make.poll() is not None:
                    raise RuntimeError(f"make demo stopped (exit {make.returncode}) before the page showed")
                try:
                    tab.goto(f"http://127.0.0.1:{port}/", timeout=5_000)
                    tab.locator("[data-testid=stMain] h1").first.wait_for(state="visible", timeout=30_000)
                    break
                except Error:
                    if time.perf_counter() - started > timeout:
                        raise
                    time.sleep(0.2)
            elapsed = time.perf_counter() - started
            if screenshot:
                tab.screenshot(path=str(screenshot))
            browser.close()
        return elapsed
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)


def run() -> list[Measure]:
    return [Measure(25, "make demo: first pixel (virtualenv present)", first_pixel(), "s", 60)]


if __name__ == "__main__":
    repo = Path(sys.argv[1]) if sys.argv[1:] else ROOT
    shot = Path(sys.argv[2]) if sys.argv[2:] else None
    print(f"make demo in {repo}: first pixel after {first_pixel(repo, shot):.1f} s")
