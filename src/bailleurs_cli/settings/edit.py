"""``bailleurs config`` and ``config set``: read and write ``config.toml`` safely.

What each key may hold is said once, by :class:`bailleurs_cli.settings.config.ConfigFile`:
``config set`` checks the typed value with it (then the whole file with the new
value), and ``bailleurs config`` shows every key of it with its value or its default.
Writing goes through tomlkit so the user's comments and layout survive, and
through a temporary file renamed over the old one, so a failed write never
leaves a half-written config.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bailleurs_cli import files, validation
from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.settings import config
from bailleurs_cli.settings.config import CONFIG_FILE, config_dir

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
    config.read_toml(path)  # not TOML: the same French line as every other command
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except Exception as exc:  # tomlkit raises its own ParseError subclasses
        raise config.unreadable(path, exc) from None


def _save(document: Any, path: Path) -> None:
    """Write the config through a temporary file renamed over the old one."""
    import tomlkit

    files.write_atomic(
        path,
        tomlkit.dumps(document).encode("utf-8"),
        mode=0o600,
        parents=True,
        fix="vérifiez le dossier de configuration",
    )


def set_territories(
    communes: list[str], departements: list[str], *, path: Path | None = None
) -> tuple[list[str], list[str]]:
    """Resolve and store where the association works; returns the INSEE and department codes.

    Raises:
        InvalidInput: a department outside Île-de-France.
        NotFound: an unknown or ambiguous commune (candidates listed).
    """
    import tomlkit

    from bailleurs_cli.ground import geo

    codes: list[str] = []
    for name in communes:
        code = geo.resolve(name, "commune").code
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
    """Check ``value`` for ``key`` with the model, store it; returns the stored value.

    The file is written only if the whole document, with the new value, holds no error
    at this key; an error elsewhere in the file is left for its own ``config set``.

    Raises:
        InvalidInput: an unknown key, a wrong value, or a section of the file that is
            not a table where the key should go.
    """
    import tomlkit

    cleaned = config.entered_value(key, value)
    path = path or config_path()
    document = _load_document(path)
    table: Any = document
    *parents, leaf = key.split(".")
    for part in parents:
        if part not in table:
            table[part] = tomlkit.table()
        elif not isinstance(table[part], Mapping):
            raise config.problem_at(key, document.unwrap(), path) or InvalidInput(
                f"{path} : {part} n'est pas une section."
            )
        table = table[part]
    table[leaf] = cleaned
    problem = config.problem_at(key, document.unwrap(), path)
    if problem is not None:
        raise problem
    _save(document, path)
    return cleaned


def shown_values(path: Path | None = None) -> list[tuple[str, str, str]]:
    """Every key with its value (or its default, marked) and meaning; secrets never shown.

    Raises:
        InvalidInput: the file is not valid (the same line as every other command).
    """
    path = path or config_path()
    file = config.read_config(config.read_toml(path), path) if path.is_file() else None
    settings = config.Settings() if file is None else config.Settings(file, path)
    return [(key, _shown_value(settings, key), meaning) for key, meaning in config.keys().items()]


def _shown_value(settings: config.Settings, key: str) -> str:
    value, is_set = config.value_at(settings.file, key)
    if key == "base.url":
        override = os.environ.get("BAILLEURS_DB")
        if override:
            return f"{shown(key, override)} (BAILLEURS_DB)"
        if not is_set:
            return f"{config.data_dir() / config.DB_FILE} (défaut)"
    if is_set:
        return shown(key, value)
    if key == "smtp.port":
        value = settings.file.smtp.effective_port
    elif key == "utilisateur.nom":
        value = settings.author
    return "—" if value is None else f"{value} (défaut)"


def shown(key: str, value: Any) -> str:
    """A value as it may be printed: a password in a base URL never is."""
    if key == "base.url":
        from bailleurs_cli.store.core import redacted

        return redacted(str(value))
    return str(value)


def missing_association_keys(association: dict[str, str]) -> list[str]:
    """Required identity keys that are empty."""
    return [f"association.{k}" for k in ASSOCIATION_REQUIRED if not association.get(k)]
