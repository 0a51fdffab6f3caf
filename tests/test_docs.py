"""The docs tell the truth: every path, command, page and catalogue field the README and docs/ name exists, and
the parts written from the code (docs/generate.py) are up to date."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from indicators.core.catalogue import CATALOGUE_PATH

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = "\n".join([README, *(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))])
NOT_IN_THE_REPO = {
    ".streamlit/secrets.toml",  # a deployment's secrets: never committed
    "catalogue.local.yml",  # written beside the store by analysts' declarations
    "static/geo/",  # written by the running app (the GeoJSON it serves by URL), not committed
}


def _inline_code() -> list[str]:
    return re.findall(r"`([^`\n]+)`", DOCS)


def test_every_path_named_in_the_readme_exists():
    paths = [
        token
        for token in _inline_code()
        if re.fullmatch(r"[\w.\-]+(/[\w.\-]*)+|[\w\-]+\.(py|yml|md|toml|txt)", token)
        and "<" not in token
        and not token.startswith(("/", "http"))
    ]
    assert len(paths) > 10
    missing = [p for p in paths if p not in NOT_IN_THE_REPO and not _exists(p)]
    assert missing == []


def _store_names() -> set[str]:
    """The file names of the store (indicators/core/paths.py): a store path of the README is one of them, whether
    or not the store is built."""
    from indicators.build import build_steps
    from indicators.core import paths

    names = {v for k, v in vars(paths).items() if k.endswith(("_FILE", "_FOLDER")) and isinstance(v, str)}
    return names | set(paths.TRACK_RECORD_FILES) | {"", build_steps.CACHE_FOLDER}


def _exists(token: str) -> bool:
    if token.startswith("data/processed/"):
        return token.removeprefix("data/processed/").rstrip("/") in _store_names()
    candidates = [
        ROOT / token,
        ROOT / "indicators" / token,
        ROOT / "indicators" / "sources" / token,
        ROOT / "data" / "raw" / token,
    ]
    return (
        any(c.exists() for c in candidates)
        or any((ROOT / "data" / "raw").glob(f"*/{token}"))
        or any((ROOT / "indicators").glob(f"*/{token}"))
    )


def test_the_generated_parts_are_up_to_date():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "docs/generate.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr  # else: python docs/generate.py


def test_every_command_named_in_the_readme_exists():
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))
    named = {token.split()[1] for token in _inline_code() if re.fullmatch(r"make [\w-]+", token)}
    assert named and named - targets == set()
    modules = set(re.findall(r"python -m (indicators(?:\.\w+)+)", DOCS))
    assert modules
    for module in modules:
        path = ROOT / Path(*module.split("."))
        assert path.with_suffix(".py").exists() or (path / "__main__.py").exists(), module


def test_every_page_of_the_readme_is_registered_and_the_other_way_round():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    registered = set(re.findall(r'st\.Page\([^)]*title="([^"]+)"', app))
    table = README.split("## Pages", 1)[1].split("\n\n", 2)[1]
    named = {re.sub(r"\s*\(`[^`]*`\)", "", row.split("|")[1]).strip() for row in table.splitlines()[2:]}
    assert named == registered


def test_every_catalogue_field_is_documented():
    document = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    used = {key for entry in document["indicators"] for key in entry}
    used |= {key for source in document["sources"].values() for key in source}
    used |= set(document)  # the top-level parts (themes, profile_sections, spine_groups, defaults …)
    used |= {key for entry in document["indicators"] for key in entry.get("recipe") or {}}
    places = [p for e in document["indicators"] for p in (e.get("profile") or []) if isinstance(p, dict)]
    places += [e["profile"] for e in document["indicators"] if isinstance(e.get("profile"), dict)]
    used |= {key for place in places for key in place}
    documented = set(_inline_code())
    assert used - documented == set()
