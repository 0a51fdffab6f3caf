"""Every raw publication sits beside a provenance sidecar that matches it byte for byte."""

import hashlib

import pytest
import yaml

from indicators.core.paths import RAW_DIR

FOLDERS = sorted(p for p in RAW_DIR.iterdir() if p.is_dir())


def test_there_are_raw_sources():
    assert [p.name for p in FOLDERS] == [
        "anct-jeunes-non-inseres",
        "cdc-logements-departements",
        "drees-aide-sociale",
        "drees-minima-sociaux",
        "etalab-decoupage-administratif",
        "etalab-decoupage-communes",
        "france-geojson",
        "france-geojson-communes",
        "insee-chomage-localise",
        "insee-comparateur-communes",
        "insee-estimations-population",
        "insee-filosofi",
        "insee-filosofi-communes",
        "insee-rp-communes",
        "seed-profils-2018",
    ]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_provenance_lists_every_file_with_its_sha256(folder):
    meta = yaml.safe_load((folder / "PROVENANCE.yml").read_text(encoding="utf-8"))
    for key in ("publisher", "title", "url", "obtained_from", "licence", "date", "files"):
        assert meta.get(key), f"{folder.name}: {key} missing"
    listed = {f["path"]: f["sha256"] for f in meta["files"]}
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "PROVENANCE.yml"}
    assert set(listed) == present
    for path, digest in listed.items():
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest, path
