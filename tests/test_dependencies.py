"""The layers, as imports: no cycles between modules, readers never import the build, and the running
app reads the built store, not data/raw (with a short allow-list, each entry justified)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = {
    "indicators.pipeline",
    "indicators.build_steps",
    "indicators.derive",
    "indicators.commune_indicators",
    "indicators.territory_index",
    "indicators.data_diff",
    "indicators.sources.admin_units",
    "indicators.geo_build",
}
READERS = {"indicators.store", "indicators.query", "indicators.versions", "indicators.cache", "indicators.layout"}
# Modules the app runs that still read a file of data/raw, and why.
READS_RAW_ALLOWED = {
    "indicators.paths": "defines RAW_DIR",
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
    return {m for m in out if m in MODULES and m != "indicators"}


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for child in GRAPH.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def test_no_import_cycles():
    cycles = sorted(name for name in GRAPH if name in _reachable(name))
    assert cycles == []


def test_readers_never_import_the_build():
    assert {r: sorted(_reachable(r) & BUILD) for r in READERS if _reachable(r) & BUILD} == {}


def test_the_running_app_reads_the_store_not_data_raw():
    app = {"app", *(m for m in MODULES if m.startswith("app_pages."))}
    running = set(app).union(*(_reachable(m) for m in app))
    assert sorted(running & BUILD) == []
    reads_raw = {m for m in running if "RAW_DIR" in MODULES[m].read_text(encoding="utf-8")}
    assert sorted(reads_raw - set(READS_RAW_ALLOWED)) == []
