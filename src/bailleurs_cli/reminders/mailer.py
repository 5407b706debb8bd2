"""Send a French multipart e-mail through the configured SMTP server.

Settings come from ``[smtp]`` in config.toml (host, port, security =
starttls | ssl | aucune, user, from), checked by the config model
(``config.SmtpSection``); the password comes from
``BAILLEURS_SMTP_PASSWORD`` or the file named by ``smtp.password_file``, and is
never stored in the base nor printed. Every failure becomes one French line.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bailleurs_cli import validation
from bailleurs_cli.errors import BailleursError, ExitCode, InvalidInput
from bailleurs_cli.files import reason
from bailleurs_cli.settings.config import SmtpSection, section_error


class MailError(BailleursError):
    """Sending failed; nothing was recorded as sent."""

    exit_code = ExitCode.MAIL


class PartlyDelivered(MailError):
    """The server took the message for some recipients and refused the others."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send."""

    host: str
    port: int
    security: str
    user: str | None
    sender: str
    password: str | None

    @property
    def where(self) -> str:
        """``smtp.example.org:587``."""
        return f"{self.host}:{self.port}"


def smtp_settings(section: SmtpSection | Mapping[str, Any]) -> SmtpSettings:
    """Where and how to send, from ``[smtp]`` as the config model validated it.

    ``section`` is the validated section, or a mapping of it (``Settings.smtp``, or a
    script's own dict), checked by the same model. What is left to say here is what
    sending needs beyond a valid file: a host, a sender, and a password for a user.
    """
    if isinstance(section, SmtpSection):
        smtp = section
    else:
        try:
            smtp = SmtpSection.model_validate(section)
        except ValidationError as exc:
            raise section_error("smtp", section, exc) from None
    needed = {"smtp.host": smtp.host, "smtp.from": smtp.sender}
    missing = [key for key, value in needed.items() if value is None]
    if smtp.host is None or smtp.sender is None:
        raise InvalidInput(
            f"configuration SMTP incomplète : il manque {', '.join(missing)} ; réglez-la avec "
            "« bailleurs config set smtp.host smtp.exemple.fr » et « bailleurs config set "
            'smtp.from "Association <contact@asso.fr>" ».'
        )
    password = os.environ.get("BAILLEURS_SMTP_PASSWORD")
    if password is None and smtp.password_file:
        secret = Path(smtp.password_file).expanduser()
        try:
            password = secret.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InvalidInput(
                f"smtp.password_file : lecture impossible de {secret} ({reason(exc)})."
            ) from None
    if smtp.user and password is None:
        raise InvalidInput(
            "mot de passe SMTP absent : définissez BAILLEURS_SMTP_PASSWORD ou "
            "« bailleurs config set smtp.password_file CHEMIN »."
        )
    return SmtpSettings(
        host=smtp.host,
        port=smtp.effective_port,
        security=smtp.security,
        user=smtp.user,
        sender=smtp.sender,
        password=password,
    )


def build_message(
    settings: SmtpSettings, to: list[str], subject: str, text: str, html: str, *, now: datetime
) -> EmailMessage:
    """A multipart/alternative message with French headers."""
    message = EmailMessage()
    name, address = parseaddr(settings.sender)
    message["From"] = formataddr((name, address)) if name else address
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = format_datetime(now.astimezone(ZoneInfo("Europe/Paris")))
    domain = Address(addr_spec=address).domain or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Content-Language"] = "fr"
    # Quoted-printable keeps the message 7-bit: no server has to accept 8-bit bodies
    # (BODY=8BITMIME, which smtplib never declares on its own) for the accents to arrive.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


def recipients(addresses: list[str]) -> list[str]:
    """Validate every ``--to`` address."""
    if not addresses:
        raise InvalidInput("donnez au moins une adresse (ou réglez digest.to).", field="to")
    checked = []
    for address in addresses:
        try:
            checked.append(validation.email(address))
        except InvalidInput:
            raise InvalidInput(
                f"« {address} » n'est pas une adresse e-mail valide.", field="to"
            ) from None
    return checked


def send(settings: SmtpSettings, message: EmailMessage, *, timeout: float = 30) -> None:
    """Deliver ``message``; every failure is one French line (MailError)."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    try:
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.user:
                client.login(settings.user, settings.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError(
            f"identifiants SMTP refusés par {settings.where} ; vérifiez smtp.user et le mot de "
            "passe (BAILLEURS_SMTP_PASSWORD ou smtp.password_file)."
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused_list = ", ".join(sorted(exc.recipients))
        raise MailError(f"destinataire refusé par {settings.where} : {refused_list}.") from None
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(
            f"expéditeur refusé par {settings.where} : {exc.sender} ; vérifiez smtp.from."
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(
            f"{settings.where} ne propose pas STARTTLS ; réglez smtp.security sur ssl ou aucune."
        ) from None
    except ssl.SSLError as exc:
        raise MailError(
            f"échec de la connexion chiffrée avec {settings.where} ({exc.reason or exc}) ; "
            "vérifiez smtp.security et le certificat du serveur."
        ) from None
    except smtplib.SMTPException as exc:  # before OSError: SMTPException subclasses it
        raise MailError(f"envoi refusé par {settings.where} : {exc}.") from None
    except (ConnectionRefusedError, socket.gaierror, TimeoutError, OSError) as exc:
        raise MailError(
            f"serveur SMTP injoignable : {settings.where} ({reason(exc)}) ; vérifiez smtp.host "
            "et smtp.port."
        ) from None
    if refused:
        to = [address.addr_spec for address in message["To"].addresses]
        delivered = [address for address in to if address not in refused]
        raise PartlyDelivered(
            f"destinataire refusé par {settings.where} : {', '.join(sorted(refused))} ; "
            f"le message est parti pour {', '.join(delivered)} et n'y sera pas renvoyé."
        )
