"""A small hermetic store, written as code: seven départements and France, a few indicators and years.

Used by the unit tests (tests/conftest.py points ``RADAR_DATA_DIR`` at it for every test not marked
``store``), so they run in seconds on a fresh clone without ``make data``. It is written with the
pipeline's own writer (``pipeline.write_store``: the schema, the query layer's layout, the manifest and the
file names of indicators/core/paths.py), so the readers cannot tell it from a built store.

Every value is copied from the built store (and so from data/raw), rounded as written here, so a test on
the fixture asserts real figures: Isère's poverty rate 2020 is 11,3 % here as on the page. What is absent
is absent as in the real store: Filosofi and the localised unemployment rates do not cover Mayotte (976),
so it has no row for them. Ranks, medians and quartiles over 6 départements mean nothing: tests of those
stay on the real store (marker ``store``).

- départements: 38 Isère, 44 Loire-Atlantique, 69 Rhône, 93 Seine-Saint-Denis, 2A Corse-du-Sud, 976 Mayotte,
  and 01 Ain (names only: the leading zero of a code); their régions (84, 52, 11, 94, 06) and 93
  Provence-Alpes-Côte d'Azur (a région code that is also a département code); France (FR) with the sum
  of the seven areas;
- indicators: population 2022–2023, poverty_rate 2019–2020, unemployment_rate 2023–2024,
  rsa_coverage_rate 2018–2019, share_75_plus 2023; a 2050 central population projection of 93;
- population by sex and age (population.parquet): 93 and 2A in 2023;
- territories.parquet: the six départements, the communes Grenoble, Saint-Denis, Ajaccio and Mamoudzou,
  the EPCI Grenoble-Alpes-Métropole.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.build import pipeline
from indicators.core.paths import ADMIN_UNITS_FILE
from indicators.core.schema import AGE_BANDS, validate_indicators, validate_population

DEPARTEMENTS = [  # code, name, région, zone, area km² (IGN contours, EPSG:6933)
    ("01", "Ain", "84", "metro", 5785.49),  # a code with a leading zero: names only, no indicator
    ("38", "Isère", "84", "metro", 7879.25),
    ("44", "Loire-Atlantique", "52", "metro", 7008.44),
    ("69", "Rhône", "84", "metro", 3258.58),
    ("93", "Seine-Saint-Denis", "11", "metro", 236.81),
    ("2A", "Corse-du-Sud", "94", "metro", 4018.99),
    ("976", "Mayotte", "06", "drom", 366.53),
]
REGIONS = [
    ("84", "Auvergne-Rhône-Alpes", "metro"),
    ("52", "Pays de la Loire", "metro"),
    ("11", "Île-de-France", "metro"),
    ("94", "Corse", "metro"),
    ("06", "Mayotte", "drom"),
    ("93", "Provence-Alpes-Côte d'Azur", "metro"),
]
CODES = [d[0] for d in DEPARTEMENTS]

# indicator_id, source_id, year, {code: value} ("FR" = France)
VALUES = [
    (
        "population",
        "insee_estimations_population",
        2022,
        {"38": 1288501, "44": 1480188, "69": 1908625, "93": 1673645, "2A": 162924, "976": 299022, "FR": 67842591},
    ),
    (
        "population",
        "insee_estimations_population",
        2023,
        {"38": 1294476, "44": 1497313, "69": 1921014, "93": 1682806, "2A": 163955, "976": 310022, "FR": 68042591},
    ),
    ("poverty_rate", "cdc_logements_departements", 2019, {"38": 11.3, "44": 10.3, "69": 14.2, "93": 28.4, "2A": 16.1}),
    ("poverty_rate", "insee_filosofi_2020", 2020, {"38": 11.3, "44": 10.0, "69": 14.1, "93": 27.6, "2A": 16.3}),
    ("unemployment_rate", "insee_chomage_localise", 2023, {"38": 5.95, "44": 5.5, "69": 6.35, "93": 10.25, "2A": 5.95}),
    (
        "unemployment_rate",
        "insee_chomage_localise",
        2024,
        {"38": 6.0, "44": 5.575, "69": 6.475, "93": 10.325, "2A": 6.1},
    ),
    (
        "rsa_coverage_rate",
        "drees_minima_sociaux",
        2018,
        {"38": 3.7613, "44": 3.9437, "69": 5.2033, "93": 10.6524, "2A": 2.6056, "976": 5.9600, "FR": 5.7291},
    ),
    (
        "rsa_coverage_rate",
        "drees_minima_sociaux",
        2019,
        {"38": 3.6941, "44": 3.9759, "69": 5.2889, "93": 10.7254, "2A": 2.5470, "976": 5.3261, "FR": 5.7348},
    ),
    (
        "share_75_plus",
        "insee_estimations_population",
        2023,
        {"38": 9.3384, "44": 9.0257, "69": 8.8895, "93": 5.3896, "2A": 12.5028, "976": 0.8974, "FR": 10.0669},
    ),
]
PROJECTED = [("population", "93", 2050, "central", 1891053.78)]  # Hamilton-Perry, projected by the pipeline

# population at 1 January 2023 by sex, in the order of schema.AGE_BANDS (0-4 … 95+)
AGES_2023 = {
    ("93", "F"): [58458, 60435, 60426, 56322, 56547, 56506, 64277, 65003, 60607, 53348]
    + [51136, 47780, 41811, 36137, 30223, 20211, 13453, 11167, 6313, 2241],
    ("93", "M"): [60242, 63076, 62483, 59848, 56985, 55075, 60419, 60079, 59983, 56902]
    + [52243, 47521, 39162, 32287, 26789, 17977, 10378, 5976, 2367, 613],
    ("2A", "F"): [3866, 4317, 4519, 3490, 3132, 3698, 4946, 5510, 5990, 5557]
    + [5939, 5670, 5380, 5432, 5471, 4289, 3579, 2273, 1262, 417],
    ("2A", "M"): [3964, 4534, 4798, 3907, 3433, 3283, 4422, 4840, 5491, 5127]
    + [5960, 5481, 5239, 5076, 4984, 3640, 2860, 1503, 596, 80],
}

TERRITORIES = [  # level, code, name, departement, region, epci, epci_name, population, population_year
    ("commune", "38185", "Grenoble", "38", "84", "200040715", "Grenoble-Alpes-Métropole", 156140.0, 2023),
    ("commune", "93066", "Saint-Denis", "93", "11", "200054781", "Métropole du Grand Paris", 149077.0, 2023),
    ("commune", "2A004", "Ajaccio", "2A", "94", "242010056", "CA du Pays Ajaccien", 76320.0, 2023),
    (
        "commune",
        "97611",
        "Mamoudzou",
        "976",
        "06",
        "200060457",
        "CA de Dembeni / Mamoudzou",
        71437.0,
        2017,
    ),  # Mayotte: its frozen 2017 census count, with its own year
    (
        "epci",
        "200040715",
        "Grenoble-Alpes-Métropole",
        "38",
        "84",
        "200040715",
        "Grenoble-Alpes-Métropole",
        450608.0,  # its latest legal population (2023), as the search gives it
        2023,
    ),
]


def indicators() -> pd.DataFrame:
    rows = []
    for indicator_id, source_id, year, values in VALUES:
        for code, value in values.items():
            level = "france" if code == "FR" else "departement"
            rows.append((level, code, indicator_id, year, "observed", float(value), source_id))
    for indicator_id, code, year, variant, value in PROJECTED:
        rows.append(("departement", code, indicator_id, year, variant, value, "insee_estimations_population"))
    columns = ["territory_level", "territory_code", "indicator_id", "year", "variant", "value", "source_id"]
    return validate_indicators(pd.DataFrame(rows, columns=columns))


def population() -> pd.DataFrame:
    rows = [
        (code, 2023, sex, band, float(count))
        for (code, sex), counts in AGES_2023.items()
        for band, count in zip(AGE_BANDS, counts, strict=True)
    ]
    return validate_population(pd.DataFrame(rows, columns=["territory_code", "year", "sex", "age_band", "population"]))


def admin_units() -> pd.DataFrame:
    deps = [("departement", code, name, region, zone, area) for code, name, region, zone, area in DEPARTEMENTS]
    regs = [("region", code, name, code, zone, float("nan")) for code, name, zone in REGIONS]
    france = [("france", "FR", "France", "", "", sum(d[4] for d in DEPARTEMENTS))]
    return pd.DataFrame(deps + regs + france, columns=["level", "code", "name", "region", "zone", "area_km2"])


def territories() -> pd.DataFrame:
    deps = [
        ("departement", code, name, code, region, "", "", float("nan"), None) for code, name, region, *_ in DEPARTEMENTS
    ]
    columns = ["level", "code", "name", "departement", "region", "epci", "epci_name", "population", "population_year"]
    table = pd.DataFrame(deps + TERRITORIES, columns=columns)
    table["population_year"] = table["population_year"].astype("Int64")
    return table


def write(folder: Path, geometry: bool = False) -> Path:
    """Write the fixture store into ``folder`` (created) and return it; with ``geometry``, the départements'
    map geometry too (built from data/raw in ~2 s: ``make demo`` draws maps, most tests need none)."""
    from indicators.build import geo_build

    pipeline.write_store(
        indicators(),
        population(),
        folder,
        stamp={"fixture": "tests/fixture_store.py"},
        geometry=geo_build.build() if geometry else None,
        territories=territories(),
        extra={ADMIN_UNITS_FILE: admin_units()},
    )
    return folder
