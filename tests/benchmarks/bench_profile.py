"""Issues 3 and 11: warm rerun of the profile page (server side), one PDF, and `--all` for 101 départements.

The PDF figure is a cold build of the profile (spine, similar départements, commentary, outlook; the IGN
areas are read once per process) plus its one-page rendering."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from indicators.storage import store
from indicators.views import profile, report
from tests.benchmarks.run import Measure, median_of

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run() -> list[Measure]:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["dep"] = "93"
    at.switch_page("app_pages/profil.py").run()
    assert not at.exception
    warm = median_of(lambda: at.run(), repeat=5)
    table, population = profile.store_rows(), store.load_population()
    one_pdf = median_of(lambda: report.build_pdf(profile.build(table, population, "93")), repeat=3)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        assert report.main(["--all", tmp]) == 0
        every = time.perf_counter() - start
    return [
        Measure(11, "profile page warm rerun, server side (AppTest, ?dep=93)", warm, "s", 0.3),
        Measure(11, "one PDF profile (build + render, 93)", one_pdf, "s", 2.0),
        Measure(11, "python -m indicators.report --all (101 one-page PDFs)", every, "s", 180.0),
    ]
