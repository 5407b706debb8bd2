"""``bailleurs export``: the whole store as JSON or YAML, or one table as CSV.

JSON and YAML hold every table of the store (see :data:`SHAPE_VERSION`), with
the stable keys of every ``--json``, so that a user can leave with all their
data and a script can read it. CSV holds one table (``bailleurs``, ``interlocuteurs`` or
``echanges``) for a spreadsheet: French headers, ``;`` separator and a UTF-8
byte-order mark, which is what Excel in French needs to open it on a
double-click with its accents. The landlords' table reads back with
``import csv`` (its headers are the importer's fields; the address is one
parseable cell). A cell that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with ``'``, as
OWASP recommends against CSV injection.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

import sqlalchemy as sql
from sqlmodel import Session, col, select

from bailleurs_cli import addresses
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.ground.priority import presence_json
from bailleurs_cli.shapes import (
    LANDLORD_EXPORT_KEYS,
    exchange_shape,
    iso,
    landlord_json,
    partnership_json,
    person_json,
    reminder_json,
    renamed,
)
from bailleurs_cli.store.tables.exchange import Exchange, StageChange
from bailleurs_cli.store.tables.landlord import Landlord
from bailleurs_cli.store.tables.person import Person
from bailleurs_cli.store.tables.territory import Presence
from bailleurs_cli.store.tables.workshop import Ally

if TYPE_CHECKING:
    from bailleurs_cli.privacy.anonymity import Rule

FORMATS = ("csv", "json", "yaml")
#: Rows fetched at a time from the store by the large tables' readers.
_BATCH = 2_000
#: Version of the JSON/YAML shape: bumped when a key changes meaning or goes away
#: (adding a key does not). 1: landlords, people, exchanges. 2: every table, ids,
#: authors, the association's territories, a header.
SHAPE_VERSION = 2
#: CSV tables as typed after --table (English names accepted too).
TABLES = {
    "bailleurs": "landlords",
    "interlocuteurs": "people",
    "echanges": "exchanges",
    "landlords": "landlords",
    "people": "people",
    "exchanges": "exchanges",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: CSV headers: the JSON key each column comes from, and its French label. The
#: landlords' labels are the fields ``import csv`` maps by itself (Nom, SIREN,
#: Nature, Adresse, Site, Groupe, Note); the people's name is « Interlocuteur »,
#: never « Nom », so that re-importing that table cannot create landlords.
HEADERS = {
    "landlords": {
        "landlord": "Identifiant", "name": "Nom", "aliases": "Autres noms", "kind": "Nature",
        "legal_form": "Forme juridique", "legal_category": "Catégorie juridique",
        "siren": "SIREN", "to_verify": "À vérifier", "group": "Groupe", "address": "Adresse",
        "complement": "Complément d'adresse", "website": "Site",
        "departements": "Départements", "communes": "Communes de présence",
        "in_registry": "Au registre", "stage": "Étape", "stage_since": "Étape depuis",
        "next_action": "Prochaine action", "next_due": "Échéance",
        "last_exchange": "Dernier échange", "notes": "Note",
    },
    "people": {
        "landlord": "Bailleur", "name": "Interlocuteur", "role": "Fonction", "email": "E-mail",
        "phone": "Téléphone", "territory": "Territoire", "source": "Source", "active": "Actif",
    },
    "exchanges": {
        "landlord": "Bailleur", "date": "Date", "channel": "Canal", "direction": "Sens",
        "person": "Interlocuteur", "summary": "Résumé", "outcome": "Issue", "stage": "Étape",
        "next_action": "Prochaine action", "next_due": "Échéance", "author": "Par",
    },
}  # fmt: skip


def landlords(session: Session) -> list[dict[str, Any]]:
    """Every landlord: reference facts, the user's follow-up, and where it is present."""
    places: dict[int, list[str]] = {}
    for landlord_id, commune in session.exec(select(Presence.landlord_id, Presence.commune)):
        bucket = places.setdefault(landlord_id, [])
        if commune not in bucket:
            bucket.append(commune)
    rows = []
    for ll in session.exec(select(Landlord).order_by(col(Landlord.name))).all():
        row = landlord_json(ll, LANDLORD_EXPORT_KEYS)
        row["communes"] = sorted(places.get(ll.id or 0, []))  # where present
        rows.append(row)
    return rows


def people(session: Session) -> list[dict[str, Any]]:
    """Every person, with the landlord's identifier."""
    statement = (
        select(Person, Landlord.slug)
        .join(Landlord, col(Landlord.id) == col(Person.landlord_id))
        .order_by(col(Landlord.slug), col(Person.name))
    )
    return [person_json(p, slug) for p, slug in session.exec(statement).all()]


def exchanges(session: Session) -> Iterator[dict[str, Any]]:
    """Every exchange, oldest first, with the landlord's identifier and the person's name.

    Read in batches (``yield_per``: a server-side cursor on PostgreSQL), so that memory
    does not grow with the store: a million exchanges export in constant memory.
    """
    names = dict(session.exec(select(Person.id, Person.name)).all())
    slugs = _slugs(session)
    allies = dict(session.exec(select(Ally.id, Ally.slug)).all())
    e = Exchange.__table__.c  # type: ignore[attr-defined]
    statement = (
        sql.select(
            e.id, e.landlord_id, e.occurred_on, e.channel, e.direction, e.person_id,
            e.summary, e.outcome, e.stage_to, e.next_action, e.next_due, e.author,
            e.document, e.batch, e.ally_id,
        )
        .order_by(e.occurred_on, e.id)
        .execution_options(yield_per=_BATCH)
    )  # fmt: skip
    # Plain rows through the Core, not entities: no identity map, no ORM loading,
    # a few µs per row instead of tens. The shape is history --json's, with the
    # landlord's identifier and the ally's.
    for (
        id_, landlord_id, occurred_on, channel, direction, person_id, summary, outcome,
        stage_to, next_action, next_due, author, document, batch, ally_id,
    ) in session.connection().execute(statement):  # fmt: skip
        yield {
            "id": id_,
            "landlord": slugs.get(landlord_id),
            **exchange_shape(
                id=id_, occurred_on=occurred_on, channel=channel, direction=direction,
                person=names.get(person_id) if person_id else None, summary=summary,
                outcome=outcome, stage_to=stage_to, next_action=next_action,
                next_due=next_due, author=author, document=document, batch=batch,
            ),
            "ally": allies.get(ally_id) if ally_id else None,
        }  # fmt: skip


def _slugs(session: Session) -> dict[int, str]:
    return {i: s for i, s in session.exec(select(Landlord.id, Landlord.slug)).all() if i}


def stage_changes(session: Session) -> Iterator[dict[str, Any]]:
    """Every move in the pipeline, oldest first (read in batches)."""
    slugs = _slugs(session)
    c = StageChange.__table__.c  # type: ignore[attr-defined]
    statement = (
        sql.select(c.landlord_id, c.from_stage, c.to_stage, c.changed_on, c.reason, c.author)
        .order_by(c.changed_on, c.id)
        .execution_options(yield_per=_BATCH)
    )
    rows = session.connection().execute(statement)
    for landlord_id, from_stage, to_stage, changed_on, reason, author in rows:
        yield {
            "landlord": slugs.get(landlord_id),
            "from": from_stage,
            "to": to_stage,
            "on": iso(changed_on),
            "reason": reason,
            "author": author,
        }


def partnerships(session: Session) -> list[dict[str, Any]]:
    """Every partnership (convention), oldest first; amounts in euros."""
    from bailleurs_cli.store.tables.partnership import Partnership

    slugs = _slugs(session)
    rows = session.exec(select(Partnership).order_by(col(Partnership.id))).all()
    return [partnership_json(p, slugs.get(p.landlord_id)) for p in rows]


def reminders(session: Session) -> list[dict[str, Any]]:
    """Every recurring reminder."""
    from bailleurs_cli.store.tables.reminder import Reminder

    slugs = _slugs(session)
    rows = session.exec(select(Reminder).order_by(col(Reminder.id))).all()
    return [reminder_json(r, slugs.get(r.landlord_id) if r.landlord_id else None) for r in rows]


def presence(session: Session) -> list[dict[str, Any]]:
    """Every presence fact: the registry's, the imports' and the user's own."""
    slugs = _slugs(session)
    rows = session.exec(select(Presence).order_by(col(Presence.id))).all()
    # show's ``period`` is the export's ``as_of`` (the column's name).
    return [
        {"landlord": slugs.get(f.landlord_id), **renamed(presence_json(f), "period", "as_of")}
        for f in rows
    ]


def qpv(session: Session) -> list[dict[str, Any]]:
    """The priority neighbourhoods known to the store."""
    from bailleurs_cli.ground.territory import qpv_json
    from bailleurs_cli.store.tables.territory import Qpv

    return [
        {**qpv_json(q), "source": q.source}
        for q in session.exec(select(Qpv).order_by(col(Qpv.code))).all()
    ]


def import_runs(session: Session) -> list[dict[str, Any]]:
    """Where imported data came from."""
    from bailleurs_cli.store.tables.territory import ImportRun

    rows = session.exec(select(ImportRun).order_by(col(ImportRun.id))).all()
    return [
        {
            "kind": r.kind,
            "file": r.file_name,
            "sha256": r.sha256,
            "rows": r.rows,
            "report": r.report,
            "run_at": iso(r.run_at),
            "author": r.author,
        }
        for r in rows
    ]


def label_links(session: Session) -> list[dict[str, Any]]:
    """The Ville de Paris labels the user attached to a landlord."""
    from bailleurs_cli.store.tables.territory import LabelLink

    slugs = _slugs(session)
    rows = session.exec(select(LabelLink).order_by(col(LabelLink.label))).all()
    return [
        {"label": r.label, "landlord": slugs.get(r.landlord_id), "author": r.author} for r in rows
    ]


def workshops(session: Session) -> list[dict[str, Any]]:
    """Every workshop and its results, with the tenant share against the target."""
    from bailleurs_cli.followup import workshops as core

    return [core.as_json(w, ll) for w, ll in core.listing(session)]


def allies(session: Session) -> list[dict[str, Any]]:
    """The associations approaches are made with."""
    from bailleurs_cli.followup.allies import as_json

    # The signatory as stored: None when the contact signs (allie list names the contact).
    return [
        {**as_json(a), "signatory": a.signatory}
        for a in session.exec(select(Ally).order_by(col(Ally.name))).all()
    ]


def digest_sent(session: Session) -> list[dict[str, Any]]:
    """Digest lines already mailed (``digest --send --only-new``)."""
    from bailleurs_cli.store.tables.digest_sent import DigestSent

    rows = session.exec(select(DigestSent).order_by(col(DigestSent.key))).all()
    return [{"key": d.key, "sent_at": iso(d.sent_at)} for d in rows]


#: Each table of the store → its key in the JSON/YAML document (a test checks
#: that every table is there).
TABLE_KEYS = {
    "landlord": "landlords",
    "person": "people",
    "exchange": "exchanges",
    "stage_change": "stage_changes",
    "partnership": "partnerships",
    "reminder": "reminders",
    "presence": "presence",
    "qpv": "qpv",
    "import_run": "import_runs",
    "digest_sent": "digest_sent",
    "label_link": "label_links",
    "workshop": "workshops",
    "ally": "allies",
}
#: The JSON/YAML document's tables, in order.
READERS = {
    "landlords": landlords,
    "people": people,
    "exchanges": exchanges,
    "stage_changes": stage_changes,
    "partnerships": partnerships,
    "reminders": reminders,
    "presence": presence,
    "qpv": qpv,
    "import_runs": import_runs,
    "digest_sent": digest_sent,
    "label_links": label_links,
    "workshops": workshops,
    "allies": allies,
}


def safe_cell(value: Any) -> str:
    """A CSV cell: lists joined with « ; », booleans as oui/non, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _french_labels(keys: list[str]) -> list[tuple[str, dict[str, str]]]:
    """A spreadsheet is read by people: French labels, not slugs (``import csv`` reads
    them back). The label tables of the columns among ``keys``."""
    from bailleurs_cli import formatting as f

    tables = {
        "kind": f.KIND_SHORT,
        "stage": f.STAGE_LABELS,
        "channel": f.CHANNEL_LABELS,
        "direction": f.DIRECTION_LABELS,
        "outcome": f.OUTCOME_LABELS,
    }
    return [(key, tables[key]) for key in keys if key in tables]


def _commune_name(code: str) -> str:
    """``Saint-Denis``, ``Paris 20e``: a commune's name, for a spreadsheet."""
    from bailleurs_cli.ground.geo import communes

    found = communes().get(code)
    if found is None:
        return code
    return found.label if found.parent else found.name


def _postal_address(row: dict[str, Any]) -> str | None:
    """``6 rue Carnot, 93100 Montreuil``: the form ``import csv`` parses back."""
    # The complement has its own column (« Complément d'adresse »).
    return (
        addresses.one_line(row["street"], None, row["postcode"], row["city"], row["cedex"]) or None
    )


def _check(fmt: str, table: str | None) -> str | None:
    """The CSV table's internal name (None for JSON/YAML); ``table`` None: the landlords.

    Raises:
        InvalidInput: unknown format or table, or a table asked of JSON/YAML.
    """
    from bailleurs_cli.validation import fold

    if fmt not in FORMATS:
        raise InvalidInput(
            f"« {fmt} » inconnu ; valeurs possibles : csv, json, yaml.", field="format"
        )
    if fmt != "csv":
        if table is not None:
            whole = fmt.upper()
            raise InvalidInput(
                lambda name: (
                    f"une table se choisit pour le CSV ; le {whole} contient toutes les "
                    f"tables : retirez {name('table')}."
                ),
                field="table",
            )
        return None
    table = "bailleurs" if table is None else table
    name = TABLES.get(fold(table))
    if name is None:
        raise InvalidInput(
            f"« {table} » inconnue ; valeurs possibles : bailleurs, interlocuteurs, echanges.",
            field="table",
        )
    return name


def write(
    session: Session,
    fmt: str,
    stream: TextIO,
    table: str | None = None,
    *,
    territories: dict[str, list[str]] | None = None,
    progress: Callable[[int], None] | None = None,
    rule: Rule | None = None,
) -> int:
    """Write the export to ``stream`` as rows are read (CSV with its byte-order mark);
    returns the number of rows written. Memory does not grow with the store.

    ``territories`` (the association's communes and departments, from its settings) go
    into the JSON/YAML document so that nothing is left behind; ``progress`` is told
    the rows written so far, every few thousand; ``rule`` anonymises (``--anonyme``:
    :mod:`bailleurs_cli.privacy.anonymity`), each row as it goes by, the shape unchanged.

    Raises:
        InvalidInput: unknown format or table.
    """
    name = _check(fmt, table)
    count = 0
    readers: dict[str, Callable[[Session], Iterable[dict[str, Any]]]] = dict(READERS)
    if rule is not None and rule.anonymous:
        readers = _anonymised(session, rule)

    def counted(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in rows:
            count += 1
            if progress is not None and count % 5_000 == 0:
                progress(count)
            yield row

    if name is not None:
        headers = HEADERS[name]
        stream.write("\ufeff")
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers.values())
        keys = list(headers)
        french = _french_labels(keys)
        formula = _FORMULA_START
        for row in counted(readers[name](session)):
            if name == "landlords":
                row["address"] = _postal_address(row)
                row["communes"] = [f"{_commune_name(c)} ({c})" for c in row["communes"]]
            for key, labels in french:
                row[key] = labels.get(row[key], row[key])
            # safe_cell, inlined for the common cells (text, empty): a million rows
            # make eleven million cells.
            writer.writerow(
                [
                    ("'" + v if v.startswith(formula) else v)
                    if type(v) is str
                    else ("" if v is None else safe_cell(v))
                    for v in map(row.__getitem__, keys)
                ]
            )
        return count
    from bailleurs_cli.store.core import HEAD

    header: dict[str, Any] = {
        "format": "bailleurs-export",
        "version": SHAPE_VERSION,
        "schema": HEAD,
        "territories": territories or {"communes": [], "departements": []},
    }
    if rule is not None and rule.anonymous:
        header["anonymous"] = {"texts": rule.texts}
    tables = {key: counted(reader(session)) for key, reader in readers.items()}
    if fmt == "json":
        _json(stream, header, tables)
    else:
        _yaml(stream, header, tables)
    return count


def _json(
    stream: TextIO, header: dict[str, Any], tables: dict[str, Iterator[dict[str, Any]]]
) -> None:
    """The document ``json.dumps(..., indent=2)`` would give, written row by row."""

    def dumped(value: Any, depth: int) -> str:
        text = json.dumps(value, ensure_ascii=False, indent=2)
        return text.replace("\n", "\n" + "  " * depth)

    stream.write("{")
    first = True
    for key, value in header.items():
        stream.write(("" if first else ",") + f"\n  {json.dumps(key)}: {dumped(value, 1)}")
        first = False
    for key, rows in tables.items():
        stream.write(f",\n  {json.dumps(key)}: [")
        empty = True
        for row in rows:
            stream.write(("" if empty else ",") + "\n    " + dumped(row, 2))
            empty = False
        stream.write("]" if empty else "\n  ]")
    stream.write("\n}\n")


def _yaml(
    stream: TextIO, header: dict[str, Any], tables: dict[str, Iterator[dict[str, Any]]]
) -> None:
    """A YAML document, written table by table and row by row."""
    from enum import StrEnum

    import yaml

    class Dumper(yaml.SafeDumper):
        """The safe dumper, writing an enum column (a member) as its slug."""

    Dumper.add_multi_representer(StrEnum, lambda dumper, value: dumper.represent_str(value.value))

    def dumped(value: Any) -> str:
        return str(yaml.dump(value, Dumper=Dumper, allow_unicode=True, sort_keys=False))

    stream.write(dumped(header))
    for key, rows in tables.items():
        empty = True
        for row in rows:
            if empty:
                stream.write(f"{key}:\n")
                empty = False
            stream.write(dumped([row]))
        if empty:
            stream.write(f"{key}: []\n")


def render(
    session: Session,
    fmt: str,
    table: str | None = None,
    *,
    territories: dict[str, list[str]] | None = None,
    rule: Rule | None = None,
) -> str:
    """The whole export as one text (scripts and tests; the CLI streams with :func:`write`)."""
    buffer = io.StringIO()
    write(session, fmt, buffer, table, territories=territories, rule=rule)
    return buffer.getvalue()


#: Tables read whole whose rows follow the landlords' names or identifiers: anonymised,
#: they follow the landlords' numbers instead (an alphabetical order would tell names).
_BY_LANDLORD = ("landlords", "people", "label_links")


def _anonymised(
    session: Session, rule: Rule
) -> dict[str, Callable[[Session], Iterable[dict[str, Any]]]]:
    """The readers of :data:`READERS`, each row passed through the anonymisation rule."""
    from bailleurs_cli.privacy import anonymity

    aliases = anonymity.Aliases(anonymity.order(session))
    slugs = {slug: aliases.slug(i) for i, slug in _slugs(session).items() if i in aliases}
    scrubber = anonymity.RowScrubber(rule, slugs)

    def number(row: dict[str, Any]) -> int:
        alias = row.get("landlord")
        return int(alias.rsplit("-", 1)[1]) if alias else 0

    def reader(
        key: str, read: Callable[[Session], Iterable[dict[str, Any]]]
    ) -> Callable[[Session], Iterable[dict[str, Any]]]:
        def scrubbed(session: Session) -> Iterable[dict[str, Any]]:
            rows = (scrubber.scrub(key, row) for row in read(session))
            return sorted(rows, key=number) if key in _BY_LANDLORD else rows

        return scrubbed

    return {key: reader(key, read) for key, read in READERS.items()}
