"""Shared output for every command that prints data: a human table by default, ``--json`` for programs.

Like sqlite-utils' ``output_options``: one parent parser adds the option to each command, and one
function prints rows, so every command behaves the same way.
"""

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO


def output_options() -> argparse.ArgumentParser:
    """Return a parent parser that adds ``--json`` to a command."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", dest="as_json", help="print JSON instead of a table")
    return parent


def print_rows(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    as_json: bool,
    stream: TextIO | None = None,
) -> None:
    """Print rows as an aligned table (columns in this order) or as a JSON array."""
    stream = stream or sys.stdout
    if as_json:
        json.dump([dict(row) for row in rows], stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")
        return
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [
        max([len(column), *(len(line[index]) for line in cells)]) for index, column in enumerate(columns)
    ]
    stream.write(
        "  ".join(column.ljust(width) for column, width in zip(columns, widths, strict=True)).rstrip() + "\n"
    )
    for line in cells:
        stream.write(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() + "\n"
        )


def print_object(
    data: Mapping[str, Any],
    as_json: bool,
    stream: TextIO | None = None,
    text_keys: Sequence[str] | None = None,
) -> None:
    """Print one record as ``key: value`` lines or as a JSON object. ``text_keys``: the lines a
    person reads (every key by default); the JSON has every key (ids a program joins on, as
    ``print_rows``' columns leave them to the JSON)."""
    stream = stream or sys.stdout
    if as_json:
        json.dump(dict(data), stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")
        return
    for key in data if text_keys is None else text_keys:
        stream.write(f"{key}: {_cell(data.get(key))}\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
