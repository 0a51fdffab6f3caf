"""``python -m indicators.upload``: scripted imports with the same validation as the page.

Exit codes: 0 valid (published unless --dry-run), 1 invalid file (every problem printed), or values far from
the indicator's history (upload_meaning), or a workbook with macros, external links or web formulas
(--confirm, alias --force, publishes anyway and the version records it), or a damaged, full or read-only
store (a French sentence, never a traceback: docs/store-faults.md), 2 usage error (a missing --store
folder, a rollback without --based-on and no terminal to confirm it).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from indicators.core.errors import StoreDamaged, StoreMissing
from indicators.publishing import editions, upload, upload_meaning
from indicators.radar import stored as radar_signals
from indicators.storage import edition_files, versions


def _report(parsed: upload.ParsedUpload) -> str:
    lines = [
        f"{parsed.filename}: fichier valide ({parsed.layout}), {len(parsed.rows)} ligne(s) à importer, "
        f"{parsed.missing_text()}, sha256 {parsed.sha256[:12]}…",
        "niveau : " + ", ".join(f"{level} ({count} ligne(s))" for level, count in parsed.levels.items()),
    ]
    if len(parsed.warnings):
        lines.append(f"{len(parsed.warnings)} avertissement(s) :\n{upload.problems_text(parsed.warnings)}")
    return "\n".join(lines)


def read_bounded(path: Path, max_bytes: int = upload.MAX_BYTES) -> bytes:
    """The file's bytes, its size checked first: a 1 GB file is refused without being read (a pipe or a
    device that grows past the limit is cut at ``max_bytes`` + 1 and refused too)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise upload.UploadError(upload.too_large(size, max_bytes))
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise upload.UploadError(upload.too_large(len(data), max_bytes))
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m indicators.upload", description="Valider et publier un fichier d'indicateurs (CSV ou XLSX)."
    )
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--indicator", help="identifiant du catalogue (si le fichier n'a pas de colonne indicator_id)")
    parser.add_argument("--column", help="colonne à importer (format large Insee, ex. TP6020)")
    parser.add_argument("--year", type=int, help="année (sinon lue dans la colonne year ou le nom de colonne)")
    parser.add_argument("--source", help="source du catalogue (par défaut la première source de l'indicateur)")
    parser.add_argument("--store", type=Path, help="dossier du store (défaut : data/processed ou RADAR_DATA_DIR)")
    parser.add_argument("--dry-run", action="store_true", help="valider et prévisualiser sans publier")
    parser.add_argument("--who", default=os.environ.get("USER") or getpass.getuser(), help="auteur de la publication")
    parser.add_argument("--rollback", type=int, metavar="VERSION", help="republier le contenu d'une version")
    parser.add_argument("--versions", action="store_true", help="lister les versions")
    parser.add_argument(
        "--repair", action="store_true", help="réécrire le repère de la version publiée s'il est endommagé"
    )
    parser.add_argument(
        "--based-on",
        type=int,
        metavar="VERSION",
        help="version publiée sur laquelle l'action se fonde : refusée si la version publiée a changé depuis "
        "(requise pour --rollback, sauf confirmation au terminal)",
    )
    parser.add_argument(
        "--confirm",
        "--force",
        dest="force",
        action="store_true",
        help="publier malgré l'alerte (consigné dans la version) : valeurs très éloignées de l'historique de "
        "l'indicateur (dont un facteur 1 000), classeur avec macros, liaisons externes ou formules web",
    )
    parser.add_argument("--publisher", default="", help="producteur du fichier (cité sous chaque chiffre importé)")
    parser.add_argument("--title", default="", help="titre de la publication (par défaut le nom du fichier)")
    parser.add_argument("--edition", default="", help="édition ou millésime de la publication")
    parser.add_argument("--sheet", help="feuille du classeur à lire (par défaut la première feuille visible)")
    parser.add_argument(
        "--level",
        choices=["departement", "region", "france", "commune", "epci"],
        help="niveau des codes si le fichier n'a pas de colonne territory_level (par défaut : déduit des codes, "
        "5 caractères = commune, 9 chiffres = EPCI)",
    )
    args = parser.parse_args(argv)
    if args.store is not None and not args.store.is_dir():
        print(
            f"dossier du store introuvable : {args.store} (construisez-le avec « make data » ou corrigez --store)",
            file=sys.stderr,
        )
        return 2
    try:
        return _run(parser, args)
    except (StoreDamaged, StoreMissing) as exc:
        message = (
            exc.user_message if isinstance(exc, StoreDamaged) else "le store n'est pas construit : lancez « make data »"
        )
        print(f"{message}\n(détail : {exc})", file=sys.stderr)
        return 1
    except versions.StoreWriteError as exc:
        print(f"action impossible : {exc}", file=sys.stderr)
        return 1


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    pointer = versions.pointer(args.store)
    if pointer.damage:
        print(pointer.damage, file=sys.stderr)
    if args.repair:
        found = versions.repair(args.who, args.store)
        print(
            f"repère rétabli sur la version {found.version}" if found.damage else "le repère est intact : rien à faire"
        )
        if versions.restore_copy(args.store):
            print("copie par territoire de la version publiée recomposée")
        return 0
    if args.versions:
        print(versions.history(args.store).drop(columns=["sha256"]).to_string(index=False))
        return 0
    if args.rollback is not None:
        return _rollback(args, pointer.version)
    if args.file is None:
        parser.error("FILE est requis (sauf avec --versions, --repair ou --rollback)")
    try:
        data = read_bounded(args.file)
    except OSError as exc:
        print(f"{args.file}: illisible ({exc.strerror})", file=sys.stderr)
        return 1
    except upload.UploadError as error:
        print(f"{args.file.name}: {upload.problems_text(error.problems)}", file=sys.stderr)
        return 1
    if not (args.indicator or args.column or args.source) and editions.maybe_edition(data):  # a publisher's file
        result = editions.prepare(data, args.file.name, args.store)
        if result["status"] != "unknown":
            return _edition(args, data, result)
    try:
        parsed = upload.parse_upload(
            data,
            args.file.name,
            indicator=args.indicator,
            column=args.column,
            year=args.year,
            source_id=args.source,
            sheet=args.sheet,
            level=args.level,
        )
    except upload.UploadError as error:
        print(
            f"{args.file.name}: {len(error.problems)} problème(s), rien n'a été publié\n"
            f"{upload.problems_text(error.problems, limit=10_000)}",
            file=sys.stderr,
        )
        return 1
    print(_report(parsed))
    doubtful = upload_meaning.suspicious(upload_meaning.check(parsed.rows, versions.table(store_dir=args.store)))
    for meaning in doubtful:
        print(
            f"{meaning.indicator_id} : valeurs douteuses au regard de l'historique de l'indicateur\n  "
            + "\n  ".join(meaning.reasons)
            + "\n"
            + upload_meaning.comparison_text(meaning).to_string(index=False),
            file=sys.stderr,
        )
    for risk in parsed.risks:
        print(f"classeur à vérifier : {risk}", file=sys.stderr)
    if (doubtful or parsed.risks) and not args.force:
        print(
            "rien n'a été publié : vérifiez le fichier et l'indicateur choisi, ou relancez avec --confirm",
            file=sys.stderr,
        )
        return 1
    changes = versions.preview(parsed.rows, args.store)
    counts = changes["status"].value_counts()
    print(f"aperçu : {counts.get('ajoutée', 0)} ligne(s) ajoutée(s), {counts.get('modifiée', 0)} modifiée(s)")
    if args.dry_run:
        print("--dry-run : rien n'a été publié")
        return 0
    try:
        record = versions.publish(
            parsed.rows,
            args.who,
            parsed.filename,
            parsed.sha256,
            args.store,
            based_on=args.based_on,
            forced=upload_meaning.overrides(doubtful, parsed.risks),
            source=None  # --source names a catalogue source; otherwise the file is its own source
            if args.source
            else versions.imported_source(
                args.publisher, args.title, args.edition, args.who, parsed.filename, parsed.sha256
            ),
        )
    except versions.VersionError as exc:
        print(f"publication impossible : {exc}", file=sys.stderr)
        return 1
    radar_signals.refresh_in_background(args.store)  # every territory's signals of the new version (issue 28)
    forced = " (malgré l'alerte, --confirm)" if record.get("forced") else ""
    print(f"version {record['id']} publiée par {record['who']}{forced}")
    return 0


def _edition(args: argparse.Namespace, data: bytes, result: dict) -> int:
    """A recognised publisher's file: refused, older (asks --confirm), or shown then published."""
    name = args.file.name
    if result["status"] == "refused":
        print(f"{name}: fichier refusé, rien n'a été publié : {result['message']}", file=sys.stderr)
        return 1
    if result["status"] == "older":
        print(f"{name}: {editions.older_text(result)}", file=sys.stderr)
        if not args.force:
            print("rien n'a été publié : relancez avec --confirm pour importer cette édition", file=sys.stderr)
            return 1
        result = editions.prepare(data, name, args.store, older_ok=True)
        if result["status"] != "recognised":
            print(f"{name}: {result.get('message', result['status'])}", file=sys.stderr)
            return 1
    print("\n".join(editions.report_lines(result)))
    _, rows, _ = edition_files.staged(args.store, result["key"])
    observed = rows[(rows["variant"] == "observed") & (rows["source_id"] == result["source"]["source_id"])]
    doubtful = upload_meaning.suspicious(upload_meaning.check(observed, versions.table(store_dir=args.store)))
    for meaning in doubtful:
        print(f"{meaning.indicator_id} : valeurs douteuses\n  " + "\n  ".join(meaning.reasons), file=sys.stderr)
    if doubtful and not args.force:
        print("rien n'a été publié : vérifiez le fichier, ou relancez avec --confirm", file=sys.stderr)
        return 1
    if args.dry_run:
        print("--dry-run : rien n'a été publié")
        return 0
    forced = upload_meaning.overrides(doubtful, []) or []
    if result.get("older"):
        forced.append({"older_edition": result["year"], "served": result["served"]})
    try:
        record = edition_files.publish(result["key"], args.who, args.store, args.based_on, forced or None)
    except versions.VersionError as exc:
        print(f"publication impossible : {exc}", file=sys.stderr)
        return 1
    radar_signals.refresh_in_background(args.store)  # every territory's signals of the new version (issue 28)
    print(f"version {record['id']} publiée par {record['who']} : nouvelle édition ({result['source']['source_id']})")
    return 0


def _undone(now: int, target: int, store_dir: Path | None) -> str:
    """What a rollback to ``target`` would undo, from the current version's record."""
    if now == 0:
        return f"version publiée : la table de base ; le retour arrière republiera le contenu de la version {target}"
    record = versions.meta(now, store_dir)
    if record.get("kind") == "rollback":
        what = f"retour arrière à la version {record.get('target')}"
    else:
        what = f"publication de {record.get('filename') or '—'}"
    what = f"la version {now} ({what} par {record.get('who')} le {record.get('when')})"
    return f"version publiée : {what} ; le retour arrière republiera le contenu de la version {target}"


def _rollback(args: argparse.Namespace, now: int) -> int:
    """A rollback names the version it undoes (--based-on), or shows it and asks at a terminal."""
    based_on = args.based_on
    if based_on is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            print(
                f"retour arrière refusé : précisez --based-on {now} (la version publiée que vous annulez) ; "
                f"{_undone(now, args.rollback, args.store)}",
                file=sys.stderr,
            )
            return 2
        print(_undone(now, args.rollback, args.store))
        if input("Confirmer le retour arrière ? [o/N] ").strip().lower() not in ("o", "oui", "y", "yes"):
            print("rien n'a été fait")
            return 1
        based_on = now  # refused if someone publishes between the question and the answer
    try:
        record = versions.rollback(args.rollback, args.who, args.store, based_on=based_on)
    except versions.VersionError as exc:
        print(f"retour arrière impossible : {exc}", file=sys.stderr)
        return 1
    radar_signals.refresh_in_background(args.store)
    print(
        f"version {record['id']} publiée : retour au contenu de la version {args.rollback} "
        f"({record['added']} ajoutée(s), {record['changed']} modifiée(s), {record['removed']} supprimée(s))"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
