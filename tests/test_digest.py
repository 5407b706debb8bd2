"""The digest: silent when nothing is due, exact text, and real mail on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from bailleurs_cli.settings.config import Settings, resolve_db_url
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import DigestSent

from .conftest import Run

if TYPE_CHECKING:
    from aiosmtpd.smtp import SMTP, Envelope, LoginPassword, Session

PAST = {"BAILLEURS_TODAY": "2026-11-01"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What the SMTP server on 127.0.0.1 received."""

    port: int
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)


class Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.startswith("refuse"):
            return "550 5.1.1 Utilisateur inconnu"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.inbox.envelopes.append(envelope)
        assert isinstance(envelope.content, bytes)  # not decoded: the bytes received
        self.inbox.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    from aiosmtpd.controller import Controller

    inbox = Inbox(port=free_port())
    controller = Controller(Handler(inbox), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


def configure_smtp(run: Run, port: int, security: str = "aucune") -> None:
    for key, value in (
        ("smtp.host", "127.0.0.1"),
        ("smtp.port", str(port)),
        ("smtp.security", security),
        ("smtp.from", "Les Ateliers <contact@ateliers.example>"),
    ):
        assert run("config", "set", key, value).exit_code == 0


def make_due(run: Run) -> None:
    """RIVP relaunch 12 days late, Adoma due in 3 days."""
    run("person", "add", "rivp", "Awa Diallo")
    run("contact", "rivp", "--channel", "email", "--person", "Awa", "--summary", "Envoi", env=PAST)
    run("contact", "adoma", "--channel", "telephone", "--summary", "Appel", "--next", "+3j")


def test_nothing_due_prints_nothing(run: Run) -> None:
    result = run("digest")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_digest_text(run: Run) -> None:
    make_due(run)
    run(
        "remind",
        "add",
        "Rencontre annuelle bailleurs–associations",
        "--every",
        "6m",
        "--from",
        "2026-11-20",
    )
    result = run("digest")
    assert result.exit_code == 0, result
    assert result.stdout.splitlines() == [
        "Suivi des bailleurs\u00a0: 3 actions, dont 2 en retard (lundi 23 novembre 2026)",
        "",
        "En retard (2)",
        "  • RIVP — Awa Diallo\u00a0: Relancer — mercredi 11 novembre 2026 (12 j de retard)",
        '    → bailleurs contact rivp --channel email --summary "…"',
        "  • Rappel\u00a0: Rencontre annuelle bailleurs–associations — vendredi 20 novembre 2026 "
        "(3 j de retard)",
        "    → bailleurs remind done 1",
        "",
        "À faire d'ici 7 jours (1)",
        "  • Adoma\u00a0: Relancer — jeudi 26 novembre 2026 (dans 3 j)",
        '    → bailleurs contact adoma --channel email --summary "…"',
    ]


def test_digest_markdown_and_horizon(run: Run) -> None:
    make_due(run)
    short = run("digest", "--days", "1", "--format", "markdown").stdout
    assert short.startswith("# Suivi des bailleurs\u00a0: 1 action, dont 1 en retard")
    assert "## En retard (1)" in short
    assert "Adoma" not in short
    # Adoma's step is in three days: « d'ici demain » and « aujourd'hui » say the horizon.
    assert (
        "## À faire d'ici 3 jours (1)"
        in run("digest", "--days", "3", "--format", "markdown").stdout
    )
    tomorrow = run("digest", "--days", "3", env={"BAILLEURS_TODAY": "2026-11-25"}).stdout
    assert "À faire d'ici 3 jours (1)" in tomorrow and "(demain)" in tomorrow
    later = run("digest", "--days", "1", env={"BAILLEURS_TODAY": "2026-11-25"}).stdout
    assert "À faire d'ici demain (1)" in later
    today = run("digest", "--days", "0", env={"BAILLEURS_TODAY": "2026-11-26"}).stdout
    assert "À faire aujourd'hui (1)" in today


def test_digest_partnership_ending_and_bilan_owed(run: Run) -> None:
    for key, value in {
        "association.nom": "Les Ateliers",
        "association.forme": "association loi 1901",
        "association.adresse": "1 rue de la Paix, 75002 Paris",
        "association.siret": "73282932000074",
        "association.signataire": "Camille Martin",
        "association.signataire_titre": "présidente",
        "association.email": "contact@ateliers.example",
        "association.telephone": "01 23 45 67 89",
    }.items():
        run("config", "set", key, value)
    common = ["--contribution", "locaux", "--site", "Paris 20e", "--referent-bailleur", "Awa"]
    out = str(Path(os.environ["BAILLEURS_HOME"]) / "conv")
    run("convention", "rivp", *common, "--debut", "2026-12-01", "--fin", "2026-12-20", "--out", out)
    run("convention", "rivp", "--status", "signee")
    run(
        "convention", "adoma", *common, "--debut", "2026-10-19", "--fin", "2026-10-23", "--out", out
    )
    run("convention", "adoma", "--status", "signee")
    text = run("digest").stdout
    assert "Bilans à remettre (1)" in text
    assert "Adoma — Awa\u00a0: Remettre le bilan des ateliers" in text
    assert "samedi 23 janvier 2027" not in text
    assert "mercredi 23 décembre 2026 (dans 30 j)" in text  # 23 Oct + 2 months
    assert "Conventions qui se terminent (1)" in text
    assert (
        "RIVP — Awa\u00a0: Convention n° 2026-001 qui se termine\u00a0: proposer son "
        "renouvellement" in text
    )
    assert "bailleurs convention rivp --renouveler --debut … --fin …" in text
    delivered = run("convention", "adoma", "--bilan-remis")
    assert (delivered.exit_code, delivered.stderr) == (
        0,
        "Bilan noté comme remis pour la convention n° 2026-002.\n",
    )
    again = run("convention", "adoma", "--bilan-remis", env={"BAILLEURS_TODAY": "2026-11-30"})
    assert (again.exit_code, again.stderr) == (  # said, and the first day is kept
        0,
        "Bilan déjà noté comme remis le 23/11/2026 pour la convention n° 2026-002 ; rien n'a "
        "changé.\n",
    )
    assert "Bilans à remettre" not in run("digest").stdout
    # Renewed: the line goes.
    renewed = run("convention", "rivp", "--renouveler", "--debut", "2027-09-01",
                  "--fin", "2028-08-31", "--out", out)  # fmt: skip
    assert renewed.exit_code == 0, renewed
    assert "Conventions qui se terminent" not in run("digest").stdout


def test_the_bilan_is_proposed_two_weeks_after_the_last_workshop(run: Run) -> None:
    """Proposed two weeks after the last workshop, due two months after it, as the
    convention's article on the bilan says: not « en retard » before."""
    from .test_documents import IDENTITY

    for key, value in IDENTITY.items():
        run("config", "set", key, value)
    out = str(Path(os.environ["BAILLEURS_HOME"]) / "conv")
    run("convention", "rivp", "--contribution", "locaux", "--site", "Paris 20e",
        "--referent-bailleur", "Awa", "--debut", "2026-09-01", "--fin", "2027-06-30",
        "--out", out)  # fmt: skip
    run("convention", "rivp", "--status", "signee")
    run("atelier", "add", "rivp", "--site", "Centre social", "--commune", "Paris 20e",
        "--debut", "2026-11-09", "--fin", "2026-11-13", "--seances", "5")  # fmt: skip
    assert "Bilans à remettre" not in run("digest").stdout  # 10 days after the last one
    text = run("digest", env={"BAILLEURS_TODAY": "2026-11-27"}).stdout  # 14 days after
    assert "Bilans à remettre (1)" in text
    assert "mercredi 13 janvier 2027 (dans 47 j)" in text  # 13 Nov + 2 months
    assert "bailleurs bilan rivp" in text
    late = run("digest", env={"BAILLEURS_TODAY": "2027-01-15"}).stdout
    assert "mercredi 13 janvier 2027 (2 j de retard)" in late


def test_send_multipart_french_mail(run: Run, smtp_server: Inbox) -> None:
    make_due(run)
    configure_smtp(run, smtp_server.port)
    result = run("digest", "--send", "--to", "dev-idf@asso.example")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    [message] = smtp_server.messages
    assert message["To"] == "dev-idf@asso.example"
    assert message["From"] == "Les Ateliers <contact@ateliers.example>"
    assert message["Subject"] == (
        "Suivi des bailleurs\u00a0: 2 actions, dont 1 en retard (lundi 23 novembre 2026)"
    )
    assert message["Date"] and message["Message-ID"].endswith("@ateliers.example>")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert "RIVP — Awa Diallo\u00a0: Relancer — mercredi 11 novembre 2026" in text.get_content()
    assert "<strong>RIVP</strong> — Awa Diallo" in html.get_content()


def test_only_new_sends_each_line_once(run: Run, store: Store, smtp_server: Inbox) -> None:
    make_due(run)
    configure_smtp(run, smtp_server.port)
    args = ["digest", "--send", "--only-new", "--to", "dev@asso.example"]
    assert run(*args).exit_code == 0
    assert run(*args).exit_code == 0  # nothing new: no mail
    assert len(smtp_server.messages) == 1
    run("contact", "valdevy", "--channel", "email", "--summary", "x", "--next", "+1j")
    assert run(*args).exit_code == 0
    assert len(smtp_server.messages) == 2
    last = smtp_server.messages[-1].get_body(preferencelist=("plain",))
    assert last is not None
    assert "Valdevy" in last.get_content() and "RIVP" not in last.get_content()
    with store.read() as session:
        assert len(session.exec(select(DigestSent)).all()) == 3


@pytest.mark.parametrize(
    ("to", "message", "code"),
    [
        (
            "pas-une-adresse",
            "Erreur : --to : « pas-une-adresse » n'est pas une adresse e-mail valide.\n",
            1,
        ),
        (
            "refuse@asso.example",
            "Erreur : destinataire refusé par 127.0.0.1:{port} : refuse@asso.example.\n",
            7,
        ),
    ],
)
def test_send_failures_record_nothing(
    run: Run, store: Store, smtp_server: Inbox, to: str, message: str, code: int
) -> None:
    make_due(run)
    configure_smtp(run, smtp_server.port)
    result = run("digest", "--send", "--only-new", "--to", to)
    assert result.exit_code == code
    assert result.stderr == message.format(port=smtp_server.port)
    with store.read() as session:
        assert session.exec(select(DigestSent)).all() == []
    assert smtp_server.messages == []


def test_partly_refused_recipients_keep_the_others_from_a_resend(
    run: Run, store: Store, smtp_server: Inbox
) -> None:
    make_due(run)
    configure_smtp(run, smtp_server.port)
    to = ["--to", "dev@asso.example", "--to", "refuse@asso.example"]
    result = run("digest", "--send", "--only-new", *to)
    assert result.exit_code == 7
    assert result.stderr == (
        f"Erreur : destinataire refusé par 127.0.0.1:{smtp_server.port} : refuse@asso.example ; "
        "le message est parti pour dev@asso.example et n'y sera pas renvoyé.\n"
    )
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["dev@asso.example"]]
    with store.read() as session:
        assert len(session.exec(select(DigestSent)).all()) == 2  # the two due steps
    again = run("digest", "--send", "--only-new", "--to", "dev@asso.example")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert len(smtp_server.messages) == 1


def test_unreachable_server(run: Run, store: Store) -> None:
    make_due(run)
    port = free_port()
    configure_smtp(run, port)
    result = run("digest", "--send", "--only-new", "--to", "dev@asso.example")
    assert result.exit_code == 7
    assert result.stderr == (
        f"Erreur : serveur SMTP injoignable : 127.0.0.1:{port} (connexion refusée) ; vérifiez "
        "smtp.host et smtp.port.\n"
    )
    with store.read() as session:
        assert session.exec(select(DigestSent)).all() == []


def test_missing_smtp_config(run: Run) -> None:
    make_due(run)
    result = run("digest", "--send", "--to", "dev@asso.example")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Erreur : configuration SMTP incomplète : il manque smtp.host, smtp.from ;"
    )


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return key, cert


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[Inbox]:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: LoginPassword
    ) -> AuthResult:
        ok = auth_data.login == b"asso" and auth_data.password == b"bon-mot-de-passe"
        return AuthResult(success=ok, handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[1]), str(certificate[0]))
    inbox = Inbox(port=free_port())
    controller = Controller(
        Handler(inbox),
        hostname="127.0.0.1",
        port=inbox.port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    yield inbox
    controller.stop()


@pytest.mark.parametrize(("password", "delivered"), [("bon-mot-de-passe", True), ("faux", False)])
def test_starttls_and_login(
    run: Run, tls_server: Inbox, certificate: tuple[Path, Path], password: str, delivered: bool
) -> None:
    make_due(run)
    configure_smtp(run, tls_server.port, security="starttls")
    run("config", "set", "smtp.user", "asso")
    env = {"SSL_CERT_FILE": str(certificate[1]), "BAILLEURS_SMTP_PASSWORD": password}
    result = run("digest", "--send", "--to", "dev@asso.example", env=env)
    assert len(tls_server.messages) == (1 if delivered else 0)
    if delivered:
        assert result.exit_code == 0, result
    else:
        assert result.exit_code == 7
        assert result.stderr == (
            f"Erreur : identifiants SMTP refusés par 127.0.0.1:{tls_server.port} ; vérifiez "
            "smtp.user et le mot de passe (BAILLEURS_SMTP_PASSWORD ou smtp.password_file).\n"
        )
        assert password not in result.stderr


def test_two_concurrent_runs_send_once(
    run: Run, db_url: str, smtp_server: Inbox, home: Path
) -> None:
    make_due(run)
    configure_smtp(run, smtp_server.port)
    env = {
        "PATH": os.environ["PATH"],
        "BAILLEURS_HOME": str(home),
        "BAILLEURS_TODAY": "2026-11-23",
    }
    command = [
        sys.executable,
        "-m",
        "bailleurs_cli",
        "--db",
        db_url,
        "digest",
        "--send",
        "--only-new",
        "--to",
        "dev@asso.example",
    ]
    runs = [
        subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=60), p.stderr.read() if p.stderr else b"") for p in runs]
    for p in runs:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    assert [code for code, _ in results] == [0, 0], results
    assert len(smtp_server.messages) == 1


def test_digest_under_env_i_without_a_terminal(run: Run, db_url: str, home: Path) -> None:
    make_due(run)
    result = subprocess.run(
        [
            "env",
            "-i",
            f"BAILLEURS_HOME={home}",
            "BAILLEURS_TODAY=2026-11-23",
            sys.executable,
            "-m",
            "bailleurs_cli",
            "--db",
            db_url,
            "digest",
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        cwd="/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Suivi des bailleurs\u00a0: 2 actions")
    assert "\x1b[" not in result.stdout


def test_the_printed_cron_line_runs_under_env_i(
    run: Run, db_url: str, smtp_server: Inbox, tmp_path: Path
) -> None:
    make_due(run)
    configure_smtp(run, smtp_server.port)
    line = run("cron", "--to", "dev@asso.example", env={"BAILLEURS_DB": db_url}).stdout.strip()
    command = line.split(" ", 5)[5].split(" # bailleurs:")[0]  # drop the schedule and marker
    command = command.replace("\\%", "%")  # what cron does before running it
    passfile: list[str] = []
    url = make_url(resolve_db_url(db_url, Settings()))
    if url.password:  # the user's ~/.pgpass, as cron's libpq finds it
        pgpass = tmp_path / "pgpass"
        pgpass.write_text(f"*:*:*:{url.username}:{url.password}\n", encoding="utf-8")
        pgpass.chmod(0o600)
        passfile = [f"PGPASSFILE={pgpass}"]
    result = subprocess.run(
        ["env", "-i", *passfile, "/bin/sh", "-c", command],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        cwd="/",
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    [message] = smtp_server.messages
    assert message["To"] == "dev@asso.example"


def test_mail_is_7bit_and_commands_use_the_steps_channel(run: Run, smtp_server: Inbox) -> None:
    """Accents arrive without the server having to accept 8-bit bodies (quoted-printable,
    no BODY=8BITMIME to declare); a planned call is acted on with --channel telephone."""
    run("plan", "rivp", "2026-11-23", "Relancer par téléphone Mme Diallo")
    run("plan", "adoma", "2026-11-24", "Rencontre avec la DSU")
    configure_smtp(run, smtp_server.port)
    sent = run("digest", "--send", "--to", "dev@asso.example")
    assert sent.exit_code == 0, sent
    [envelope] = smtp_server.envelopes
    assert isinstance(envelope.content, bytes) and envelope.content.isascii()
    [message] = smtp_server.messages
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    assert 'bailleurs contact rivp --channel telephone --summary "…"' in text
    assert 'bailleurs contact adoma --channel rdv --summary "…"' in text
    assert "Relancer par téléphone Mme Diallo" in text
