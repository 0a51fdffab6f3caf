"""The commune / EPCI part of the profile page (Streamlit): ?com=95585 or ?epci=200055655."""

from __future__ import annotations

import streamlit as st

from indicators.core.formatting import plain
from indicators.storage import reference_codes
from indicators.ui import cache, radar_block
from indicators.views import local_profile, local_report, profile_cards

CONTEXT_NOTE = (
    "Valeurs **du département**, pas de la commune : ces indicateurs sociaux (RSA, APA, AAH, PCH, aide sociale "
    "à l'enfance) ne sont publiés par nos sources qu'au niveau départemental."
)


def _figures(prof: local_profile.LocalProfile, rows: tuple[local_profile.Row, ...]) -> None:
    header, body = local_profile.table_rows(prof, rows)
    st.markdown(profile_cards.stacked_table(header, body, text_columns=2), unsafe_allow_html=True)
    sources = sorted({r.source for r in rows})
    notes = [f"{r.label} : {'n.d., ' if r.own.missing else ''}{r.note}" for r in rows if r.note]
    changes = [f"{r.label} : {r.change}" for r in rows if r.change]
    st.caption(
        "Chaque colonne dit son niveau : la commune, son intercommunalité, son département, la France, la même "
        "année (sinon l'année est dite entre parenthèses). Rang : 1ᵉʳ = valeur la plus élevée (la plus basse "
        f"quand une valeur haute est favorable). Sources : {plain(' ; '.join(sources))}."
        + (" Évolution : " + plain(" ; ".join(changes)) + "." if changes else "")
        + (" " + plain(" ; ".join(notes)) + "." if notes else "")
    )
    if ages := local_profile.age_notes(rows):
        st.caption("⚠ Données anciennes — " + plain(" ; ".join(ages)) + ".")


def render(level: str, code: str) -> None:
    try:
        prof = cache.local_profile(level, code)
    except local_profile.UnknownTerritory:
        successor = reference_codes.load().successor(code) if level == "commune" else None
        name = reference_codes.load().commune(successor) if successor else None
        st.warning(local_profile.unknown_message(level, code, successor, name))
        st.stop()
    st.markdown(profile_cards.STYLE, unsafe_allow_html=True)
    st.header(prof.title)
    where = [f"{prof.kind}", f"département {prof.departement_name} ({prof.departement})", f"région {prof.region}"]
    if prof.epci_name:
        where.insert(1, prof.epci_name)
    st.caption(
        " · ".join(where)
        + f" · lien direct vers cette fiche : `/profil?{'com' if level == 'commune' else 'epci'}={code}`"
    )
    if prof.facts:
        st.markdown(f"**{prof.facts}** — Insee, populations légales, via Etalab, découpage administratif.")
    radar_block.top_three(level, code)

    where_map = {"epci": code} if level == "epci" else {"dep": prof.departement, "com": code}
    st.page_link(
        "app_pages/carte.py",
        label="Voir ses communes sur la carte"
        if level == "epci"
        else "Voir la commune sur la carte de son département",
        icon=":material/map:",
        query_params={"maille": "communes", **where_map},
    )
    if prof.rows and any(not r.own.missing for r in prof.rows):
        for title, rows in local_profile.sections(prof):
            st.subheader(title)
            _figures(prof, rows)
    else:
        st.subheader("Chiffres clés")
        st.info(local_profile.NO_LOCAL_DATA, icon=":material/info:")

    kind = "communes" if level == "commune" else "intercommunalités"
    st.subheader(f"{kind.capitalize()} semblables")
    if prof.similar:
        st.markdown(
            f"Les {len(prof.similar)} {kind} de taille comparable les plus proches : "
            + ", ".join(
                f"[{s.label}](/profil?{'com' if level == 'commune' else 'epci'}={s.code})" for s in prof.similar
            )
            + "."
        )
        st.caption(local_profile.similar_method(prof))
    else:
        st.caption(f"Pas assez d'indicateurs pour trouver des {kind} semblables (données communales n.d.).")

    st.subheader(f"Contexte départemental : {prof.departement_name} ({prof.departement})")
    dep = cache.profile(prof.departement)
    header, body = local_profile.context_rows(dep, prof.rows)
    st.markdown(profile_cards.stacked_table(header, body, text_columns=2), unsafe_allow_html=True)
    st.caption(CONTEXT_NOTE + f" Profil complet du département : [/profil?dep={dep.code}](/profil?dep={dep.code}).")

    if prof.imported:
        st.subheader("Autres indicateurs importés")
        _figures(prof, prof.imported)

    st.subheader("Télécharger")
    st.download_button(
        "Télécharger les chiffres de la fiche (CSV)",
        lambda: local_profile.to_csv_bytes(cache.local_profile(level, code)),
        file_name=f"fiche-{code}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
    )
    st.download_button(
        "Télécharger la fiche (PDF)",
        lambda: local_report.build_pdf(cache.local_profile(level, code), dep),
        file_name=f"fiche-{code}.pdf",
        mime="application/pdf",
        on_click="ignore",
        icon=":material/picture_as_pdf:",
    )
    st.caption(f"En ligne de commande : `python -m indicators.report {code} -o fiche-{code}.pdf`.")
