"""One plain-French sentence per signal, with its figures in French number formats. A signal is only
raised on figures that exist, so no sentence ever speaks of a missing value."""

from __future__ import annotations

import math

from indicators.core import catalogue, formatting

PEERS = {"departement": "départements", "epci": "intercommunalités", "commune": "communes"}
MEDIAN = {"departement": "le département médian", "epci": "l'intercommunalité médiane", "commune": "la commune médiane"}


def _value(indicator: catalogue.Indicator, value: float, decimals: int | None = None) -> str:
    return formatting.format_value(value, indicator.unit, indicator.decimals if decimals is None else decimals)


def _change(indicator: catalogue.Indicator, delta: float, decimals: int | None = None) -> str:
    """A signed change: '+1,2 pt' for a percentage, '+350 €/an' otherwise."""
    decimals = indicator.decimals if decimals is None else decimals
    if indicator.unit == "%":
        return formatting.format_points(delta, max(1, decimals))
    sign = "+" if delta > 0 else ("−" if delta < 0 else "")
    return sign + formatting.format_value(abs(delta), indicator.unit, decimals)


def _decimals_showing(indicator: catalogue.Indicator, first: float, second: float, distinct_only: bool = False) -> int:
    """The catalogue's decimals, or up to two more when they would misstate the move from ``first`` to ``second``
    that a signal rests on: equal texts (« 1,8 % en dessous de la bande attendue (1,8 % à 2,1 %) »), or, unless
    ``distinct_only``, a shown change off by more than a quarter (« de −1,9 pt à −2,0 pt » for 0,19 pt)."""
    base = max(1, indicator.decimals) if indicator.unit == "%" else indicator.decimals
    true = abs(second - first)
    for decimals in range(base, base + 3):
        shown = abs(round(second, decimals) - round(first, decimals))
        if shown > 0 and (distinct_only or abs(shown - true) <= 0.25 * true):
            return decimals
    return base + 2


def _percent(share: float) -> str:
    sign = "+" if share > 0 else ("−" if share < 0 else "")
    return sign + formatting.format_value(abs(share) * 100, "%", 0)


def _present(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def sentence(signal: dict) -> str:
    signal = {**signal, **{k: int(signal[k]) for k in ("year", "since") if _present(signal.get(k))}}
    indicator = catalogue.get(signal["indicator_id"])
    kind, method = signal["kind"], signal["method"]
    if kind == "ecart":
        return _ecart(indicator, signal)
    if method == "band":
        return _band(indicator, signal)
    if method == "gap":
        return _gap(indicator, signal)
    if method == "census":
        return _census(indicator, signal)
    return _horizon(indicator, signal)


def _ecart(indicator, s) -> str:
    higher = (s["value"] > s["reference"]) if s["reference"] is not None else s["direction"] == "worse"
    where = f"pour {MEDIAN[s['territory_level']]}" if s.get("reference_of") == "median" else "en France"
    refs = f"contre {_value(indicator, s['reference'])} {where}"
    if _present(s.get("reference_2")):
        refs += f" et {_value(indicator, s['reference_2'])} dans les {PEERS[s['territory_level']]} similaires"
    side = "nettement plus élevé" if higher else "nettement plus bas"
    verdict = "situation plus difficile" if s["direction"] == "worse" else "situation plus favorable"
    return f"{indicator.label} : {_value(indicator, s['value'])} en {s['year']}, {refs} ({side}, {verdict})."


def _band(indicator, s) -> str:
    above = s["value"] > s["reference"]
    where = "au-dessus" if above else "en dessous"
    move = "la hausse est plus rapide que prévu" if above else "la baisse est plus rapide que prévu"
    move += ", signe d'une dégradation" if s["direction"] == "worse" else ", signe d'une amélioration"
    digits = _decimals_showing(indicator, s["high"] if above else s["low"], s["value"], distinct_only=True)
    band = f"{_value(indicator, s['low'], digits)} à {_value(indicator, s['high'], digits)}"
    return (
        f"{indicator.label} : {_value(indicator, s['value'], digits)} en {s['year']}, {where} de la bande attendue "
        f"d'après la tendance jusqu'en {s['since']} ({band}, 8 chances sur 10) : {move}."
    )


def _gap(indicator, s) -> str:
    verdict = "il se creuse" if s["direction"] == "worse" else "il s'élargit en sa faveur"
    digits = _decimals_showing(indicator, s["previous"], s["reference"])
    return (
        f"{indicator.label} : l'écart à la France est passé de {_change(indicator, s['previous'], digits)} en "
        f"{s['since']} à {_change(indicator, s['reference'], digits)} en {s['year']} "
        f"({_value(indicator, s['value'])}) : "
        f"{verdict} plus que ses variations passées ne l'expliquent."
    )


def _census(indicator, s) -> str:
    own = _change(indicator, s["value"] - s["previous"])
    refs = f"contre {_change(indicator, s['reference'])} dans le département"
    if _present(s.get("reference_2")):
        refs += f" et {_change(indicator, s['reference_2'])} dans les {PEERS[s['territory_level']]} similaires"
    verdict = "évolution plus défavorable" if s["direction"] == "worse" else "évolution plus favorable"
    return (
        f"{indicator.label} : {own} entre {s['since']} et {s['year']} (de {_value(indicator, s['previous'])} "
        f"à {_value(indicator, s['value'])}), {refs} ({verdict})."
    )


def _horizon(indicator, s) -> str:
    label = indicator.need.label if indicator.need else indicator.label
    band = ""
    if _present(s.get("low")) and _present(s.get("high")):
        band = f" (8 chances sur 10 entre {_percent(s['low'])} et {_percent(s['high'])})"
    return (
        f"{label} : {_percent(s['value'])} attendus entre {s['since']} et {s['year']}{band}, contre "
        f"{_percent(s['reference'])} en France : le besoin croît nettement plus vite (projection Radar social)."
    )


def short(signal: dict) -> str:
    """The signal in one short line (the printed profile): the figure and what it is compared with."""
    signal = {**signal, **{k: int(signal[k]) for k in ("year", "since") if _present(signal.get(k))}}
    indicator = catalogue.get(signal["indicator_id"])
    s, value = signal, _value(indicator, signal["value"])
    if s["kind"] == "horizon":
        label = indicator.need.label if indicator.need else indicator.short_label
        return f"{label} : {_percent(s['value'])} de {s['since']} à {s['year']} (France {_percent(s['reference'])})"
    label = indicator.short_label or indicator.label
    if s["kind"] == "ecart":
        where = "médiane" if s.get("reference_of") == "median" else "France"
        refs = f"{where} {_value(indicator, s['reference'])}"
        if _present(s.get("reference_2")):
            refs += f", similaires {_value(indicator, s['reference_2'])}"
        return f"{label} : {value} en {s['year']} ({refs})"
    if s["method"] == "band":
        edge = s["high"] if s["value"] > s["high"] else s["low"]
        digits = _decimals_showing(indicator, edge, s["value"], distinct_only=True)
        band = f"{_value(indicator, s['low'], digits)} à {_value(indicator, s['high'], digits)}"
        return f"{label} : {_value(indicator, s['value'], digits)} en {s['year']}, hors de la bande attendue ({band})"
    if s["method"] == "gap":
        digits = _decimals_showing(indicator, s["previous"], s["reference"])
        return (
            f"{label} : écart à la France de {_change(indicator, s['previous'], digits)} en {s['since']} "
            f"à {_change(indicator, s['reference'], digits)} en {s['year']}"
        )
    return f"{label} : de {_value(indicator, s['previous'])} en {s['since']} à {value} en {s['year']}"
