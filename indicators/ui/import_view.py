"""The import page's parts (app_pages/import.py): login, the uploader, a publisher's own file (a new edition of
its source: indicators/publishing/editions.py), the single-column import, the versions and the rollback.

Text coming from uploaded files is only shown in tables or plain text, never as Markdown/HTML.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from indicators.core import catalogue, exports
from indicators.core import formatting as fmt
from indicators.core.errors import StoreDamaged
from indicators.core.formatting import quoted
from indicators.publishing import auth, editions, upload, upload_meaning
from indicators.radar import stored as radar_signals
from indicators.storage import edition_files, versions
from indicators.ui import cache
from indicators.views import maps, preview_map

UPLOADER_FRENCH = f"""<style>
[data-testid="stFileUploaderDropzone"]:has([data-testid="stFileUploaderDropzoneInstructions"]) button * {{
  font-size: 0 !important;
}}
[data-testid="stFileUploaderDropzone"]:has([data-testid="stFileUploaderDropzoneInstructions"]) button::after {{
  content: "Choisir un fichier"; font-size: 0.875rem;
}}
[data-testid="stFileUploaderDropzoneInstructions"] * {{font-size: 0;}}
[data-testid="stFileUploaderDropzoneInstructions"]::after {{
  content: "{upload.MAX_BYTES // 1024 // 1024} Mo au plus par fichier • CSV, TXT, XLSX, XLS";
  font-size: 0.8rem; opacity: 0.7;
}}
</style>"""

LEVEL_CHOICES = {
    "": "Déduit des codes",  # the rule is in the help: the long label was cut in the box on a phone
    "departement": "Départements",
    "commune": "Communes (code Insee)",
    "epci": "EPCI (SIREN)",
    "region": "Régions",
    "france": "France",
}


COUNT_COLUMNS = ("added", "changed", "removed", "target")


def lines_shown(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems with their line as text: a problem of the whole file has no line (« — », never « None »)."""
    return problems.assign(row=[str(int(r)) if pd.notna(r) else "—" for r in problems["row"]])


def login() -> str | None:
    """The analyst logged in, or None (the form, or the configuration warning, is shown)."""
    if not auth.accounts():
        st.warning(
            "L'import n'est pas configuré : définissez RADAR_ANALYST_ACCOUNTS "
            "(voir `python -m indicators.publishing.auth`)."
        )
        return None
    if not st.session_state.get("analyst"):
        with st.form("login"):
            name = st.text_input("Identifiant", key="login_name")
            password = st.text_input("Mot de passe", type="password", key="login_password")
            submitted = st.form_submit_button("Se connecter")
        if submitted:
            known = st.context.cookies.get(auth.DEVICE_COOKIE)  # this browser logged in before: its client key
            attempt = auth.login(name, password, client=st.context.ip_address, device=known)
            if attempt.ok:
                st.session_state["analyst"] = attempt.account
                st.session_state["device"] = attempt.device
                st.rerun()
            st.error(fmt.plain(attempt.message))
        return None
    if st.session_state.get("device"):  # the browser keeps its client key: never locked out by others' failures
        st.html(auth.device_cookie_html(st.session_state.pop("device")), unsafe_allow_javascript=True)
    return st.session_state["analyst"]


def _publish(
    who: str, parsed: upload.ParsedUpload, declare: dict | None, based_on: int, forced: list | None, source: tuple
) -> None:
    credited = None if declare else versions.imported_source(*source, who, parsed.filename, parsed.sha256)
    try:
        record = versions.publish(
            parsed.rows,
            who,
            parsed.filename,
            parsed.sha256,
            declare=declare,
            based_on=based_on,
            forced=forced,
            source=credited,
        )
    except (versions.VersionError, catalogue.CatalogueError) as exc:
        st.session_state["flash"] = ("error", f"Publication impossible : {fmt.plain(exc)}")
    except StoreDamaged as exc:  # callbacks run outside app.py's guard
        st.session_state["flash"] = ("error", f"Publication impossible : {fmt.plain(exc.user_message)}")
    else:
        radar_signals.refresh_in_background()  # every territory's signals of the new version (issue 28)
        st.session_state["flash"] = (
            "success",
            f"Version {record['id']} publiée : {record['added']} ajout(s), {record['changed']} modification(s).",
        )


def _rollback(who: str, based_on: int) -> None:
    target = int(st.session_state[f"rollback_target_{based_on}"])
    try:
        record = versions.rollback(target, who, based_on=based_on)
    except versions.VersionError as exc:
        st.session_state["flash"] = ("error", f"Retour arrière impossible : {fmt.plain(exc)}")
    except StoreDamaged as exc:
        st.session_state["flash"] = ("error", f"Retour arrière impossible : {fmt.plain(exc.user_message)}")
    else:
        radar_signals.refresh_in_background()
        st.session_state["flash"] = ("success", f"Version {record['id']} publiée : retour à la version {target}.")


def _publish_edition(who: str, result: dict, based_on: int, forced: list | None) -> None:
    try:
        record = edition_files.publish(result["key"], who, based_on=based_on, forced=forced)
    except versions.VersionError as exc:
        st.session_state["flash"] = ("error", f"Publication impossible : {fmt.plain(exc)}")
    except StoreDamaged as exc:  # callbacks run outside app.py's guard
        st.session_state["flash"] = ("error", f"Publication impossible : {fmt.plain(exc.user_message)}")
    else:
        radar_signals.refresh_in_background()
        st.session_state["flash"] = (
            "success",
            f"Version {record['id']} publiée : nouvelle édition ({record['added']} ajout(s), "
            f"{record['changed']} révision(s), {record['removed']} retrait(s)).",
        )


def edition(file, data: bytes, who: str) -> bool:
    """A publisher's own file: recognised, read by its source's parser, every derived row recomputed, the diff
    shown, published on confirmation. False when it is no publisher's layout (the single-column import follows)."""
    if not editions.maybe_edition(data):
        return False
    sha = hashlib.sha256(data).hexdigest()[:16]
    older_ok = bool(st.session_state.get(f"older_ok_{sha}"))
    kept = f"edition_{sha}_{older_ok}"
    if kept not in st.session_state:
        with st.spinner("Lecture du fichier par l'analyseur de sa source, recalcul des données dérivées…"):
            st.session_state[kept] = editions.prepare(data, file.name, older_ok=older_ok)
    result = st.session_state[kept]
    if result["status"] == "unknown":
        return False
    if result["status"] == "refused":
        what = result.get("source", {}).get("what", "")
        st.warning(
            f"Ce fichier ressemble au fichier publié « {what} » mais il n'est pas importable comme nouvelle "
            f"édition : {fmt.plain(result['message'])}. Rien n'a été publié ; ci-dessous, l'import colonne par colonne."
            if what
            else f"Fichier refusé : {fmt.plain(result['message'])}. Rien n'a été publié."
        )
        return False
    if result["status"] == "older":
        st.warning(editions.older_text(result))
        st.checkbox("Importer quand même cette édition plus ancienne", key=f"older_ok_{sha}")
        return True
    st.success(f"Fichier reconnu : {editions.recognised_text(result)}.")
    st.text(editions.served_text(result))
    if result.get("older"):
        st.warning(editions.older_text(result))
    st.subheader("Aperçu des changements")
    st.text(editions.counts_text(result))
    if result["added"] or result["changed"] or result["removed"]:
        st.dataframe(editions.changes_table(result), hide_index=True, width="stretch", key="edition_changes")
    else:
        st.info("Aucune valeur servie ne change : cette édition est déjà celle que le store sert.")
    if result["revisions"]:
        st.caption("Plus fortes révisions des valeurs observées")
        st.dataframe(editions.revisions_table(result), hide_index=True, width="stretch", key="edition_revisions")
    seen = versions.current()  # refused if another analyst publishes after this preview
    _, rows, _ = edition_files.staged(None, result["key"])
    observed = rows[(rows["variant"] == "observed") & (rows["source_id"] == result["source"]["source_id"])]
    doubtful = upload_meaning.suspicious(upload_meaning.check(observed, versions.table(seen)))
    confirmed = True
    if doubtful:
        st.error("Valeurs éloignées de l'historique : " + fmt.plain(" ; ".join(m.reasons[0] for m in doubtful)))
        confirmed = st.checkbox("Je confirme ces valeurs (consigné dans l'historique)", key=f"confirm_ed_{sha}")
    forced = upload_meaning.overrides(doubtful, []) or []
    if result.get("older"):
        forced.append({"older_edition": result["year"], "served": result["served"]})
    st.button(
        "Publier cette édition",
        type="primary",
        disabled=not confirmed or not (result["added"] or result["changed"] or result["removed"]),
        key="publish_edition",
        on_click=_publish_edition,
        args=(who, result, seen, forced or None),
    )
    return True


def single_column(file, data: bytes, who: str) -> None:
    """The import of one column of a file (long layout, or the Insee wide layout) into a catalogue indicator or a
    new one: validation, preview, meaning checks, publish."""
    entries = catalogue.load()
    data = file.getvalue() if file is not None else b""  # read once per content: upload.read_table keeps the table
    candidates = upload.candidate_columns(data, file.name) if file is not None else []
    column = st.selectbox("Colonne à importer", candidates, key="column") if candidates else None
    level_choice = st.selectbox(
        "Niveau des territoires",
        list(LEVEL_CHOICES),
        key="level",
        format_func=LEVEL_CHOICES.get,
        help="Déduit des codes : 5 caractères = commune, 9 chiffres = EPCI, sinon département. "
        "Ignoré si le fichier a une colonne territory_level. Les codes communes sont vérifiés dans la liste "
        "des communes actuelles : un ancien code est signalé avec la commune dans laquelle il a fusionné.",
    )
    mode = st.radio("Indicateur", ["Indicateur du catalogue", "Nouvel indicateur"], horizontal=True, key="mode")
    declare = None
    source_fields = ("", "", "")
    if mode == "Indicateur du catalogue":
        options = sorted(entries)
        proposed = upload_meaning.propose_indicator(column)  # from the column name (catalogue's column_patterns)
        if st.session_state.get("indicator_column", "") != column:  # another column: a new proposal
            st.session_state["indicator_column"] = column
            st.session_state["indicator"] = proposed
        indicator = st.selectbox(
            "Indicateur du catalogue",
            options,
            index=None,  # never a silent default: the proposal or nothing
            key="indicator",
            placeholder="Choisissez l'indicateur",
            help="Proposé d'après le nom de la colonne. Ignoré si le fichier a une colonne indicator_id.",
            format_func=lambda i: f"{entries[i].label} ({i})",
        )
        unit = entries[indicator].unit if indicator else ""
        if column and proposed:
            st.caption(f"Indicateur proposé d'après le nom de la colonne {quoted(column)} : vérifiez-le.")
        st.caption("Source du fichier : elle sera citée sous chaque chiffre qu'il alimente.")
        left, middle, right = st.columns(3)
        source_fields = (
            left.text_input("Producteur (ex. Insee, CAF de l'Isère)", key="src_publisher").strip(),
            middle.text_input("Titre de la publication", key="src_title").strip(),
            right.text_input("Édition ou millésime (ex. 2021)", key="src_edition").strip(),
        )
    else:
        left, right = st.columns(2)
        indicator = left.text_input("Identifiant (minuscules, chiffres, _)", key="new_id").strip()
        label = right.text_input("Libellé", key="new_label")
        unit = left.selectbox("Unité (décide des valeurs admises)", catalogue.UNITS, key="new_unit")
        polarity = right.selectbox(
            "Polarité",
            catalogue.POLARITIES,
            key="new_polarity",
            format_func={
                "higher_is_worse": "plus haut = plus défavorable",
                "higher_is_better": "plus haut = plus favorable",
                "neutral": "neutre",
            }.get,
        )
        definition = st.text_area("Définition", key="new_definition")
        producer = left.text_input("Source (producteur, publication)", key="new_source")
        licence = right.text_input("Licence", value="Licence Ouverte / Etalab 2.0", key="new_licence")
        sections = catalogue.profile_sections()
        section = left.selectbox(
            "Rubrique du profil départemental",
            [None, *sections],
            key="new_section",
            format_func=lambda s: "aucune (pas dans le profil)" if s is None else sections[s],
        )
        trend = right.checkbox("Projeter une tendance (page Tendances des taux)", key="new_trend")
        declare = upload.declaration(
            indicator,
            label,
            unit,
            polarity,
            definition,
            producer,
            licence,
            file.name if file else None,
            section=section,
            trend=trend,
        )
    if file is None:
        st.info("Déposez un fichier pour le vérifier.")
    elif mode == "Indicateur du catalogue" and column and not indicator:
        st.info(
            f"Choisissez l'indicateur de la colonne {quoted(column)}"
            + ("." if proposed else " : aucun indicateur du catalogue ne correspond à ce nom de colonne.")
        )
    else:
        year_text = st.text_input("Année (si le fichier ne la donne pas)", key="year").strip()

        # --- validate --------------------------------------------------------------------------------
        try:
            if declare and not upload.declaration_complete(declare):
                st.warning("Complétez l'identifiant, le libellé, l'unité, la définition et la source.")
                st.stop()
            parsed = upload.parse_upload(
                data,
                file.name,
                indicator=indicator,
                column=column,
                year=int(year_text) if year_text.isdigit() else None,
                declared={indicator: unit} if declare else None,
                level=level_choice or None,
            )
        except upload.UploadError as error:
            st.error(f"Le fichier n'est pas importable : {len(error.problems)} problème(s). Rien n'a été publié.")
            st.dataframe(
                lines_shown(error.problems.head(5000)),
                hide_index=True,
                width="stretch",
                key="problems",
                column_config={"row": "Ligne", "column": "Colonne", "value": "Valeur", "message": "Problème"},
            )
            st.download_button(
                "Télécharger la liste des problèmes (CSV)",
                exports.to_csv(error.problems),
                file_name="problemes.csv",
                mime="text/csv",
            )
            st.stop()
        levels_found = ", ".join(
            f"{LEVEL_CHOICES.get(k, k).split(' (')[0].lower()} : {n}" for k, n in parsed.levels.items()
        )
        st.success(
            f"Fichier valide : {len(parsed.rows)} valeur(s) à importer ({levels_found}), "
            f"{fmt.plain(parsed.missing_text().replace('non importées', 'ignorées'))}."
        )
        st.text(f"Fichier : {parsed.filename} — sha256 {parsed.sha256}")
        if len(parsed.warnings):
            st.warning(f"{len(parsed.warnings)} avertissement(s) :")
            st.dataframe(
                parsed.warnings,
                hide_index=True,
                width="stretch",
                key="warnings",
                column_config={"row": "Ligne", "column": "Colonne", "value": "Valeur", "message": "Correction"},
            )

        # --- preview ---------------------------------------------------------------------------------
        st.subheader("Aperçu des changements")
        seen = versions.current()  # the publish is refused if another analyst publishes after this preview
        changes = versions.compare(versions.table(seen), parsed.rows)
        counts = changes["status"].value_counts()
        st.text(
            f"{counts.get('ajoutée', 0)} ligne(s) ajoutée(s), {counts.get('modifiée', 0)} ligne(s) modifiée(s), "
            f"{len(parsed.rows) - len(changes)} inchangée(s)."
        )
        st.dataframe(
            preview_map.changes_table(changes.head(5000), {indicator: unit} if indicator else {}),
            hide_index=True,
            width="stretch",
            key="preview",
        )
        figure = preview_map.figure(parsed.rows, unit, cache.geojson_url())
        if figure is not None:
            st.caption("Carte des valeurs du fichier (dernière année du fichier), avant publication.")
            st.plotly_chart(figure, key="preview_map", config=maps.PLOT_CONFIG)

        # --- meaning: the file against the indicator's own history ------------------------------------
        meanings = upload_meaning.check(parsed.rows, versions.table(seen))
        doubtful = upload_meaning.suspicious(meanings)
        for meaning in meanings:
            label = entries[meaning.indicator_id].label if meaning.indicator_id in entries else meaning.indicator_id
            st.markdown(f"**Comparaison avec les dernières valeurs publiées** — {fmt.plain(label)}")
            if meaning.suspicious:
                st.error(
                    "Ces valeurs ne ressemblent pas à l'historique de cet indicateur : "
                    + fmt.plain(" ; ".join(meaning.reasons))
                    + ". Vérifiez l'indicateur choisi."
                )
            st.dataframe(
                upload_meaning.comparison_text(meaning),
                hide_index=True,
                width="stretch",
                key=f"meaning_{meaning.indicator_id}",
            )
        confirmed = True
        if parsed.risks:  # the workbook's own text (link targets): a table, never Markdown
            st.error("Ce classeur n'est pas un simple tableau de valeurs : vérifiez d'où viennent ses valeurs.")
            st.dataframe(pd.DataFrame({"À vérifier": parsed.risks}), hide_index=True, width="stretch", key="risks")
            confirmed = st.checkbox(
                "Je confirme que les valeurs lues (celles du dernier calcul du classeur) sont à jour et je veux les "
                "publier (consigné dans l'historique)",
                value=False,
                key=f"confirm_risks_{parsed.sha256}",
            )
        if doubtful:
            confirmed &= st.checkbox(
                "Je confirme que ces valeurs sont bien celles de cet indicateur et je veux les publier malgré l'alerte "
                "(consigné dans l'historique)",
                value=False,
                key=f"confirm_{parsed.sha256}_{'-'.join(m.indicator_id for m in doubtful)}",
            )
        credited = declare is not None or all(source_fields[:2])
        if not credited:
            st.info("Indiquez le producteur et le titre de la publication du fichier pour pouvoir publier.")
        st.button(
            "Publier",
            type="primary",
            disabled=changes.empty or not confirmed or not credited,
            key="publish",
            on_click=_publish,
            args=(who, parsed, declare, seen, upload_meaning.overrides(doubtful, parsed.risks), source_fields),
        )


def versions_section(who: str) -> None:
    """The history of versions and the rollback."""
    st.subheader("Versions publiées")
    if "flash" in st.session_state:
        kind, message = st.session_state.pop("flash")
        (st.success if kind == "success" else st.error)(message)
    history = versions.history()
    shown = history.assign(
        kind=history["kind"].map({"base": "base", "publish": "publication", "rollback": "retour arrière"}),
        when=history["when"].fillna("").astype(str).str.replace("T", " "),
        **{c: [f"{int(v)}" if pd.notna(v) else "" for v in history[c]] for c in COUNT_COLUMNS},
        current=history["current"].map({True: "oui", False: ""}),
    ).fillna("")  # never "None" on screen
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="versions",
        column_order=[
            "id",
            "kind",
            "when",
            "who",
            "filename",
            "source",
            "added",
            "changed",
            "removed",
            "target",
            "current",
            "sha256",
        ],
        column_config={
            "id": "Version",
            "kind": "Type",
            "when": "Date",
            "who": "Par",
            "filename": "Fichier",
            "source": "Source",
            "sha256": "sha256",
            "added": "Ajouts",
            "changed": "Modifications",
            "removed": "Suppressions",
            "target": "Retour à",
            "current": "Publiée",
        },
    )
    ids, now = history["id"].tolist(), int(history.loc[history["current"], "id"].iloc[0])
    previous = versions.default_rollback_target()  # default: undo the last action
    st.selectbox(
        "Revenir au contenu de la version",
        ids,
        index=ids.index(previous) if previous in ids else 0,
        key=f"rollback_target_{now}",  # a new current version gives a new default
    )
    st.button("Revenir à cette version", key="rollback", on_click=_rollback, args=(who, now))
