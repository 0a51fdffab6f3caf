"""The code a build step runs, read from the import graph: the files a fingerprint must cover.

A step names the modules it calls (its entry points); what they import, transitively, is read from the
source (``ast``: module-level and in-function imports alike, ``if __name__ == "__main__"`` blocks left
out), so a module added to or imported by the build is fingerprinted with no list to keep. The parent
packages' ``__init__.py`` run on import and count too, and so does a data file of the package tree
(``catalogue.yml``) whose name a reached module spells out. Modelled on owid/etl's step checksums
(``etl/steps/__init__.py``: ``checksum_input`` hashes a step's dependencies and its own files).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE = "indicators"


def module_file(name: str, root: Path) -> Path | None:
    """The file of module ``name`` under ``root`` (a module or a package), None when it is not ours."""
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _imported_names(path: Path, name: str) -> frozenset[str]:
    """Every absolute module name the file imports (``from a import b`` gives ``a`` and ``a.b``)."""
    status = path.stat()
    return _parsed(path, name, status.st_mtime_ns, status.st_size)


@cache
def _parsed(path: Path, name: str, mtime_ns: int, size: int) -> frozenset[str]:  # keyed on the file's state
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree.body = [n for n in tree.body if not (isinstance(n, ast.If) and "__main__" in ast.unparse(n.test))]
    out: set[str] = set()
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import: resolved against this module's package
                package = _package(name, path).split(".")
                base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
            out.add(base)
            out |= {f"{base}.{alias.name}" for alias in node.names}
    return frozenset(m for m in out if m == PACKAGE or m.startswith(PACKAGE + "."))


def _statements(nodes: list) -> Iterable[ast.AST]:
    """Every statement, nested ones included (an import is a statement: no need to walk the expressions)."""
    for node in nodes:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, field, None)
            if isinstance(children, list):
                yield from _statements(children)


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def module_name(entry: str, root: Path) -> str:
    """``indicators.build.derive`` or ``indicators/build/derive.py``: the module's dotted name, checked to exist."""
    name = entry.removesuffix(".py").replace("/", ".")
    if module_file(name, root) is None:
        raise ValueError(f"{entry!r}: no such module under {root}")
    return name


def reached_modules(entries: Iterable[str], root: Path) -> set[str]:
    """The modules importing ``entries`` runs (themselves, their imports, transitively, and parent packages)."""
    seen: set[str] = set()
    todo = [module_name(entry, root) for entry in entries]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = module_file(name, root)
        if path is None:
            continue  # ``from indicators.core.paths import ROOT`` names ROOT, not a module
        seen.add(name)
        todo += [*_imported_names(path, name), *_parents(name)]
    return seen


def code_files(entries: Iterable[str], root: Path) -> list[Path]:
    """The files a fingerprint of ``entries`` covers: the reached modules and the data files they name."""
    modules = [module_file(name, root) for name in reached_modules(entries, root)]
    texts = "\n".join(path.read_text(encoding="utf-8") for path in modules)
    data = [
        path
        for path in (root / PACKAGE).rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
        if path.name in texts
    ]
    return sorted({*modules, *data})
