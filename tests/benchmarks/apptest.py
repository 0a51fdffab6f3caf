"""Server reruns measured with Streamlit's AppTest, as the server runs them.

AppTest compiles app.py and the page on every run (a new ScriptCache per run); the server compiles each script
once per process and reuses it. The benches share one ScriptCache, so that a rerun costs what it costs a
visitor (for the map page, the compilation was ~15 % of the run on a quiet machine)."""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from tests.benchmarks.run import median_of

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
BARE_PAGE = 'import streamlit as st\nst.title("Page nue")\nst.write("Une ligne de texte.")\n'

_SCRIPTS = ScriptCache()
app_test.ScriptCache = local_script_runner.ScriptCache = lambda: _SCRIPTS  # as the server: compiled once


def page(path: str, **params: str) -> AppTest:
    """The app opened on ``path`` with ``params``, run until warm (the caches filled), no exception."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(params)
    at.run()
    at.switch_page(path).run()
    at.run()
    assert not at.exception, at.exception
    return at


def bare() -> AppTest:
    """The baseline: a bare Streamlit page (a title and a line of text), already run once."""
    at = AppTest.from_string(BARE_PAGE, default_timeout=60)
    at.run()
    return at


def warm_rerun(path: str, repeat: int = 7, **params: str) -> float:
    """Median seconds of a warm rerun of ``path`` (a figure for benches that report one number)."""
    at = page(path, **params)
    return statistics.median(median_of(at.run, 1) for _ in range(repeat))


def rss_mb() -> float:
    """This process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def bare_rss_mb() -> float:
    """The resident memory of a fresh process that ran the bare page once: the baseline of the server's memory."""
    code = (
        "from tests.benchmarks import apptest; apptest.bare().run(); "
        "import sys; sys.stdout.write(str(apptest.rss_mb()))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])
