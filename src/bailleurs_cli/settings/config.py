"""Where things live and the user's settings.

Resolution of the store: ``--db`` > ``BAILLEURS_DB`` > ``base.url`` in the config
file > ``bailleurs.db`` in the user data directory. ``BAILLEURS_HOME`` moves both
the config and the data directory (tests and scripts use it).

What ``config.toml`` may hold is said once, by the pydantic model :class:`ConfigFile`:
its sections and keys, their types, bounds, defaults, meaning and French messages.
Loading (:func:`load_settings`), ``config set`` and ``bailleurs config``
(``settings_edit``) all go through it, so a hand-edited file is refused with one
line naming the key, the file and the fix instead of crashing later (issue 13).
:class:`Settings` wraps the validated file with the flat names the code reads
(``settings.horizon_days``…). pydantic-settings is not used: the file must be
written back with its comments (tomlkit), and the only environment overrides,
``BAILLEURS_DB`` (below ``--db``) and ``BAILLEURS_SMTP_PASSWORD`` (a secret never
stored), do not map onto keys of the file.
"""

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeGuard

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bailleurs_cli.enums import Channel
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.files import reason
from bailleurs_cli.ground.geo import Territories

APP_NAME = "bailleurs"
CONFIG_FILE = "config.toml"
DB_FILE = "bailleurs.db"

#: Default follow-up delays in days, per channel: a letter takes longer to land
#: than an e-mail, a call is relaunched sooner. Overridable in ``[suivi.delais]``.
DEFAULT_DELAYS: dict[str, int] = {
    Channel.EMAIL: 10,
    Channel.PHONE: 7,
    Channel.MEETING: 14,
    Channel.VIDEO: 14,
    Channel.LETTER: 21,
    Channel.VISIT: 14,
    Channel.EVENT: 14,
}

#: How long people are kept once their landlord has gone silent, in months (RGPD).
#: The CNIL's rule for prospection contacts: three years from the last contact
#: (référentiel « gestion commerciale », https://www.cnil.fr/fr/les-durees-de-conservation-des-donnees).
DEFAULT_RETENTION_MONTHS = 36

#: SMTP port used when ``smtp.port`` is not set, by ``smtp.security``.
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "aucune": 25}

#: Longest delay or horizon, in days: ten years. Beyond it a date computation can
#: overflow (``suivi.horizon_jours = 99999999999999999999`` crashed every ``next``).
MAX_DAYS = 3650


def config_dir() -> Path:
    """Directory of ``config.toml``."""
    home = os.environ.get("BAILLEURS_HOME")
    if home:
        return Path(home)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def backup_dir() -> Path:
    """Where bailleurs keeps the backups it makes (``sauvegardes`` in the data directory)."""
    return data_dir() / "sauvegardes"


def data_dir() -> Path:
    """Directory of the default SQLite store."""
    home = os.environ.get("BAILLEURS_HOME")
    if home:
        return Path(home)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


# --- The model of config.toml ------------------------------------------------------
#
# Types and bounds are pydantic's own (cheap to build: ``next`` reads the file on
# every run). Each key carries an :class:`Expect` saying in French what it must be;
# ``_problem`` turns any pydantic error on that key into that phrase, unless a check
# below raised a phrase of its own. The checks that need email_validator or the disk
# run only on a value being typed (``config set``: ``context={"input": True}``), so
# ``next`` neither imports email_validator nor looks for the logo.


@dataclass(frozen=True)
class Expect:
    """What a key must hold, said after its value: « n'est pas un port (1 à 65535) »."""

    phrase: str


_ERROR = "bailleurs"  # pydantic error type of the phrases raised by the checks below


def _refuse(phrase: str) -> PydanticCustomError:
    return PydanticCustomError(_ERROR, "{phrase}", {"phrase": phrase})


def _entered(info: ValidationInfo) -> bool:
    """True when the value is being typed by the user (``config set``), not read."""
    return bool(info.context and info.context.get("input"))


_EMAIL_SHAPE = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def _email(value: str | None, info: ValidationInfo) -> str | None:
    if value is None:
        return None
    if not _entered(info):  # read back: its shape only, email_validator is for input
        if not _EMAIL_SHAPE.fullmatch(value):
            raise _refuse("n'est pas une adresse e-mail")
        return value
    from bailleurs_cli import validation

    try:
        return validation.email(value)
    except InvalidInput:
        raise _refuse(
            "n'est pas une adresse e-mail valide (exemple : contact@association.fr)"
        ) from None


def _sender(value: str | None, info: ValidationInfo) -> str | None:
    """« Nom <adresse> » or a bare address; the address is checked as an e-mail."""
    if value is None:
        return None
    match = re.fullmatch(r"(.*?)\s*<([^<>]+)>", value)
    if not match:
        return _email(value, info)
    address = _email(match[2].strip(), info)
    return f"{match[1]} <{address}>" if match[1] else address


def _phone(value: str | None) -> str | None:
    from bailleurs_cli import validation

    try:
        return None if value is None else validation.phone(value)
    except InvalidInput:
        raise _refuse("n'est pas un numéro français (01 23 45 67 89)") from None


def _siret(value: str | None) -> str | None:
    if value is None:
        return None
    from bailleurs_cli.validation import is_siret

    digits = re.sub(r"\s", "", value)
    if not is_siret(digits):
        raise _refuse(
            "invalide ; un SIRET a 14 chiffres (SIREN + NIC) dont le dernier est une clé de "
            "contrôle"
        )
    return digits


def _image(value: str | None, info: ValidationInfo) -> str | None:
    if value is None:
        return None
    if Path(value).suffix.lower() not in {".png", ".jpg", ".jpeg"}:
        raise _refuse("n'est pas une image PNG ou JPEG")
    if not _entered(info):
        return value
    path = Path(value).expanduser()
    if not path.is_file():
        raise _refuse("introuvable ; donnez le chemin d'un fichier existant")
    return str(path.resolve())


def _folder(value: str | None, info: ValidationInfo) -> str | None:
    if value is None or not _entered(info):
        return value
    path = Path(value).expanduser()
    if not path.is_dir():
        raise _refuse("introuvable ; donnez le chemin d'un dossier existant")
    return str(path.resolve())


def _article(value: str | None) -> str | None:
    if value is None:
        return None
    folded = value.strip().lower().replace("’", "'")
    if folded not in ("le", "la", "les", "l'", "aucun"):  # formatting.ARTICLES
        raise _refuse("n'est pas un article : le, la, les, l' ou aucun")
    return folded


Text = Annotated[str | None, Expect("n'est pas un texte")]
Article = Annotated[
    str | None, AfterValidator(_article), Expect("n'est pas un article : le, la, les, l' ou aucun")
]
Email = Annotated[str | None, AfterValidator(_email), Expect("n'est pas une adresse e-mail")]
Sender = Annotated[
    str | None,
    AfterValidator(_sender),
    Expect("n'est pas un expéditeur « Nom <adresse> » ni une adresse e-mail"),
]
Phone = Annotated[str | None, AfterValidator(_phone), Expect("n'est pas un numéro de téléphone")]
Siret = Annotated[str | None, AfterValidator(_siret), Expect("n'est pas un SIRET (14 chiffres)")]
Image = Annotated[str | None, AfterValidator(_image), Expect("n'est pas un chemin d'image")]
Folder = Annotated[str | None, AfterValidator(_folder), Expect("n'est pas un chemin de dossier")]
Days = Annotated[
    int, Field(ge=0, le=MAX_DAYS), Expect(f"n'est pas un nombre de jours (0 à {MAX_DAYS})")
]


class Section(BaseModel):
    """A table of ``config.toml``: unknown keys are refused, texts are stripped and not
    empty, values are final. Defaults are made with ``model_construct`` (valid by
    construction): no schema is built when there is no file to read."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        str_min_length=1,
        defer_build=True,
    )


class AssociationSection(Section):
    """``[association]``: the identity printed on letters and conventions."""

    nom: Text = Field(None, description="nom de l'association", examples=["Les Ateliers"])
    forme: Text = Field(
        None,
        description="forme juridique (ex. association loi 1901)",
        examples=["association loi 1901"],
    )
    adresse: Text = Field(
        None,
        description="adresse du siège, sur une ligne",
        examples=["6 rue Carnot, 93100 Montreuil"],
    )
    siret: Siret = Field(None, description="SIRET (14 chiffres)", examples=["73282932000074"])
    signataire: Text = Field(
        None, description="nom de la personne qui signe", examples=["Camille Martin"]
    )
    signataire_titre: Text = Field(
        None, description="sa fonction (ex. présidente)", examples=["présidente"]
    )
    email: Email = Field(None, description="e-mail de contact", examples=["contact@association.fr"])
    telephone: Phone = Field(None, description="téléphone de contact", examples=["01 23 45 67 89"])
    logo: Image = Field(None, description="logo (PNG ou JPEG), facultatif", examples=["~/logo.png"])
    article: Article = Field(
        None,
        description="article du nom dans une phrase (« des Ateliers ») : le, la, les, l' ou "
        "aucun ; lu dans le nom sinon",
        examples=["les"],
    )


class TemplatesSection(Section):
    """``[modeles]``."""

    dossier: Folder = Field(
        None, description="dossier des modèles personnalisés", examples=["~/modeles"]
    )


class BaseSection(Section):
    """``[base]``."""

    url: Text = Field(
        None,
        description="base à utiliser (chemin ou URL postgresql://…)",
        examples=["~/bailleurs.db"],
    )


class DelaysSection(Section):
    """``[suivi.delais]``: days before relaunching, by channel of the last exchange."""

    email: Days = Field(
        DEFAULT_DELAYS[Channel.EMAIL], description="délai de relance après un e-mail"
    )
    telephone: Days = Field(
        DEFAULT_DELAYS[Channel.PHONE], description="délai de relance après un appel"
    )
    rdv: Days = Field(
        DEFAULT_DELAYS[Channel.MEETING], description="délai de relance après un rendez-vous"
    )
    visio: Days = Field(
        DEFAULT_DELAYS[Channel.VIDEO], description="délai de relance après une visio"
    )
    courrier: Days = Field(
        DEFAULT_DELAYS[Channel.LETTER], description="délai de relance après un courrier"
    )
    visite: Days = Field(
        DEFAULT_DELAYS[Channel.VISIT], description="délai de relance après une visite"
    )
    evenement: Days = Field(
        DEFAULT_DELAYS[Channel.EVENT], description="délai de relance après un événement"
    )


class FollowUpSection(Section):
    """``[suivi]``."""

    sans_echange_jours: Days = Field(45, description="jours sans échange avant « sans nouvelles »")
    horizon_jours: Days = Field(7, description="horizon par défaut de « bailleurs next », en jours")
    delais: DelaysSection = DelaysSection.model_construct()


class SmtpSection(Section):
    """``[smtp]``: the password is never here (``BAILLEURS_SMTP_PASSWORD`` or a file)."""

    host: Text = Field(None, description="serveur SMTP", examples=["smtp.exemple.fr"])
    port: Annotated[int | None, Field(ge=1, le=65535), Expect("n'est pas un port (1 à 65535)")] = (
        Field(None, description="port SMTP (défaut selon smtp.security)", examples=["587"])
    )
    security: Annotated[
        Literal["starttls", "ssl", "aucune"],
        Expect("inconnu ; valeurs possibles : starttls, ssl, aucune"),
    ] = Field("starttls", description="starttls, ssl ou aucune")
    user: Text = Field(None, description="identifiant SMTP", examples=["contact@association.fr"])
    sender: Sender = Field(
        None,
        alias="from",
        description="expéditeur (« Nom <adresse> »)",
        examples=['"Association <contact@association.fr>"'],
    )
    password_file: Text = Field(
        None,
        description="fichier contenant le mot de passe SMTP",
        examples=["~/.config/bailleurs/smtp-mot-de-passe"],
    )

    @property
    def effective_port(self) -> int:
        """``smtp.port``, else the usual port of ``smtp.security``."""
        return self.port or DEFAULT_PORTS[self.security]


class DigestSection(Section):
    """``[digest]``."""

    to: Email = Field(
        None,
        description="destinataire du récapitulatif envoyé par cron",
        examples=["equipe@association.fr"],
    )


class UserSection(Section):
    """``[utilisateur]``."""

    nom: Text = Field(
        None,
        description="votre nom, noté sur vos échanges (défaut : nom de session)",
        examples=["Camille Martin"],
    )


class BackupSection(Section):
    """``[backup]``."""

    garder: Annotated[
        int, Field(ge=1, le=1000), Expect("n'est pas un nombre de sauvegardes (1 à 1000)")
    ] = Field(10, description="nombre de sauvegardes automatiques gardées")


class PrivacySection(Section):
    """``[rgpd]``."""

    conservation_mois: Annotated[
        int, Field(ge=1, le=120), Expect("n'est pas un nombre de mois (1 à 120)")
    ] = Field(
        DEFAULT_RETENTION_MONTHS,
        description="mois sans échange avec le bailleur avant d'effacer ses interlocuteurs",
    )


class TerritoriesSection(Section):
    """``[territoires]``: written by ``config territoires`` (codes resolved from names)."""

    communes: Annotated[
        list[Annotated[str, Field(pattern=r"^[0-9]{5}$")]],
        Expect("n'est pas une liste de codes INSEE de communes (5 chiffres)"),
    ] = Field([], description="communes (codes INSEE)")
    departements: Annotated[
        list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]],
        Expect("n'est pas une liste de numéros de département (2 chiffres)"),
    ] = Field([], description="départements")


class ConfigFile(Section):
    """Everything ``config.toml`` may hold; every key has a working default."""

    association: AssociationSection = AssociationSection.model_construct()
    modeles: TemplatesSection = TemplatesSection.model_construct()
    base: BaseSection = BaseSection.model_construct()
    suivi: FollowUpSection = FollowUpSection.model_construct()
    smtp: SmtpSection = SmtpSection.model_construct()
    digest: DigestSection = DigestSection.model_construct()
    utilisateur: UserSection = UserSection.model_construct()
    backup: BackupSection = BackupSection.model_construct()
    rgpd: PrivacySection = PrivacySection.model_construct()
    territoires: TerritoriesSection = TerritoriesSection.model_construct()


#: Sections set by a command of their own rather than ``config set``.
SET_BY_COMMAND = {"territoires": "bailleurs config territoires"}


def _is_section(annotation: Any) -> TypeGuard[type[Section]]:
    return isinstance(annotation, type) and issubclass(annotation, Section)


def _toml_name(name: str, model: type[BaseModel]) -> str:
    alias = model.model_fields[name].alias
    return alias or name


def _walk(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, type[BaseModel], str]]:
    """Every leaf key of ``model``: (dotted key, its section, field name)."""
    for name, info in model.model_fields.items():
        key = prefix + _toml_name(name, model)
        if _is_section(info.annotation):
            yield from _walk(info.annotation, key + ".")
        else:
            yield key, model, name


def keys() -> dict[str, str]:
    """Every key ``config set`` accepts, with its meaning (shown by ``bailleurs config``)."""
    return {
        key: model.model_fields[name].description or ""
        for key, model, name in _walk(ConfigFile)
        if key.split(".")[0] not in SET_BY_COMMAND
    }


def _field(key: str) -> tuple[type[BaseModel], str] | None:
    """The section and field name of a dotted key, or None."""
    for known, model, name in _walk(ConfigFile):
        if known == key:
            return model, name
    return None


def value_at(file: ConfigFile, key: str) -> tuple[Any, bool]:
    """The value of a dotted key in ``file``, and whether the file sets it (else a default)."""
    *parents, leaf = key.split(".")
    section: BaseModel = file
    for part in parents:
        section = getattr(section, part)
    model = type(section)
    name = next(n for n in model.model_fields if _toml_name(n, model) == leaf)
    return getattr(section, name), name in section.model_fields_set


def _section_at(parts: list[str]) -> type[BaseModel] | None:
    """The section model at ``parts`` (``[]`` is the whole file)."""
    model: type[BaseModel] = ConfigFile
    for part in parts:
        names = {_toml_name(n, model): i.annotation for n, i in model.model_fields.items()}
        inner = names.get(part)
        if not _is_section(inner):
            return None
        model = inner
    return model


# --- French messages ---------------------------------------------------------------


def toml_value(value: Any) -> str:
    """A value as TOML writes it, cut when long: ``"vingt-cinq"``, ``3``, ``[1, 2]``."""
    import json

    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):  # TOML's basic strings escape as JSON does
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        text = "[" + ", ".join(toml_value(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _example(key: str) -> str:
    found = _field(key)
    if found is None:
        return "VALEUR"
    model, name = found
    info = model.model_fields[name]
    example = info.examples[0] if info.examples else info.default
    text = str(example)
    return f'"{text}"' if " " in text and not text.startswith('"') else text


def _lookup(raw: Any, parts: list[str]) -> Any:
    for part in parts:
        raw = raw.get(part) if isinstance(raw, Mapping) else None
    return raw


@dataclass(frozen=True)
class Problem:
    """What is wrong in the file: at ``key``, the ``sentence`` after ``key = value``."""

    key: str
    sentence: str  # « n'est pas un port (1 à 65535) »
    fix: str  # « corrigez-le avec « bailleurs config set smtp.port 587 » », or ""
    unknown: bool = False  # an unknown key or section: ``sentence`` says it all


def _sentence(error: ErrorDetails, key: str) -> str:
    """What is wrong with the value of ``key``, said after it."""
    if error["type"] == _ERROR:
        return str(error.get("ctx", {})["phrase"])
    if error["type"] == "string_too_short":
        return "est vide"
    found = _field(key)
    if found is not None:
        model, name = found
        for marker in model.model_fields[name].metadata:
            if isinstance(marker, Expect):
                return marker.phrase
    return "n'est pas une valeur possible"


def _problem(error: ErrorDetails) -> Problem:
    """Say the first pydantic error in French, with its key and the fix."""
    parts = [str(p) for p in error["loc"] if not isinstance(p, int)]
    key = ".".join(parts)
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _section_at(parts[:-1]) or ConfigFile
        names = [_toml_name(n, parent) for n in parent.model_fields]
        if not parts[:-1]:
            what = f"section [{key}]" if isinstance(error["input"], dict) else f"clé « {key} »"
            return Problem(
                key, f"{what} inconnue ; sections possibles : {', '.join(names)}", "", True
            )
        where = ".".join(parts[:-1])
        return Problem(
            key,
            f"clé « {key} » inconnue ; clés possibles dans [{where}] : {', '.join(names)}",
            "",
            True,
        )
    section = _section_at(parts)
    if section is not None:  # a value where a table is expected
        names = [_toml_name(n, section) for n in section.model_fields]
        return Problem(
            key,
            "n'est pas une section",
            f"remplacez cette ligne par une section [{key}] (clés possibles : "
            f"{', '.join(names)}) ou supprimez-la",
        )
    sentence = _sentence(error, key)
    command = SET_BY_COMMAND.get(parts[0])
    if command:
        return Problem(key, sentence, f"réglez-la avec « {command} »")
    return Problem(
        key, sentence, f"corrigez-le avec « bailleurs config set {key} {_example(key)} »"
    )


def file_error(path: Path | None, raw: Mapping[str, Any], error: ErrorDetails) -> InvalidInput:
    """One French line for a wrong ``config.toml``: the file, the key, its value, the fix."""
    problem = _problem(error)
    where = f"{path} : " if path else ""
    if problem.unknown:
        return InvalidInput(f"{where}{problem.sentence}.")
    value = toml_value(_lookup(raw, problem.key.split(".")))
    return InvalidInput(f"{where}{problem.key} = {value} {problem.sentence} ; {problem.fix}.")


def section_error(name: str, raw: Mapping[str, Any], exc: ValidationError) -> InvalidInput:
    """:func:`file_error` for one section validated on its own (``[smtp]`` given by a script)."""
    error = exc.errors()[0]
    return file_error(None, {name: raw}, {**error, "loc": (name, *error["loc"])})


def unreadable(path: Path, exc: Exception) -> InvalidInput:
    """A config file that is not TOML (tomllib or tomlkit), in French."""
    found = re.search(r"line (\d+),? col(?:umn)? (\d+)", str(exc))
    where = f" à la ligne {found[1]}, colonne {found[2]}" if found else ""
    return InvalidInput(
        f"{path} : syntaxe TOML invalide{where} ; corrigez-la à la main (une clé = valeur "
        'par ligne, textes entre guillemets droits : nom = "Les Ateliers").'
    )


def read_config(raw: Mapping[str, Any], path: Path) -> ConfigFile:
    """Validate a parsed ``config.toml``.

    Raises:
        InvalidInput: a wrong value, an unknown key or section (one line, with the fix).
    """
    try:
        return ConfigFile.model_validate(raw, strict=True)
    except ValidationError as exc:
        raise file_error(path, raw, exc.errors()[0]) from None


def entered_value(key: str, value: str) -> Any:
    """``value`` typed for ``key`` (``config set``), checked and normalised by the model.

    Raises:
        InvalidInput: an unknown key, or a value the model refuses.
    """
    known = keys()
    if key not in known:
        command = SET_BY_COMMAND.get(key.split(".")[0])
        if command:
            raise InvalidInput(f"« {key} » se règle avec « {command} ».")
        raise InvalidInput(f"clé « {key} » inconnue ; clés possibles : {', '.join(known)}.")
    *parents, leaf = key.split(".")
    document: dict[str, Any] = {leaf: value}
    for part in reversed(parents):
        document = {part: document}
    try:
        checked = ConfigFile.model_validate(document, context={"input": True})
    except ValidationError as exc:
        if not value.strip():
            raise InvalidInput(f"{key} : valeur vide ; donnez une valeur.") from None
        sentence = _problem(exc.errors()[0]).sentence
        raise InvalidInput(f"{key} : « {value} » {sentence}.") from None
    return value_at(checked, key)[0]


def problem_at(key: str, raw: Mapping[str, Any], path: Path) -> InvalidInput | None:
    """The error a whole document has at ``key`` (or a section above it), if any."""
    try:
        ConfigFile.model_validate(raw, strict=True)
    except ValidationError as exc:
        for error in exc.errors():
            at = ".".join(str(p) for p in error["loc"] if not isinstance(p, int))
            if key == at or key.startswith(at + "."):
                return file_error(path, raw, error)
    return None


# --- What the rest of the code reads -----------------------------------------------


def _as_dict(section: Section) -> dict[str, Any]:
    """The keys of ``section`` that have a value, named as in the file.

    Not ``model_dump``: that would build the model's schema, which reading no file
    never needs.
    """
    fields = type(section).model_fields
    values = {info.alias or name: getattr(section, name) for name, info in fields.items()}
    return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class Settings:
    """The validated ``config.toml`` (defaults when absent), as the code reads it."""

    file: ConfigFile = field(default_factory=ConfigFile.model_construct)
    path: Path | None = None

    @property
    def db_url(self) -> str | None:
        """``base.url`` (``--db`` and ``BAILLEURS_DB`` win: see :func:`resolve_db_url`)."""
        return self.file.base.url

    @property
    def delays(self) -> dict[str, int]:
        """Follow-up delay in days, by channel (``[suivi.delais]``)."""
        return _as_dict(self.file.suivi.delais)

    @property
    def stale_after_days(self) -> int:
        """Days without an exchange before a landlord is « sans nouvelles »."""
        return self.file.suivi.sans_echange_jours

    @property
    def horizon_days(self) -> int:
        """Default horizon of ``next`` and ``digest``."""
        return self.file.suivi.horizon_jours

    @property
    def association(self) -> dict[str, str]:
        """The ``[association]`` keys that are set."""
        return _as_dict(self.file.association)

    @property
    def logo(self) -> str | None:
        """``association.logo``: the image every document puts in its letterhead."""
        return self.association.get("logo") or None

    @property
    def templates_dir(self) -> Path | None:
        """``modeles.dossier``."""
        folder = self.file.modeles.dossier
        return Path(folder).expanduser() if folder else None

    @property
    def smtp(self) -> dict[str, Any]:
        """The ``[smtp]`` keys that are set, named as in the file (``from``)."""
        return _as_dict(self.file.smtp)

    @property
    def digest_to(self) -> str | None:
        """``digest.to``."""
        return self.file.digest.to

    @property
    def backup_keep(self) -> int:
        """``backup.garder``."""
        return self.file.backup.garder

    @property
    def retention_months(self) -> int:
        """``rgpd.conservation_mois``."""
        return self.file.rgpd.conservation_mois

    @property
    def user_name(self) -> str | None:
        """``utilisateur.nom``."""
        return self.file.utilisateur.nom

    @property
    def author(self) -> str | None:
        """Who is at the keyboard (``utilisateur.nom``, else the login name)."""
        if self.user_name:
            return self.user_name
        import getpass

        try:
            return getpass.getuser()
        except (OSError, KeyError):  # no login name (some containers)
            return None

    @property
    def territories(self) -> Territories:
        """Where the association works (``[territoires]``)."""
        zones = self.file.territoires
        return Territories(tuple(zones.communes), tuple(zones.departements))

    def delay_for(self, channel: str) -> int:
        """Follow-up delay in days after an exchange on ``channel``."""
        return self.delays.get(channel, DEFAULT_DELAYS[Channel.EMAIL])


def read_toml(path: Path) -> dict[str, Any]:
    """Parse ``path`` with tomllib; a file that is not TOML is one French line."""
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise unreadable(path, exc) from None
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{path} : fichier illisible, il n'est pas en UTF-8 ; réenregistrez-le en UTF-8."
        ) from None
    except OSError as exc:
        raise InvalidInput(f"{path} : lecture impossible ({reason(exc)}).") from None


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file if it exists.

    Raises:
        InvalidInput: the file is not valid TOML, holds a wrong value or an unknown key.
    """
    path = path or config_dir() / CONFIG_FILE
    if not path.is_file():
        return Settings()
    return Settings(read_config(read_toml(path), path), path)


def paris_now() -> datetime:
    """The wall clock in Paris, naive (file names, listings): what the user's clock says,
    whatever the server's time zone."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Paris")).replace(tzinfo=None)


def today_from_env() -> date:
    """Today in Paris (the day the mails' Date header says, whatever the server's
    time zone: a cron on a UTC server at 0:30 is already tomorrow there), or
    ``BAILLEURS_TODAY`` (YYYY-MM-DD) when scripts and tests fix it."""
    fixed = os.environ.get("BAILLEURS_TODAY")
    if not fixed:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Europe/Paris")).date()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise InvalidInput(
            f"BAILLEURS_TODAY : « {fixed} » n'est pas une date AAAA-MM-JJ."
        ) from None


def resolve_db_url(option: str | None, settings: Settings) -> str:
    """Turn ``--db`` / ``BAILLEURS_DB`` / config / default into a SQLAlchemy URL.

    A plain path is a SQLite file; ``postgresql://`` URLs use psycopg 3.
    """
    value = option or os.environ.get("BAILLEURS_DB") or settings.db_url
    if not value:
        return f"sqlite:///{data_dir() / DB_FILE}"
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    return value
