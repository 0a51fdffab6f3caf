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

from indicators.build import build_steps, pipeline
from tests.test_dependencies import MODULES, ROOT, _reachable


def _build_reach() -> set[str]:
    """The modules the build runs: the pipeline, the source modules it imports by name, all they import."""
    starts = ["indicators.build.pipeline", *pipeline.SOURCE_MODULES]
    return set(starts).union(*(_reachable(name) for name in starts))


def _steps() -> list[build_steps.Step]:
    sources = [pipeline.source_step(importlib.import_module(name)) for name in pipeline.SOURCE_MODULES]
    return [*sources, pipeline.COMMUNE_STEP, pipeline.TERRITORY_STEP]


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
        return dict(log)

    assert set(run_all().values()) == {"rebuilt"}
    assert set(run_all().values()) == {"reused"}
    _edit(code_copy, "indicators.sources.etalab_communes")  # imported by the commune and territory steps
    assert {name for name, what in run_all().items() if what == "rebuilt"} == {"commune_indicators", "territory_index"}


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
