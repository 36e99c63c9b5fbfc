"""The CSV writer puts lines together from converted pieces: it must write what csv.writer writes."""

import csv
import io

import pytest

from admin.export_formats import ExportHeader, write_csv
from admin.score_table import COLUMNS, ScoreRow, ScoreTable

AWKWARD_NAMES = ["Maison; d'accueil", 'Le "Phare"', "Deux\nlignes", "Simple", ""]


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
    """The rows as csv.writer writes them, cell by cell (the former implementation)."""

    def number(value: float | None) -> str | None:
        return None if value is None else repr(value).replace(".", decimal)

    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(
        (*row[:9], number(row.value), number(row.ci_low), number(row.ci_high), row.unit,
         "true" if row.suppressed else "false", row.reason)
        for row in table.rows
    )  # fmt: skip
    return stream.getvalue()


@pytest.mark.parametrize("decimal", [",", "."])
def test_lines_are_what_csv_writer_writes(decimal):
    table = ScoreTable(rows(), 10, [("voix-mecs", 1)], {}, 5, 10)
    stream = io.StringIO()
    write_csv(
        table,
        ExportHeader("2026-11-26T10:00:00+00:00", "export scores", ["structure"], ["T0"], "tout"),
        stream,
        decimal,
    )
    header, _, body = stream.getvalue().partition("\r\n")
    assert header.startswith("\ufeff# Voix")
    assert body == reference_csv(table, decimal)
    assert f"-0{decimal}0" in body and f";0{decimal}0;" in body
    parsed = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert [line[2] for line in parsed[1::7]] == AWKWARD_NAMES
