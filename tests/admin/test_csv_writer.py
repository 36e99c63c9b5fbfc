"""The CSV writer puts lines together from converted pieces: it must write what csv.writer writes,
every field quoted, booleans as words and no text a spreadsheet would run as a formula."""

import csv
import io

import pytest

from admin.export_formats import write_csv
from admin.score_table import COLUMNS, ScoreRow, ScoreTable

AWKWARD_NAMES = [
    "Maison; d'accueil", 'Le "Phare"', "Deux\nlignes", "Simple", "", "Maison, d'accueil",
    '=HYPERLINK("http://x.invalid";"clic")', "+33 6 00", "-Les Tilleuls", "@SOMME(A1)", "\tTab",
    "\rRetour", "Le = au milieu",
]  # fmt: skip
# The names as a spreadsheet must show them: those starting like a formula behind an apostrophe.
SHOWN_NAMES = [
    "Maison; d'accueil", 'Le "Phare"', "Deux\nlignes", "Simple", "", "Maison, d'accueil",
    '\'=HYPERLINK("http://x.invalid";"clic")', "'+33 6 00", "'-Les Tilleuls", "'@SOMME(A1)", "'\tTab",
    "'\rRetour", "Le = au milieu",
]  # fmt: skip


def rows() -> list[ScoreRow]:
    """Rows with names that need quoting, signed zeros, integers and floats, masked rows."""
    numbers = [0.0, -0.0, 12.5, -0.1, 100.0, 3.25, None]
    built = []
    for index, name in enumerate(AWKWARD_NAMES):
        for offset, value in enumerate(numbers):
            low = numbers[(index + offset + 1) % len(numbers)]
            high = numbers[(index + offset + 2) % len(numbers)]
            masked = value is None
            built.append(
                ScoreRow(
                    "structure",
                    index,
                    name,
                    f"Org {name}",
                    "T0",
                    "voix-mecs/1",
                    "dimension",
                    "indicator",
                    offset,
                    value,
                    low,
                    high,
                    "count" if offset % 2 else "percent",
                    masked,
                    "small_group" if masked else None,
                )
            )
    return built


def reference_csv(table: ScoreTable, decimal: str) -> str:
    """The rows as csv.writer writes them, cell by cell, every field quoted."""

    def number(value: float | None) -> str | None:
        return None if value is None else repr(value).replace(".", decimal)

    shown = dict(zip(AWKWARD_NAMES, SHOWN_NAMES, strict=True)) | {
        f"Org {name}": f"Org {name}" for name in AWKWARD_NAMES
    }
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(
        (*row[:2], shown[row.group_name], shown[row.organisation], *row[4:9], number(row.value),
         number(row.ci_low), number(row.ci_high), row.unit, "oui" if row.suppressed else "non", row.reason,
         row.band)
        for row in table.rows
    )  # fmt: skip
    return stream.getvalue()


@pytest.mark.parametrize("decimal", [",", "."])
def test_lines_are_what_csv_writer_writes(decimal):
    table = ScoreTable(rows(), 10, [("voix-mecs", 1)], {}, 5, 10)
    stream = io.StringIO()
    write_csv(table, stream, decimal)
    text = stream.getvalue()
    assert text.startswith('\ufeff"level";"group_id";"group_name";')  # the header row comes first
    body = text.removeprefix("\ufeff")
    assert body == reference_csv(table, decimal)
    assert f'"-0{decimal}0"' in body and f';"0{decimal}0";' in body and f';"-0{decimal}1";' in body
    parsed = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert [line[2] for line in parsed[1::7]] == SHOWN_NAMES
    assert {line[13] for line in parsed[1:]} == {"oui", "non"}
    numbers = [line[9] for line in parsed[1:]]
    assert f"-0{decimal}1" in numbers  # a negative number is a number, never prefixed
