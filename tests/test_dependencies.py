"""The layers, as imports. ``indicators/`` is a few subpackages, each allowed to import only those below it:

    core  <-  sources, storage  <-  models  <-  radar  <-  build, publishing, views  <-  ui  <-  app pages

Streamlit is imported in ``ui`` (and the app's pages) only: below it the library runs without a server.

No module-level import cycles, no reader importing the build, the running app never importing the build nor
reading ``data/raw``. The top level of ``indicators/`` holds only the documented entry points' aliases."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Each layer and the layers it may import (itself included).
ALLOWED = {
    "core": {"core"},
    "sources": {"core", "sources"},
    "storage": {"core", "storage"},
    "models": {"core", "storage", "models"},
    "radar": {"core", "storage", "models", "radar"},
    "build": {"core", "sources", "storage", "models", "radar", "build"},
    "publishing": {"core", "storage", "models", "radar", "publishing"},
    "views": {"core", "storage", "models", "radar", "views"},
    "ui": {"core", "storage", "models", "radar", "publishing", "views", "ui"},
}
# The old public paths (python -m indicators.pipeline|report|upload, indicators.store.load_indicators, ...).
ALIASES = {"pipeline", "report", "upload", "store", "trends", "projections"}
# Modules the running app imports that read a file of data/raw, and why.
READS_RAW_ALLOWED = {
    "indicators.core.paths": "defines RAW_DIR",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    files = [*ROOT.glob("indicators/**/*.py"), *ROOT.glob("app_pages/*.py"), ROOT / "app.py"]
    return {_module_name(f): f for f in files}


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every indicators.* module imported anywhere in the file (module level or inside functions)."""
    out = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for guard in [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]:
        tree.body.remove(guard)  # `python -m` entry points are not dependencies of the library
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in out if m in MODULES and m.count(".") >= 2}


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "indicators" and len(parts) > 2 else None


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for child in GRAPH.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def test_every_library_module_is_in_a_layer():
    top = sorted(p.stem for p in (ROOT / "indicators").glob("*.py") if p.stem != "__init__")
    assert top == sorted(ALIASES)
    packages = sorted(p.name for p in (ROOT / "indicators").iterdir() if (p / "__init__.py").exists())
    assert packages == sorted(ALLOWED)


def test_each_layer_imports_only_the_layers_below_it():
    wrong = {
        name: sorted(dep for dep in deps if layer(dep) not in ALLOWED[layer(name)])
        for name, deps in GRAPH.items()
        if layer(name)
    }
    assert {name: deps for name, deps in wrong.items() if deps} == {}


def _imports_streamlit(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            return True
    return False


def test_only_the_ui_layer_imports_streamlit():
    importers = {name for name, path in MODULES.items() if _imports_streamlit(path)}
    assert sorted(m for m in importers if m.startswith("indicators.") and layer(m) != "ui") == []
    assert {"indicators.ui.cache", "indicators.ui.picker", "app"} <= importers  # the check sees imports


def test_no_import_cycles():
    cycles = sorted(name for name in GRAPH if name in _reachable(name))
    assert cycles == []


def test_the_running_app_reads_the_store_not_data_raw():
    app = {"app", *(m for m in MODULES if m.startswith("app_pages."))}
    running = set(app).union(*(_reachable(m) for m in app))
    assert sorted(m for m in running if layer(m) in ("build", "sources")) == []
    reads_raw = {m for m in running if "RAW_DIR" in MODULES[m].read_text(encoding="utf-8")}
    assert sorted(reads_raw - set(READS_RAW_ALLOWED)) == []


def test_the_old_public_paths_reexport_the_moved_functions():
    """Plain re-exports (no module replacing itself in sys.modules): the documented names are the moved objects."""
    import importlib

    from indicators.build import pipeline
    from indicators.models import projections, trends
    from indicators.publishing import upload_cli
    from indicators.storage import store
    from indicators.views import report

    for name in sorted(ALIASES):
        alias = importlib.import_module(f"indicators.{name}")
        assert alias.__name__ == f"indicators.{name}" and alias.__all__, name
    assert importlib.import_module("indicators.store").load_indicators is store.load_indicators
    assert importlib.import_module("indicators.trends").build is trends.build
    assert importlib.import_module("indicators.projections").project_population is projections.project_population
    assert importlib.import_module("indicators.pipeline").main is pipeline.main
    assert importlib.import_module("indicators.report").main is report.main
    assert importlib.import_module("indicators.upload").main is upload_cli.main


def test_the_aliases_replace_nothing_in_sys_modules():
    for name in sorted(ALIASES):
        assert "sys.modules" not in MODULES[f"indicators.{name}"].read_text(encoding="utf-8"), name


def _main_block_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    blocks = [n for n in tree.body if isinstance(n, ast.If) and "__main__" in ast.unparse(n.test)]
    names = set()
    for node in (n for block in blocks for n in ast.walk(block)):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return {name for name in names if name in MODULES}


def test_no_cycle_through_a_main_block():
    """A module's ``python -m`` block may not import a module that imports it (publishing.upload <-> upload_cli)."""
    cycles = {
        name: sorted(dep for dep in _main_block_imports(MODULES[name]) if name in _reachable(dep) | {dep})
        for name in MODULES
        if layer(name)
    }
    assert {name: deps for name, deps in cycles.items() if deps} == {}
