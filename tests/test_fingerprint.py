"""The build cannot serve a stale store: its fingerprints cover every module it runs, read from the imports.

The reach is computed here with tests/test_dependencies.py's own reading of the imports, not the pipeline's,
so a gap in either shows. Each edit is made in a temporary copy of the code (``root=``), never in the tree.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from indicators.build import build_steps, pipeline, table_steps
from tests.test_dependencies import MODULES, ROOT, _reachable


def _build_reach() -> set[str]:
    """The modules the build runs: the pipeline, the source modules it imports by name, all they import."""
    starts = ["indicators.build.pipeline", *pipeline.SOURCE_MODULES]
    return set(starts).union(*(_reachable(name) for name in starts))


def _steps() -> list[build_steps.Step]:
    sources = [pipeline.source_step(importlib.import_module(name)) for name in pipeline.SOURCE_MODULES]
    table = [table_steps.PROJECTED_POPULATION, table_steps.TRACK_RATES, table_steps.RADAR]
    return [*sources, pipeline.COMMUNE_STEP, pipeline.TERRITORY_STEP, pipeline.COMMUNE_GEO_STEP, *table]


@pytest.fixture
def code_copy(tmp_path) -> Path:
    """A copy of the repository's code (indicators/) to edit."""
    shutil.copytree(ROOT / "indicators", tmp_path / "code" / "indicators", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path / "code"


def _edit(root: Path, module: str) -> None:
    with open(root / MODULES[module].relative_to(ROOT), "a", encoding="utf-8") as handle:
        handle.write("\n# edited by a test\n")


def test_every_module_the_build_reaches_is_fingerprinted(tmp_path):
    covered = set(pipeline.fingerprint(tmp_path))  # an empty raw folder: only the code and the epoch
    reached = {str(MODULES[name].relative_to(ROOT)) for name in _build_reach()}
    assert {"indicators/core/age_groups.py", "indicators/storage/versions.py"} <= reached  # the reach is real
    assert sorted(reached - covered) == []
    assert "indicators/core/catalogue.yml" in covered  # data the code reads (recipes, breaks)
    assert "epoch" in covered


def test_the_fingerprint_covers_no_module_the_build_does_not_reach(tmp_path):
    covered = {name for name in pipeline.fingerprint(tmp_path) if name.endswith(".py")}
    reached = {str(MODULES[name].relative_to(ROOT)) for name in _build_reach()}
    packages = {name for name in covered if name.endswith("__init__.py")}  # run on import of their modules
    assert sorted(covered - reached - packages) == []
    assert "indicators/ui/cache.py" not in covered  # the app's code does not rebuild the store


def test_each_step_covers_what_its_modules_reach():
    for step in _steps():
        reached = set(step.modules).union(*(_reachable(name) for name in step.modules))
        files = {str(path.relative_to(ROOT)) for path in step.code()}
        assert {str(MODULES[name].relative_to(ROOT)) for name in reached} <= files, step.name
        assert "indicators/build/pipeline.py" not in files, step.name  # a step is not the whole build


def test_editing_a_module_the_build_reaches_makes_the_store_stale(tmp_path, code_copy):
    raw = tmp_path / "raw"
    raw.mkdir()
    before = pipeline.fingerprint(raw, root=code_copy)
    assert pipeline.fingerprint(raw, root=code_copy) == before
    _edit(code_copy, "indicators.core.age_groups")  # every age share: not in the old hand-kept list
    after = pipeline.fingerprint(raw, root=code_copy)
    assert [name for name in after if after[name] != before.get(name)] == ["indicators/core/age_groups.py"]


def test_editing_a_module_a_step_reaches_rebuilds_that_step_only(tmp_path, code_copy):
    raw, cache = tmp_path / "raw", tmp_path / "store"
    raw.mkdir()

    def run_all() -> dict[str, str]:
        log: list = []
        for step in _steps():
            build_steps.run(step, raw, cache, lambda: (pd.DataFrame({"x": [1]}),), log, root=code_copy)
        return {name: what for name, what, *_ in log}

    assert set(run_all().values()) == {"rebuilt"}
    assert set(run_all().values()) == {"reused"}
    _edit(code_copy, "indicators.sources.etalab_communes")  # imported by the commune and territory steps
    rebuilt = {name for name, what in run_all().items() if what == "rebuilt"}
    assert rebuilt == {"commune_indicators", "territory_index", "commune_geo"}


def test_the_epoch_rebuilds_every_step(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    keys = [step.key(raw) for step in _steps()]
    stamp = pipeline.fingerprint(raw)
    monkeypatch.setattr(build_steps, "EPOCH", build_steps.EPOCH + 1)
    assert all(step.key(raw) != key for step, key in zip(_steps(), keys, strict=True))
    assert pipeline.fingerprint(raw) != stamp


def test_a_step_may_name_its_modules_by_path_but_not_a_missing_one(tmp_path):
    by_path = build_steps.Step("x", (), ("indicators/build/derive.py",))
    assert by_path.key(tmp_path) == build_steps.Step("x", (), ("indicators.build.derive",)).key(tmp_path)
    with pytest.raises(ValueError, match="no such module"):
        build_steps.Step("x", (), ("indicators/build/no_such_step.py",)).key(tmp_path)


def test_a_step_fed_by_the_table_reruns_when_the_rows_it_reads_change(tmp_path):
    """table_steps: keyed on the rows each step reads, not on raw files."""
    table = pd.DataFrame(
        {"indicator_id": ["apa_rate_60_plus", "unemployment_rate"], "variant": "observed", "value": [20.0, 7.5]}
    )
    calls = []

    def run(frame) -> str:
        log: list = []
        rows = table_steps.rows_of(frame, ["apa_rate_60_plus"])
        build_steps.run(
            table_steps.TRACK_RATES, tmp_path, tmp_path, lambda: (calls.append(1) or rows,), log, reads=(rows,)
        )
        return log[-1][1]

    assert run(table) == "rebuilt"
    assert run(table) == "reused"
    assert run(table.assign(value=[20.0, 8.1])) == "reused"  # a row the step does not read
    assert run(table.assign(value=[20.5, 7.5])) == "rebuilt"  # one it reads
    assert len(calls) == 2


def test_every_raw_input_a_step_names_exists():
    """A misspelt input would key the step on « missing » and never rerun it when the real file changes."""
    steps = [*_steps(), pipeline.COMMUNE_SOCIAL_STEP, pipeline.ADMIN_UNITS_STEP, pipeline.STAFF_STEP]
    steps += [pipeline.AGE_TABLE_STEP, pipeline.GEOMETRY_STEP]
    missing = [(s.name, i) for s in steps for i in s.inputs if not (pipeline.RAW_DIR / i).exists()]
    assert missing == []


def test_a_step_cached_in_parts_reruns_only_the_parts_whose_rows_change(tmp_path):
    """build_steps.run_parts: one cache entry per rate, keyed on that rate's rows only."""
    table = pd.DataFrame(
        {"indicator_id": ["apa_rate_60_plus", "unemployment_rate"], "variant": "observed", "value": [20.0, 7.5]}
    )
    calls = []

    def run(frame, ids=("apa_rate_60_plus", "unemployment_rate")) -> str:
        log: list = []
        selected = {i: table_steps.rows_of(frame, [i]) for i in ids}
        parts = {i: (lambda i=i: (calls.append(i) or selected[i],), (selected[i],)) for i in ids}
        out = build_steps.run_parts(table_steps.TRACK_RATES, parts, tmp_path, tmp_path, log)
        assert list(out) == list(ids) and all(len(frames[0]) == 1 for frames in out.values())
        return log[-1][0]

    assert run(table) == "track_rates [2/2]"
    assert run(table) == "track_rates"  # every part reused: the step's plain name
    assert run(table.assign(value=[20.0, 8.1])) == "track_rates [1/2]"
    assert calls == ["apa_rate_60_plus", "unemployment_rate", "unemployment_rate"]
    run(table, ids=("apa_rate_60_plus",))  # a part no longer asked for leaves the cache
    assert not list((tmp_path / build_steps.CACHE_FOLDER).glob("track_rates.unemployment_rate-*"))
    with pytest.raises(ValueError, match="part name"):
        build_steps.run_parts(table_steps.TRACK_RATES, {"a-b": (lambda: (), ())}, tmp_path, tmp_path, [])
