"""CSV, JSON and XLSX writers of a score table: the same rows, each format for its readers.

* CSV for French Excel: ``;`` separator, UTF-8 with BOM, decimal comma (``decimal="."`` for
  programs); one first line starting with ``#`` records k, the date and the versions.
* JSON for programs: the documented object of ``docs/export.md`` (``schema`` =
  ``voix-export-scores/2``), rows with exactly the keys of ``score_table.COLUMNS``.
* XLSX for people: a "Lisez-moi" sheet, then one sheet per level with French column names,
  a frozen header and number formats.

No writer decides what is masked: they write ``ScoreTable`` rows, already masked.
"""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from admin.export_readme import INDICATOR_HEADINGS, indicator_lines, rule_lines
from admin.score_table import COLUMNS, LEVELS, ScoreTable, referentiel_label

JSON_SCHEMA = "voix-export-scores/2"
FRENCH_COLUMNS = {
    "level": "Niveau",
    "group_id": "Identifiant du groupe",
    "group_name": "Groupe",
    "organisation": "Organisation",
    "wave": "Vague",
    "referentiel_version": "Version du référentiel",
    "dimension": "Dimension",
    "indicator": "Indicateur",
    "n": "Jeunes comptés (n)",
    "value": "Valeur",
    "ci_low": "IC 95 % bas",
    "ci_high": "IC 95 % haut",
    "unit": "Unité",
    "suppressed": "Masqué",
    "reason": "Raison du masquage",
}
SHEET_NAMES = {"sector": "Secteur", "organisation": "Organisations", "structure": "Structures"}
NUMBER_COLUMNS = ("value", "ci_low", "ci_high")
CSV_LINE_END = "\r\n"


@dataclass(frozen=True)
class ExportHeader:
    """What an export records about itself: when, how, with which k and for which scope."""

    generated_at: str
    command: str
    levels: Sequence[str]
    waves: Sequence[str]
    scope: str

    def as_dict(self, table: ScoreTable) -> dict[str, Any]:
        """Return the header fields of the JSON document."""
        return {
            "schema": JSON_SCHEMA,
            "generated_at": self.generated_at,
            "command": self.command,
            "minimum_group_size": table.minimum_group_size,
            "levels": list(self.levels),
            "waves": list(self.waves),
            "scope": self.scope,
            "referentiels": [referentiel_label(key) for key in table.referentiels],
            "row_count": len(table.rows),
        }


def write_json(table: ScoreTable, header: ExportHeader, stream: IO[str]) -> None:
    """Write the export as one JSON object with its header and rows."""
    document = {**header.as_dict(table), "suppression_rule": rule_lines(table.minimum_group_size)}
    document["rows"] = [row.as_dict() for row in table.rows]
    json.dump(document, stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def write_csv(table: ScoreTable, header: ExportHeader, stream: IO[str], decimal: str = ",") -> None:
    """Write the export as CSV for French Excel (``;``, BOM, decimal comma by default)."""
    stream.write("\ufeff")
    versions = ", ".join(referentiel_label(key) for key in table.referentiels)
    stream.write(
        f"# Voix, indicateurs par groupe ; k = {table.minimum_group_size} (groupes de moins de "
        f"{table.minimum_group_size} jeunes masqués) ; généré le {header.generated_at} ; "
        f"référentiel {versions} ; périmètre : {header.scope}\r\n"
    )
    writer = csv.writer(stream, delimiter=";", lineterminator=CSV_LINE_END)
    writer.writerow(COLUMNS)
    # 200,000 rows through csv.writer cost more than the rest of the writing: each line is put
    # together from pieces that repeat (the group's cells, the indicator's, unit to reason, the
    # rounded numbers), each converted once — the pieces with text by csv.writer itself, so the
    # quoting is the same. Numbers never need quoting.
    heads, cells, ends, numbers = _CsvPieces(), _CsvPieces(), _CsvEnds(), _CsvNumbers(decimal)
    stream.writelines(
        f"{heads[row[:4]]};{cells[row[4:8]]};{row[8]};{numbers[row[9]]};{numbers[row[10]]};"
        f"{numbers[row[11]]};{ends[row[12:]]}{CSV_LINE_END}"
        for row in table.rows
    )


class _CsvPieces(dict[tuple[object, ...], str]):
    """Some consecutive cells of a row as csv.writer writes them, converted on first use."""

    def __missing__(self, cells: tuple[object, ...]) -> str:
        text = self[cells] = _csv_cells(cells)
        return text


class _CsvEnds(dict[tuple[object, ...], str]):
    """The unit, suppressed and reason cells as written: booleans as ``true``/``false``."""

    def __missing__(self, cells: tuple[object, ...]) -> str:
        unit, suppressed, reason = cells
        text = self[cells] = _csv_cells((unit, "true" if suppressed else "false", reason))
        return text


class _CsvNumbers(dict[float | None, str]):
    """Rounded values as written: Python's shortest repr with the chosen decimal mark, None empty.

    Row values are floats (``round`` of a float). -0.0 equals 0.0 as a key but is written
    ``-0,0``, so zeros are converted each time rather than remembered.
    """

    def __init__(self, decimal: str) -> None:
        super().__init__()
        self.decimal = decimal

    def __missing__(self, number: float | None) -> str:
        text = "" if number is None else repr(number).replace(".", self.decimal)
        if number != 0.0:
            self[number] = text
        return text


def _csv_cells(cells: tuple[object, ...]) -> str:
    """Return cells joined by ``;`` exactly as csv.writer writes them in a row (without line end).

    The writer gets the real line end: it quotes the cells that contain one of its characters.
    """
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator=CSV_LINE_END).writerow(cells)
    return buffer.getvalue().removesuffix(CSV_LINE_END)


def write_xlsx(table: ScoreTable, header: ExportHeader, stream: IO[bytes]) -> None:
    """Write the export as an Excel workbook: "Lisez-moi", then one sheet per level."""
    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "Lisez-moi"
    _write_readme(readme, table, header)
    for level in LEVELS:
        rows = [row for row in table.rows if row.level == level]
        if level not in header.levels:
            continue
        sheet = workbook.create_sheet(SHEET_NAMES[level])
        sheet.append([FRENCH_COLUMNS[column] for column in COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in rows:
            sheet.append(list(row.as_tuple()))
            line = sheet.max_row
            for column in NUMBER_COLUMNS:
                sheet.cell(line, COLUMNS.index(column) + 1).number_format = (
                    "0.00" if row.unit == "count" else "0.0"
                )
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for index, column in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 14 if column != "group_name" else 30
    workbook.save(stream)


def _write_readme(sheet: Any, table: ScoreTable, header: ExportHeader) -> None:
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 40
    sheet.column_dimensions["D"].width = 90
    lines = [
        ["Export des indicateurs Voix"],
        ["Généré le", header.generated_at],
        ["Commande", header.command],
        ["Taille minimale des groupes (k)", table.minimum_group_size],
        ["Périmètre", header.scope],
        ["Vagues", ", ".join(header.waves)],
        ["Référentiel", ", ".join(referentiel_label(key) for key in table.referentiels)],
        ["Lignes", len(table.rows)],
        [],
        ["Règle de masquage"],
        *[[line] for line in rule_lines(table.minimum_group_size)],
        [],
        list(INDICATOR_HEADINGS),
        *indicator_lines(table),
    ]
    for line in lines:
        sheet.append(line)
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
