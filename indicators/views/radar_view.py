"""The radar of one territory, ready to show (no Streamlit): its signals grouped by theme, the three to
remember, what is new since the previous published version, the backtest sentence of each kind, and, for a
département or an EPCI, its communes that stand out most.

Signals come from the store: ``signals.parquet`` (the pipeline) for the base table, and for a published
version the file its publish computed in the background (indicators.radar.stored.refresh); while that file
is not written yet, those of the version it was published over, said as such (never a recomputation in the
page: the first view after a publish reads one file). A version's signals are compared with those of the
version it was published over, to say which are new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from indicators.core import catalogue, formatting
from indicators.radar import rules, stored
from indicators.storage import versions

TOP = 3
METHOD = (
    f"Méthode : écart = au moins {formatting.format_number(rules.THRESHOLDS.ecart, 1)} fois la dispersion robuste "
    "(MAD × 1,48) des territoires du même niveau (de taille comparable pour les communes), face à la France ET à "
    "la médiane des 5 territoires semblables ; rupture = valeur hors de la bande à 80 % de la prévision faite "
    "l'année précédente, ou écart à la France qui se creuse plus que ses variations passées ; horizon = besoin "
    "projeté en 2030 qui croît nettement plus vite qu'en France, bande à 80 % comprise. Seuils choisis sur les "
    "origines 2012-2014, mesurés sur 2015-2017 (départements) ; horizons rejoués sur les projections faites en 2010, "
    "seuil choisi sur leur état en 2015, mesuré en 2019-2020 ; communes non backtestées (un seul recensement)."
)
KIND_WORDS = {"ecart": ("écart", "écarts"), "rupture": ("rupture", "ruptures")}
PARAMS = {"departement": "dep", "commune": "com", "epci": "epci"}
LEVEL_WORDS = {"departement": "Département", "commune": "Commune", "epci": "Intercommunalité"}


@dataclass(frozen=True)
class Radar:
    level: str
    code: str
    name: str
    signals: pd.DataFrame  # rules.COLUMNS (+ ``new``), strongest first
    version: int = 0
    compared_with: int | None = None  # the version whose signals ``new`` is measured against
    pending_from: int | None = None  # while the version's signals are computed: the version whose are shown
    notes: tuple[str, ...] = field(default_factory=tuple)

    @cached_property
    def top(self) -> list[dict]:
        """The TOP strongest signals (one dict each), computed once per cached radar (warm reruns read it)."""
        return self.signals.head(TOP).to_dict("records")

    @cached_property
    def themes(self) -> list[tuple[str, list[dict]]]:
        """(theme label, its signals strongest first, one dict each), themes in the order of rules.THEMES."""
        records = self.signals.to_dict("records")
        grouped = [(label, [r for r in records if r["theme"] == theme]) for theme, label in rules.THEMES.items()]
        return [(label, rows) for label, rows in grouped if rows]


def _name(index: pd.DataFrame, level: str, code: str) -> str | None:
    rows = index[(index["level"] == level) & (index["code"] == code)]
    return str(rows["name"].iloc[0]) if len(rows) else None


def build(level: str, code: str, index: pd.DataFrame, store_dir: Path | None = None) -> Radar | None:
    """The radar of a territory (None when the store does not know it), read from the stored signals: the
    published version's file, or while its publish is still computing it, the file of the version it was
    published over (``pending_from``, said on the page; nothing is new then)."""
    name = _name(index, level, code)
    if name is None:
        return None
    version = versions.current(store_dir)
    served = stored.serving_version(version, store_dir)
    found = _stored(level, code, served, store_dir)
    if version == 0:
        return Radar(level, code, name, found.assign(new=False))
    if not stored.exact_for(version, served, store_dir):
        return Radar(level, code, name, found.assign(new=False), version, pending_from=served)
    before = stored.serving_version(int(versions.meta(version, store_dir).get("previous", version - 1) or 0), store_dir)
    previous = _stored(level, code, before, store_dir)
    seen = set(zip(previous["indicator_id"], previous["kind"], previous["direction"], strict=True))
    found["new"] = [k not in seen for k in zip(found["indicator_id"], found["kind"], found["direction"], strict=True)]
    return Radar(level, code, name, found, version, before)


def _stored(level: str, code: str, version: int, store_dir: Path | None) -> pd.DataFrame:
    """A territory's signals in the stored file of a version (empty when the file is not written)."""
    found = stored.load_signals(store_dir, version, [("territory_level", "==", level), ("territory_code", "==", code)])
    found = found[(found["territory_level"] == level) & (found["territory_code"] == code)]
    return found.reset_index(drop=True)


def pending_sentence(radar: Radar) -> str | None:
    """« Recalcul en cours » while the published version's signals are being computed, else None."""
    if radar.pending_from is None:
        return None
    before = radar.pending_from
    shown = "de la base, avant toute publication" if before == 0 else f"de la version n° {before}"
    return (
        f"Recalcul en cours : la version n° {radar.version} vient d'être publiée et ses signaux sont en cours de "
        f"calcul. Les signaux ci-dessous sont encore ceux de la version précédente ({shown}) ; ils seront "
        "remplacés dès la fin du calcul."
    )


def backtest_sentences(measured: pd.DataFrame) -> dict[str, str]:
    """kind -> « 7 ruptures sur 10 signalées par le passé (2015-2017) se sont confirmées deux ans après »
    (the later period of stored.backtest_table; horizons: « 24 horizons sur 39 … »)."""
    out = {}
    later = measured[measured["period"] == "later"] if len(measured) else measured
    for row in later.to_dict("records"):
        if not row["evaluated"]:
            continue
        if row["kind"] == "horizon":
            out["horizon"] = _horizon_sentence(row)
            continue
        plural = KIND_WORDS[row["kind"]][1]
        on_ten = formatting.format_number(row["persisted"] / row["evaluated"] * 10, 0)
        feminine = "e" if row["kind"] == "rupture" else ""
        out[row["kind"]] = (
            f"{row['persisted']} {plural} sur {row['evaluated']} signalé{feminine}s par le passé (départements, "
            f"origines {row['origins']}) se sont confirmé{feminine}s deux ans après, soit {on_ten} sur 10 "
            f"({formatting.format_number(row['per_territory'], 1)} par département et par an)."
        )
    if "horizon" not in out:
        out["horizon"] = (
            "Les horizons reposent sur les projections de Radar social (bande à 80 % calibrée sur leurs erreurs "
            "passées, voir la page Projections et scénarios) ; ce magasin n'a pas leur historique pour les rejouer."
        )
    return out


def _horizon_sentence(row: dict) -> str:
    """« 24 horizons sur 39 … se sont confirmés en 2019-2020 …, soit 6 sur 10 : moins que les 2 sur 3 visés »."""
    on_ten = formatting.format_number(row["persisted"] / row["evaluated"] * 10, 0)
    first, last = (int(y) for y in str(row["years"]).split("-"))
    when = f"en {first}" if first == last else f"en {first}-{last}"
    below = row["persisted"] / row["evaluated"] < rules.TARGET
    return (
        f"{row['persisted']} horizons sur {row['evaluated']} signalés par le passé (projections des départements "
        f"faites en {row['origins']}) se sont confirmés {when} — le besoin a crû plus vite qu'en France —, soit "
        f"{on_ten} sur 10"
        + (
            " : moins que les 2 sur 3 visés. Un horizon est une tendance plausible, pas une certitude."
            if below
            else "."
        )
    )


def chart_link(signal: pd.Series) -> str:
    """The page that shows the figure behind a signal."""
    level, code, indicator_id = signal["territory_level"], signal["territory_code"], signal["indicator_id"]
    if level != "departement":
        return f"/profil?{PARAMS[level]}={code}"
    if signal["kind"] == "horizon":
        return f"/scenarios?dep={code}"
    if signal["kind"] == "rupture" and signal["method"] == "band":
        return f"/tendances?dep={code}&ind={indicator_id}"
    return f"/profil?dep={code}"


def label(signal: pd.Series) -> str:
    kind = rules.KIND_LABELS[signal["kind"]]
    side = "plus difficile" if signal["direction"] == "worse" else "plus favorable"
    return f"{kind} · {side}"


def communes_standing_out(
    level: str, code: str, index: pd.DataFrame, theme: str | None = None, store_dir: Path | None = None
) -> pd.DataFrame:
    """The communes of a département / EPCI ranked by the strength of their signals of a difficult
    situation (sum of scores of their "worse" signals, theme filtered): code, name, signals, score,
    strongest (its sentence). Communes without signal are not listed."""
    communes = index[index["level"] == "commune"]
    column = "departement" if level == "departement" else "epci"
    members = communes[communes[column] == code][["code", "name", "population"]]
    # the published version's file; while its publish is still computing it, the previous version's
    wanted = [("territory_level", "==", "commune"), ("territory_code", "in", members["code"].tolist() or [""])]
    found = stored.load_signals(store_dir, stored.serving_version(None, store_dir), wanted)
    found = found[(found["territory_level"] == "commune") & found["territory_code"].isin(set(members["code"]))]
    found = found[found["direction"] == "worse"]
    if theme:
        found = found[found["theme"] == theme]
    if found.empty:
        return pd.DataFrame(columns=["code", "name", "population", "signals", "score", "strongest"])
    ranked = found.sort_values("score", ascending=False)
    grouped = ranked.groupby("territory_code").agg(
        signals=("kind", "size"), score=("score", "sum"), strongest=("sentence", "first")
    )
    out = members.merge(grouped, left_on="code", right_index=True)
    return out.sort_values(["score", "code"], ascending=[False, True]).reset_index(drop=True)


def table_rows(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranked communes as the page shows them (French formats)."""
    return pd.DataFrame(
        {
            "Rang": range(1, len(ranked) + 1),
            "Commune": ranked["name"],
            "Code": ranked["code"],
            "Habitants": [formatting.format_number(p, 0) for p in ranked["population"]],
            "Signaux": ranked["signals"].astype(int),
            "Score": [formatting.format_number(s, 1) for s in ranked["score"]],
            "Le plus net": ranked["strongest"],
        }
    )


def theme_label(theme: str) -> str:
    return rules.THEMES.get(theme, theme)


def indicator_label(indicator_id: str) -> str:
    return catalogue.get(indicator_id).short_label


MAP_COLOURS = ["#eeeeee", "#fdd49e", "#fc8d59", "#d7301f"]
MAP_LABELS = ["aucun signal", "1 signal", "2 signaux", "3 signaux ou plus"]


def communes_map(level: str, code: str, index: pd.DataFrame, ranked: pd.DataFrame, shapes: dict | str):
    """Every commune of the territory coloured by its number of signals of a difficult situation
    (0 is a fact here, not a missing value: the commune was examined and nothing stood out)."""
    import plotly.graph_objects as go

    from indicators.views import commune_map, maps

    communes = commune_map.communes_of(index, level, code)
    if communes.empty:
        return None
    counts = ranked.set_index("code")["signals"] if len(ranked) else pd.Series(dtype=float)
    number = communes["code"].map(counts).fillna(0).astype(int)
    strongest = ranked.set_index("code")["strongest"] if len(ranked) else pd.Series(dtype=object)
    custom = pd.DataFrame(
        {
            "name": communes["name"],
            "text": [MAP_LABELS[min(n, 3)] if n < 3 else f"{n} signaux" for n in number],
            "year": "radar",
            "rank": [formatting.plain_plotly(strongest.get(c, "—"))[:120] for c in communes["code"]],
        }
    )
    fig = go.Figure(
        maps.classed_trace(communes["code"], number.clip(upper=3), shapes, MAP_COLOURS, custom, line_width=0.3)
    )
    fig.update_traces(
        hovertemplate="<b>%{customdata[0]}</b> (%{location})<br>%{customdata[1]}<br>%{customdata[3]}<extra></extra>"
    )
    maps.add_class_legend(fig, MAP_COLOURS, MAP_LABELS, "Signaux d'une situation plus difficile")
    fig.update_geos(visible=False, projection_type="mercator", fitbounds="locations", bgcolor="rgba(0,0,0,0)")
    return maps.static_layout(fig, 520)
