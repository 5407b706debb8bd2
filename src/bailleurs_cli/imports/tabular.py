"""Read the tables users download: CSV (any of ``;`` ``,`` tab ``|``, UTF-8 or
Windows-1252 as Excel writes it, with or without BOM), ZIP archives holding CSV,
and XLSX workbooks. Rows are streamed, never loaded whole.

Column names are matched folded (lower case, no accents, no punctuation), and
Excel's protective wrapping of codes (``="93066"``) is removed from every cell.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from bailleurs_cli import validation
from bailleurs_cli.errors import InvalidInput

#: Delimiters tried on the header line, most common in French exports first.
DELIMITERS = (";", ",", "\t", "|")
_SAMPLE = 1 << 20

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
            if progress is not None and count % 10_000 == 0:
                progress(count)
            yield line, {k: unwrap(v) for k, v in zip(self.keys, cells, strict=False) if k}


def _encoding(sample: bytes, name: str) -> str:
    if b"\x00" in sample[:4096]:
        raise InvalidInput(f"{name} : fichier binaire ; attendu un CSV, un XLSX ou un ZIP de CSV.")
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut by the sample's end
            return "cp1252"
    return "utf-8"


def _delimiter(header: str, name: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise InvalidInput(
            f"{name} : une seule colonne lue ; séparateur non reconnu (attendu « ; », « , » "
            "ou tabulation)."
        )
    return best


class _Lines:
    """Decode a binary file line by line, so an encoding error names its real line."""

    def __init__(self, raw: Any, encoding: str, name: str) -> None:
        self.raw, self.encoding, self.name = raw, encoding, name
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        for chunk in self.raw:
            self.line += 1
            encoding = self.encoding if self.line == 1 else self.encoding.replace("-sig", "")
            try:
                yield chunk.decode(encoding)
            except UnicodeDecodeError:
                raise InvalidInput(
                    f"{self.name}, ligne {self.line} : encodage mixte ; réenregistrez le "
                    "fichier en UTF-8."
                ) from None


@contextmanager
def _csv(raw: Any, name: str) -> Iterator[Table]:
    sample = raw.peek(_SAMPLE)[:_SAMPLE] if hasattr(raw, "peek") else b""
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


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise InvalidInput("XLSX : openpyxl manque ; réinstallez bailleurs.") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException
        raise InvalidInput(f"{path.name} : classeur XLSX illisible ({exc}).") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise InvalidInput(
            f"--feuille : « {sheet} » absente de {path.name} ; feuilles : "
            f"{', '.join(book.sheetnames)}."
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

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, row in enumerate(values, start=2):
            yield line, [cell(v) for v in row]
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
            members = [m for m in archive.namelist() if m.lower().endswith((".csv", ".txt"))]
            if not members:
                raise InvalidInput(f"{path.name} : archive sans fichier CSV ni TXT.")
            for member in members:
                with (
                    archive.open(member) as raw,
                    _csv(io.BufferedReader(cast(Any, raw)), f"{path.name}:{member}") as table,
                ):
                    yield table
        return
    with path.open("rb") as raw, _csv(raw, path.name) as table:
        yield table
