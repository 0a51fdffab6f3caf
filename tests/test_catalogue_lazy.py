"""Importing the code never reads the catalogue (issue 25): what a module derives from catalogue.yml is
read on first use, so a test can change the catalogue without patching module constants, and an import
costs no YAML parse."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.core import catalogue
from indicators.models import needs, standing, trends

ROOT = Path(__file__).resolve().parent.parent

# Imports every module of the package in a fresh interpreter and prints, as JSON, the catalogue files
# opened meanwhile (an audit hook sees every open, from Python or C) and the calls of catalogue.load.
PROBE = """
import importlib, json, pkgutil, sys

opened = []
NAMES = ("catalogue.yml", "catalogue.local.yml")


def importer() -> str:
    # the innermost module of the package running its top level (the one that reads at import)
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if frame.f_code.co_name == "<module>" and name.startswith("indicators"):
            return name
        frame = frame.f_back
    return current[0]


def hook(event, args):
    if event == "open" and isinstance(args[0], str | bytes) and str(args[0]).endswith(NAMES):
        opened.append((str(args[0]), importer()))


current = ["indicators"]
sys.addaudithook(hook)
from indicators.core import catalogue

loads = []
real_load = catalogue.load


def counted(*args, **kwargs):
    loads.append(importer())
    return real_load(*args, **kwargs)


catalogue.load = counted
import indicators

modules = sorted(m.name for m in pkgutil.walk_packages(indicators.__path__, "indicators."))
for name in modules:
    if name.rsplit(".", 1)[-1] == "__main__":  # a command line, run on import
        continue
    current[0] = name
    importlib.import_module(name)
print(json.dumps({"modules": modules, "opened": opened, "loads": loads}))
"""


def probe() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_any_module_reads_no_catalogue():
    found = probe()
    assert len(found["modules"]) > 100  # the walk did reach the whole package
    assert "indicators.models.needs" in found["modules"]
    assert found["opened"] == [], "catalogue read at import by: " + ", ".join(sorted({m for _, m in found["opened"]}))
    assert found["loads"] == [], "catalogue.load called at import by: " + ", ".join(sorted(set(found["loads"])))


def test_constants_read_on_first_use_and_again_for_a_new_catalogue():
    assert needs.NEEDS is needs.needs()  # one value for one catalogue
    assert [n.id for n in needs.NEEDS][:2] == ["apa_recipients", "pch_recipients"]
    assert needs.NEED_BY_ID["apa_recipients"] is needs.NEEDS[0]
    assert trends.BAND_SETTINGS is trends.band_settings()
    before = standing.STRUCTURAL_LABELS
    catalogue.load.cache_clear()  # a new catalogue object: every value is read again from it
    after = standing.STRUCTURAL_LABELS
    assert after is not before
    assert after == before


def test_module_names_still_work_and_others_are_refused():
    from indicators.models.needs import NEED_BY_ID  # a from-import reads on the spot, as module.NAME does

    assert NEED_BY_ID is needs.need_by_id()
    with pytest.raises(AttributeError, match="has no attribute 'NOT_A_CONSTANT'"):
        needs.NOT_A_CONSTANT  # noqa: B018
