"""Rebuild the reference tables shipped with bailleurs from the public source files.

Usage::

    python data/reference/build.py SOURCE_DIR

SOURCE_DIR holds the files described in ``data/reference/SOURCES.md``
(``qpv2024_idf.csv``, ``communes_idf_cog2026.csv``, ``mairies_idf.csv``,
``logements-sociaux-finances-a-paris.csv``). The script checks what it reads
(counts the decree and the COG state), then writes, next to itself:

- ``qpv.csv``, ``communes.csv``, ``mairies.csv``: copied with their columns unchanged;
- ``paris_logements_finances.csv``: the Ville de Paris programmes totalled per
  landlord label and arrondissement (INSEE code 751xx).

Standard library only; run it by hand when a source is refreshed, then commit.
"""

from __future__ import annotations

import csv
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: QPV per IDF department under décret 2023-1314 modified (checked against ANCT's list).
QPV_PER_DEPARTEMENT = {
    "75": 21, "77": 25, "78": 22, "91": 47, "92": 19, "93": 75, "94": 47, "95": 42,
}  # fmt: skip


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _check_qpv(rows: list[dict[str, str]]) -> None:
    counts = Counter(row["departement"] for row in rows)
    if dict(counts) != QPV_PER_DEPARTEMENT:
        sys.exit(f"qpv: per-department counts {dict(counts)} differ from the decree")
    codes = [row["code_qp"] for row in rows]
    if len(set(codes)) != len(codes):
        sys.exit("qpv: duplicated code_qp")


def _check_communes(rows: list[dict[str, str]]) -> None:
    kinds = Counter(row["type"] for row in rows)
    if kinds != {"commune-actuelle": 1266, "arrondissement-municipal": 20}:
        sys.exit(f"communes: unexpected content {dict(kinds)}")


def _paris(source: Path) -> list[list[str | int]]:
    """Programmes funded in Paris, totalled per landlord label and arrondissement."""
    dwellings: dict[tuple[str, str], int] = defaultdict(int)
    programmes: dict[tuple[str, str], int] = defaultdict(int)
    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in _rows(source, delimiter=";"):
        label = " ".join(row["bs"].split())
        arrondissement = int(row["arrdt"])
        if not 1 <= arrondissement <= 20:
            sys.exit(f"paris: arrondissement {row['arrdt']!r} in programme {row['id_livraison']}")
        key = (label, f"751{arrondissement:02d}")
        dwellings[key] += int(row["nb_logmt_total"])
        programmes[key] += 1
        years[key].append(int(row["annee"]))
    table: list[list[str | int]] = []
    for key in sorted(
        dwellings,
        key=lambda k: (-sum(v for (lab, _), v in dwellings.items() if lab == k[0]), k[0], k[1]),
    ):
        table.append([*key, dwellings[key], programmes[key], min(years[key]), max(years[key])])
    total = sum(int(row[2]) for row in table)
    if total != 126544:
        sys.exit(f"paris: {total} dwellings, the dataset states 126 544")
    return table


def main(source_dir: str) -> None:
    source = Path(source_dir)
    qpv = _rows(source / "qpv2024_idf.csv")
    _check_qpv(qpv)
    communes = _rows(source / "communes_idf_cog2026.csv")
    _check_communes(communes)
    mairies = _rows(source / "mairies_idf.csv")
    if len(mairies) != 1266:
        sys.exit(f"mairies: {len(mairies)} rows, expected 1 266")
    shutil.copyfile(source / "qpv2024_idf.csv", HERE / "qpv.csv")
    shutil.copyfile(source / "communes_idf_cog2026.csv", HERE / "communes.csv")
    shutil.copyfile(source / "mairies_idf.csv", HERE / "mairies.csv")
    table = _paris(source / "logements-sociaux-finances-a-paris.csv")
    with (HERE / "paris_logements_finances.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["bs", "commune_insee", "logements_finances", "programmes",
             "premiere_annee", "derniere_annee"]
        )  # fmt: skip
        writer.writerows(table)
    print(f"{len(qpv)} QPV, {len(communes)} communes, {len(mairies)} mairies, "
          f"{len(table)} rows Paris landlord × arrondissement")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
