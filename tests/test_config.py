"""config.toml is described once (``config.ConfigFile``): read, ``config set``, ``config``.

A hand-edited file that the model refuses is one French line naming the file, the
key, its value and the fix, for every command (issue 13: ``port = "vingt-cinq"``,
``suivi = 3`` and a 20-digit horizon used to crash with a traceback).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bailleurs_cli.errors import InvalidInput
from bailleurs_cli.reminders import mailer
from bailleurs_cli.settings import config

from .conftest import Run

SECTIONS = "association, modeles, base, suivi, smtp, digest, utilisateur, backup, rgpd, territoires"
ASSOCIATION_KEYS = (
    "nom, forme, adresse, siret, signataire, signataire_titre, email, telephone, logo, article"
)

BAD_FILES = [
    pytest.param(
        '[smtp]\nport = "vingt-cinq"\n',
        'smtp.port = "vingt-cinq" n\'est pas un port (1 à 65535) ; corrigez-le avec '
        "« bailleurs config set smtp.port 587 ».",
        id="port-en-lettres",
    ),
    pytest.param(
        "suivi = 3\n",
        "suivi = 3 n'est pas une section ; remplacez cette ligne par une section [suivi] "
        "(clés possibles : sans_echange_jours, horizon_jours, delais) ou supprimez-la.",
        id="section-en-nombre",
    ),
    pytest.param(
        "[suivi]\nhorizon_jours = 99999999999999999999\n",
        "suivi.horizon_jours = 99999999999999999999 n'est pas un nombre de jours (0 à 3650) ; "
        "corrigez-le avec « bailleurs config set suivi.horizon_jours 7 ».",
        id="horizon-demesure",
    ),
    pytest.param(
        '[couleurs]\nfond = "bleu"\n',
        f"section [couleurs] inconnue ; sections possibles : {SECTIONS}.",
        id="section-inconnue",
    ),
    pytest.param(
        '[association]\ncouleur = "bleu"\n',
        "clé « association.couleur » inconnue ; clés possibles dans [association] : "
        f"{ASSOCIATION_KEYS}.",
        id="cle-inconnue",
    ),
    pytest.param(
        "[association]\nnom = 1901\n",
        "association.nom = 1901 n'est pas un texte ; corrigez-le avec "
        '« bailleurs config set association.nom "Les Ateliers" ».',
        id="nombre-au-lieu-d-un-texte",
    ),
    pytest.param(
        "[suivi.delais]\ncourrier = -3\n",
        "suivi.delais.courrier = -3 n'est pas un nombre de jours (0 à 3650) ; corrigez-le avec "
        "« bailleurs config set suivi.delais.courrier 21 ».",
        id="delai-negatif",
    ),
    pytest.param(
        'association = ["Les Ateliers"]\n',
        'association = ["Les Ateliers"] n\'est pas une section ; remplacez cette ligne par une '
        f"section [association] (clés possibles : {ASSOCIATION_KEYS}) ou supprimez-la.",
        id="liste-au-lieu-d-une-section",
    ),
    pytest.param(
        "[backup]\ngarder = true\n",
        "backup.garder = true n'est pas un nombre de sauvegardes (1 à 1000) ; corrigez-le avec "
        "« bailleurs config set backup.garder 10 ».",
        id="booleen-au-lieu-d-un-nombre",
    ),
    pytest.param(
        '[territoires]\ncommunes = ["Montreuil"]\n',
        'territoires.communes = ["Montreuil"] n\'est pas une liste de codes INSEE de communes '
        "(5 chiffres) ; réglez-la avec « bailleurs config territoires ».",
        id="commune-en-toutes-lettres",
    ),
    pytest.param(
        "[suivi\nhorizon_jours = 7\n",
        "syntaxe TOML invalide à la ligne 1, colonne 7 ; corrigez-la à la main (une clé = "
        'valeur par ligne, textes entre guillemets droits : nom = "Les Ateliers").',
        id="toml-invalide",
    ),
]


@pytest.mark.parametrize(("text", "line"), BAD_FILES)
@pytest.mark.parametrize("command", [["next"], ["digest"], ["config"]])
def test_a_bad_file_is_one_line_with_the_fix(
    run: Run, home: Path, text: str, line: str, command: list[str]
) -> None:
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    result = run(*command)
    assert (result.exit_code, result.stdout) == (1, ""), result
    assert result.stderr == f"Erreur : {path} : {line}\n"
    assert "\u00a0:" in result.raw_stderr  # French spacing, as every message


def test_the_suggested_fix_works_and_keeps_the_comments(run: Run, home: Path) -> None:
    path = home / "config.toml"
    path.write_text(
        '# réglages de l\'équipe\n[smtp]\nhost = "smtp.exemple.fr" # le relais\n'
        'port = "vingt-cinq"\n',
        encoding="utf-8",
    )
    assert run("next").exit_code == 1
    fixed = run("config", "set", "smtp.port", "587")
    assert (fixed.exit_code, fixed.stderr) == (0, "smtp.port = 587\n")
    assert path.read_text(encoding="utf-8") == (
        '# réglages de l\'équipe\n[smtp]\nhost = "smtp.exemple.fr" # le relais\nport = 587\n'
    )
    assert run("next").exit_code == 0


def test_longest_horizon_is_read_without_overflow(run: Run, home: Path) -> None:
    (home / "config.toml").write_text(
        "[suivi]\nhorizon_jours = 3650\nsans_echange_jours = 3650\n", encoding="utf-8"
    )
    assert run("next").exit_code == 0
    assert run("digest").exit_code == 0


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "suivi.horizon_jours",
            "99999999999999999999",
            "suivi.horizon_jours : « 99999999999999999999 » n'est pas un nombre de jours "
            "(0 à 3650).",
        ),
        (
            "suivi.delais.email",
            "3651",
            "suivi.delais.email : « 3651 » n'est pas un nombre de jours (0 à 3650).",
        ),
        ("smtp.port", "0", "smtp.port : « 0 » n'est pas un port (1 à 65535)."),
        ("smtp.port", "65536", "smtp.port : « 65536 » n'est pas un port (1 à 65535)."),
        ("smtp.port", "vingt-cinq", "smtp.port : « vingt-cinq » n'est pas un port (1 à 65535)."),
        (
            "smtp.security",
            "tls",
            "smtp.security : « tls » inconnu ; valeurs possibles : starttls, ssl, aucune.",
        ),
        (
            "backup.garder",
            "0",
            "backup.garder : « 0 » n'est pas un nombre de sauvegardes (1 à 1000).",
        ),
        (
            "rgpd.conservation_mois",
            "121",
            "rgpd.conservation_mois : « 121 » n'est pas un nombre de mois (1 à 120).",
        ),
        ("association.nom", "  ", "association.nom : valeur vide ; donnez une valeur."),
        (
            "association.telephone",
            "12 34",
            "association.telephone : « 12 34 » n'est pas un numéro français (01 23 45 67 89).",
        ),
        (
            "digest.to",
            "equipe",
            "digest.to : « equipe » n'est pas une adresse e-mail valide (exemple : "
            "contact@association.fr).",
        ),
        (
            "smtp.from",
            "Les Ateliers <contact>",
            "smtp.from : « Les Ateliers <contact> » n'est pas une adresse e-mail valide "
            "(exemple : contact@association.fr).",
        ),
        (
            "association.logo",
            "logo.gif",
            "association.logo : « logo.gif » n'est pas une image PNG ou JPEG.",
        ),
        (
            "association.logo",
            "absent.png",
            "association.logo : « absent.png » introuvable ; donnez le chemin d'un fichier "
            "existant.",
        ),
        (
            "modeles.dossier",
            "absent",
            "modeles.dossier : « absent » introuvable ; donnez le chemin d'un dossier existant.",
        ),
        (
            "territoires.communes",
            "93066",
            "« territoires.communes » se règle avec « bailleurs config territoires ».",
        ),
    ],
)
def test_config_set_refuses_and_writes_nothing(
    run: Run, home: Path, key: str, value: str, message: str
) -> None:
    path = home / "config.toml"
    path.write_text("# mes réglages\n[suivi]\nhorizon_jours = 14 # deux semaines\n")
    before = path.read_bytes()
    result = run("config", "set", key, value)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Erreur : {message}\n")
    assert path.read_bytes() == before


def test_config_set_refuses_a_key_under_a_value_that_is_not_a_section(run: Run, home: Path) -> None:
    path = home / "config.toml"
    path.write_text("suivi = 3\n", encoding="utf-8")
    result = run("config", "set", "suivi.horizon_jours", "14")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : {path} : suivi = 3 n'est pas une section ; remplacez cette ligne par une "
        "section [suivi] (clés possibles : sans_echange_jours, horizon_jours, delais) ou "
        "supprimez-la.\n"
    )
    assert path.read_text(encoding="utf-8") == "suivi = 3\n"


def test_config_set_fixes_one_key_while_another_is_still_wrong(run: Run, home: Path) -> None:
    """Each error names its own ``config set``: fixing one must not wait for the others."""
    path = home / "config.toml"
    path.write_text('[smtp]\nport = "x"\n[suivi]\nhorizon_jours = -1\n', encoding="utf-8")
    assert run("config", "set", "suivi.horizon_jours", "14").exit_code == 0
    assert run("next").stderr.startswith(f'Erreur : {path} : smtp.port = "x" n\'est pas un port')
    assert run("config", "set", "smtp.port", "25").exit_code == 0
    assert run("next").exit_code == 0


def test_config_set_normalises_as_before(
    run: Run, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path.resolve()
    (folder / "logo.PNG").write_bytes(b"\x89PNG")
    (folder / "modeles").mkdir()
    monkeypatch.chdir(folder)  # relative paths are stored absolute
    typed = {
        "association.nom": "  Les Ateliers  ",
        "association.siret": "732 829 320 00074",
        "association.telephone": "+33 1 23 45 67 89",
        "association.email": "Contact@Ateliers.Example",
        "association.logo": "logo.PNG",
        "modeles.dossier": "modeles",
        "smtp.from": "  Les Ateliers   <contact@Ateliers.Example> ",
        "smtp.port": "587",
        "suivi.delais.courrier": "30",
        "digest.to": "equipe@ateliers.example",
    }
    said = {}
    for key, value in typed.items():
        result = run("config", "set", key, value)
        assert result.exit_code == 0, result
        said[key] = result.stderr
    assert said["association.siret"] == "association.siret = 73282932000074\n"
    assert said["association.telephone"] == "association.telephone = 01 23 45 67 89\n"
    assert said["association.email"] == "association.email = Contact@ateliers.example\n"
    assert said["smtp.from"] == "smtp.from = Les Ateliers <contact@ateliers.example>\n"
    settings = config.load_settings()
    assert settings.association == {
        "nom": "Les Ateliers",
        "siret": "73282932000074",
        "telephone": "01 23 45 67 89",
        "email": "Contact@ateliers.example",
        "logo": str(folder / "logo.PNG"),
    }
    assert settings.templates_dir == folder / "modeles"
    assert settings.smtp == {
        "port": 587,
        "security": "starttls",
        "from": "Les Ateliers <contact@ateliers.example>",
    }
    assert settings.delay_for("courrier") == 30
    assert settings.delay_for("email") == 10
    assert settings.digest_to == "equipe@ateliers.example"
    saved = (home / "config.toml").read_text(encoding="utf-8")
    assert "port = 587\n" in saved and "courrier = 30\n" in saved  # numbers stay numbers


def test_config_set_unknown_key_lists_the_known_ones(run: Run) -> None:
    result = run("config", "set", "smtp.password", "s3cr3t")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Erreur : clé « smtp.password » inconnue ; clés possibles : association.nom, "
    )
    assert result.stderr.endswith(", backup.garder, rgpd.conservation_mois.\n")
    assert "smtp.password_file" in result.stderr


def test_config_shows_defaults_and_never_a_password(run: Run, home: Path) -> None:
    (home / "config.toml").write_text(
        '[suivi]\nhorizon_jours = 14\n[smtp]\nsecurity = "ssl"\nuser = "asso"\n'
        '[utilisateur]\nnom = "Camille"\n',
        encoding="utf-8",
    )
    result = run("config", env={"BAILLEURS_SMTP_PASSWORD": "s3cr3t"})
    assert result.exit_code == 0, result
    header = result.stdout.splitlines()[1]
    start, end = header.index("Valeur"), header.index("Sens")
    value = {line.split()[0]: line[start:end].strip() for line in result.stdout.splitlines()[2:]}
    assert value["suivi.horizon_jours"] == "14"
    assert value["suivi.sans_echange_jours"] == "45 (défaut)"
    assert value["suivi.delais.courrier"] == "21 (défaut)"
    assert value["smtp.security"] == "ssl"
    assert value["smtp.port"] == "465 (défaut)"  # the port of ssl
    assert value["backup.garder"] == "10 (défaut)"
    assert value["rgpd.conservation_mois"] == "36 (défaut)"
    assert value["utilisateur.nom"] == "Camille"
    assert value["base.url"] == f"{home / 'bailleurs.db'} (défaut)"
    assert value["association.nom"] == "—"
    assert result.stdout.splitlines()[0] == f"# {home / 'config.toml'}"
    assert "s3cr3t" not in result.stdout + result.stderr


def test_config_shows_the_base_given_by_the_environment(run: Run) -> None:
    url = "postgresql://equipe:s3cr3t@db.asso.example/b"
    shown = run("config", env={"BAILLEURS_DB": url}).stdout
    assert "postgresql://equipe:***@db.asso.example/b (BAILLEURS_DB)" in shown
    assert "s3cr3t" not in shown


def test_environment_still_wins_over_the_file(home: Path, tmp_path: Path) -> None:
    (home / "config.toml").write_text(f'[base]\nurl = "{tmp_path / "fichier.db"}"\n')
    settings = config.load_settings()
    assert config.resolve_db_url(None, settings) == f"sqlite:///{tmp_path / 'fichier.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BAILLEURS_DB", str(tmp_path / "env.db"))
        assert config.resolve_db_url(None, settings) == f"sqlite:///{tmp_path / 'env.db'}"


def test_mailer_reads_the_validated_section(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAILLEURS_SMTP_PASSWORD", "s3cr3t")
    section = config.ConfigFile.model_validate(
        {"smtp": {"host": "smtp.exemple.fr", "security": "ssl", "user": "asso", "from": "a@b.fr"}},
        strict=True,
    ).smtp
    smtp = mailer.smtp_settings(section)
    assert (smtp.where, smtp.security, smtp.user, smtp.sender, smtp.password) == (
        "smtp.exemple.fr:465",
        "ssl",
        "asso",
        "a@b.fr",
        "s3cr3t",
    )
    with pytest.raises(InvalidInput) as raised:
        mailer.smtp_settings({"host": "smtp.exemple.fr", "port": "vingt-cinq"})
    assert raised.value.message == (
        'smtp.port = "vingt-cinq" n\'est pas un port (1 à 65535) ; corrigez-le avec '
        "« bailleurs config set smtp.port 587 »."
    )


def test_no_file_gives_the_defaults(home: Path) -> None:
    settings = config.load_settings()
    assert (settings.horizon_days, settings.stale_after_days, settings.backup_keep) == (7, 45, 10)
    assert (settings.retention_months, settings.path, settings.templates_dir) == (36, None, None)
    assert not settings.territories.configured
    assert settings.association == {} and settings.smtp == {"security": "starttls"}
