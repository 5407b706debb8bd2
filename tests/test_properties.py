"""Every parser of user input, fed anything (issue 13, « no traceback anywhere »).

The property: a parser returns a value of the expected form, or raises one
:class:`BailleursError` whose message is one line of French; never any other
exception. Each crash Hypothesis found is kept as an ``@example``.

Pure parsers get 200 examples, store-backed ones 50, against one copy of the
session's seeded store (see ``conftest``) rather than a store per example.
Hypothesis keeps no example database and caches nothing in the work tree.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from bailleurs_cli import dates, validation
from bailleurs_cli.enums import Contribution
from bailleurs_cli.errors import BailleursError
from bailleurs_cli.followup import landlords, partnerships
from bailleurs_cli.ground import geo, priority
from bailleurs_cli.reminders import recurring
from bailleurs_cli.settings import config
from bailleurs_cli.settings.config import Settings
from bailleurs_cli.sources.imports import generic
from bailleurs_cli.store.core import Store
from bailleurs_cli.store.models import Landlord

from .conftest import TODAY

# Hypothesis caches what it learns of the source in ``.hypothesis/`` of the current
# folder, as soon as this module's strategies are built: keep it out of the work tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "bailleurs-tests-hypothesis")

PURE = settings(max_examples=200, deadline=None, database=None)
STORED = settings(max_examples=50, deadline=None, database=None)

#: Characters that end a line for ``str.splitlines`` (and for a terminal or a log).
BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

anything = st.text(max_size=80)
#: Text with what users really type: digits of every script, separators, line breaks.
typed = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("0123456789²³¹٠١٢٣ ,.-/+€:'\u00a0\u202f" + BREAKS),
    ),
    max_size=40,
)


T = TypeVar("T")


def french_line(call: Callable[[], T]) -> T | None:
    """What ``call`` returns, or None after checking the error it raised."""
    try:
        return call()
    except BailleursError as exc:
        message = exc.message
        assert message.splitlines() == [message], message  # one line, no break inside
        assert message.strip(), message
        assert " : " in message or "«" in message, message  # French typography
        return None


# --- dates -------------------------------------------------------------------------

dates_typed = st.one_of(
    anything,
    typed,
    st.from_regex(r"\A\+?\s*[0-9]{1,5}\s*(j|jours?|s|sem|semaines?|m|mois)\Z"),
    st.builds("{:02d}/{:02d}/{:04d}".format, st.integers(0, 40), st.integers(0, 14),
              st.integers(0, 9999)),
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 14),
              st.integers(0, 40)),
    st.sampled_from(["demain", "Après-demain", "aujourd'hui", "lundi", "DIMANCHE", "+3j"]),
)  # fmt: skip


@PURE
@given(dates_typed)
@example("0\n0")  # the error quoted a line break: two lines
@example("+9999m")
@example("29/02/2027")
def test_dates(text: str) -> None:
    parsed = french_line(lambda: dates.parse_date(text, today=TODAY, field="--debut"))
    assert parsed is None or isinstance(parsed, date)


# --- amounts and contributions -----------------------------------------------------

amounts = st.one_of(
    typed,
    st.integers(0, 10**30).map(str),
    st.from_regex(r"\A[0-9]{1,9}([.,][0-9]{1,3})?\s?€?\Z"),
    st.decimals(min_value=0, max_value=10**8, places=2).map(lambda d: str(d).replace(".", ",")),
)


@PURE
@given(amounts)
@example("9" * 400)  # float('9…9') is infinite: round() raised OverflowError
@example("9" * 5000)  # int() refuses more than 4,300 digits
@example("30000000")  # 3e9 cents: past a PostgreSQL INTEGER column
@example("1 200,50 €")
def test_amounts(text: str) -> None:
    for option in ("--montant", "--valeur"):
        cents = french_line(partial(partnerships.euros, text, option))
        assert cents is None or (isinstance(cents, int) and 0 <= cents <= partnerships.MAX_CENTS)


contributions = st.lists(
    st.one_of(
        typed,
        st.builds(
            "{}={}".format,
            st.sampled_from(["locaux", "Communication", " mobilisation ", "logement", ""]),
            amounts,
        ),
        st.sampled_from([c.value for c in Contribution]),
    ),
    max_size=4,
)


@PURE
@given(contributions)
@example(["locaux=" + "9" * 400])
@example(["locaux=800", "communication"])
def test_contributions(items: list[str]) -> None:
    parsed = french_line(lambda: partnerships.contributions(items))
    if parsed is not None:
        assert [c["kind"] for c in parsed] == [
            validation.choice(i.partition("=")[0].strip(), Contribution, "x").value for i in items
        ]


# --- phones, e-mails, SIREN, SIRET, departments ------------------------------------

phones = st.one_of(
    typed,
    st.from_regex(r"\A(\+33|0033|0)[ .\-]?[1-9]([ .\-]?[0-9]{2}){4}\Z"),
)


@PURE
@given(phones)
@example("0١٢٣٤٥٦٧٨٩")  # Arabic-Indic digits were accepted and stored as such
@example("01\n23 45 67 89")
def test_phones(text: str) -> None:
    for parse in (validation.phone, lambda t: config.entered_value("association.telephone", t)):
        formatted = french_line(partial(parse, text))
        assert formatted is None or re.fullmatch(r"0[1-9]( [0-9]{2}){4}", formatted, re.ASCII)


@PURE
@given(st.one_of(typed, st.emails().map(str)))
@example("awa.diallo@\u2028example.org")
def test_emails(text: str) -> None:
    for parse in (validation.email, lambda t: config.entered_value("association.email", t)):
        address = french_line(partial(parse, text))
        assert address is None or "@" in address


@PURE
@given(st.one_of(typed, st.from_regex(r"\A[0-9 ]{9,11}\Z"), st.from_regex(r"\A[0-9 ]{14,17}\Z")))
@example("i³")  # str.isdigit() is true for « ³ », int() refuses it: ValueError
@example("344 810 825")
@example("732 829 320 00074")
def test_siren_and_siret(text: str) -> None:
    siren = french_line(lambda: validation.siren(text))
    assert siren is None or re.fullmatch(r"[0-9]{9}", siren)
    siret = french_line(lambda: config.entered_value("association.siret", text))  # config set
    assert siret is None or re.fullmatch(r"[0-9]{14}", siret)


@PURE
@given(st.one_of(typed, st.integers(-1, 100).map(str), st.sampled_from(["93", " 75 ", "2A"])))
def test_departements(text: str) -> None:
    code = french_line(lambda: validation.departement(text))
    assert code is None or code in validation.IDF_DEPARTEMENTS


@PURE
@given(st.one_of(typed, st.from_regex(r"\A\s*[0-9]{1,4}\s*(j|s|m|a|mois|ans?)\s*\Z")))
def test_periods(text: str) -> None:
    parsed = french_line(lambda: recurring.parse_every(text))
    assert parsed is None or (parsed[0] > 0 and parsed[1] in "jsma")


# --- communes, landlords, QPV ------------------------------------------------------


def _commune_names() -> st.SearchStrategy[str]:
    communes = sorted(geo.communes().values(), key=lambda c: c.code)
    return st.one_of(
        st.sampled_from([c.name for c in communes]),
        st.sampled_from([c.label for c in communes]),
        st.sampled_from([c.code for c in communes]),
        st.sampled_from([p for c in communes for p in c.postcodes]),
    )


place_names = st.one_of(
    typed,
    st.deferred(_commune_names),
    st.builds(str.__add__, st.deferred(_commune_names), typed),
    st.builds("Paris {}e".format, st.integers(-1, 99)),
)


@PURE
@given(place_names)
@example("Saint-Denis\n(93)")
@example("Paris 0e")
def test_communes(text: str) -> None:
    commune = french_line(lambda: geo.resolve(text, "--commune"))
    assert commune is None or isinstance(commune, geo.Commune)


@pytest.fixture(scope="module")
def seeded(_seeded_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One copy of the session's seeded store, only read, for every example."""
    from bailleurs_cli.api import open_default

    copy = tmp_path_factory.mktemp("proprietes") / "store.db"
    shutil.copyfile(_seeded_sqlite, copy)
    opened = open_default(str(copy), settings=Settings(), today=TODAY, notify=lambda _: None)
    yield opened
    opened.dispose()


KNOWN_LANDLORDS = [
    "rivp",
    "RIVP",
    "Paris Habitat",
    "paris-habitat",
    "Adoma",
    "Sonacotra",
    "Valophis",
    "1001 Vies Habitat",
    "Efidis",
    "OPH",
    "habitat",
    "Seine-Saint-Denis",
]
landlord_names = st.one_of(
    typed,
    st.sampled_from(KNOWN_LANDLORDS),
    st.builds(str.__add__, st.sampled_from(KNOWN_LANDLORDS), typed),
)


@STORED
@given(landlord_names)
@example("Paris\x1cHabitat")
@example("")
def test_landlords(seeded: Store, text: str) -> None:
    with seeded.read() as session:
        found = french_line(lambda: landlords.resolve(session, text))
        assert found is None or isinstance(found, Landlord)


def _qpv_codes() -> st.SearchStrategy[str]:
    codes = sorted({code for c in geo.communes().values() for code in c.qpv})
    return st.sampled_from(codes).flatmap(
        lambda code: st.sampled_from([code, code.lower(), f" {code[:4]} {code[4:]} ", code[:-1]])
    )


@STORED
@given(st.one_of(typed, st.deferred(_qpv_codes)))
@example("\n")
@example("QN\x0093")  # a NUL byte: PostgreSQL refuses it in a query
def test_qpv(seeded: Store, text: str) -> None:
    with seeded.read() as session:
        found = french_line(lambda: priority.require_qpv(session, text))
        assert found is None or (found.code == text.strip().upper().replace(" ", ""))


# --- rows of an imported spreadsheet -----------------------------------------------

cells = st.one_of(
    typed,
    phones,
    st.emails().map(str),
    place_names,
    st.from_regex(r"\A[0-9 ]{9,11}\Z"),
    st.sampled_from(["oph", "ESH", "sem", "coopérative", "https://bailleur.fr"]),
    st.just("6 rue Carnot, 93100 Montreuil"),
)
LABELS = {field: f"Colonne {field}" for field in generic.FIELDS}


@PURE
@given(st.dictionaries(st.sampled_from(list(generic.FIELDS)), cells))
@example({"siren": "i³"})  # ValueError from validation.siren stopped the whole import
@example({"adresse": "6 rue Carnot,\n93100 Montreuil"})  # a cell with a line break
def test_import_rows(values: dict[str, str]) -> None:
    checked = french_line(lambda: generic._checked(values, LABELS))
    assert checked is None or set(checked) == set(values)
