"""What a page says when its store lacks what it needs (the demo store of ``make demo``: seven départements, a
few indicators, one year of population estimates, no track record), and the defaults it falls back on. Never a
made-up value: the missing part is named, and ``make data`` builds the full store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

FULL_STORE = "`make data` construit le magasin de données complet."


def available(wanted: Iterable[str], options: Sequence[str]) -> list[str]:
    """The ``wanted`` defaults found among ``options``; the first option when none is (a multiselect's default)."""
    found = [w for w in wanted if w in options]
    return found or list(options[:1])


def first_available(wanted: Iterable[str], options: Sequence[str]) -> str | None:
    """The first of ``wanted`` among ``options``, else the first option (a selectbox's default); None if empty."""
    found = available(wanted, options)
    return found[0] if found else None


def no_projection(years: Sequence[int]) -> str:
    """Why the population (and everything projected from it) is not projected: too few years of estimates."""
    held = f"{len(years)} ({', '.join(str(y) for y in sorted(years))})" if years else "aucune"
    return (
        "**Pas de projection** : la méthode Hamilton-Perry a besoin d'au moins six années consécutives "
        f"d'estimations de population par âge, jusqu'à la dernière ; ces données en contiennent {held}. "
        f"Rien n'est donc projeté (ni population, ni besoins, ni effectifs à 2050). {FULL_STORE}"
    )


def no_track_record(file: str) -> str:
    """Why the backtest (the projections made in the past, compared with what happened) is not shown."""
    return (
        "**Pas de rétro-prévision** : ces données ne contiennent pas les projections refaites par le passé "
        f"({file}) ; on ne peut donc pas dire ici ce que la méthode aurait prévu ni à quel point s'y fier. {FULL_STORE}"
    )
