"""exchange edit / exchange delete: mistakes that can be undone (issue 12)."""

from __future__ import annotations

import json

from .conftest import Run


def history(run: Run, slug: str = "rivp") -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(run("history", slug, "--json").stdout)
    return rows


def step(run: Run, slug: str = "rivp") -> tuple[object, object, object]:
    data = json.loads(run("show", slug, "--json").stdout)
    return data["next_action"], data["next_due"], data["last_exchange"]


def test_deleting_the_last_exchange_gives_back_the_previous_step(run: Run) -> None:
    run("contact", "rivp", "--channel", "email", "--summary", "Premier e-mail",
        "--date", "2026-11-10")  # fmt: skip
    run("contact", "rivp", "--channel", "telephone", "--summary", "Appel par erreur",
        "--next", "+5j", "--next-action", "Envoyer la plaquette")  # fmt: skip
    wrong = history(run)[0]
    assert wrong["summary"] == "Appel par erreur"
    assert "N°" in run("history", "rivp").stdout.splitlines()[1]
    result = run("exchange", "delete", str(wrong["id"]), "--yes")
    assert result.exit_code == 0, result
    assert result.stderr == (
        "1 échange supprimé (RIVP) ; dernier échange et prochaine étape recalculés.\n"
    )
    assert [e["summary"] for e in history(run)] == ["Premier e-mail"]
    assert step(run) == ("Relancer", "2026-11-23", "2026-11-10")
    exported = json.loads(run("export", "--format", "json").stdout)["exchanges"]
    assert [e["summary"] for e in exported] == ["Premier e-mail"]


def test_deleting_the_only_exchange_gives_back_the_first_step(run: Run) -> None:
    run("contact", "adoma", "--channel", "email", "--summary", "Mail", "--stage", "en_discussion")
    [only] = history(run, "adoma")
    result = run("exchange", "delete", str(only["id"]), "--yes")
    assert result.stderr.splitlines()[1] == (
        "Adoma reste « en discussion » : un échange supprimé l'avait fait changer d'étape ; "
        "changez-la avec bailleurs stage si besoin."
    )
    assert step(run, "adoma")[2] is None
    assert step(run, "adoma")[0] == "Trouver l'interlocuteur et prendre un premier contact"


def test_a_step_planned_since_stays(run: Run) -> None:
    run("contact", "rivp", "--channel", "email", "--summary", "Mail")
    run("plan", "rivp", "2027-01-15", "Rendez-vous avec la DSU")
    [mail] = history(run)
    run("exchange", "delete", str(mail["id"]), "--yes")
    assert step(run)[:2] == ("Rendez-vous avec la DSU", "2027-01-15")


def test_edit_an_exchange(run: Run) -> None:
    run("contact", "rivp", "--channel", "email", "--summary", "Apel")
    [logged] = history(run)
    fixes = ["--summary", "Appel à la DSU", "--channel", "rendez-vous"]
    fixes += ["--date", "2026-11-20", "--outcome", "positif"]
    result = run("exchange", "edit", str(logged["id"]), *fixes)
    assert (result.exit_code, result.stderr) == (0, f"Échange n° {logged['id']} corrigé.\n")
    [fixed] = history(run)
    assert (fixed["summary"], fixed["channel"], fixed["date"], fixed["outcome"]) == (
        "Appel à la DSU", "rdv", "2026-11-20", "positif",
    )  # fmt: skip
    assert step(run)[2] == "2026-11-20"


def test_a_batch_of_logged_letters_is_undone_in_one_command(run: Run, tmp_path: object) -> None:
    from .test_documents import IDENTITY

    for key, value in IDENTITY.items():
        run("config", "set", key, value)
    run("contact", "adoma", "--channel", "email", "--summary", "Avant le lot")
    sent = run("letter", "rivp", "paris-habitat", "--log", "--out", f"{tmp_path}/lot")
    assert sent.exit_code == 0, sent
    logged = json.loads(run("export", "--format", "json").stdout)["exchanges"]
    batches = {e["batch"] for e in logged if e["batch"]}
    assert len(batches) == 1
    [batch] = batches
    result = run("exchange", "delete", "--lot", batch, "--yes")
    assert result.exit_code == 0, result
    assert result.stderr.startswith("2 échanges supprimés (")
    left = json.loads(run("export", "--format", "json").stdout)["exchanges"]
    assert [e["summary"] for e in left] == ["Avant le lot"]
    assert step(run, "rivp")[2] is None


def test_bad_corrections_change_nothing(run: Run) -> None:
    run("contact", "rivp", "--channel", "email", "--summary", "Mail")
    [logged] = history(run)
    cases = [
        (["exchange", "delete", "999", "--yes"], 3,
         "Erreur : échange n° 999 introuvable ; les numéros sont dans « bailleurs history "
         "BAILLEUR » (colonne N°) ou --json (clé id).\n"),
        (["exchange", "delete", str(logged["id"])], 1,
         "Erreur : exchange delete supprime 1 échange pour de bon : ajoutez --yes pour "
         "confirmer (hors terminal).\n"),
        (["exchange", "edit", str(logged["id"]), "--date", "2030-01-01"], 1,
         "Erreur : --date : le 01/01/2030 est à venir ; un échange se note une fois qu'il a eu "
         "lieu.\n"),
        (["exchange", "edit", str(logged["id"])], 1,
         "Erreur : rien à corriger : donnez --summary, --date, --channel ou --outcome.\n"),
        (["exchange", "delete", "--lot", "lot-19990101-000000", "--yes"], 3,
         "Erreur : lot « lot-19990101-000000 » introuvable ; son identifiant "
         "(lot-AAAAMMJJ-HHMMSS) est affiché par letter --log et donné par history --json "
         "(clé batch).\n"),
    ]  # fmt: skip
    for args, code, message in cases:
        result = run(*args)
        assert (result.exit_code, result.stderr) == (code, message), args
    assert history(run) == [logged]
