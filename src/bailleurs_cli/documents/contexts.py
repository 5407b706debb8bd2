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

from bailleurs_cli import formatting
from bailleurs_cli.formatting import KIND_LABELS


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Association(_Doc):
    """L'association qui écrit (section [association] de la configuration)."""

    nom: str = Field(description="Nom de l'association", examples=["Les Ateliers Amasco"])
    de: str = Field(
        description="Son nom après « de », article compris (« l'action des Ateliers Amasco »)",
        examples=["des Ateliers Amasco"],
    )
    a: str = Field(
        description="Son nom après « à », article compris (« proposé aux Ateliers Amasco »)",
        examples=["aux Ateliers Amasco"],
    )
    pluriel: bool = Field(
        description="Vrai si le nom est au pluriel, pour accorder le verbe : {{ association.nom }}"
        " {% if association.pluriel %}organisent{% else %}organise{% endif %}",
        examples=[True],
    )
    forme: str = Field(description="Forme juridique", examples=["association loi 1901"])
    represente: str = Field(
        description="« représentée » ou « représenté », accordé à la forme juridique",
        examples=["représentée"],
    )
    adresse: str = Field(
        description="Adresse du siège, sur une ligne", examples=["12 rue X, 92120 Montrouge"]
    )
    adresse_lignes: list[str] = Field(
        description="La même adresse, ligne par ligne", examples=[["12 rue X", "92120 Montrouge"]]
    )
    siret: str = Field(description="SIRET, chiffres groupés", examples=["732 829 320 00074"])
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
    forme: str | None = Field(
        description="La forme juridique (à défaut, la nature) à placer après le nom "
        "(« RIVP, société d'économie mixte (SEM), … »), ou vide",
        examples=["société d'économie mixte (SEM)"],
    )
    represente: str = Field(
        description="« représentée », « représenté » ou, si la forme juridique ne le dit pas, "
        "« représenté(e) »",
        examples=["représentée"],
    )
    siren: str | None = Field(
        description="SIREN, chiffres groupés, ou vide", examples=["552 038 200"]
    )
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
        examples=["Saint-Denis et Aubervilliers", "Seine-Saint-Denis"],
    )
    qpv: bool = Field(
        description="Vrai si l'on sait qu'il a des logements en quartier prioritaire (présence "
        "liée à un QPV, ou dans une commune qui en compte) ; faux s'il n'en est rien connu",
        examples=[True],
    )
    groupe: str | None = Field(
        description="Groupe ou actionnaire, ou vide", examples=["Ville de Paris"]
    )


class Recipient(_Doc):
    """La personne à qui l'on écrit (interlocuteur actif), si elle est connue."""

    nom: str = Field(description="Nom", examples=["Awa Diallo"])
    civilite: str | None = Field(description="« Mme », « M. », ou vide", examples=["Mme"])
    de: str = Field(
        description="Son nom après « de », avec sa civilité (« À l'attention de Mme Awa "
        "Diallo ») ou élidé sans elle (« À l'attention d'Éloïse Martin »)",
        examples=["de Mme Awa Diallo"],
    )
    fonction: str | None = Field(
        description="Fonction, ou vide", examples=["Responsable développement social"]
    )
    email: str | None = Field(description="E-mail, ou vide", examples=["awa.diallo@rivp.fr"])


class Exchange(_Doc):
    """Un échange noté avec le bailleur (bailleurs contact)."""

    date: dt.date = Field(description="Sa date (filtre date_lettre)")
    canal: str = Field(description="Canal, en clair", examples=["courrier"])
    sortant: bool = Field(description="Vrai si c'est nous qui avons écrit, appelé ou proposé")
    ecrit: bool = Field(description="Vrai pour un courrier ou un e-mail")
    positif: bool = Field(description="Vrai si son résultat est « positif »")
    negatif: bool = Field(description="Vrai si son résultat est « négatif » (un refus)")
    abouti: bool = Field(
        description="Vrai si l'échange a bien eu lieu : faux pour un appel resté sans réponse "
        "ou un envoi de notre part sans réponse"
    )
    sans_reponse: bool = Field(
        description="Vrai pour un courrier ou un e-mail de notre part sans réponse ni autre "
        "échange depuis : une relance peut alors dire « faute de réponse »"
    )
    evocation: str = Field(
        description="Comment le rappeler dans une phrase",
        examples=["notre courrier du 10 novembre 2026", "notre rencontre du 25 novembre 2026"],
    )


class Ally(_Doc):
    """Une association alliée, pour une démarche commune (thèse, préconisation 2)."""

    nom: str = Field(description="Son nom", examples=["Les Petits Débrouillards IDF"])
    de: str = Field(
        description="Son nom après « de », article compris",
        examples=["des Petits Débrouillards IDF"],
    )
    a: str = Field(
        description="Son nom après « à », article compris",
        examples=["aux Petits Débrouillards IDF"],
    )
    pluriel: bool = Field(description="Vrai si le nom est au pluriel", examples=[True])
    signataire: str = Field(
        description="Qui signe pour elle (à défaut, son contact)", examples=["Jeanne Roux"]
    )
    contact: str | None = Field(description="Son contact, ou vide", examples=["Jeanne Roux"])
    email: str | None = Field(description="Son e-mail, ou vide", examples=["idf@debrouillards.org"])
    telephone: str | None = Field(description="Son téléphone, ou vide", examples=["01 23 45 67 89"])
    territoire: str | None = Field(
        description="Ses départements, ou vide", examples=["Seine-Saint-Denis"]
    )


class LetterContext(_Doc):
    """Variables d'un courrier (prospection, relance, remerciement)."""

    association: Association
    bailleur: Landlord
    destinataire: Recipient | None = Field(
        description="La personne à qui l'on écrit (interlocuteur actif), ou vide"
    )
    appel: str = Field(
        description="Formule d'appel, reprise dans la formule de politesse : « Madame », "
        "« Monsieur », ou « Madame, Monsieur » si la civilité n'est pas connue",
        examples=["Madame"],
    )
    date: dt.date = Field(description="Date du courrier (filtres date_lettre, date_longue)")
    lieu: str = Field(description="Ville d'où l'on écrit", examples=["Montrouge"])
    objet: str = Field(description="Objet du courrier")
    reference: str = Field(
        description="Référence du courrier", examples=["RIVP – prospection – 2026"]
    )
    echange: Exchange | None = Field(
        description="Le dernier échange noté (bailleurs contact), quel qu'en soit le sens, ou vide"
    )
    envoi: Exchange | None = Field(
        description="Le dernier échange à notre initiative (courrier, appel, rendez-vous…), ou vide"
    )
    dernier_envoi: dt.date | None = Field(description="Date du dernier envoi au bailleur, ou vide")
    dernier_echange: dt.date | None = Field(description="Date du dernier échange, ou vide")
    allie: Ally | None = Field(
        default=None,
        description="L'association alliée qui écrit et signe avec nous (bailleurs letter "
        "--avec), ou vide : {%p if allie %} … {%p endif %}",
    )


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
    valeur_totale: float | None = Field(
        description="Valorisation totale en euros (la somme des contributions valorisées), ou vide"
    )
    valorisation_partielle: bool = Field(
        description="Vrai si certaines contributions seulement sont valorisées"
    )
    montant: float | None = Field(description="Participation financière en euros, ou vide")
    couvre: str | None = Field(description="Ce que couvre la participation, ou vide")
    echeancier: str | None = Field(description="Échéancier de versement, ou vide")
    pieces: str | None = Field(description="Pièces justificatives, ou vide")
    sites: list[str] = Field(
        description="Lieux des ateliers", examples=[["Centre social, Paris 20e"]]
    )
    debut: dt.date = Field(description="Premier jour")
    fin: dt.date = Field(description="Dernier jour")
    dates: str = Field(
        description="Sa période, en toutes lettres", examples=["du 15 au 19 février 2027"]
    )
    referent_association: str = Field(description="Référent de l'association")
    referent_bailleur: str = Field(description="Référent du bailleur")
    signataire_bailleur: str = Field(
        description="Qui signe pour le bailleur, ou une ligne de pointillés à remplir",
        examples=["Jean Dupont, directeur général"],
    )


class ConventionContext(LetterContext):
    """Variables d'une convention (non financière ou financière)."""

    convention: ConventionFields


class Period(_Doc):
    """La période d'un bilan."""

    debut: dt.date = Field(description="Premier jour")
    fin: dt.date = Field(description="Dernier jour")
    libelle: str = Field(
        description="La période, préposition comprise, à placer après « Bilan des ateliers »",
        examples=["de février 2027", "du 10 au 14 février 2027", "de l'année 2027"],
    )


class Figures(_Doc):
    """Les chiffres d'un atelier ou de toute la période, écrits à la française
    (« — » : non noté). Assiduité et satisfaction du total : moyennes pondérées par le
    nombre de participants de chaque atelier."""

    participants: str = Field(description="Enfants accueillis", examples=["24"])
    locataires: str = Field(
        description="Dont enfants de familles locataires du bailleur", examples=["7"]
    )
    familles: str = Field(description="Familles touchées", examples=["15"])
    assiduite: str = Field(description="Assiduité", examples=["82\u202f%"])
    satisfaction_enfants: str = Field(description="Satisfaction des enfants", examples=["4,5/5"])
    satisfaction_parents: str = Field(description="Satisfaction des parents", examples=["4,2/5"])
    part_locataires: str = Field(
        description="Part des locataires parmi les participants", examples=["29\u202f%"]
    )
    cible: str = Field(
        description="La part des locataires dite face à la cible du bailleur",
        examples=["29\u202f% de locataires, dans la cible 15–30\u202f%"],
    )
    situation: str | None = Field(
        description="dans_la_cible, sous_la_cible, au_dessus_de_la_cible, ou vide (non comptée)",
        examples=["dans_la_cible"],
    )


class WorkshopItem(_Doc):
    """Un atelier de la période."""

    numero: int = Field(description="Son numéro (bailleurs atelier list)", examples=[12])
    lieu: str = Field(
        description="La structure accueillante", examples=["Centre social Belleville"]
    )
    commune: str = Field(description="La commune", examples=["Paris 20e"])
    qpv: str | None = Field(
        description="Le quartier prioritaire, ou vide", examples=["Belleville – Amandiers"]
    )
    dates: str = Field(
        description="Ses dates, en toutes lettres", examples=["du 15 au 19 février 2027"]
    )
    debut: dt.date = Field(description="Premier jour")
    fin: dt.date = Field(description="Dernier jour")
    seances: int = Field(description="Nombre de séances", examples=[5])
    theme: str | None = Field(description="Thème, ou vide", examples=["Sciences et jeux"])
    animateurs: int | None = Field(description="Nombre d'animateurs, ou vide", examples=[2])
    resultats: bool = Field(description="Vrai si ses résultats sont notés")
    chiffres: Figures


class Totals(_Doc):
    """Toute la période."""

    ateliers: int = Field(description="Nombre d'ateliers", examples=[2])
    seances: int = Field(description="Nombre de séances", examples=[10])
    lieux: list[str] = Field(
        description="Structures accueillantes", examples=[["Centre social Belleville"]]
    )
    chiffres: Figures
    ateliers_comptes: int = Field(
        description="Ateliers dont la part de locataires est comptée", examples=[2]
    )
    ateliers_dans_la_cible: int = Field(
        description="Parmi eux, ceux dans la cible du bailleur", examples=[1]
    )
    dans_la_cible: str = Field(
        description="Les mêmes, en toutes lettres", examples=["1 atelier sur 2 dans la cible"]
    )
    en_bref: str = Field(
        description="Ce qui a été fait, en une expression",
        examples=["2 ateliers (10 séances) dans 2 structures accueillantes"],
    )
    resume: str = Field(
        description="Les chiffres principaux, en une phrase (vide si aucun résultat n'est noté)",
        examples=[
            "42 enfants accueillis, dont 9 de familles locataires du bailleur (21\u202f% de "
            "locataires, dans la cible 15–30\u202f%) ; 27 familles touchées"
        ],
    )
    sans_resultats: list[int] = Field(
        description="Numéros des ateliers dont les résultats ne sont pas notés", examples=[[14]]
    )


class Visit(_Doc):
    """Une visite du bailleur à un atelier."""

    date: dt.date = Field(description="Sa date (filtres date_lettre, date_longue)")
    lieu: str = Field(description="L'atelier visité", examples=["Centre social Belleville"])


class Feedback(_Doc):
    """Le retour d'une structure accueillante."""

    lieu: str = Field(description="La structure", examples=["Centre social Belleville"])
    texte: str = Field(description="Son retour", examples=["Très bonne dynamique"])


class BilanConvention(_Doc):
    """La convention signée qui couvre la période, avec ce que le bailleur apporte."""

    numero: str = Field(description="Numéro de la convention", examples=["2027-002"])
    type: str = Field(description="non_financier ou financier")
    debut: dt.date = Field(description="Premier jour")
    fin: dt.date = Field(description="Dernier jour")
    dates: str = Field(
        description="Sa période, en toutes lettres", examples=["du 1er février au 31 mars 2027"]
    )
    contributions: list[ContributionItem] = Field(description="Contributions du bailleur")
    valeur_totale: float | None = Field(
        description="Valorisation totale des contributions en euros, ou vide (filtre montant)"
    )
    valorisation_partielle: bool = Field(
        description="Vrai si certaines contributions seulement sont valorisées"
    )
    montant: float | None = Field(description="Participation financière en euros, ou vide")
    referent_association: str | None = Field(
        description="Référent de l'association, ou vide (bilan anonyme)"
    )
    referent_bailleur: str | None = Field(
        description="Référent du bailleur, ou vide (bilan anonyme)"
    )


class Renewal(_Doc):
    """Le renouvellement, quand la convention s'achève pendant la période ou peu après."""

    fin: dt.date = Field(description="Fin de la convention en cours")
    achevee: bool = Field(description="Vrai si elle est déjà achevée à la date du bilan")
    suivante: str | None = Field(
        description="Numéro de la convention qui prend le relais, ou vide (à proposer)",
        examples=["2027-003"],
    )
    suivante_debut: dt.date | None = Field(description="Son premier jour, ou vide")
    suivante_fin: dt.date | None = Field(description="Son dernier jour, ou vide")


class BilanContext(_Doc):
    """Variables du bilan des ateliers remis à un bailleur partenaire (bailleurs bilan)."""

    association: Association
    bailleur: Landlord
    destinataire: Recipient | None = Field(
        description="La personne à qui le bilan est remis, ou vide (bilan anonyme)"
    )
    anonyme: bool = Field(
        description="Vrai pour un bilan anonyme (« Bailleur 1 », sans aucun nom de personne "
        "ni retour des structures)"
    )
    date: dt.date = Field(description="Date du bilan (filtres date_lettre, date_longue)")
    lieu: str = Field(description="Ville d'où l'on écrit", examples=["Montrouge"])
    objet: str = Field(
        description="Titre du bilan", examples=["Bilan des ateliers de février 2027"]
    )
    periode: Period
    ateliers: list[WorkshopItem] = Field(description="Les ateliers de la période, dans l'ordre")
    totaux: Totals
    cible: str = Field(description="La cible du bailleur", examples=["15–30\u202f%"])
    cible_phrase: str = Field(
        description="La cible dans une phrase (« représentent de 15 à 30 % des participants »)",
        examples=["de 15 à 30\u202f%"],
    )
    ponderation: str = Field(
        description="Comment les moyennes du total sont calculées",
        examples=["moyennes pondérées par le nombre de participants de chaque atelier"],
    )
    visites: list[Visit] = Field(description="Les visites du bailleur aux ateliers")
    retours: list[Feedback] = Field(
        description="Les retours des structures accueillantes (vide dans un bilan anonyme)"
    )
    convention: BilanConvention | None = Field(
        description="La convention signée qui couvre la période, ou vide"
    )
    renouvellement: Renewal | None = Field(
        description="Le renouvellement à proposer ou déjà fait, ou vide"
    )
    prochains_ateliers: list[WorkshopItem] = Field(
        description="Les ateliers déjà notés après la période"
    )
    prochaines_etapes: list[str] = Field(description="La suite proposée, phrase par phrase")
    graphique: Any = Field(
        default=None,
        description="Le graphique (image) : participants et locataires par atelier, face à la "
        "cible ; vide si aucun résultat n'est noté",
    )
    graphique_legende: str = Field(
        description="Sa légende",
        examples=["Participants et locataires du bailleur par atelier…"],
    )


class Meeting(_Doc):
    """La rencontre annuelle (thèse, préconisation 4)."""

    date: dt.date = Field(description="Son jour (filtres date_lettre, date_longue)")
    heure: str | None = Field(description="Son heure, ou vide", examples=["14\u00a0h\u00a030"])
    lieu: str = Field(description="Où elle a lieu", examples=["Maison des associations, Montreuil"])
    objet: str = Field(
        description="Son objet", examples=["Rencontre annuelle bailleurs–associations"]
    )
    bailleurs: list[str] = Field(
        description="Les bailleurs partenaires invités", examples=[["RIVP", "Paris Habitat"]]
    )
    associations: list[str] = Field(
        description="Les associations alliées invitées", examples=[["Les Petits Débrouillards IDF"]]
    )
    invites: str = Field(
        description="Tous les invités, en toutes lettres",
        examples=[
            "les bailleurs RIVP et Paris Habitat, et l'association Les Petits Débrouillards IDF"
        ],
    )
    nombre_invites: int = Field(description="Combien d'invitations en tout", examples=[3])


class Guest(_Doc):
    """Qui reçoit cette invitation : un bailleur partenaire ou une association alliée."""

    nom: str = Field(description="Son nom", examples=["RIVP"])
    bailleur: bool = Field(description="Vrai pour un bailleur, faux pour une association")
    adresse_lignes: list[str] = Field(description="Son adresse, ligne par ligne (peut être vide)")
    attention: str | None = Field(
        description="La personne, après « À l'attention », ou vide", examples=["de Mme Awa Diallo"]
    )


class InvitationContext(_Doc):
    """Variables d'une invitation à la rencontre annuelle (bailleurs rencontre)."""

    association: Association
    invite: Guest
    appel: str = Field(description="Formule d'appel", examples=["Madame"])
    date: dt.date = Field(description="Date du courrier")
    lieu: str = Field(description="Ville d'où l'on écrit", examples=["Montrouge"])
    objet: str = Field(description="Objet du courrier")
    reference: str = Field(description="Référence du courrier")
    rencontre: Meeting


def split_address(one_line: str) -> tuple[list[str], str]:
    """``12 rue X, 92120 Montrouge`` → (lines, city); lines fall back to the text itself."""
    from bailleurs_cli import addresses, validation
    from bailleurs_cli.errors import InvalidInput

    try:
        parts = validation.address(one_line)
    except InvalidInput:
        return [one_line], ""
    lines = addresses.lines(parts["street"], None, parts["postcode"], parts["city"], parts["cedex"])
    return lines, str(parts["city"])


def association_from_settings(settings: dict[str, str], logo: Any = None) -> Association:
    """The association block; call only once the required keys are checked.

    ``article`` (« les », « le », « la », « l' » or « aucun ») overrides the article
    read from the name, for « des Ateliers Amasco » and « organisent ».
    """
    lines, _ = split_address(settings["adresse"])
    forms = formatting.name_forms(settings["nom"], settings.get("article"))
    return Association(
        nom=settings["nom"],
        de=forms.de,
        a=forms.a,
        pluriel=forms.plural,
        forme=settings["forme"],
        represente=formatting.represente(settings["forme"]),
        adresse=settings["adresse"],
        adresse_lignes=lines,
        siret=formatting.siret(settings["siret"]),
        signataire=settings["signataire"],
        signataire_titre=settings["signataire_titre"],
        email=settings["email"],
        telephone=settings["telephone"],
        logo=logo,
    )


def kind_label(kind: str) -> str:
    """French label of a legal kind."""
    return KIND_LABELS.get(kind, kind)


def _shown(example: object) -> str:
    """An example as a template author reads it: « oui », « 12 rue X / 92120 Montrouge »."""
    if example is None:
        return ""
    if isinstance(example, bool):
        return "oui" if example else "non"
    if isinstance(example, list | tuple):
        return " / ".join(_shown(item) for item in example)
    return str(example)


def describe(model: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str]]:
    """Flatten a context model into (variable, description, example) rows."""
    rows: list[tuple[str, str, str]] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        nested = _nested_model(annotation)
        if nested is not None:
            rows.append((path, info.description or nested.__doc__ or "", ""))
            rows.extend(describe(nested, prefix=f"{path}."))
            continue
        example = info.examples[0] if info.examples else ""
        rows.append((path, info.description or "", _shown(example)))
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
