"""Analyst uploads: a CSV/XLSX file as published -> tidy store rows, or an UploadError listing every problem.

``parse_upload(data, filename, indicator=..., column=..., year=...)`` accepts
- CSV (separator ``;`` ``,`` or tab, decimal comma or point, UTF-8 with or without BOM, cp1252/Latin-1,
  all detected) and XLSX (first sheet, header row found among the first rows);
- the tidy long layout (``territory_code, indicator_id, year, value`` + optional ``territory_level``,
  ``variant``; ``indicator_id``/``year`` may come from the arguments instead) and the INSEE wide layout
  (a ``CODGEO`` column and indicator columns whose names end with the year, e.g. ``TP6020``).
Secrecy/missing markers (``s``, ``nd``, ``n.d.``, empty...) are missing values: counted, not imported.
Numbers are read as their column writes them (read_numbers): « 76.954 » is 76 954 only where the column
shows the point grouping thousands, else a decimal where it shows one, else asked (refused as ambiguous).

Bounded: the size is checked before anything is read (MAX_BYTES), a header over MAX_COLUMNS fields is
refused before pandas builds it, every step is linear in the size (tests/test_upload_scaling.py), and a
file's table is read once per content (read_table keeps the last ones by sha256).
Département codes written as numbers (``1``) are repaired with a warning.

Levels: a ``territory_level`` column, else the ``level`` argument (``--level``), else the level the codes
show: 5-character commune codes (``95585``, ``2A004``; ``1001`` repaired to ``01001``) -> commune,
9-digit SIREN -> epci, otherwise département. Commune codes are checked against the current communes
(Etalab package, see indicators/storage/reference_codes.py): an old code names the commune it merged into
(« 93059 a fusionné dans 93066 Saint-Denis »), an arrondissement of Paris, Lyon or Marseille names its
commune (the store has them as one commune each).

Problems and warnings are DataFrames with columns row, column, value, message (row = line number in
the file, header = line 1). The last guard is the shared pandera schema (lazy validation).

Command line: ``python -m indicators.upload FILE --indicator ID [--column COL] [--year YEAR] [--store DIR]
[--level LEVEL] [--dry-run] [--rollback VERSION] [--versions]``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandera.errors import SchemaErrors

from indicators.core import catalogue
from indicators.core.schema import COLUMNS, KEY, validate_indicators
from indicators.publishing.upload_codes import (  # noqa: F401 (re-exported: the upload's public names)
    CODE_COLUMNS,
    CORSICA,
    LEVEL_ALIASES,
    LEVELS_TEXT,
    UNKNOWN_CODE,
    _codes,
    _column,
    code_problem,
    header_key,
    infer_level,
    reference,
)
from indicators.publishing.upload_numbers import (  # noqa: F401
    MISSING_MARKERS,
    _years,
    read_numbers,
    to_numbers,
    year_from_column,
)
from indicators.publishing.upload_problems import (  # noqa: F401
    MAX_BYTES,
    PROBLEM_COLUMNS,
    UploadError,
    _count,
    _frame,
    _problems,
    _Stop,
    problems_text,
    too_large,
)
from indicators.publishing.upload_read import (  # noqa: F401
    MAX_COLUMNS,
    MAX_LISTED_LINES,
    decode,
    read_table,
    sniff_separator,
)

NOT_A_NUMBER = "valeur non numérique (attendu : un nombre, ex. 12,5 ; s ou nd pour une valeur secrète)"


@dataclass
class ParsedUpload:
    rows: pd.DataFrame  # store columns, validated by the shared schema
    warnings: pd.DataFrame
    filename: str
    sha256: str
    layout: str  # "long" | "wide"
    missing: int = 0  # cells marked secret / not available, not imported
    columns_used: list[str] = field(default_factory=list)
    missing_markers: dict[str, int] = field(default_factory=dict)  # how many of each marker ("s", "nd", "vide")
    risks: list[str] = field(default_factory=list)  # a workbook's macros, external links, web formulas: to confirm

    @property
    def levels(self) -> dict[str, int]:
        """Rows to import by territory level."""
        return self.rows["territory_level"].value_counts().to_dict()

    def missing_text(self) -> str:
        """'42 valeur(s) manquante(s) ou secrètes non importées (s : 30, nd : 2, vide : 10)'."""
        detail = ", ".join(f"{marker} : {count}" for marker, count in self.missing_markers.items())
        return f"{self.missing} valeur(s) manquante(s) ou secrètes non importées" + (f" ({detail})" if detail else "")


def _unit(indicator_id: str, declared: dict[str, str]) -> str | None:
    """The catalogue's unit first: a declaration never overrides an existing indicator's unit."""
    entry = catalogue.load().get(indicator_id)
    if entry:
        return entry.unit
    return declared.get(indicator_id)


# --- parse ---------------------------------------------------------------------------------------


def parse_upload(
    data: bytes,
    filename: str,
    indicator: str | None = None,
    column: str | None = None,
    year: int | None = None,
    source_id: str | None = None,
    variant: str = "observed",
    declared: dict[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    sheet: str | None = None,
    level: str | None = None,
) -> ParsedUpload:
    """Bytes of an uploaded file -> ParsedUpload (validated rows), or raise UploadError with every problem.

    ``declared`` maps the id of a new indicator declared by the analyst to its unit (it is not yet in
    the catalogue; an id the catalogue already has is refused). ``source_id`` defaults to the indicator's
    first catalogue source, or ``import_<id>``. ``sheet`` names the sheet of a workbook to read.
    ``level`` is the territory level of every row when the file has no territory_level column (default:
    the level the codes show, see infer_level).
    """
    declared = declared or {}
    taken = sorted(set(declared) & set(catalogue.load()))
    if taken:
        raise UploadError(
            _problems(
                [
                    (
                        pd.NA,
                        "",
                        ", ".join(taken),
                        "cet identifiant existe déjà au catalogue : choisissez-le dans « Indicateur du catalogue » "
                        "ou déclarez un autre identifiant",
                    )
                ]
            )
        )
    if len(data) > max_bytes:
        raise UploadError(too_large(len(data), max_bytes))
    sha = hashlib.sha256(data).hexdigest()
    malformed: list[tuple] = []
    try:
        table = read_table(data, filename, sheet, sha)
        malformed = table.attrs.get("problems") or []  # malformed lines: listed with every other problem
        frame, layout, used, problems = _to_long(table, indicator, column, year, level)
    except _Stop as stop:
        raise UploadError(_problems(malformed + stop.problems)) from None
    if malformed:
        problems.insert(0, _problems(malformed))
    parsed = _check(frame, layout, used, problems, filename, sha, source_id, variant, declared)
    if table.attrs.get("percent_cells"):
        note = (
            pd.NA,
            "",
            table.attrs.get("sheet", ""),
            f"{table.attrs['percent_cells']} cellule(s) au format "
            "pourcentage lues comme des pourcentages (0,113 affiché 11,3 % -> 11,3)",
        )
        parsed.warnings = pd.concat([_problems([note]), parsed.warnings], ignore_index=True)
    parsed.risks = list(table.attrs.get("risks") or [])
    return parsed


def _to_long(
    table: pd.DataFrame, indicator: str | None, column: str | None, year: int | None, level: str | None = None
) -> tuple[pd.DataFrame, str, list[str], list[pd.DataFrame]]:
    """Either layout -> columns territory_level, territory_code, indicator_id, year, variant, value (strings)."""
    code_col = _column(table, *CODE_COLUMNS)
    if code_col is None:
        raise _Stop(
            "colonne des codes de territoire introuvable (territory_code ou CODGEO)",
            value=", ".join(map(str, table.columns[:8]))[:120],
        )
    value_col = _column(table, "value", "valeur")
    problems: list[pd.DataFrame] = []
    out = pd.DataFrame(index=table.index)
    out["territory_code"] = table[code_col]
    level_col = _column(table, "territory_level", "niveau")
    out["territory_level"] = table[level_col] if level_col else (level or infer_level(table[code_col]))
    out.attrs["inferred_level"] = "" if level_col or level else out["territory_level"].iloc[0] if len(out) else ""
    out["variant"] = table[_column(table, "variant")] if _column(table, "variant") else None
    if value_col is not None and column is None:
        layout, used = "long", [code_col, value_col]
        out["value"] = table[value_col]
        ind_col, year_col = _column(table, "indicator_id", "indicateur"), _column(table, "year", "annee", "année")
        if ind_col:
            out["indicator_id"] = table[ind_col]
        elif indicator:
            out["indicator_id"] = indicator
        else:
            raise _Stop("indicateur non précisé : ajoutez une colonne indicator_id ou choisissez un indicateur")
        if year_col:
            out["year"] = table[year_col]
        elif year is not None:
            out["year"] = str(year)
        else:
            raise _Stop("année non précisée : ajoutez une colonne year ou indiquez l'année")
        used += [c for c in (ind_col, year_col) if c]
    else:
        layout = "wide"
        candidates = [c for c in table.columns if c != code_col and c != level_col and year_from_column(c)]
        if column is None:
            if len(candidates) != 1:
                raise _Stop(
                    "plusieurs colonnes possibles : choisissez la colonne à importer",
                    value=", ".join(candidates[:12])[:200],
                )
            column = candidates[0]
        if column not in table.columns:
            raise _Stop("colonne absente du fichier", column=column, value=", ".join(candidates[:12])[:200])
        if not indicator:
            raise _Stop("indicateur non précisé : choisissez l'indicateur du catalogue de la colonne", column=column)
        the_year = year if year is not None else year_from_column(column)
        if the_year is None:
            raise _Stop("année non précisée : le nom de la colonne ne finit pas par une année", column=column)
        out["value"], out["indicator_id"], out["year"] = table[column], indicator, str(the_year)
        used = [code_col, column]
    inferred = out.attrs.get("inferred_level", "")
    out.attrs["columns"] = {
        "territory_code": code_col,
        "value": used[1],
        "territory_level": level_col or "",
        "indicator_id": _column(table, "indicator_id") or "",
        "year": _column(table, "year") or "",
    }
    out.attrs["inferred_level"] = inferred
    return out, layout, used, problems


def _check(
    frame: pd.DataFrame,
    layout: str,
    used: list[str],
    problems: list[pd.DataFrame],
    filename: str,
    sha: str,
    source_id: str | None,
    variant: str,
    declared: dict[str, str],
) -> ParsedUpload:
    names = frame.attrs["columns"]
    rows = frame.index.to_series()
    bad = pd.Series(False, index=frame.index)
    warnings: list[pd.DataFrame] = []

    def flag(mask: pd.Series, col: str, values: pd.Series, message: str) -> None:
        nonlocal bad
        if mask.any():
            problems.append(_frame(rows[mask], names.get(col) or col, values[mask], message))
            bad |= mask

    level = _on_uniques(frame["territory_level"], lambda u: u.astype(str).str.strip().str.lower().map(LEVEL_ALIASES))
    flag(level.isna(), "territory_level", frame["territory_level"], f"niveau inconnu ({LEVELS_TEXT})")
    codes, repaired = _codes(level.fillna("departement"), frame["territory_code"])
    unknown_code = codes.isna() & level.notna()
    corsica = unknown_code & frame["territory_code"].astype(str).str.strip().isin(["20", "20.0"])
    corsica &= level == "departement"
    flag(corsica, "territory_code", frame["territory_code"], CORSICA)
    local = unknown_code & ~corsica & level.isin(["commune", "epci"])
    flag(unknown_code & ~corsica & ~local, "territory_code", frame["territory_code"], UNKNOWN_CODE)
    if local.any():
        why = pd.Series(
            [code_problem(lev, raw) for lev, raw in zip(level[local], frame["territory_code"][local], strict=True)],
            index=frame.index[local],
        )
        for message in why.unique():
            flag(why.reindex(frame.index).eq(message), "territory_code", frame["territory_code"], message)
    if frame.attrs.get("inferred_level") in ("commune", "epci"):
        warnings.append(
            _problems(
                [(pd.NA, names["territory_code"], frame.attrs["inferred_level"], "niveau déduit de la forme des codes")]
            )
        )
    if repaired.any():
        fixed = (
            pd.DataFrame({"raw": frame["territory_code"][repaired], "code": codes[repaired], "row": rows[repaired]})
            .groupby(["raw", "code"], sort=False)["row"]
            .agg(["first", "size"])
        )
        for (raw, code), (first, size) in fixed.iterrows():
            warnings.append(
                _problems([(first, names["territory_code"], raw, f"code réparé en « {code} » ({size} ligne(s))")])
            )
    indicator_ids = _on_uniques(frame["indicator_id"], lambda u: u.astype(str).str.strip())
    known = set(catalogue.load()) | set(declared)
    flag(
        ~indicator_ids.isin(known),
        "indicator_id",
        indicator_ids,
        "indicateur inconnu du catalogue : choisissez-en un ou déclarez un nouvel indicateur",
    )
    years = _on_uniques(frame["year"], _years)
    years = years.astype(float)
    flag(years.isna(), "year", frame["year"], "année illisible (quatre chiffres attendus, ex. 2021)")
    flag((years < 1900) | (years > 2100), "year", frame["year"], "année hors de 1900–2100")
    values, missing, thousands = read_numbers(frame["value"])
    flag(values.isna() & ~missing, "value", frame["value"], NOT_A_NUMBER)
    flag(values.notna() & ~np.isfinite(values), "value", frame["value"], "valeur non finie")
    entries = catalogue.load()
    bounds = {i: catalogue.value_range(entries.get(i), _unit(i, declared) or "") for i in indicator_ids.unique()}
    messages = {i: catalogue.range_text(*b, _unit(i, declared) or "") for i, b in bounds.items()}
    factorized = pd.factorize(indicator_ids, use_na_sentinel=False)  # once for the three lookups below
    low = _map_on_uniques(indicator_ids, {i: b[0] for i, b in bounds.items()}, float, factorized)
    high = _map_on_uniques(indicator_ids, {i: b[1] for i, b in bounds.items()}, float, factorized)
    question = thousands.notna()
    if question.any():  # « 76.954 »: one reading out of the indicator's range settles it, else it is asked
        decimal_fits = values.between(low, high)
        thousands_fits = thousands.between(low, high)
        values = values.where(~(question & thousands_fits & ~decimal_fits), thousands)
        flag(
            question & decimal_fits & thousands_fits,
            "value",
            frame["value"],
            "nombre ambigu : le point ou la virgule suivi de 3 chiffres peut séparer les milliers ou les décimales, "
            "et la colonne ne dit pas lequel (« 76.954 » : 76 954 ou 76,954 ?) ; écrivez 76954 ou 76,954",
        )
    outside = np.isfinite(values) & ((values < low) | (values > high))
    if outside.any():
        said = _map_on_uniques(indicator_ids, messages, "str", factorized)
        for message in said[outside].unique():
            flag(outside & (said == message), "value", frame["value"], message)
    variants_given = frame["variant"].notna().any()
    variants = (
        frame["variant"].fillna(variant).astype(str).str.strip()
        if variants_given
        else pd.Series(variant, index=frame.index)
    )
    known_variants = allowed_variants()
    flag(
        ~variants.isin(known_variants),
        "variant",
        variants,
        f"variante inconnue (connues : {', '.join(known_variants)})",
    )
    keep = ~bad & ~missing
    every = bool(keep.all())  # usually: no copy of the 1 M rows, the indicator ids' factorization reused
    default_source = _default_source(factorized[1] if every else indicator_ids[keep].unique(), source_id)
    out = pd.DataFrame(
        {
            "territory_level": level,
            "territory_code": codes,
            "indicator_id": indicator_ids,
            "year": years,
            "variant": variants,
            "value": values,
        }
    )
    out = out if every else out[keep]
    out["year"] = out["year"].astype("int64")
    out["source_id"] = _map_on_uniques(out["indicator_id"], default_source, "str", factorized if every else None)
    keys = _sort_keys(out)
    duplicated = pd.Series(pd.Series(keys).duplicated(keep=False).to_numpy(), index=out.index)
    if duplicated.any():  # the first MAX_LISTED_LINES lines listed with their key's first lines, the rest counted
        group = pd.Series(pd.factorize(keys[duplicated.to_numpy()])[0], index=out.index[duplicated.to_numpy()])
        listed = group[group.isin(group.iloc[:MAX_LISTED_LINES].unique())]
        lines = (
            pd.Series(listed.index, index=listed.index)
            .groupby(listed.to_numpy())
            .transform(lambda g: ", ".join(map(str, g[:5])))
        )
        lines = lines.iloc[:MAX_LISTED_LINES]
        problems.append(
            _frame(lines.index.to_series(), names["territory_code"], out.loc[lines.index, "territory_code"], "").assign(
                message=("clé en double (lignes " + lines.astype(str) + ")").to_numpy()
            )
        )
        others = int(duplicated.sum()) - len(lines)
        if others:
            first = group.index[len(lines)]
            problems.append(
                _problems(
                    [
                        (
                            first,
                            names["territory_code"],
                            f"{_count(others)} autre(s) ligne(s)",
                            f"clé en double : {_count(others)} autre(s) ligne(s) non listée(s)",
                        )
                    ]
                )
            )
        out, keys = out[~duplicated], keys[~duplicated.to_numpy()]
    try:  # pandera without its own duplicate check (done above, with line numbers), then in KEY order
        validated = validate_indicators(out, lazy=True, keys_checked=True) if len(out) else out[COLUMNS]
        validated = validated.take(np.argsort(keys, kind="stable")).reset_index(drop=True)
    except SchemaErrors as errors:
        problems.append(_schema_problems(errors, out, names))
        validated = None
    all_problems = pd.concat(problems, ignore_index=True) if problems else _problems([])
    all_warnings = pd.concat(warnings, ignore_index=True) if warnings else _problems([])
    if len(all_problems):
        raise UploadError(all_problems.sort_values(["row", "column"], na_position="first"), all_warnings)
    if validated is None or validated.empty:
        raise UploadError(
            _problems([(pd.NA, names["value"], "", "aucune valeur à importer (toutes manquantes)")]), all_warnings
        )
    markers = frame["value"][missing].astype(str).str.strip().str.lower().replace("", "vide").value_counts()
    counted = {k: int(v) for k, v in markers.items()}
    return ParsedUpload(validated, all_warnings, filename, sha, layout, int(missing.sum()), used, counted)


def allowed_variants() -> tuple[str, ...]:
    """Variants the pages show: observed values, the projection variants and the trend paths."""
    from indicators.models.projections import VARIANTS as PROJECTION_VARIANTS
    from indicators.models.trends import VARIANTS as TREND_VARIANTS

    return ("observed", *PROJECTION_VARIANTS, *TREND_VARIANTS)


def _on_uniques(series: pd.Series, func) -> pd.Series:
    """``func`` applied to the distinct values only (columns of a 1M-row file have few), spread back."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    result = func(pd.Series(uniques, dtype=object))
    if isinstance(result.dtype, pd.StringDtype) and result.notna().all():  # already Arrow strings: taken as they are
        return pd.Series(result.array.take(codes), index=series.index)
    if result.dtype == object:  # strings: an Arrow-backed take is much faster than 1M Python objects
        return pd.Series(pd.array(result.to_numpy(), dtype="str").take(codes), index=series.index)
    return pd.Series(result.to_numpy()[codes], index=series.index)


def _map_on_uniques(series: pd.Series, mapping: dict, dtype, factorized: tuple | None = None) -> pd.Series:
    """``series.map(mapping).astype(dtype)``, looked up once per distinct value (``map`` on 1 M Arrow strings
    converts each to a Python object and back); ``factorized``: ``pd.factorize(series, use_na_sentinel=False)``
    when the caller has it already."""
    codes, uniques = factorized or pd.factorize(series, use_na_sentinel=False)
    mapped = pd.array(pd.Series(uniques, dtype=object).map(mapping).to_numpy(), dtype=dtype)
    return pd.Series(mapped.take(codes), index=series.index)


def _sort_keys(out: pd.DataFrame) -> np.ndarray:
    """One integer per row, equal where the KEY columns are equal and ordered as ``sort_values(KEY)``: the
    duplicate check and the sort of 1 M rows on one int64 array instead of five columns (a third of the time)."""
    keys = np.zeros(len(out), dtype=np.int64)
    for name in KEY:
        codes, uniques = pd.factorize(out[name], sort=True, use_na_sentinel=False)
        if len(out) and int(keys.max()) >= 2**62 // max(len(uniques), 1):  # renumber, same order, before overflow
            keys = pd.factorize(keys, sort=True)[0].astype(np.int64)
        keys = keys * len(uniques) + codes
    return keys


def _default_source(indicator_ids, source_id: str | None) -> dict[str, str]:
    entries = catalogue.load()
    return {i: source_id or (entries[i].sources[0].id if i in entries else f"import_{i}") for i in indicator_ids}


def _schema_problems(errors: SchemaErrors, frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """pandera failure cases -> problem rows (the index of ``frame`` is the line number in the file)."""
    cases = errors.failure_cases
    messages = {
        "unique": "clé en double (même territoire, indicateur, année, variante)",
        "greater_than_or_equal_to(1900)": "année hors de 1900–2100",
        "less_than_or_equal_to(2100)": "année hors de 1900–2100",
    }
    out = []
    for case in cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else ""
        index = case.index if pd.notna(case.index) else pd.NA
        if str(case.check).startswith("unique") or column in ("", "None"):
            message = messages["unique"] if "unique" in str(case.check) else str(case.check)
        else:
            message = messages.get(str(case.check), f"refusé par le schéma du store ({case.check})")
        out.append((index, names.get(column) or column, str(case.failure_case), message))
    problems = _problems(out).drop_duplicates()
    return problems


def candidate_columns(data: bytes, filename: str) -> list[str]:
    """Columns of a wide file that end with a year (what the analyst can map to an indicator)."""
    if len(data) > MAX_BYTES:
        return []
    try:
        table = read_table(data, filename)
    except _Stop:
        return []
    if _column(table, "value", "valeur") is not None:
        return []
    return [c for c in table.columns if header_key(c) not in CODE_COLUMNS and year_from_column(c)]


def declaration(
    indicator_id: str,
    label: str,
    unit: str,
    polarity: str,
    definition: str,
    producer: str,
    licence: str,
    filename: str | None,
    *,
    section: str | None = None,
    trend: bool = False,
) -> dict:
    """The catalogue entry (with its own source) of an indicator an analyst declares with a file.

    ``section``: a profile section id (catalogue ``profile_sections``) where the département profile shows
    it, after the built-in figures, with its rank and series; ``trend``: project it like the built-in rates
    (page Tendances)."""
    placement = {"profile": {"section": section, "order": 100, "rank": True, "history": True}} if section else {}
    return {
        "id": indicator_id,
        "label": label,
        "short_label": label,
        "theme": "import",
        "unit": unit,
        "decimals": 1,
        "definition": definition,
        "polarity": polarity,
        "source": {
            "id": f"import_{indicator_id}",
            "producer": producer,
            "title": producer,
            "url": filename or "fichier importé",
            "licence": licence,
            "citation": producer,
        },
        **placement,
        **({"trend": True} if trend else {}),
    }


def declaration_complete(entry: dict) -> bool:
    """Every field of a declared indicator and of its source is filled in."""
    return all(entry.values()) and all(entry["source"].values())
