"""Letters one at a time or in bulk: plan, validate everything, render, write, log.

A run first builds every job (context, target file) and reports what cannot be
done (missing address, no e-mail, existing file); then renders on both cores,
each worker preparing the template once (``docx_fast``) and rendering batches of
letters; then writes each file atomically as its batch comes back and,
with ``log``, records it at once as an exchange with its follow-up, in its own
transaction. So an interrupted run (Ctrl-C, ``kill``, a full disk) leaves at most
one letter written and not logged, and the re-run (which skips existing files)
logs the existing files that have no exchange yet: after any interruption and
one re-run, letters and logged exchanges are equal in number (issue 9).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from io import BytesIO
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from bailleurs_cli import addresses, formatting, validation
from bailleurs_cli.documents import contexts, engine, kinds
from bailleurs_cli.documents.kinds import TemplateInfo
from bailleurs_cli.enums import Channel, Outcome
from bailleurs_cli.errors import InvalidInput, TemplateProblem
from bailleurs_cli.formatting import (
    CHANNEL_LABELS,
    GREETINGS,
    KIND_APPOSITIONS,
    apposition,
    date_lettre,
    de,
    departements_text,
    enumeration,
    represente,
    siren,
    stage_label,
)
from bailleurs_cli.ground.priority import PARIS
from bailleurs_cli.settings.config import Settings
from bailleurs_cli.settings.edit import missing_association_keys
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import (
    CLOSED_STAGES,
    STALE_STAGES,
    Ally,
    Direction,
    Exchange,
    Landlord,
    Person,
    Presence,
    Qpv,
)

FORMATS = ("docx", "eml")


@dataclass(frozen=True)
class LetterRequest:
    """What ``bailleurs letter`` asks for."""

    template: str = "prospection"
    landlords: tuple[str, ...] = ()
    everything: bool = False
    stage: str | None = None
    departement: str | None = None
    kind: str | None = None
    search: str | None = None
    commune: str | None = None
    qpv: str | None = None
    priority: str | None = None
    out_dir: Path = Path("courriers")
    fmt: str = "docx"
    pdf: bool = False
    log: bool = False
    force: bool = False
    ally: str | None = None  # --avec: an allied association writes and signs with us


@dataclass
class Job:
    """One document to produce."""

    slug: str
    name: str
    target: Path
    context: dict[str, Any] | None = None
    recipient: str | None = None
    subject: str = ""
    problem: str | None = None
    skipped: bool = False
    warning: str | None = None  # written all the same, but the user should know
    #: A prospection letter to a landlord already in talks or a partner: its stage.
    known_stage: str | None = None
    ally_id: int | None = None  # a joint letter: the allied association
    #: A step the user had planned (action, due), replaced by this letter's relaunch.
    replaced: tuple[str, date] | None = None


@dataclass
class LetterRun:
    """What a run did, item by item."""

    written: list[Job] = field(default_factory=list)
    skipped: list[Job] = field(default_factory=list)
    failed: list[Job] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    logged: int = 0
    caught_up: int = 0  # existing letters of an interrupted run, logged now
    batch: str | None = None  # the batch id the logged exchanges carry


def check_association(settings: Settings) -> None:
    """Refuse to render anything while the association's identity is incomplete."""
    missing = missing_association_keys(settings.association)
    if missing:
        raise InvalidInput(
            "identité de l'association incomplète : il manque "
            + ", ".join(missing)
            + ' ; renseignez-la avec « bailleurs config set CLÉ "valeur" ».'
        )


def _recipient(session: Session, landlord: Landlord) -> Person | None:
    people = list(
        session.exec(
            select(Person)
            .where(Person.landlord_id == landlord.id, col(Person.active).is_(True))
            .order_by(col(Person.id))
        ).all()
    )
    chosen = [p for p in people if p.id == landlord.next_person_id] or people
    with_email = [p for p in chosen if p.email] or [p for p in people if p.email]
    found = with_email or chosen
    return found[0] if found else None


def _latest(session: Session, landlord: Landlord, *, outbound: bool) -> Exchange | None:
    statement = select(Exchange).where(Exchange.landlord_id == landlord.id)
    if outbound:
        statement = statement.where(Exchange.direction == Direction.OUTBOUND)
    statement = statement.order_by(col(Exchange.occurred_on).desc(), col(Exchange.id).desc())
    return session.exec(statement.limit(1)).first()


#: How a letter recalls an exchange, by channel: ours, then theirs (« votre appel »).
_EVOCATIONS: dict[str, tuple[str, str]] = {
    Channel.LETTER: ("notre courrier", "votre courrier"),
    Channel.EMAIL: ("notre message", "votre message"),
    Channel.PHONE: ("notre appel", "votre appel"),
    Channel.MEETING: ("notre rencontre", "notre rencontre"),
    Channel.VIDEO: ("notre visioconférence", "notre visioconférence"),
    Channel.VISIT: ("votre visite de notre atelier", "votre visite de notre atelier"),
    Channel.EVENT: ("notre rencontre", "notre rencontre"),
}
_WRITTEN = frozenset({Channel.LETTER, Channel.EMAIL})


def exchange_block(exchange: Exchange, *, last: Exchange | None) -> contexts.Exchange:
    """How a letter may recall ``exchange`` (``last``: the latest exchange of all).

    A letter or e-mail of ours with no answer and nothing since is « sans réponse »:
    only then may a relance say « faute de réponse » (D2, issue 12).
    """
    outbound = exchange.direction == Direction.OUTBOUND
    written = exchange.channel in _WRITTEN
    ours, theirs = _EVOCATIONS.get(exchange.channel, ("notre échange", "notre échange"))
    unanswered = (
        outbound
        and written
        and exchange.outcome in (None, Outcome.NO_ANSWER)
        and (last is None or last.id == exchange.id)
    )
    return contexts.Exchange(
        date=exchange.occurred_on,
        canal=CHANNEL_LABELS.get(exchange.channel, exchange.channel),
        sortant=outbound,
        ecrit=written,
        positif=exchange.outcome == Outcome.POSITIVE,
        negatif=exchange.outcome == Outcome.NEGATIVE,
        abouti=exchange.outcome != Outcome.NO_ANSWER and not unanswered,
        sans_reponse=unanswered,
        evocation=f"{ours if outbound else theirs} du {date_lettre(exchange.occurred_on)}",
    )


def landlord_territory(landlord: Landlord) -> str | None:
    """Where a landlord is present, as a letter says it: communes, else departments."""
    if landlord.communes:
        return enumeration(list(landlord.communes))
    if landlord.departements:
        return departements_text(list(landlord.departements))
    return None


def qpv_communes(session: Session) -> frozenset[str]:
    """Communes (INSEE codes) holding at least one QPV: one read of the QPV table."""
    rows = session.exec(select(Qpv.communes)).all()
    return frozenset(code for communes in rows for code in communes)


#: A head office says nothing of where a landlord's housing is.
_NOT_HOUSING = ("siege",)


def known_in_qpv(session: Session, landlord: Landlord, communes: frozenset[str]) -> bool:
    """Whether a landlord is known to have housing in a QPV: a presence fact linked to
    a QPV, or presence in a commune that holds one (``communes``: :func:`qpv_communes`).
    A Paris arrondissement counts for Paris and back."""
    rows = session.exec(
        select(Presence.commune, Presence.qpv_code).where(
            Presence.landlord_id == landlord.id, col(Presence.measure).not_in(_NOT_HOUSING)
        )
    ).all()
    paris_places = PARIS in communes or any(c.startswith("751") for c in communes)
    for commune, qpv_code in rows:
        if qpv_code or commune in communes:
            return True
        if paris_places and (commune == PARIS or commune.startswith("751")):
            return True
    return False


def landlord_block(landlord: Landlord, *, qpv: bool = False) -> contexts.Landlord:
    """The ``bailleur`` variables of a landlord (``qpv``: see :func:`known_in_qpv`)."""
    lines = addresses.of(landlord)
    form = apposition(landlord.legal_form) or KIND_APPOSITIONS.get(landlord.kind)
    return contexts.Landlord(
        nom=landlord.name,
        nature=contexts.kind_label(landlord.kind),
        forme_juridique=landlord.legal_form,
        forme=form,
        represente=represente(form),
        siren=siren(landlord.siren) if landlord.siren else None,
        adresse=", ".join(lines) or None,
        adresse_lignes=lines,
        territoire=landlord_territory(landlord),
        qpv=qpv,
        groupe=landlord.group_name,
    )


def ally_block(ally: Ally) -> contexts.Ally:
    """The ``allie`` variables of a joint letter."""
    forms = formatting.name_forms(ally.name)
    return contexts.Ally(
        nom=ally.name,
        de=forms.de,
        a=forms.a,
        pluriel=forms.plural,
        signataire=ally.signatory or ally.contact or ally.name,
        contact=ally.contact,
        email=ally.email,
        telephone=ally.phone,
        territoire=formatting.departements_text(list(ally.departements))
        if ally.departements
        else None,
    )


def recipient_block(person: Person) -> contexts.Recipient:
    """The ``destinataire`` variables: « À l'attention de Mme Awa Diallo » or, without a
    civility, « d'Éloïse Martin »."""
    named = f"{person.civility} {person.name}" if person.civility else person.name
    return contexts.Recipient(
        nom=person.name,
        civilite=person.civility,
        de=f"de {named}" if person.civility else de(person.name),
        fonction=person.role,
        email=person.email,
    )


def greeting(person: Person | None) -> str:
    """« Madame », « Monsieur », or « Madame, Monsieur »: never a first name."""
    if person is not None and person.civility in GREETINGS:
        return GREETINGS[person.civility]
    return "Madame, Monsieur"


def subject_of(template: TemplateInfo) -> str:
    """The subject of a letter made from ``template`` (its « Objet », its e-mail subject):
    the catalogue's (:data:`bailleurs_cli.documents.kinds.KINDS`)."""
    return template.subject


def letter_context(
    session: Session,
    landlord: Landlord,
    *,
    settings: Settings,
    template: TemplateInfo,
    today: date,
    qpv: frozenset[str] | None = None,
    ally: Ally | None = None,
) -> contexts.LetterContext:
    """The variables of one letter to ``landlord`` (``qpv``: :func:`qpv_communes`,
    read once by a bulk run; ``ally``: the association writing with us, if any)."""

    person = _recipient(session, landlord)
    _, city = contexts.split_address(settings.association["adresse"])
    last = _latest(session, landlord, outbound=False)
    sent = _latest(session, landlord, outbound=True)
    in_qpv = known_in_qpv(session, landlord, qpv_communes(session) if qpv is None else qpv)
    return contexts.LetterContext(
        association=contexts.association_from_settings(settings.association),
        bailleur=landlord_block(landlord, qpv=in_qpv),
        destinataire=recipient_block(person) if person else None,
        appel=greeting(person),
        date=today,
        lieu=city or settings.association["adresse"],
        objet=subject_of(template),
        reference=f"{landlord.name} – {template.name} – {today.year}",
        echange=exchange_block(last, last=last) if last else None,
        envoi=exchange_block(sent, last=last) if sent else None,
        dernier_envoi=sent.occurred_on if sent else None,
        dernier_echange=last.occurred_on if last else None,
        allie=ally_block(ally) if ally else None,
    )


#: Letters that recall a past exchange: written without one, they say so (D15).
RECALLS_EXCHANGE = {
    "relance": "la relance ne mentionne donc aucun envoi précédent",
    "remerciement": "le remerciement ne cite donc aucun échange",
}


def plan(
    session: Session,
    landlords: list[Landlord],
    *,
    template: TemplateInfo,
    settings: Settings,
    out_dir: Path,
    today: date,
    fmt: str = "docx",
    force: bool = False,
    log: bool = False,
    ally: Ally | None = None,
) -> list[Job]:
    """Build every job and name what cannot be done; writes nothing."""
    if fmt not in FORMATS:
        raise InvalidInput(f"« {fmt} » inconnu ; valeurs possibles : docx, eml.", field="format")
    jobs = []
    in_qpv = qpv_communes(session)
    for landlord in landlords:
        # A slug made from a long name before slugs were capped must not make a name
        # the file system refuses (issue 9: « File name too long », even with --dry-run).
        joint = f"-avec-{ally.slug}" if ally else ""
        target = out_dir / validation.file_name(landlord.slug, f"-{template.name}{joint}.{fmt}")
        job = Job(slug=landlord.slug, name=landlord.name, target=target, subject=template.subject)
        job.ally_id = ally.id if ally else None
        context = letter_context(
            session, landlord, settings=settings, template=template, today=today, qpv=in_qpv,
            ally=ally,
        )  # fmt: skip
        job.context = context.model_dump()
        job.subject = context.objet
        if template.name == "prospection" and landlord.stage in STALE_STAGES:
            # In talks, proposal or partner: the stages where the landlord knows us (the
            # same ones where a long silence matters).
            job.known_stage = stage_label(landlord.stage)
        if template.name in RECALLS_EXCHANGE and context.echange is None:
            job.warning = (
                f"aucun échange noté avec {landlord.name} ; {RECALLS_EXCHANGE[template.name]}"
            )
        if landlord.absorbed_by:
            job.problem = (
                f"absorbé par « {landlord.absorbed_by} » : écrivez-lui plutôt "
                f"(bailleurs letter {landlord.absorbed_by})"
            )
        elif log and landlord.stage in CLOSED_STAGES:
            job.problem = (
                f"{stage_label(landlord.stage)} : rouvrez le dossier (bailleurs stage "
                f"{landlord.slug} identifie) ou retirez --log"
            )
        elif fmt == "docx" and not context.bailleur.adresse_lignes:
            job.problem = (
                f"adresse du siège manquante ; complétez-la avec « bailleurs edit "
                f'{landlord.slug} --adresse "…" »'
            )
        elif fmt == "eml":
            email = context.destinataire.email if context.destinataire else None
            if not email:
                job.problem = (
                    "aucun interlocuteur actif avec une adresse e-mail ; ajoutez-en un avec "
                    f'« bailleurs person add {landlord.slug} "Nom" --email … »'
                )
            job.recipient = (
                formataddr((context.destinataire.nom, email))
                if email and context.destinataire
                else email
            )
        if job.problem is None and target.exists() and not force:
            job.skipped = True
        jobs.append(job)
    return jobs


_WORKER: dict[str, Any] = {}


def _init_worker(
    template: bytes, name: str, logo: str | None, sender: tuple[str, str] | None, today: date
) -> None:
    """What each process rendering letters keeps: the template, prepared at its first
    letter (``documents.render_bytes``) and then reused, and for e-mails the sender.

    A worker forked from the process that already rendered with the same arguments
    keeps what it inherited: the template prepared there.
    """
    args = (template, name, logo, sender, today)
    if _WORKER.get("args") == args:
        return
    _WORKER.update(
        args=args,
        template=template,
        name=name,
        logo=logo,
        sender=sender,
        today=today,
        env=engine.CompiledOnceEnvironment(),
    )


def _die_with_parent(parent: int) -> None:
    """A worker whose parent was killed (``kill -9``) exits instead of lingering."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _init_pool_worker(
    template: bytes, name: str, logo: str | None, sender: tuple[str, str] | None, today: date
) -> None:
    _init_worker(template, name, logo, sender, today)
    watchdog = threading.Thread(target=_die_with_parent, args=(os.getppid(),), daemon=True)
    watchdog.start()


def _remove_stale_temporaries(jobs: list[Job]) -> None:
    """Temporary files an interrupted run left beside its letters (each folder read once)."""
    names: dict[Path, set[str]] = {}
    for job in jobs:
        names.setdefault(job.target.parent, set()).add(job.target.name)
    for folder, targets in names.items():
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            name = entry.name
            if name.startswith(".") and name.endswith(".tmp"):
                target = name[1:].rsplit(".", 2)[0]  # .<target>.<random>.tmp
                if target in targets:
                    Path(entry.path).unlink(missing_ok=True)


def _produce(job: Job) -> tuple[bytes | None, str | None]:
    """One job's file (the letter, or its e-mail draft), or why it cannot be made."""
    try:
        data = engine.render_bytes(
            _WORKER["template"],
            job.context or {},
            _WORKER["env"],
            template_name=_WORKER["name"],
            logo=_WORKER["logo"],
        )
    except TemplateProblem as exc:
        return None, exc.message
    if _WORKER["sender"] is not None:
        data = _email(job, data, _WORKER["sender"], _WORKER["today"])
    return data, None


def cores() -> int:
    """The cores this process may run on (``taskset`` and containers included)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _chunk(count: int, workers: int) -> int:
    """Letters sent to a worker at once: a few batches each, never one by one."""
    return max(1, min(32, -(-count // (workers * 6))))


def email_body(docx: bytes, greeting_line: str | None) -> str:
    """The letter as an e-mail: from the greeting on (no letterhead, address blocks,
    « Objet » or « Réf. »), one blank line between paragraphs, the right-aligned
    signature lines kept together (D9, issue 12).

    A template without the expected greeting starts after its « Objet » line, or
    else at its first paragraph.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraphs = [
        (p.text.strip(), p.alignment == WD_ALIGN_PARAGRAPH.RIGHT)
        for p in Document(BytesIO(docx)).paragraphs
    ]
    texts = [text for text, _ in paragraphs]
    start = 0
    if greeting_line and greeting_line in texts:
        start = texts.index(greeting_line)
    else:
        subject = [i for i, t in enumerate(texts) if t.startswith(("Objet", "Réf."))]
        start = subject[-1] + 1 if subject else 0
    blocks: list[list[str]] = []
    previous_right = False
    for text, right in paragraphs[start:]:
        if not text:
            previous_right = False  # a blank line parts two signatures (a joint letter)
            continue
        if right and previous_right:
            blocks[-1].append(text)  # the signature: name, title, association
        else:
            blocks.append([text])
        previous_right = right
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def _email(job: Job, docx: bytes, sender: tuple[str, str], today: date) -> bytes:
    """The e-mail draft of a letter; ``sender``: the association's name and address."""
    name, address = sender
    message = EmailMessage()
    message["From"] = formataddr((name, address))
    message["To"] = job.recipient or ""
    ally = (job.context or {}).get("allie") or {}
    if ally.get("email"):  # a joint letter: the allied association sees what was sent
        message["Cc"] = formataddr((ally["nom"], ally["email"]))
    message["Subject"] = job.subject
    message["Date"] = format_datetime(_noon(today))
    message["Message-ID"] = make_msgid(domain=address.rsplit("@", 1)[-1])
    message["X-Unsent"] = "1"  # opens as a draft in Outlook and Thunderbird
    greeting_line = f"{job.context['appel']}," if job.context else None
    message.set_content(email_body(docx, greeting_line))
    message.add_attachment(
        docx,
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=job.target.with_suffix(".docx").name,
    )
    return bytes(message)


def _noon(day: date) -> Any:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Europe/Paris"))


def run(
    jobs: list[Job],
    *,
    template_path: Path,
    settings: Settings,
    today: date,
    fmt: str = "docx",
    pdf: bool = False,
    workers: int | None = None,
    on_done: Callable[[Job], None] | None = None,
    on_written: Callable[[Job], None] | None = None,
) -> LetterRun:
    """Render and write every job that can be done; never leaves a partial file.

    ``on_written`` runs right after each file is in place (``send`` logs it there).
    """
    report = LetterRun()
    todo = []
    for job in jobs:
        if job.problem:
            report.failed.append(job)
        elif job.skipped:
            report.skipped.append(job)
        else:
            todo.append(job)
    if pdf and fmt == "docx":
        engine.libreoffice()  # fail before writing anything
    for folder in {job.target.parent for job in todo}:
        engine.ensure_folder(folder)
    _remove_stale_temporaries(jobs)
    template = template_path.read_bytes()
    logo = settings.logo
    association = settings.association
    sender = (association["nom"], association["email"]) if fmt == "eml" else None
    args = (template, template_path.name, logo, sender, today)
    workers = workers or min(2, cores())
    _init_worker(*args)
    if len(todo) >= 8 and workers > 1:
        # The first letter is rendered here, which prepares the template (docx_fast);
        # the workers, forked after it, inherit it and render the others in batches;
        # this process writes (and logs) each letter in order, as its batch comes back.
        first = _produce(todo[0])
        pool = ProcessPoolExecutor(workers, initializer=_init_pool_worker, initargs=args)
        try:
            rest = pool.map(_produce, todo[1:], chunksize=_chunk(len(todo) - 1, workers))
            produced = itertools.chain([first], rest)
            _write_all(todo, produced, report, on_done=on_done, on_written=on_written)
        finally:
            pool.shutdown(cancel_futures=True)
    else:
        _write_all(todo, map(_produce, todo), report, on_done=on_done, on_written=on_written)
    if pdf and fmt == "docx" and report.written:
        converted = engine.convert_to_pdf(
            [job.target for job in report.written], report.written[0].target.parent
        )
        for job in list(report.written):
            made = converted.get(job.target)
            if made is None:
                job.problem = "la conversion PDF par LibreOffice a échoué"
                report.failed.append(job)
            else:
                report.pdfs.append(made)
    return report


def _write_all(
    todo: list[Job],
    made: Iterable[tuple[bytes | None, str | None]],
    report: LetterRun,
    *,
    on_done: Callable[[Job], None] | None,
    on_written: Callable[[Job], None] | None,
) -> None:
    """Write each file atomically as it is made, in order; a failed one is reported."""
    for job, (data, problem) in zip(todo, made, strict=True):
        if data is None:
            job.problem = problem
            report.failed.append(job)
        else:
            engine.write_atomic(job.target, data)
            report.written.append(job)
            if on_written is not None:
                on_written(job)
        if on_done is not None:
            on_done(job)


def _summary(template: TemplateInfo, job: Job) -> str:
    return f"Courrier « {template.name} » envoyé ({job.target.name})"


def log_one(
    session: Session,
    job: Job,
    *,
    template: TemplateInfo,
    fmt: str,
    today: date,
    settings: Settings,
    batch: str | None,
    on: date | None = None,
) -> Exchange:
    """Record one written letter as an exchange, with its relaunch; a step the user had
    planned for later (« Envoyer le bilan ») is kept on ``job.replaced`` to be said."""
    from bailleurs_cli.followup.exchanges import DEFAULT_FOLLOW_UP, ContactInput, contact

    before = session.exec(select(Landlord).where(Landlord.slug == job.slug)).first()
    if before is not None:
        action, due = before.next_action, before.next_due
        if action and due is not None and due > today and action != DEFAULT_FOLLOW_UP:
            job.replaced = (action, due)
    channel = Channel.EMAIL if fmt == "eml" else Channel.LETTER
    _, exchange = contact(
        session,
        job.slug,
        ContactInput(
            channel=channel,
            summary=_summary(template, job),
            on=on,
        ),
        today=today,
        delays=settings.delays,
    )
    exchange.document = str(job.target.resolve())
    exchange.batch = batch
    exchange.ally_id = job.ally_id
    session.add(exchange)
    return exchange


def _already_logged(session: Session, job: Job, template: TemplateInfo) -> bool:
    """Whether an exchange records this letter (by its file, or, before schema 0005,
    by the file name its summary quotes)."""
    landlord_id = session.exec(select(Landlord.id).where(Landlord.slug == job.slug)).first()
    statement = select(Exchange.id).where(
        Exchange.landlord_id == landlord_id,
        (col(Exchange.document) == str(job.target.resolve()))
        | (col(Exchange.summary) == _summary(template, job)),
    )
    return session.exec(statement.limit(1)).first() is not None


def new_batch(now: Any) -> str:
    """A batch id users can type: ``lot-20261201-103000``."""
    return f"lot-{now:%Y%m%d-%H%M%S}"


def prepare(
    store: Store, request: LetterRequest, *, settings: Settings, today: date
) -> tuple[TemplateInfo, Path, list[Job]]:
    """Check everything and plan every letter; writes nothing (``--dry-run`` stops here)."""
    from bailleurs_cli.followup import allies, landlords

    check_association(settings)
    path = kinds.checked_template(request.template, "courrier", settings.templates_dir)
    info = kinds.info_for(request.template)
    if not request.landlords and not request.everything:
        raise InvalidInput(
            lambda name: (
                f"bailleur : donnez un ou plusieurs bailleurs, ou {name('everything')} avec "
                "des filtres."
            )
        )
    if request.landlords and request.everything:
        raise InvalidInput(
            lambda name: (
                f"ne donnez pas de bailleur avec {name('everything')} (utilisez les filtres)."
            ),
            field="everything",
        )
    if request.landlords:
        filters = {
            "stage": request.stage, "departement": request.departement, "kind": request.kind,
            "search": request.search, "commune": request.commune, "qpv": request.qpv,
            "priority": request.priority,
        }  # fmt: skip
        ignored = next((field for field, value in filters.items() if value), None)
        if ignored is not None:
            raise InvalidInput(
                lambda name: (
                    "un filtre choisit parmi tous les bailleurs, pas parmi ceux que vous "
                    f"nommez ; retirez-le, ou remplacez les bailleurs par {name('everything')}."
                ),
                field=ignored,
            )
    with store.read() as session:
        ally = allies.resolve(session, request.ally) if request.ally else None
        if request.everything:
            chosen = landlords.search(
                session,
                stage=request.stage,
                departement=request.departement,
                kind=request.kind,
                text=request.search,
                commune=request.commune,
                qpv=request.qpv,
                priority=request.priority,
                territories=settings.territories,
                sort="priorite" if request.priority else "nom",
                absorbed=False,
            )
        else:
            resolved = (landlords.resolve(session, q) for q in request.landlords)
            chosen = list({ll.slug: ll for ll in resolved}.values())
        jobs = plan(
            session,
            chosen,
            template=info,
            settings=settings,
            out_dir=request.out_dir,
            today=today,
            fmt=request.fmt,
            force=request.force,
            log=request.log,
            ally=ally,
        )
    return info, path, jobs


def send(
    store: Store,
    request: LetterRequest,
    *,
    settings: Settings,
    today: date,
    on_done: Callable[[Job], None] | None = None,
) -> LetterRun:
    """Plan, render, write and (with ``log``) record every letter of the request.

    With ``log``, each letter is recorded as soon as it is written; existing
    letters of an interrupted run that have no exchange are recorded first, dated
    the day their file was written.
    """
    from bailleurs_cli.settings.config import paris_now

    info, path, jobs = prepare(store, request, settings=settings, today=today)
    # The user's clock, as the backups' names: a UTC server would say 08:07 for 09:07.
    batch = new_batch(paris_now()) if request.log else None
    caught_up = 0
    if request.log:
        with store.write() as session:
            for job in jobs:
                if job.skipped and not _already_logged(session, job, info):
                    written_on = date.fromtimestamp(job.target.stat().st_mtime)
                    log_one(
                        session, job, template=info, fmt=request.fmt, today=today,
                        settings=settings, batch=batch, on=min(written_on, today),
                    )  # fmt: skip
                    caught_up += 1
    logged = 0

    def log_written(job: Job) -> None:
        nonlocal logged
        with store.write() as session:
            log_one(
                session, job, template=info, fmt=request.fmt, today=today,
                settings=settings, batch=batch,
            )  # fmt: skip
        logged += 1

    report = run(
        jobs,
        template_path=path,
        settings=settings,
        today=today,
        fmt=request.fmt,
        pdf=request.pdf,
        on_done=on_done,
        on_written=log_written if request.log else None,
    )
    report.logged = logged
    report.batch = batch if (logged or caught_up) else None
    report.caught_up = caught_up
    return report
