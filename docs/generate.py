"""The parts of the docs that restate the code, written from the code: ``python docs/generate.py`` rewrites them,
``--check`` (run by ``make lint``) fails when one is out of date.

A generated part sits between ``<!-- generated: NAME -->`` and ``<!-- /generated -->`` in README.md or docs/*.md;
NAME is a function of GENERATORS. Everything else in those files is prose, written by hand.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /generated -->)", re.S)
CATALOGUE = ROOT / "indicators" / "core" / "catalogue.yml"
FIELDS = ROOT / "docs" / "catalogue_fields.yml"
SOURCE_FIELDS = ROOT / "docs" / "source_fields.yml"


def _summary(path: Path) -> str:
    """The first sentence of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    text = " ".join(doc.split("\n\n", 1)[0].split()).replace("``", "`")
    first = re.split(r"(?<=\.)\s", text, maxsplit=1)[0]
    return first if len(first) <= 100 else first[:99].rstrip() + "…"


def layout() -> str:
    """Every module of indicators/ with the first sentence of its docstring, package by package."""
    lines = ["```"]
    package_dir = ROOT / "indicators"
    top = sorted(p for p in package_dir.glob("*.py") if p.name != "__init__.py")
    lines.append(f"{'indicators/':<33}{_summary(package_dir / '__init__.py')}")
    lines += [f"  {p.name:<31}{_summary(p)}" for p in top]
    for package in sorted(p for p in package_dir.iterdir() if (p / "__init__.py").exists()):
        lines.append(f"  {package.name + '/':<31}{_summary(package / '__init__.py')}")
        modules = sorted(p for p in package.glob("*.py") if p.name != "__init__.py")
        lines += [f"    {p.name:<29}{_summary(p)}" for p in modules]
    lines.append("```")
    return "\n".join(lines) + "\n"


def catalogue_fields() -> str:
    """The fields of an indicator entry: whether every entry has it, how many do, and what it means."""
    document = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    entries = document["indicators"]
    meanings = yaml.safe_load(FIELDS.read_text(encoding="utf-8"))
    used = {key for entry in entries for key in entry}
    if used != set(meanings):
        raise SystemExit(
            f"{FIELDS.relative_to(ROOT)} and catalogue.yml disagree: used but not described "
            f"{sorted(used - set(meanings))}, described but not used {sorted(set(meanings) - used)}"
        )
    lines = ["| field | in every entry | entries | meaning |", "|---|---|---|---|"]
    for field, meaning in meanings.items():
        count = sum(field in entry for entry in entries)
        every = "yes" if count == len(entries) else "no"
        lines.append(f"| `{field}` | {every} | {count} | {' '.join(meaning.split())} |")
    return "\n".join(lines) + "\n"


def source_fields() -> str:
    """The fields of a source entry, then each source's publication rhythm (the freshness of its figures)."""
    sources = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))["sources"]
    meanings = yaml.safe_load(SOURCE_FIELDS.read_text(encoding="utf-8"))
    used = {key for entry in sources.values() for key in entry}
    if used != set(meanings):
        raise SystemExit(
            f"{SOURCE_FIELDS.relative_to(ROOT)} and catalogue.yml disagree: used but not described "
            f"{sorted(used - set(meanings))}, described but not used {sorted(set(meanings) - used)}"
        )
    lines = ["| field | in every source | sources | meaning |", "|---|---|---|---|"]
    for field, meaning in meanings.items():
        count = sum(field in entry for entry in sources.values())
        every = "yes" if count == len(sources) else "no"
        lines.append(f"| `{field}` | {every} | {count} | {' '.join(meaning.split())} |")
    lines += ["", "| source | publisher | rhythm | year N published by the end of |", "|---|---|---|---|"]
    for sid, entry in sources.items():
        pub = entry.get("publication") or {}
        when = f"month {pub.get('month', 12)} of N + {pub['lag']}" if pub.get("lag") is not None else "one-off"
        lines.append(f"| `{sid}` | {pub.get('publisher', '')} | {pub.get('rhythm', '')} | {when} |")
    return "\n".join(lines) + "\n"


def data_age() -> str:
    """Each raw source folder: its publisher, what it is and when it was published (its PROVENANCE.yml)."""
    lines = ["| source folder | publisher | publication | date |", "|---|---|---|---|"]
    for provenance in sorted((ROOT / "data" / "raw").glob("*/PROVENANCE.yml")):
        meta = yaml.safe_load(provenance.read_text(encoding="utf-8"))
        title = " ".join(str(meta["title"]).split()).replace("|", "/")
        lines.append(f"| `{provenance.parent.name}` | {meta['publisher']} | {title} | {meta['date']} |")
    return "\n".join(lines) + "\n"


def counts() -> str:
    """How many tests, browser tests, benchmarks, indicators and sources there are."""
    tests = ROOT / "tests"

    def test_functions(paths) -> int:
        return sum(
            isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
            for path in paths
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )

    unit = sorted(tests.glob("test_*.py"))
    e2e = sorted((tests / "e2e").glob("test_*.py"))
    benches = sorted((tests / "benchmarks").glob("bench_*.py"))
    document = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    pages = re.findall(r"st\.Page\(", (ROOT / "app.py").read_text(encoding="utf-8"))
    return (
        f"- {test_functions(unit)} test functions in {len(unit)} files of `tests/`, and "
        f"{test_functions(e2e)} browser tests in {len(e2e)} files of `tests/e2e/` (pytest counts each "
        "parametrized case apart);\n"
        f"- {len(benches)} benchmark modules in `tests/benchmarks/`;\n"
        f"- {len(document['indicators'])} indicators and {len(document['sources'])} sources in "
        f"`indicators/core/catalogue.yml`; {len(pages)} pages in `app.py`.\n"
    )


GENERATORS = {
    "layout": layout,
    "catalogue-fields": catalogue_fields,
    "source-fields": source_fields,
    "data-age": data_age,
    "counts": counts,
}


def render(text: str) -> str:
    def replace(match: re.Match) -> str:
        return match.group(1) + GENERATORS[match["name"]]() + match.group(4)

    return BLOCK.sub(replace, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a generated part is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        fresh = render(text)
        if fresh == text:
            continue
        if args.check:
            stale.append(path)
            diff = difflib.unified_diff(text.splitlines(), fresh.splitlines(), str(path), "generated", lineterm="")
            print("\n".join(list(diff)[:40]), file=sys.stderr)
        else:
            path.write_text(fresh, encoding="utf-8")
            print(f"rewrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(str(p.relative_to(ROOT)) for p in stale)}: run python docs/generate.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
