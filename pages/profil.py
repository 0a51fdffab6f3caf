"""Territory profile: one département at a glance (?dep=38), with France, ranks, trends and exports."""

import streamlit as st

from indicators import cache, profile_charts, report, territories
from indicators.formatting import plain
from indicators.profile import Figure, to_csv

DEFAULT = "38"
CHART_CONFIG = {"displayModeBar": False}

codes = territories.departement_codes()
names = territories.departement_names()
wanted = territories.normalise_departement_code(st.query_params.get("dep"))
wanted = wanted if wanted in codes else DEFAULT


def _to_url() -> None:
    """The choice goes into the URL (?dep=38) before the rerun, so the URL stays the one source of truth."""
    st.query_params["dep"] = st.session_state["dep_select"]


st.title("Profil du département")
st.session_state["dep_select"] = wanted
code = st.selectbox(
    "Département (tapez un nom ou un code)",
    codes,
    key="dep_select",
    on_change=_to_url,
    format_func=lambda c: f"{names[c]} ({c})",
)
if st.query_params.get("dep") != code:
    st.query_params["dep"] = code

prof = cache.profile(code)
st.header(prof.title)
st.caption(f"Région {prof.region} · lien direct vers cette fiche : `?dep={code}`")


def year_of(fig: Figure) -> str:
    return f"en {fig.year}" if fig.year else "n.d."


def metric(column, fig: Figure) -> None:
    """Short label and the value (the unit goes into the label when the value would be too long)."""
    value, label = fig.text, fig.short_label or fig.label
    if fig.unit.isalpha() and not fig.missing:  # "habitants", "ETP", "agents": a number alone reads better
        value, label = value.removesuffix(f"\u00a0{fig.unit}"), f"{label} ({fig.unit})"
    with column:
        st.metric(plain(label), value, help=plain(fig.label), border=True)
        st.caption(plain(fig.caption))


# --- Chiffres clés ------------------------------------------------------------------------------
st.subheader("Chiffres clés")
for column, fig in zip(st.columns(len(prof.headline)), prof.headline, strict=True):
    metric(column, fig)

# --- Structure par âge ----------------------------------------------------------------------------
st.subheader("Structure par âge")
left, right = st.columns([3, 2])
with left:
    if prof.pyramid_year:
        st.plotly_chart(
            profile_charts.pyramid(prof.pyramid, prof.name, prof.pyramid_year, prof.pyramid_source),
            config=CHART_CONFIG,
            key="pyramid",
        )
    else:
        st.info("Pyramide des âges : n.d. (pas d'estimation de population pour ce département)")
with right:
    rows = ["| Tranche d'âge | " + prof.name + " | France |", "|---|---:|---:|"]
    rows += [
        f"| {fig.label.replace('Part des ', '').replace(' dans la population', '')} | **{fig.text}** | "
        f"{fig.france_text} |"
        for fig in prof.ages
    ]
    st.markdown("\n".join(rows))
    year = prof.ages[0].year
    st.caption(
        f"Part de la population totale au 1er janvier {year}. Source : {prof.ages[0].source}. "
        "Trait pointillé de la pyramide : la France, même année."
    )

# --- Indicateurs sociaux ---------------------------------------------------------------------------
st.subheader("Indicateurs sociaux")
st.caption(
    "Valeur la plus récente du département, valeur France la même année, rang parmi les départements "
    "(le sens du classement vient du catalogue des indicateurs) et évolution sur toutes les années "
    "disponibles (trait pointillé : France)."
)
for fig in prof.social:
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([3, 1.3, 1.5, 3])
        c1.markdown(f"**{plain(fig.label)}**")
        c1.caption(plain(fig.caption))
        c2.metric(f"{prof.code} {year_of(fig)}", fig.text)
        c3.metric("France", fig.france_text or "n.d.")
        if fig.rank:
            c3.markdown(f"Rang : **{fig.rank}**", help=fig.rank_hint)
        with c4:
            if fig.trend:
                st.plotly_chart(profile_charts.trend(fig, prof.name), config=CHART_CONFIG, key=f"trend-{fig.key}")
            else:
                st.caption("Pas de série disponible.")

# --- Dépenses ----------------------------------------------------------------------------------------
st.subheader("Dépenses d'aide sociale")
total, *domains = prof.spending
left, right = st.columns([1, 2])
with left:
    st.metric(plain(total.label), total.text, help=plain(total.caption) or None, border=True)
    st.caption(
        f"{year_of(total)} · France : {total.france_text or 'n.d.'}"
        + (f" · rang {total.rank}" if total.rank else "")
        + f" · {total.caption}"
    )
with right:
    rows = [f"| Répartition des dépenses nettes {year_of(total)} | {prof.name} | France |", "|---|---:|---:|"]
    rows += [f"| {fig.label.split(' : ')[1]} | **{fig.text}** | {fig.france_text} |" for fig in domains]
    st.markdown("\n".join(rows))
    notes = sorted({fig.note for fig in domains if fig.note})
    st.caption(
        f"Source : {domains[0].source}. Part de chaque domaine dans les dépenses nettes d'aide sociale ; "
        "les quatre domaines n'en font pas tout le total (frais communs, autres aides). "
        + " ".join(f"n.d. : {n}." for n in notes)
    )

# --- La collectivité ------------------------------------------------------------------------------------
st.subheader("La collectivité")
for column, fig in zip(st.columns(len(prof.collectivite)), prof.collectivite, strict=True):
    metric(column, fig)

# --- Exports --------------------------------------------------------------------------------------------
st.subheader("Télécharger")
c1, c2, _ = st.columns([1, 1, 2])
c1.download_button(
    "Télécharger la fiche (PDF)",
    lambda: report.build_pdf(cache.profile(code)),
    file_name=f"fiche-{code}.pdf",
    mime="application/pdf",
    on_click="ignore",
    icon=":material/picture_as_pdf:",
)
c2.download_button(
    "Télécharger les chiffres (CSV)",
    lambda: to_csv(cache.profile(code)),
    file_name=f"fiche-{code}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/table_view:",
)
st.caption(
    "CSV séparé par des points-virgules, encodé en UTF-8 avec BOM (s'ouvre directement dans Excel). "
    f"En ligne de commande : `python -m indicators.report {code} -o fiche-{code}.pdf`."
)
st.caption(
    "Toutes les sources sont publiées sous Licence Ouverte / Etalab 2.0 (Insee, DREES, CNAF, MSA, "
    "Caisse des Dépôts) ; budget et agents : profils 2018 des départements partenaires."
)
