"""The territory profile of one département, as plain data: every figure the page, the PDF and the CSV show.

``build(table, population, "38")`` returns a :class:`Profile`: sections of :class:`Figure` (value,
formatted text, year, unit, source, France value, rank, trend, and the reason when missing) and the
age pyramid of the latest year with France's shape. No Streamlit, no plotting here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from indicators.core import catalogue, exports, formatting
from indicators.core.catalogue import Indicator
from indicators.core.schema import AGE_BANDS
from indicators.models import commentary, density, outlook, standing
from indicators.models.ranking import rank_departements
from indicators.storage import territories

FRANCE = territories.FRANCE_CODE
# The sections and their figures are the catalogue's (``profile_sections`` and each indicator's
# ``profile: {section, order, ...}``); a section id is the name of its field of :class:`Profile`.


def placed_ids(entries: dict | None = None) -> set[str]:
    """Every indicator a profile section shows or divides by (``share_of``), built-in or declared."""
    entries = catalogue.load() if entries is None else entries
    return {
        key
        for section in catalogue.profile_sections()
        for indicator, place in catalogue.placed(section, entries)
        for key in (indicator.id, place.share_of)
        if key
    }


DREES_AIDE_SOCIALE = "drees_aide_sociale"
NOT_IN_STORE = "cette valeur n'est pas publiée pour ce département dans les sources utilisées"
MEDIAN_UNITS = {"%", "‰", "€/an", "€/hab."}  # rates and amounts per person: a median of départements means something
RANK_HINTS = {
    "higher_is_worse": "1ᵉʳ = taux le plus élevé, situation la plus difficile",
    "higher_is_better": "1ᵉʳ = valeur la plus basse, situation la plus difficile",
    "neutral": "classement du plus élevé au plus bas",
}


@dataclass(frozen=True)
class Figure:
    """One number of the profile, with everything needed to print it honestly."""

    key: str
    label: str
    value: float | None
    text: str
    year: int | None
    unit: str
    source: str
    note: str = ""
    france_value: float | None = None
    france_text: str = ""
    rank: str = ""
    rank_hint: str = ""
    trend: tuple[tuple[int, float], ...] = ()
    france_trend: tuple[tuple[int, float], ...] = ()
    short_label: str = ""
    france_is_median: bool = False

    @property
    def missing(self) -> bool:
        return self.value is None

    @property
    def france_label(self) -> str:
        return standing.MEDIAN_LABEL if self.france_is_median else "France"

    @property
    def caption(self) -> str:
        """'Source : Insee, Filosofi 2020 (2020)' and the remark or the reason it is missing."""
        parts = [f"Source : {self.source}" + (f" ({self.year})" if self.year else "")] if self.source else []
        if self.note:
            parts.append(f"{'n.d. : ' if self.missing else ''}{self.note}")
        return " — ".join(parts)


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    region: str
    headline: tuple[Figure, ...]
    ages: tuple[Figure, ...]
    social: tuple[Figure, ...]
    spending: tuple[Figure, ...]
    collectivite: tuple[Figure, ...]
    pyramid: pd.DataFrame = field(compare=False)  # age_band, sex, departement (% of total), france (%)
    pyramid_year: int | None = None
    pyramid_source: str = ""
    spine: tuple[standing.SpineRow, ...] = ()
    similar: tuple[standing.Neighbour, ...] = ()
    similar_years: dict = field(default_factory=dict, compare=False)
    commentary: tuple[commentary.Sentence, ...] = ()
    outlook: tuple[outlook.OutlookRow, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.name} ({self.code})"

    def sections(self) -> list[tuple[str, tuple[Figure, ...]]]:
        return [(title, getattr(self, key)) for key, title in catalogue.profile_sections().items()]

    def figure(self, key: str, section: str | None = None) -> Figure:
        for name, figures in self.sections():
            for fig in figures:
                if fig.key == key and (section is None or name == section):
                    return fig
        raise KeyError(key)


def missing_reason(indicator_id: str, code: str) -> str:
    """Why the store has no value for this indicator and territory (code 'FR' for France): the catalogue's
    declared gaps, else a general reason."""
    reason = catalogue.gap_reason(catalogue.get(indicator_id), code)
    if reason:
        return reason
    return "la source ne donne pas de valeur pour la France" if code == FRANCE else NOT_IN_STORE


def _citation(indicator: Indicator, source_id: str | None) -> str:
    """The source of the row actually shown (+ the population source of a ratio's denominator)."""
    return catalogue.row_citation(indicator, source_id)


class _Data:
    """The rows of the table the profile needs, split once by indicator (fast repeated look-ups)."""

    def __init__(self, table: pd.DataFrame) -> None:
        needed = {*placed_ids(), commentary.AGEING}
        rows = table[table["indicator_id"].isin(needed) & (table["variant"] == "observed")]
        self.table = rows
        self.by_id = {key: part for key, part in rows.groupby("indicator_id", sort=False)}

    def series(self, indicator_id: str, code: str, level: str = "departement") -> pd.Series:
        rows = self.by_id.get(indicator_id)
        if rows is None:
            return pd.Series(dtype=float)
        rows = rows[(rows["territory_code"] == code) & (rows["territory_level"] == level)]
        return rows.set_index("year")["value"].sort_index()

    def median(self, indicator_id: str, year: int) -> float | None:
        """Median of the départements' values that year (None when none has one)."""
        rows = self.by_id.get(indicator_id)
        if rows is None:
            return None
        values = rows[(rows["territory_level"] == "departement") & (rows["year"] == year)]["value"]
        return float(values.median()) if len(values) else None

    def source_of(self, indicator_id: str, code: str, year: int) -> str | None:
        rows = self.by_id[indicator_id]
        match = rows[
            (rows["territory_code"] == code) & (rows["territory_level"] == "departement") & (rows["year"] == year)
        ]
        return match["source_id"].iloc[0] if len(match) else None


def _at(values: pd.Series, year: int | None) -> float | None:
    if year is None or year not in values.index:
        return None
    return float(values.loc[year])


def _pairs(values: pd.Series) -> tuple[tuple[int, float], ...]:
    return tuple((int(y), float(v)) for y, v in values.items())


def indicator_figure(
    data: _Data,
    indicator_id: str,
    code: str,
    with_rank: bool = False,
    with_trend: bool = False,
    label: str | None = None,
    compare_france: bool = True,
) -> Figure:
    """Latest observed value of the département, the France value and rank of the same year."""
    indicator = catalogue.get(indicator_id)
    values = data.series(indicator_id, code)
    france = data.series(indicator_id, FRANCE, "france")
    label = label or indicator.label
    if values.empty:
        return Figure(
            indicator_id,
            label,
            None,
            formatting.MISSING,
            None,
            indicator.unit,
            indicator.citation,
            note=missing_reason(indicator_id, code),
            short_label=indicator.short_label,
        )
    year = int(values.index[-1])
    value = float(values.iloc[-1])
    france_value = _at(france, year)
    france_is_median = False
    notes = []
    if france_value is None and compare_france and indicator.unit in MEDIAN_UNITS:
        france_value, france_is_median = data.median(indicator_id, year), True
        notes.append(f"France : {missing_reason(indicator_id, FRANCE)}, on montre la médiane des départements")
    elif france_value is None and compare_france:
        notes.append(f"France : {missing_reason(indicator_id, FRANCE)}")
    france_text = formatting.format_indicator(france_value, indicator)
    if code in ("2A", "2B") and data.source_of(indicator_id, code, year) == DREES_AIDE_SOCIALE and year < 2018:
        notes.append("pas de données DREES pour la Corse après 2017 (Collectivité de Corse)")
    rank = hint = ""
    if with_rank:
        ranked = rank_departements(data.table, indicator_id, year)
        mine = ranked[ranked["territory_code"] == code]
        if len(mine):
            rank = formatting.format_rank(int(mine["rank"].iloc[0]), int(mine["total"].iloc[0]))
            hint = RANK_HINTS[indicator.polarity]
    return Figure(
        indicator_id,
        label,
        value,
        formatting.format_indicator(value, indicator),
        year,
        indicator.unit,
        _citation(indicator, data.source_of(indicator_id, code, year)),
        note=" ; ".join(notes),
        france_value=france_value,
        france_text=france_text,
        rank=rank,
        rank_hint=hint,
        trend=_pairs(values) if with_trend else (),
        france_trend=_pairs(france) if with_trend else (),
        short_label=indicator.short_label,
        france_is_median=france_is_median,
    )


def density_figure(nat: standing.National, code: str, key: str = standing.DENSITY, label: str | None = None) -> Figure:
    """Inhabitants per km² (population / area of the IGN contour), France = all départements."""
    by_year = nat.values.get(key, {})
    year = max(by_year) if by_year else None
    value = float(by_year[year][code]) if year is not None and code in by_year[year].index else None
    france_value = nat.france.get(key, {}).get(year)
    label = label or "Densité de population"
    short_label = catalogue.get(key).short_label
    if value is None:
        return Figure(
            key,
            label,
            None,
            formatting.MISSING,
            None,
            density.UNIT,
            density.SOURCE,
            note="superficie ou population inconnue pour ce département",
            short_label=short_label,
        )
    decimals = 0 if value >= 10 else 1
    return Figure(
        key,
        label,
        value,
        formatting.format_value(value, density.UNIT, decimals),
        year,
        density.UNIT,
        density.SOURCE,
        france_value=france_value,
        france_text=formatting.format_value(france_value, density.UNIT, 0),
        short_label=short_label,
    )


def share_figure(data: _Data, indicator: Indicator, place: catalogue.Placement, code: str) -> Figure:
    """``indicator`` as a % of ``place.share_of`` (its whole, e.g. a domain of the net social spending), the
    latest year of the whole, for the département and France."""
    whole_series = data.series(place.share_of, code)
    year = int(whole_series.index[-1]) if len(whole_series) else None
    part, whole = _at(data.series(indicator.id, code), year), _at(whole_series, year)
    share = part / whole * 100 if part is not None and whole else None
    f_part = _at(data.series(indicator.id, FRANCE, "france"), year)
    f_whole = _at(data.series(place.share_of, FRANCE, "france"), year)
    france_share = f_part / f_whole * 100 if f_part is not None and f_whole else None
    if share is not None:
        note = ""
    elif year is None:
        note = missing_reason(indicator.id, code)
    else:
        note = f"pas de valeur {year} pour ce domaine dans la source"
    return Figure(
        indicator.id,
        place.label or indicator.label,
        share,
        formatting.format_value(share, "%", 1),
        year if share is not None else None,
        "%",
        indicator.citation,
        note=note,
        france_value=france_share,
        france_text=formatting.format_value(france_share, "%", 1),
    )


def placed_figure(data: _Data, nat: standing.National, indicator: Indicator, place, code: str) -> Figure:
    """The figure of one catalogue ``profile:`` place: computed (density), a share of a whole, or the
    indicator's latest value (with its rank, its series, France, as the place says)."""
    if indicator.id in standing.COMPUTED:
        return density_figure(nat, code, indicator.id, place.label)
    if place.share_of:
        return share_figure(data, indicator, place, code)
    figure = indicator_figure(
        data, indicator.id, code, place.rank, place.history, label=place.label, compare_france=place.france
    )
    if indicator.recipe and indicator.recipe.kind == "change" and figure.year:  # name the years it spans
        figure = replace(figure, label=f"{figure.label} ({figure.year - indicator.recipe.years}-{figure.year})")
    return figure


def section_figures(data: _Data, nat: standing.National, section: str, code: str) -> tuple[Figure, ...]:
    """The figures of one profile section, in the catalogue's order (analysts' declared indicators too)."""
    return tuple(placed_figure(data, nat, indicator, place, code) for indicator, place in catalogue.placed(section))


def _pyramid(population: pd.DataFrame, code: str) -> tuple[pd.DataFrame, int | None]:
    """Share of the total population in each sex × 5-year band, for the département and France."""
    mine = population[population["territory_code"] == code]
    if mine.empty:
        return pd.DataFrame(columns=["age_band", "sex", "departement", "france"]), None
    year = int(mine["year"].max())
    frames = []
    for column, rows in (
        ("departement", mine[mine["year"] == year]),
        ("france", population[(population["territory_code"] == FRANCE) & (population["year"] == year)]),
    ):
        shares = rows.set_index(["age_band", "sex"])["population"]
        frames.append((shares / shares.sum() * 100).rename(column))
    out = pd.concat(frames, axis=1).reset_index()
    out["age_band"] = pd.Categorical(out["age_band"], categories=AGE_BANDS, ordered=True)
    out = out.sort_values(["sex", "age_band"]).reset_index(drop=True)
    out["age_band"] = out["age_band"].astype(str)
    return out, year


def needed_indicators() -> tuple[str, ...]:
    """Every indicator a profile reads: its sections, the spine, the similarity and the outlook."""
    stored = {
        *placed_ids(),
        commentary.AGEING,
        *standing.SPINE,
        *standing.STRUCTURAL,
        *(key for key, _ in outlook.OUTLOOK),
    }
    return tuple(sorted(stored - set(standing.COMPUTED)))  # density is computed from the population and the area


def store_rows(store_dir: Path | None = None) -> pd.DataFrame:
    """What profiles read from the published store (every level and variant of needed_indicators(): ranks
    and the spine need all départements, the outlook the projection variants), not the whole table."""
    from indicators.storage import query

    return query.rows(indicator_ids=needed_indicators(), variants=None, store_dir=store_dir)


def build(table: pd.DataFrame, population: pd.DataFrame, code: str, nat: standing.National | None = None) -> Profile:
    """The profile of one département (code as a string: '01', '2A', '974').

    ``nat`` (:func:`indicators.models.standing.national`) is what every département is compared with; pass
    it when building many profiles from the same table."""
    names = territories.departement_names()
    if code not in territories.departement_codes():
        raise KeyError(f"unknown département code {code!r}")
    data = _Data(table)
    nat = nat or standing.national(table, population)
    region_code = territories.region_of()[code]
    pyramid, pyramid_year = _pyramid(population, code)
    neighbours = standing.similar(nat, code)
    spine = standing.spine(nat, code, neighbours, missing_reason)
    projected = outlook.build(table, code)
    ageing = (
        dict(data.series(commentary.AGEING, code).items()),
        dict(data.series(commentary.AGEING, FRANCE, "france").items()),
    )
    sections = {key: section_figures(data, nat, key, code) for key in catalogue.profile_sections()}
    return Profile(
        code=code,
        name=names[code],
        region=territories.territory_name("region", region_code),
        **sections,
        pyramid=pyramid,
        pyramid_year=pyramid_year,
        pyramid_source=catalogue.get(catalogue.POPULATION).citation,
        spine=spine,
        similar=neighbours,
        similar_years=dict(nat.structural_years),
        commentary=commentary.build(spine, *ageing, projected),
        outlook=projected,
    )


CSV_COLUMNS = [
    "Rubrique",
    "Indicateur",
    "Valeur",
    "Valeur affichée",
    "Unité",
    "Année",
    "France (ou médiane des départements)",
    "France affichée",
    "Rang parmi les départements",
    "Source",
    "Remarque",
]
PYRAMID_DECIMALS = 2


def to_csv(profile: Profile) -> bytes:
    """Every figure of the profile with source and year: ';'-separated, UTF-8 with BOM (Excel FR). Values are
    numbers (decimal comma), rounded as the page shows them (``exports.decimals_of`` the displayed text,
    itself from the catalogue); the displayed texts follow for reading."""
    rows = []
    for section, figures in profile.sections():
        for fig in figures:
            rows.append(
                [
                    section,
                    fig.label,
                    exports.rounded(fig.value, exports.decimals_of(fig.text)),
                    fig.text,
                    fig.unit,
                    fig.year,
                    exports.rounded(fig.france_value, exports.decimals_of(fig.france_text)),
                    fig.france_text,
                    fig.rank,
                    fig.source,
                    fig.note,
                ]
            )
    for _, row in profile.pyramid.iterrows():
        rows.append(
            [
                "Pyramide des âges",
                f"{'Hommes' if row['sex'] == 'M' else 'Femmes'} {row['age_band']} ans",
                exports.rounded(float(row["departement"]), PYRAMID_DECIMALS),
                formatting.format_value(row["departement"], "%", PYRAMID_DECIMALS),
                "% de la population",
                profile.pyramid_year,
                exports.rounded(float(row["france"]), PYRAMID_DECIMALS),
                formatting.format_value(row["france"], "%", PYRAMID_DECIMALS),
                "",
                profile.pyramid_source,
                "",
            ]
        )
    frame = pd.DataFrame(rows, columns=CSV_COLUMNS).astype({"Année": "Int64"})
    return exports.to_csv(frame)
