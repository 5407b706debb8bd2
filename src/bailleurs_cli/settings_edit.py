"""``bailleurs config`` and ``config set``: read and write ``config.toml`` safely.

Writing goes through tomlkit so the user's comments and layout survive, and
through a temporary file renamed over the old one, so a failed write never
leaves a half-written config. Each known key has a validator; an unknown key
is an error that lists the known ones.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bailleurs_cli import validation
from bailleurs_cli.config import CONFIG_FILE, DEFAULT_DELAYS, config_dir
from bailleurs_cli.errors import InvalidInput


def _text(value: str, key: str) -> str:
    return validation.required_text(value, key)


def _siret(value: str, key: str) -> str:
    digits = re.sub(r"\s", "", value)
    if not re.fullmatch(r"\d{14}", digits) or not _luhn(digits):
        raise InvalidInput(
            f"{key} : « {value} » invalide ; un SIRET a 14 chiffres (SIREN + NIC) dont le "
            "dernier est une clé de contrôle."
        )
    return digits


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def _email(value: str, key: str) -> str:
    try:
        return validation.email(value)
    except InvalidInput:
        raise InvalidInput(
            f"{key} : « {value} » n'est pas une adresse e-mail valide (exemple : "
            "contact@association.fr)."
        ) from None


def _phone(value: str, key: str) -> str:
    try:
        return validation.phone(value)
    except InvalidInput:
        raise InvalidInput(
            f"{key} : « {value} » n'est pas un numéro français (01 23 45 67 89)."
        ) from None


def _existing_file(value: str, key: str) -> str:
    path = Path(value).expanduser()
    if not path.is_file():
        raise InvalidInput(f"{key} : fichier « {value} » introuvable ; donnez un chemin existant.")
    if path.suffix.lower() not in {".png", ".jpg", ".jpeg"}:
        raise InvalidInput(f"{key} : « {value} » doit être une image PNG ou JPEG.")
    return str(path.resolve())


def _directory(value: str, key: str) -> str:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise InvalidInput(f"{key} : dossier « {value} » introuvable.")
    return str(path.resolve())


def _days(value: str, key: str) -> int:
    if not value.isdigit():
        raise InvalidInput(f"{key} : « {value} » doit être un nombre de jours (entier positif).")
    return int(value)


def _months(value: str, key: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise InvalidInput(
            f"{key} : « {value} » doit être un nombre de mois (entier positif, ex. 36)."
        )
    return int(value)


def _port(value: str, key: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise InvalidInput(f"{key} : « {value} » n'est pas un port (1 à 65535).")
    return int(value)


def _security(value: str, key: str) -> str:
    if value not in {"starttls", "ssl", "aucune"}:
        raise InvalidInput(
            f"{key} : « {value} » inconnu ; valeurs possibles : starttls, ssl, aucune."
        )
    return value


def _from_address(value: str, key: str) -> str:
    match = re.fullmatch(r"\s*(.*?)\s*<([^<>]+)>\s*", value)
    if match:
        return f"{match[1]} <{_email(match[2], key)}>" if match[1] else _email(match[2], key)
    return _email(value, key)


Validator = Callable[[str, str], Any]

#: Every key ``config set`` accepts, with what it means (shown by ``bailleurs config``).
KEYS: dict[str, tuple[Validator, str]] = {
    "association.nom": (_text, "nom de l'association"),
    "association.forme": (_text, "forme juridique (ex. association loi 1901)"),
    "association.adresse": (_text, "adresse du siège, sur une ligne"),
    "association.siret": (_siret, "SIRET (14 chiffres)"),
    "association.signataire": (_text, "nom de la personne qui signe"),
    "association.signataire_titre": (_text, "sa fonction (ex. présidente)"),
    "association.email": (_email, "e-mail de contact"),
    "association.telephone": (_phone, "téléphone de contact"),
    "association.logo": (_existing_file, "logo (PNG ou JPEG), facultatif"),
    "modeles.dossier": (_directory, "dossier des modèles personnalisés"),
    "base.url": (_text, "base à utiliser (chemin ou URL postgresql://…)"),
    "suivi.sans_echange_jours": (_days, "jours sans échange avant « sans nouvelles »"),
    "suivi.horizon_jours": (_days, "horizon par défaut de `next`"),
    **{
        f"suivi.delais.{channel}": (_days, f"délai de relance après un échange ({channel})")
        for channel in DEFAULT_DELAYS
    },
    "smtp.host": (_text, "serveur SMTP"),
    "smtp.port": (_port, "port SMTP"),
    "smtp.security": (_security, "starttls, ssl ou aucune"),
    "smtp.user": (_text, "identifiant SMTP"),
    "smtp.from": (_from_address, "expéditeur (« Nom <adresse> »)"),
    "smtp.password_file": (_text, "fichier contenant le mot de passe SMTP"),
    "digest.to": (_email, "destinataire du récapitulatif envoyé par cron"),
    "utilisateur.nom": (_text, "votre nom, noté sur vos échanges (défaut : nom de session)"),
    "backup.garder": (_days, "nombre de sauvegardes automatiques gardées (défaut : 10)"),
    "rgpd.conservation_mois": (
        _months,
        "mois sans échange avec le bailleur avant d'effacer ses interlocuteurs (défaut : 36)",
    ),
}

#: Keys the documents need before anything is rendered (issue #3).
ASSOCIATION_REQUIRED = (
    "nom",
    "forme",
    "adresse",
    "siret",
    "signataire",
    "signataire_titre",
    "email",
    "telephone",
)


def config_path() -> Path:
    """Where ``config.toml`` lives."""
    return config_dir() / CONFIG_FILE


def _load_document(path: Path) -> Any:
    import tomlkit

    if not path.is_file():
        return tomlkit.document()
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except Exception as exc:  # tomlkit raises its own ParseError subclasses
        raise InvalidInput(f"{path} : fichier de configuration illisible ({exc}).") from None


def _save(document: Any, path: Path) -> None:
    """Write the config through a temporary file renamed over the old one."""
    import tomlkit

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(tomlkit.dumps(document))
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def set_territories(
    communes: list[str], departements: list[str], *, path: Path | None = None
) -> tuple[list[str], list[str]]:
    """Resolve and store where the association works; returns the INSEE and department codes.

    Raises:
        InvalidInput: a department outside Île-de-France.
        NotFound: an unknown or ambiguous commune (candidates listed).
    """
    import tomlkit

    from bailleurs_cli import geo

    codes: list[str] = []
    for name in communes:
        code = geo.resolve(name, "--commune").code
        if code not in codes:
            codes.append(code)
    departments: list[str] = []
    for value in departements:
        departement = validation.departement(value)
        if departement not in departments:
            departments.append(departement)
    path = path or config_path()
    document = _load_document(path)
    section = tomlkit.table()
    section.add(tomlkit.comment(", ".join(geo.display(c) for c in codes) or "aucune commune"))
    section["communes"] = codes
    section["departements"] = departments
    document["territoires"] = section
    _save(document, path)
    return codes, departments


def set_value(key: str, value: str, *, path: Path | None = None) -> Any:
    """Validate and store one key; returns the stored value."""
    import tomlkit

    if key not in KEYS:
        known = ", ".join(KEYS)
        raise InvalidInput(f"clé « {key} » inconnue ; clés possibles : {known}.")
    validator, _ = KEYS[key]
    cleaned = validator(value, key)
    path = path or config_path()
    document = _load_document(path)
    table: Any = document
    *parents, leaf = key.split(".")
    for part in parents:
        if part not in table:
            table[part] = tomlkit.table()
        table = table[part]
    table[leaf] = cleaned
    _save(document, path)
    return cleaned


def shown_values(path: Path | None = None) -> list[tuple[str, str, str]]:
    """Every known key with its value (or « — ») and meaning; secrets never shown."""
    document = _load_document(path or config_path())
    rows = []
    for key, (_, meaning) in KEYS.items():
        node: Any = document
        for part in key.split("."):
            node = node.get(part) if hasattr(node, "get") else None
            if node is None:
                break
        rows.append((key, "—" if node is None else shown(key, node), meaning))
    return rows


def shown(key: str, value: Any) -> str:
    """A value as it may be printed: a password in a base URL never is."""
    if key == "base.url":
        from bailleurs_cli.store import redacted

        return redacted(str(value))
    return str(value)


def missing_association_keys(association: dict[str, str]) -> list[str]:
    """Required identity keys that are empty."""
    return [f"association.{k}" for k in ASSOCIATION_REQUIRED if not association.get(k)]
