"""CSV, JSON and XLSX writers of a score table: the same rows, each format for its readers.

* CSV for a double-click in French Excel or LibreOffice Calc: ``;`` separator, UTF-8 with BOM,
  decimal comma (``decimal="."`` for programs), every field quoted, booleans ``oui``/``non``, the
  header row first and nothing else but rows; what the file is (k, date, scope, versions, the
  rule) goes to its Lisez-moi text file (``write_csv_readme``).
* JSON for programs: the documented object of ``docs/export.md`` (``schema`` =
  ``voix-export-scores/2``), rows with exactly the keys of ``score_table.COLUMNS``.
* XLSX for people: a "Lisez-moi" sheet, then one sheet per level with French column names,
  the codes in words (« trop peu de jeunes » for ``small_group``, ``admin.code_words``), a
  frozen header and number formats.

No cell ever becomes a formula: names are typed by people, and a structure called
``=HYPERLINK(...)`` must stay a name. In the CSV a text starting like a formula gets a leading
apostrophe (what OWASP advises; LibreOffice and Excel show it and keep the cell as text); in the
XLSX it is stored as text, marked with the quote prefix so that editing it keeps it text.

No writer decides what is masked: they write ``ScoreTable`` rows, already masked.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from admin.code_words import glossary_lines, in_words
from admin.export_readme import INDICATOR_HEADINGS, csv_lines, indicator_lines, rule_lines, versions_note
from admin.report_text import local_time
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
    "band": "Fourchette",
}
SHEET_NAMES = {"sector": "Secteur", "organisation": "Organisations", "structure": "Structures"}
NUMBER_COLUMNS = ("value", "ci_low", "ci_high")
CSV_LINE_END = "\r\n"
BOOLEAN_WORDS = {True: "oui", False: "non"}
# What makes Excel or LibreOffice read a cell as a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
README_TITLE = "Export des indicateurs Voix"
# Above the codes of the rule and the other formats, and the words the sheets show for them.
GLOSSARY_TITLE = "Codes et mots des feuilles"


@dataclass(frozen=True)
class ExportHeader:
    """What an export records about itself: when, how, with which k and for which scope."""

    generated_at: str
    command: str
    levels: Sequence[str]
    waves: Sequence[str]
    scope: str
    zone: tzinfo = UTC  # the deployment's (VOIX_TIMEZONE): the Lisez-moi and the report say the time in it

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
    document = {
        **header.as_dict(table),
        "suppression_rule": rule_lines(table.minimum_group_size, table.minimum_youth_per_side),
    }
    document["rows"] = [row.as_dict() for row in table.rows]
    json.dump(document, stream, ensure_ascii=False, indent=1)
    stream.write("\n")


def write_csv(table: ScoreTable, stream: IO[str], decimal: str = ",") -> None:
    """Write the export as CSV that opens right on a double-click (``;``, BOM, quoted fields).

    LibreOffice Calc's import dialog splits on ``,`` and ``;`` (and tab) by default: a number
    like 52,3 stays one cell only inside quotes, so every field is quoted. The first line is the
    header row: what the file is goes to its Lisez-moi (``write_csv_readme``), not above it.
    """
    stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator=CSV_LINE_END)
    writer.writerow(COLUMNS)
    # 200,000 rows through csv.writer cost more than the rest of the writing: each line is put
    # together from pieces that repeat (the group's cells, the indicator's, unit to reason, the
    # rounded numbers), each converted once — the pieces with text by csv.writer itself, so the
    # quoting is the same.
    heads, cells, ends, numbers = _CsvPieces(), _CsvPieces(), _CsvPieces(), _CsvNumbers(decimal)
    stream.writelines(
        f'{heads[row[:4]]};{cells[row[4:8]]};"{_count(row[8])}";{numbers[row[9]]};{numbers[row[10]]};'
        f"{numbers[row[11]]};{ends[row[12:]]}{CSV_LINE_END}"
        for row in table.rows
    )


def _count(n: int | None) -> str:
    """A row's n as the CSV writes it: empty where it is withheld (it would count other answers)."""
    return "" if n is None else str(n)


def neutralised(text: str) -> str:
    """Return the text with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(cell: object) -> object:
    """Return a cell as the CSV writes it: booleans as words, text never read as a formula."""
    if isinstance(cell, bool):
        return BOOLEAN_WORDS[cell]
    if isinstance(cell, str):
        return neutralised(cell)
    return cell


class _CsvPieces(dict[tuple[object, ...], str]):
    """Some consecutive cells of a row as csv.writer writes them, converted on first use."""

    def __missing__(self, cells: tuple[object, ...]) -> str:
        text = self[cells] = _csv_cells(tuple(_csv_cell(cell) for cell in cells))
        return text


class _CsvNumbers(dict[float | None, str]):
    """Rounded values as written: Python's shortest repr with the chosen decimal mark, quoted;
    None is an empty field.

    Row values are floats (``round`` of a float). -0.0 equals 0.0 as a key but is written
    ``-0,0``, so zeros are converted each time rather than remembered.
    """

    def __init__(self, decimal: str) -> None:
        super().__init__()
        self.decimal = decimal

    def __missing__(self, number: float | None) -> str:
        text = '""' if number is None else '"' + repr(number).replace(".", self.decimal) + '"'
        if number != 0.0:
            self[number] = text
        return text


def _csv_cells(cells: tuple[object, ...]) -> str:
    """Return cells joined by ``;`` exactly as csv.writer writes them in a row (without line end)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator=CSV_LINE_END).writerow(cells)
    return buffer.getvalue().removesuffix(CSV_LINE_END)


def write_csv_readme(table: ScoreTable, header: ExportHeader, stream: IO[str], decimal: str = ",") -> None:
    """Write the Lisez-moi text of a CSV export: what the file is, how it is written, the rule."""
    indicators = indicator_lines(table)
    stream.write("\ufeff")
    lines = [
        README_TITLE,
        *(f"{label} : {value}" for label, value in _readme_facts(table, header)),
        "",
        "Le fichier CSV",
        *csv_lines(decimal),
        "",
        "Règle de masquage",
        *rule_lines(table.minimum_group_size, table.minimum_youth_per_side),
        "",
        "Indicateurs",
        *(
            f"{identifier} ({dimension}) — {title} : {text}"
            for identifier, dimension, title, text in indicators
        ),
    ]
    stream.writelines(line + CSV_LINE_END for line in lines)


def write_xlsx(table: ScoreTable, header: ExportHeader, stream: IO[bytes]) -> None:
    """Write the export as an Excel workbook: "Lisez-moi", then one sheet per level."""
    workbook = Workbook()
    readme = workbook.active
    assert readme is not None
    readme.title = "Lisez-moi"
    _write_readme(readme, table, header)
    suppressed = COLUMNS.index("suppressed")
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
            version = row.referentiel_version
            cells = [in_words(column, cell, version) for column, cell in zip(COLUMNS, row, strict=True)]
            cells[suppressed] = BOOLEAN_WORDS[row.suppressed]
            append_as_text(sheet, cells)
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


def append_as_text(sheet: Any, cells: Sequence[object]) -> None:
    """Append a row whose texts stay texts: openpyxl would store one starting with ``=`` as a formula.
    A control character no workbook may hold (a name stored before they were refused) is dropped:
    openpyxl would refuse the whole export."""
    cells = [ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str) else cell for cell in cells]
    sheet.append(cells)
    for index, cell in enumerate(cells, start=1):
        if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
            written = sheet.cell(sheet.max_row, index)
            written.data_type = "s"
            written.quotePrefix = True


# The référentiel of an export with no T0 or T1 answer kept (none given yet, or all erased):
# said, not left blank.
NO_REFERENTIEL_KEPT = "aucun (aucune réponse T0 ou T1 conservée : aucune encore, ou toutes effacées)"


def referentiels_named(labels: Iterable[str]) -> str:
    """An export's référentiel versions (``voix-mecs/2``), as its header names them."""
    return ", ".join(labels) or NO_REFERENTIEL_KEPT


def _readme_facts(table: ScoreTable, header: ExportHeader) -> list[tuple[str, object]]:
    """What an export records about itself, as (label, value) lines of its Lisez-moi."""
    labels = [referentiel_label(key) for key in table.referentiels]
    note = versions_note(labels)
    return [
        ("Généré le", local_time(header.generated_at, header.zone)),
        ("Commande", header.command),
        ("Taille minimale des groupes (k)", table.minimum_group_size),
        ("Périmètre", header.scope),
        ("Vagues", ", ".join(header.waves)),
        ("Référentiel", referentiels_named(labels)),
        *([("Versions", note)] if note else []),
        ("Lignes", len(table.rows)),
    ]


def _write_readme(sheet: Any, table: ScoreTable, header: ExportHeader) -> None:
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 40
    sheet.column_dimensions["D"].width = 90
    lines: list[Sequence[object]] = [
        [README_TITLE],
        *[list(fact) for fact in _readme_facts(table, header)],
        [],
        ["Règle de masquage"],
        *[[line] for line in rule_lines(table.minimum_group_size, table.minimum_youth_per_side)],
        [],
        *glossary_block("Code (CSV, JSON, règle)", _codes_shown(table)),
        list(INDICATOR_HEADINGS),
        *indicator_lines(table),
    ]
    write_readme_lines(sheet, lines)


def glossary_block(code_heading: str, shown: Iterable[tuple[str, object]]) -> list[list[object]]:
    """A Lisez-moi's glossary, then an empty line: each code the sheets show in words (``shown``:
    every (column, value) of their rows, ``code_words.glossary_lines``), under ``code_heading``."""
    lines: list[list[object]] = [list(line) for line in glossary_lines(shown)]
    return [[GLOSSARY_TITLE], [code_heading, "Dans les feuilles"], *lines, []]


def _codes_shown(table: ScoreTable) -> Iterator[tuple[str, object]]:
    """Every (column, value) of the table's rows whose code the sheets show in words."""
    for row in table.rows:
        yield from (("level", row.level), ("wave", row.wave), ("unit", row.unit), ("reason", row.reason))


def write_readme_lines(sheet: Any, lines: Sequence[Sequence[object]]) -> None:
    """A Lisez-moi sheet's lines, as text, wrapped at the top of their cells, the title large."""
    for line in lines:
        append_as_text(sheet, line)
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
