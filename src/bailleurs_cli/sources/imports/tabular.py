"""Read the tables users download: CSV (any of ``;`` ``,`` tab ``|``, UTF-8 or
Windows-1252 as Excel writes it, with or without BOM), ZIP archives holding CSV,
and XLSX workbooks. Rows are streamed, never loaded whole.

Column names are matched folded (lower case, no accents, no punctuation), and
Excel's protective wrapping of codes (``="93066"``) is removed from every cell.

Hostile files (issue 9) are refused before they cost anything: an archive (XLSX, ZIP)
whose members would inflate too much is refused from its directory, unread; a CSV
mixing UTF-8 and Windows-1252 is refused at the first line in the minority encoding.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from bailleurs_cli import validation
from bailleurs_cli.errors import InvalidInput

#: Delimiters tried on the header line, most common in French exports first.
DELIMITERS = (";", ",", "\t", "|")
#: Bytes read ahead to choose the encoding (and to spot a binary file).
_SAMPLE = 1 << 20

MB = 1_000_000
# Zip bombs (issue 9: a 2 MB XLSX took 2.2 GB of memory in openpyxl) are refused from
# the sizes the archive's directory declares, before anything is inflated. Those sizes
# are a true bound: zipfile stops inflating a member at its declared size, and a member
# that lies about it ends in a CRC error.
#: An XLSX's parts, inflated: openpyxl turns their XML into Python objects several times
#: that size. A workbook typed by hand or exported from a register is a few Mo; beyond
#: 200 Mo, CSV (read as a stream) is the format to use.
MAX_XLSX_BYTES = 200 * MB
#: The CSV of a ZIP, inflated: read as a stream, but a line is held whole, and the files
#: users download weigh tens of Mo (100 000 DGFiP rows: 12 Mo). A bigger archive can be
#: unzipped and its CSV imported.
MAX_ZIP_BYTES = 500 * MB
#: Real CSV and XLSX parts shrink about 5 to 20 times, zeros a thousand times; a member
#: inflating more than 100 times is refused, as Apache POI refuses XLSX (ZipSecureFile,
#: minimum inflate ratio 0.01)…
MAX_RATIO = 100
#: …once it is past 10 Mo: a small member is harmless whatever its ratio.
RATIO_FLOOR = 10 * MB

Progress = Callable[[int], None]


def unwrap(value: str) -> str:
    """``="93066"`` → ``93066``; surrounding spaces removed."""
    text = value.strip()
    if text[:1] not in ('"', "="):
        return text
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    elif text.startswith("=") and text[1:].strip().isdigit():
        text = text[1:]
    return text.strip().strip('"').strip()


def normalise(header: str) -> str:
    """A column name as matched: ``N° SIREN (Propriétaire(s) du local)`` → ``n siren``."""
    base = header.split("(")[0] if "(" in header and not header.startswith("(") else header
    return validation.fold(base.replace("\ufeff", ""))


@dataclass
class Table:
    """An opened table: its columns and a row iterator (line numbers as users see them)."""

    name: str
    columns: list[str]
    encoding: str
    delimiter: str | None
    _rows: Iterator[tuple[int, list[str]]] = field(repr=False)
    keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.keys = [normalise(c) for c in self.columns]
        seen: dict[str, str] = {}
        for column, key in zip(self.columns, self.keys, strict=True):
            if key and key in seen:
                raise InvalidInput(
                    f"{self.name} : colonne « {column} » en double ; renommez l'une des deux."
                )
            seen[key] = column

    def find(self, *candidates: str, prefix: bool = False) -> str | None:
        """The first column matching one of ``candidates`` (folded names)."""
        for candidate in candidates:
            for key in self.keys:
                if key == candidate or (prefix and key.startswith(candidate)):
                    return key
        return None

    def require(self, label: str, *candidates: str, prefix: bool = False) -> str:
        """Like :meth:`find`, but a missing column is an error naming what was found."""
        found = self.find(*candidates, prefix=prefix)
        if found is None:
            shown = ", ".join(f"« {c} »" for c in self.columns[:12])
            raise InvalidInput(
                f"{self.name} : colonne « {label} » introuvable ; colonnes lues : {shown}"
                f"{', …' if len(self.columns) > 12 else ''}. Vérifiez le fichier ou le séparateur."
            )
        return found

    def rows(self, progress: Progress | None = None) -> Iterator[tuple[int, dict[str, str]]]:
        """``(line, {folded column: value})`` for each non-empty row."""
        width = len(self.keys)
        count = 0
        for line, cells in self._rows:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            count += 1
            if progress is not None and count % 1_000 == 0:
                progress(count)
            yield line, {k: unwrap(v) for k, v in zip(self.keys, cells, strict=False) if k}


def _line_encoding(line: bytes) -> str | None:
    """``None`` for plain ASCII, ``utf-8`` if the line decodes as UTF-8, else ``cp1252``.

    A Windows-1252 line is almost never valid UTF-8: its accented letters would all
    have to come in pairs such as « Ã© ».
    """
    if line.isascii():
        return None
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _encoding(sample: bytes, name: str) -> str:
    """The encoding of most non-ASCII lines of ``sample`` (the first one's on a tie).

    So a file mostly in UTF-8 with one line in Windows-1252, or the reverse, is
    read in the encoding of its majority, and the odd line is the error.
    """
    if b"\x00" in sample[:4096]:
        raise InvalidInput(f"{name} : fichier binaire ; attendu un CSV, un XLSX ou un ZIP de CSV.")
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    lines = sample.split(b"\n")
    if len(sample) >= _SAMPLE:
        lines.pop()  # maybe a line cut by the sample's end
    votes = [kind for kind in map(_line_encoding, lines) if kind is not None]
    if not votes:
        return "utf-8"
    counts = Counter(votes)
    return max(counts, key=lambda kind: (counts[kind], kind == votes[0]))


def _delimiter(header: str, name: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InvalidInput(
            f"{name} : une seule colonne lue ; séparateur non reconnu (attendu « ; », « , » "
            "ou tabulation)."
        )
    return best


def _damaged(name: str) -> InvalidInput:
    """A member that does not match the archive's directory (damaged, or lying on its size)."""
    return InvalidInput(f"{name} : archive ZIP abîmée ; téléchargez-la de nouveau.")


class _Lines:
    """Decode a binary file line by line, so an encoding error names its real line."""

    def __init__(self, raw: Any, encoding: str, name: str) -> None:
        self.raw, self.encoding, self.name = raw, encoding, name
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        try:
            for chunk in self.raw:
                self.line += 1
                yield self._decode(chunk)
        except zipfile.BadZipFile:  # a member whose declared size lied ends here
            raise _damaged(self.name) from None

    def _decode(self, chunk: bytes) -> str:
        encoding = self.encoding if self.line == 1 else self.encoding.replace("-sig", "")
        try:
            text: str | None = chunk.decode(encoding)
        except UnicodeDecodeError:
            text = None
        # Windows-1252 decodes almost any byte: a UTF-8 line must be caught by its shape.
        if text is None or (encoding == "cp1252" and _line_encoding(chunk) == "utf-8"):
            raise InvalidInput(
                f"{self.name}, ligne {self.line} : encodage mixte ; réenregistrez le "
                "fichier en UTF-8."
            )
        return text


@contextmanager
def _csv(raw: Any, name: str) -> Iterator[Table]:
    try:
        sample = raw.peek(_SAMPLE)[:_SAMPLE] if hasattr(raw, "peek") else b""
    except zipfile.BadZipFile:
        raise _damaged(name) from None
    encoding = _encoding(sample, name)
    lines = _Lines(raw, encoding, name)
    iterator = iter(lines)
    header_line = next(iterator, "")
    if not header_line.strip():
        raise InvalidInput(f"{name} : fichier vide ; attendu une ligne d'en-tête.")
    delimiter = _delimiter(header_line, name)
    columns = next(csv.reader([header_line], delimiter=delimiter))

    def rows() -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(iterator, delimiter=delimiter)
        try:
            for cells in reader:
                yield lines.line, cells
        except csv.Error as exc:
            raise InvalidInput(f"{name}, ligne {lines.line} : CSV mal formé ({exc}).") from None

    yield Table(name, columns, encoding.replace("cp1252", "windows-1252"), delimiter, rows())


def _mb(size: int) -> str:
    return f"{math.ceil(size / MB)} Mo"


def _check_inflation(
    members: list[zipfile.ZipInfo], name: str, limit: int, what: str, fix: str
) -> None:
    """Refuse a zip bomb from the sizes its directory declares; inflates nothing.

    Raises:
        InvalidInput: the members would inflate beyond ``limit`` or beyond :data:`MAX_RATIO`.
    """
    total = sum(m.file_size for m in members)
    if total > limit:
        raise InvalidInput(
            f"{name} : {_mb(total)} une fois décompressé, au-delà de la limite de {_mb(limit)} "
            f"pour {what} ; {fix}."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise InvalidInput(
                f"{name} : « {member.filename} » grossit {int(ratio)} fois à la décompression "
                f"({MAX_RATIO} au plus) : bombe de décompression probable ; si le fichier est "
                f"sûr, {fix}."
            )


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise InvalidInput("XLSX : openpyxl manque ; réinstallez bailleurs.") from None
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise InvalidInput(f"{path.name} : classeur XLSX illisible ({exc}).") from None
    _check_inflation(
        members, path.name, MAX_XLSX_BYTES, "un classeur XLSX", "enregistrez-le en CSV"
    )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException
        raise InvalidInput(f"{path.name} : classeur XLSX illisible ({exc}).") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise InvalidInput(
            f"« {sheet} » absente de {path.name} ; feuilles : {', '.join(book.sheetnames)}.",
            field="sheet",
        )
    ws = book[sheet] if sheet else book.worksheets[0]
    values = ws.iter_rows(values_only=True)

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    try:
        header = next(values)
    except StopIteration:
        raise InvalidInput(f"{path.name} : feuille vide ; attendu une ligne d'en-tête.") from None
    except zipfile.BadZipFile:
        raise _damaged(path.name) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, row in enumerate(values, start=2):
                yield line, [cell(v) for v in row]
        except zipfile.BadZipFile:
            raise _damaged(path.name) from None
        book.close()

    return Table(path.name, [cell(h) for h in header], "xlsx", None, rows())


def open_table(path: Path, *, sheet: str | None = None) -> Iterator[Table]:
    """The tables in ``path``: one for a CSV or XLSX, one per CSV member of a ZIP.

    Raises:
        InvalidInput: missing or unreadable file, binary content, no delimiter.
    """
    if not path.is_file():
        raise InvalidInput(f"fichier « {path} » introuvable ; vérifiez le chemin.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield _open_xlsx(path, sheet)
        return
    if suffix == ".xls":
        raise InvalidInput(
            f"{path.name} : ancien format Excel (.xls) ; enregistrez-le en .xlsx ou en CSV."
        )
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [
                m for m in archive.infolist() if m.filename.lower().endswith((".csv", ".txt"))
            ]
            if not members:
                raise InvalidInput(f"{path.name} : archive sans fichier CSV ni TXT.")
            _check_inflation(
                members,
                path.name,
                MAX_ZIP_BYTES,
                "une archive ZIP",
                "décompressez-la et importez le CSV qu'elle contient",
            )
            for member in members:
                with (
                    archive.open(member) as raw,
                    _csv(
                        io.BufferedReader(cast(Any, raw), _SAMPLE), f"{path.name}:{member.filename}"
                    ) as table,
                ):
                    yield table
        return
    with path.open("rb", buffering=_SAMPLE) as raw, _csv(raw, path.name) as table:
        yield table
