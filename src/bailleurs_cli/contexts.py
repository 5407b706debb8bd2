"""What a template author may use: the typed context of each kind of document.

The pydantic models below are the documented list of variables (shown by
``bailleurs templates variables NAME``); :func:`letter_context` and
:func:`convention_context` build them from the store. Keys are French because
the people who edit the templates in Word read them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bailleurs_cli.enums import Contribution
from bailleurs_cli.formatting import KIND_LABELS


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Association(_Doc):
    """L'association qui écrit (section [association] de la configuration)."""

    nom: str = Field(description="Nom de l'association", examples=["Les Ateliers Amasco"])
    forme: str = Field(description="Forme juridique", examples=["association loi 1901"])
    adresse: str = Field(
        description="Adresse du siège, sur une ligne", examples=["12 rue X, 92120 Montrouge"]
    )
    adresse_lignes: list[str] = Field(
        description="La même adresse, ligne par ligne", examples=[["12 rue X", "92120 Montrouge"]]
    )
    siret: str = Field(description="SIRET", examples=["12345678900011"])
    signataire: str = Field(description="Qui signe", examples=["Camille Martin"])
    signataire_titre: str = Field(description="Sa fonction", examples=["présidente"])
    email: str = Field(description="E-mail de contact", examples=["contact@asso.fr"])
    telephone: str = Field(description="Téléphone", examples=["01 23 45 67 89"])
    logo: Any = Field(default=None, description="Logo (image), ou vide", examples=[None])


class Landlord(_Doc):
    """Le bailleur destinataire."""

    nom: str = Field(description="Nom du bailleur", examples=["RIVP"])
    nature: str = Field(description="Nature juridique", examples=["SEM (société d'économie mixte)"])
    forme_juridique: str | None = Field(
        description="Forme juridique enregistrée, ou vide", examples=["Société d'économie mixte"]
    )
    siren: str | None = Field(description="SIREN, ou vide", examples=["552038200"])
    adresse: str | None = Field(
        description="Adresse du siège sur une ligne, ou vide",
        examples=["13, avenue de la Porte d'Italie, TSA 61371, 75621 Paris Cedex 13"],
    )
    adresse_lignes: list[str] = Field(
        description="Adresse du siège, ligne par ligne",
        examples=[["13, avenue de la Porte d'Italie", "TSA 61371", "75621 Paris Cedex 13"]],
    )
    territoire: str | None = Field(
        description="Communes ou départements où il est présent, ou vide",
        examples=["Paris"],
    )
    groupe: str | None = Field(
        description="Groupe ou actionnaire, ou vide", examples=["Ville de Paris"]
    )


class Recipient(_Doc):
    """La personne à qui l'on écrit (interlocuteur actif), si elle est connue."""

    nom: str = Field(description="Nom", examples=["Awa Diallo"])
    fonction: str | None = Field(
        description="Fonction, ou vide", examples=["Responsable développement social"]
    )
    email: str | None = Field(description="E-mail, ou vide", examples=["awa.diallo@rivp.fr"])


class LetterContext(_Doc):
    """Variables d'un courrier (prospection, relance, remerciement)."""

    association: Association
    bailleur: Landlord
    destinataire: Recipient | None = Field(description="Interlocuteur, ou vide")
    date: dt.date = Field(description="Date du courrier (filtres date_lettre, date_longue)")
    lieu: str = Field(description="Ville d'où l'on écrit", examples=["Montrouge"])
    objet: str = Field(description="Objet du courrier")
    reference: str = Field(description="Référence du courrier", examples=["2026-rivp-prospection"])
    dernier_envoi: dt.date | None = Field(description="Date du dernier envoi au bailleur, ou vide")
    dernier_echange: dt.date | None = Field(description="Date du dernier échange, ou vide")


class ContributionItem(_Doc):
    """Une contribution du bailleur."""

    code: str = Field(description="locaux, communication ou mobilisation", examples=["locaux"])
    libelle: str = Field(description="Intitulé", examples=["Mise à disposition de locaux"])
    description: str = Field(description="Ce que le bailleur apporte")
    valeur: float | None = Field(description="Valorisation en euros, ou vide (filtre montant)")


class ConventionFields(_Doc):
    """Ce que précise la convention."""

    numero: str = Field(description="Numéro de la convention", examples=["2027-001"])
    type: str = Field(description="non_financier ou financier")
    objet: str = Field(description="Objet de la convention")
    contributions: list[ContributionItem] = Field(description="Contributions du bailleur")
    avec_locaux: bool = Field(description="Vrai si des locaux sont mis à disposition")
    valeur_totale: float | None = Field(description="Valorisation totale en euros, ou vide")
    montant: float | None = Field(description="Participation financière en euros, ou vide")
    couvre: str | None = Field(description="Ce que couvre la participation, ou vide")
    echeancier: str | None = Field(description="Échéancier de versement, ou vide")
    pieces: str | None = Field(description="Pièces justificatives, ou vide")
    sites: list[str] = Field(
        description="Lieux des ateliers", examples=[["Centre social, Paris 20e"]]
    )
    debut: dt.date = Field(description="Premier jour")
    fin: dt.date = Field(description="Dernier jour")
    referent_association: str = Field(description="Référent de l'association")
    referent_bailleur: str = Field(description="Référent du bailleur")
    signataire_bailleur: str = Field(description="Qui signe pour le bailleur")


class ConventionContext(LetterContext):
    """Variables d'une convention (non financière ou financière)."""

    convention: ConventionFields


CONTRIBUTION_TEXT: dict[str, tuple[str, str]] = {
    Contribution.PREMISES: (
        "Mise à disposition de locaux",
        "prêt gracieux d'une salle adaptée à l'accueil des enfants pendant les ateliers",
    ),
    Contribution.COMMUNICATION: (
        "Communication auprès des locataires",
        "relais de l'information sur les ateliers auprès des familles locataires "
        "(affichage, courrier, site, équipes de proximité)",
    ),
    Contribution.FAMILIES: (
        "Mobilisation des familles",
        "aide à l'information et à l'inscription des familles, avec les équipes de proximité",
    ),
}


def address_lines(street: str | None, complement: str | None, city_line: str | None) -> list[str]:
    """Postal lines, in order, without empty ones."""
    return [line for line in (street, complement, city_line) if line]


def split_address(one_line: str) -> tuple[list[str], str]:
    """``12 rue X, 92120 Montrouge`` → (lines, city); lines fall back to the text itself."""
    from bailleurs_cli import validation
    from bailleurs_cli.errors import InvalidInput

    try:
        parts = validation.address(one_line)
    except InvalidInput:
        return [one_line], ""
    city_line = " ".join(p for p in (parts["postcode"], parts["city"], parts["cedex"]) if p)
    return address_lines(parts["street"], None, city_line), str(parts["city"])


def association_from_settings(settings: dict[str, str], logo: Any = None) -> Association:
    """The association block; call only once the required keys are checked."""
    lines, _ = split_address(settings["adresse"])
    return Association(
        nom=settings["nom"],
        forme=settings["forme"],
        adresse=settings["adresse"],
        adresse_lignes=lines,
        siret=settings["siret"],
        signataire=settings["signataire"],
        signataire_titre=settings["signataire_titre"],
        email=settings["email"],
        telephone=settings["telephone"],
        logo=logo,
    )


def kind_label(kind: str) -> str:
    """French label of a legal kind."""
    return KIND_LABELS.get(kind, kind)


def describe(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str]]:
    """Flatten a context model into (variable, description, example) rows."""
    rows: list[tuple[str, str, str]] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        nested = _nested_model(annotation)
        if nested is not None:
            rows.append((path, nested.__doc__ or "", ""))
            rows.extend(describe(nested, prefix=f"{path}."))
            continue
        example = info.examples[0] if info.examples else ""
        rows.append((path, info.description or "", "" if example is None else str(example)))
    return rows


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    import typing

    candidates = [annotation, *typing.get_args(annotation)]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        for inner in typing.get_args(candidate):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None
