"""Where things live and the user's settings.

Resolution of the store: ``--db`` > ``BAILLEURS_DB`` > ``base.url`` in the config
file > ``bailleurs.db`` in the user data directory. ``BAILLEURS_HOME`` moves both
the config and the data directory (tests and scripts use it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bailleurs_cli.enums import Channel
from bailleurs_cli.errors import InvalidInput

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


@dataclass(frozen=True)
class Territories:
    """The communes (INSEE codes) and departments where the association works."""

    communes: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()

    @property
    def configured(self) -> bool:
        """True once the user has said where the association works."""
        return bool(self.communes or self.departements)


@dataclass(frozen=True)
class Settings:
    """Settings read from ``config.toml``; every field has a working default."""

    db_url: str | None = None
    delays: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DELAYS))
    stale_after_days: int = 45
    horizon_days: int = 7
    association: dict[str, str] = field(default_factory=dict)
    templates_dir: Path | None = None
    smtp: dict[str, Any] = field(default_factory=dict)
    digest_to: str | None = None
    territory_communes: tuple[str, ...] = ()
    territory_departements: tuple[str, ...] = ()
    backup_keep: int = 10
    retention_months: int = DEFAULT_RETENTION_MONTHS
    user_name: str | None = None
    path: Path | None = None

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
        return Territories(self.territory_communes, self.territory_departements)

    def delay_for(self, channel: str) -> int:
        """Follow-up delay in days after an exchange on ``channel``."""
        return self.delays.get(channel, DEFAULT_DELAYS[Channel.EMAIL])


def _positive_int(value: Any, key: str, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{path} : « {key} » doit être un nombre de jours (entier positif).")
    return value


def _months(value: Any, key: str, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(
            f"{path} : « {key} » doit être un nombre de mois (entier positif, ex. 36) ; "
            f"corrigez-le avec « bailleurs config set {key} 36 »."
        )
    return value


def _codes(value: Any, pattern: str, key: str, path: Path) -> tuple[str, ...]:
    import re

    if not isinstance(value, list) or not all(
        isinstance(v, str) and re.fullmatch(pattern, v) for v in value
    ):
        raise InvalidInput(
            f"{path} : « {key} » doit être une liste de codes ; réglez-la avec "
            "« bailleurs config territoires »."
        )
    return tuple(value)


def load_settings(path: Path | None = None) -> Settings:
    """Read the config file if it exists.

    Raises:
        InvalidInput: the file is not valid TOML or holds a wrong value.
    """
    path = path or config_dir() / CONFIG_FILE
    if not path.is_file():
        return Settings()
    import tomllib

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} : fichier de configuration illisible ({exc}).") from None
    base = raw.get("base", {})
    suivi = raw.get("suivi", {})
    delays = dict(DEFAULT_DELAYS)
    for channel, days in suivi.get("delais", {}).items():
        if channel not in DEFAULT_DELAYS:
            known = ", ".join(DEFAULT_DELAYS)
            raise InvalidInput(
                f"{path} : canal « {channel} » inconnu dans [suivi.delais] ; canaux : {known}."
            )
        delays[channel] = _positive_int(days, f"suivi.delais.{channel}", path)
    association = {str(k): str(v) for k, v in raw.get("association", {}).items()}
    templates = raw.get("modeles", {}).get("dossier")
    territories = raw.get("territoires", {})
    communes = _codes(territories.get("communes", []), r"\d{5}", "territoires.communes", path)
    departements = _codes(
        territories.get("departements", []), r"\d{2}", "territoires.departements", path
    )
    return Settings(
        territory_communes=communes,
        territory_departements=departements,
        association=association,
        templates_dir=Path(templates).expanduser() if templates else None,
        smtp=dict(raw.get("smtp", {})),
        digest_to=raw.get("digest", {}).get("to"),
        db_url=base.get("url"),
        delays=delays,
        stale_after_days=_positive_int(
            suivi.get("sans_echange_jours", 45), "suivi.sans_echange_jours", path
        ),
        horizon_days=_positive_int(suivi.get("horizon_jours", 7), "suivi.horizon_jours", path),
        backup_keep=_positive_int(raw.get("backup", {}).get("garder", 10), "backup.garder", path),
        retention_months=_months(
            raw.get("rgpd", {}).get("conservation_mois", DEFAULT_RETENTION_MONTHS),
            "rgpd.conservation_mois",
            path,
        ),
        user_name=str(raw.get("utilisateur", {}).get("nom", "")).strip() or None,
        path=path,
    )


def today_from_env() -> date:
    """Today, or ``BAILLEURS_TODAY`` (YYYY-MM-DD) when scripts and tests fix it."""
    fixed = os.environ.get("BAILLEURS_TODAY")
    if not fixed:
        return date.today()
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
