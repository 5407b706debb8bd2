"""Match an imported organisation to a landlord: by SIREN, then by name.

Names are compared without the legal boilerplate (« SA d'HLM », « Office public
de l'habitat »…), exactly first, then fuzzily (rapidfuzz). A fuzzy score at or
above :data:`ACCEPT` is a match; between :data:`NEAR` and it, a *near miss* that
the report shows and nothing acts on.
"""

from __future__ import annotations

from dataclasses import dataclass

from bailleurs_cli import names, validation
from bailleurs_cli.store.tables.landlord import Landlord

#: The thresholds every name lookup shares (:mod:`bailleurs_cli.names`).
ACCEPT = names.SAME
NEAR = names.NEAR

#: Words that say the legal form, not who the landlord is.
_NOISE = frozenset(
    [
        "sa",
        "sas",
        "sem",
        "saem",
        "scic",
        "sacic",
        "hlm",
        "d",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "et",
        "a",
        "au",
        "aux",
        "societe",
        "anonyme",
        "habitations",
        "habitation",
        "loyer",
        "loyers",
        "modere",
        "moderes",
        "office",
        "public",
        "publique",
        "oph",
        "opac",
        "esh",
        "cooperative",
        "cooperatif",
        "entreprise",
        "sociale",
        "pour",
        "lhabitat",
    ]
)


def core_name(name: str) -> str:
    """``SA D'HLM TOIT ET JOIE`` → ``toit joie``."""
    words = [w for w in validation.fold(name).split() if w not in _NOISE]
    return " ".join(words) or validation.fold(name)


@dataclass(frozen=True)
class Match:
    """The landlord found for an imported name, and how."""

    landlord: Landlord | None
    how: str | None  # "siren", "nom", "flou"
    score: float = 100.0
    near: Landlord | None = None  # a near miss, reported only
    near_score: float = 0.0


def _sorted_words(key: str) -> str:
    return " ".join(sorted(key.split()))


class Matcher:
    """Every landlord of the store, indexed for matching; new ones can be added.

    Finding a name costs one dictionary look-up, one set intersection over a word
    index, and one call to rapidfuzz's ``process.extract`` (C code over the whole
    list), so a bulk import stays linear in practice instead of comparing every row
    with every name in Python.
    """

    def __init__(self, landlords: list[Landlord]) -> None:
        self.by_siren: dict[str, Landlord] = {}
        self.by_name: dict[str, list[Landlord]] = {}
        self.names: list[tuple[str, Landlord]] = []
        self._keys: list[str] = []  # self.names' keys, words sorted, as rapidfuzz reads them
        self._words: dict[str, set[int]] = {}  # word → indexes in self.names
        for landlord in landlords:
            self.add(landlord)

    def add(self, landlord: Landlord) -> None:
        """Index a landlord (also one created during the import)."""
        if landlord.siren:
            self.by_siren.setdefault(landlord.siren, landlord)
        for name in (landlord.name, *landlord.aliases, *landlord.former_names):
            key = core_name(name)
            bucket = self.by_name.setdefault(key, [])
            if landlord not in bucket:
                bucket.append(landlord)
                index = len(self.names)
                self.names.append((key, landlord))
                self._keys.append(_sorted_words(key))
                for word in set(key.split()):
                    self._words.setdefault(word, set()).add(index)

    def _containing(self, key: str) -> set[int]:
        """Indexes of the names holding every word of ``key``."""
        found: set[int] | None = None
        for word in set(key.split()):
            hits = self._words.get(word, set())
            found = set(hits) if found is None else found & hits
            if not found:
                return set()
        return found or set()

    def find(self, siren: str | None, *names: str) -> Match:
        """The landlord with this SIREN, else the one whose name matches."""
        if siren and siren in self.by_siren:
            return Match(self.by_siren[siren], "siren")

        def compatible(landlord: Landlord) -> bool:
            return not (siren and landlord.siren and landlord.siren != siren)

        keys = [core_name(n) for n in names if n and n.strip()]
        for key in keys:
            exact = self.by_name.get(key, [])
            candidates = [ll for ll in exact if compatible(ll)]
            if len(candidates) == 1:
                return Match(candidates[0], "nom")
        for key in keys:
            contained = {
                id(ll): ll
                for ll in (self.names[i][1] for i in self._containing(key))
                if compatible(ll)
            }
            if len(contained) == 1:
                return Match(next(iter(contained.values())), "nom")
        from rapidfuzz import fuzz, process

        best: tuple[float, Landlord | None] = (0.0, None)
        for key in keys:
            # The best few above NEAR, in C; the SIREN filter then picks among them. The
            # words of every key are sorted once, so fuzz.ratio scores exactly what
            # token_sort_ratio would, without sorting each name again for each row.
            for _, score, index in process.extract(
                _sorted_words(key), self._keys, scorer=fuzz.ratio, score_cutoff=NEAR, limit=5
            ):
                landlord = self.names[index][1]
                if compatible(landlord) and float(score) > best[0]:
                    best = (float(score), landlord)
        score, closest = best
        if closest is not None and score >= ACCEPT:
            return Match(closest, "flou", score)
        if closest is not None and score >= NEAR:
            return Match(None, None, near=closest, near_score=score)
        return Match(None, None)
