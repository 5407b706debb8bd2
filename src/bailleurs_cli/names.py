"""One way to find what a name designates: landlords, people, allies, communes, QPV,
Paris labels, imported organisations.

Every lookup walks the same steps on folded names (no accents, no case, no
punctuation; see :func:`validation.fold`):

1. **exact**: a name equal to the query;
2. **words**: every word of the query is a word of the name (« Diallo » → « Awa Diallo »);
3. **typo**: one name at least :data:`TYPO` similar to the query (``fuzz.ratio``) and
   :data:`TYPO_MARGIN` ahead of any other (« Parsi Habitat » → Paris Habitat);
4. otherwise **suggestions**: the names scoring :data:`SUGGEST` or more, which the
   caller lists in its error, and nothing is chosen.

Several items at step 1 or 2 are *ambiguous*: the caller lists them and stops. A fuzzy
score never picks an item on its own below :data:`TYPO`: logging an exchange on the
wrong landlord is worse than asking.

The scores (rapidfuzz, 0–100), in one table:

======================  =====  ==================================================
:data:`SAME`            92     an imported organisation is matched with no human
                               check; ``add`` refuses a name this close to one known
:data:`TYPO`            85     a typed name is taken for the one it is a typo of …
:data:`TYPO_MARGIN`     8      … when that far ahead of the runner-up
:data:`NEAR`            80     an imported name this close is reported as a near miss
:data:`SUGGEST`         65     close names suggested in an error
======================  =====  ==================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from bailleurs_cli.validation import fold

SAME = 92
TYPO = 85
TYPO_MARGIN = 8
NEAR = 80
SUGGEST = 65

T = TypeVar("T")

How = Literal["exact", "words", "typo", "none"]


@dataclass(frozen=True)
class Found(Generic[T]):
    """What a lookup found.

    ``how`` is the step that decided: ``item`` is set when it designates one item,
    ``ambiguous`` holds the items it designates equally (exact or words step);
    ``suggestions`` the close ones when nothing is designated (``how == "none"``).
    """

    how: How
    item: T | None = None
    ambiguous: list[T] = field(default_factory=list)
    suggestions: list[T] = field(default_factory=list)


def similarity(query: str, name: str) -> float:
    """How close a folded ``name`` is to a folded ``query``, 0–100, for suggestions.

    A whole-string ratio for short names (« INLI » would partly match any long query),
    a weighted ratio otherwise, and full marks when every word of the name is in the
    query (« Seqens » for « Seqens Habitat »).
    """
    from rapidfuzz import fuzz

    scorer = fuzz.ratio if 2 * len(name) < len(query) else fuzz.WRatio
    within = float(fuzz.token_set_ratio(query, name)) if len(name) > 3 else 0.0
    return max(float(scorer(query, name)), within)


def find(
    query: str,
    items: Sequence[T],
    names: Callable[[T], Iterable[str]],
    *,
    key: Callable[[str], str] = fold,
    typos: bool = True,
    limit: int = 3,
) -> Found[T]:
    """The item of ``items`` that ``query`` designates, through the steps above.

    ``names`` gives each item's names (a name, aliases, former names, a code…);
    ``key`` folds a name for comparison (communes also spell out « St » and « Ste »);
    ``typos=False`` stops after the words step (codes, where a typo is another code).
    """
    wanted = key(query)
    if not wanted:
        return Found("none")
    folded = [(item, [key(n) for n in names(item) if n]) for item in items]
    exact = [item for item, keys in folded if wanted in keys]
    if exact:
        return Found("exact", exact[0]) if len(exact) == 1 else Found("exact", ambiguous=exact)
    words = set(wanted.split())
    contained = [item for item, keys in folded if any(words <= set(k.split()) for k in keys)]
    if contained:
        if len(contained) == 1:
            return Found("words", contained[0])
        return Found("words", ambiguous=contained)
    if typos:
        typo = _typo(wanted, folded)
        if typo is not None:
            return Found("typo", typo)
    return Found("none", suggestions=suggest(wanted, folded, limit))


def _typo(wanted: str, folded: list[tuple[T, list[str]]]) -> T | None:
    from rapidfuzz import fuzz

    scored = sorted(
        ((max((float(fuzz.ratio(wanted, k)) for k in keys), default=0.0), i) for i, (_, keys) in
         enumerate(folded)),
        reverse=True,
    )  # fmt: skip
    if not scored or scored[0][0] < TYPO:
        return None
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return folded[scored[0][1]][0] if scored[0][0] - runner_up >= TYPO_MARGIN else None


def suggest(wanted: str, folded: list[tuple[T, list[str]]], limit: int = 3) -> list[T]:
    """The items whose names score :data:`SUGGEST` or more against the folded
    ``wanted``, best first (ties in the given order)."""
    scored = [
        (max((similarity(wanted, k) for k in keys), default=0.0), i)
        for i, (_, keys) in enumerate(folded)
    ]
    best = sorted((pair for pair in scored if pair[0] >= SUGGEST), key=lambda p: (-p[0], p[1]))
    return [folded[i][0] for _, i in best[:limit]]


def near_duplicate(names: Iterable[str], known: Iterable[str]) -> bool:
    """Whether one of ``names`` is the same as, or :data:`SAME`-close to, one ``known``."""
    from rapidfuzz import fuzz

    wanted = [w for w in (fold(n) for n in names) if w]
    for existing in known:
        folded = fold(existing)
        if any(folded == w or fuzz.ratio(folded, w) >= SAME for w in wanted):
            return True
    return False
