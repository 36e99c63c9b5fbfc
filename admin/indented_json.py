"""Write a JSON object of long lists of rows with the bytes of ``json.dump(indent=1)``, at C speed.

**Why not ``json.dump``.** With an indent, the standard library encodes in Python (its C
encoder only writes compact text): the workshop pack's 40,000 rows took 0.75 s, most of the
pack's writing. Two facts give the same bytes faster:

* encoded JSON never holds a line break of its own (one inside a string is written ``\\n``), so
  a value encoded alone with ``indent=1`` is put at depth d by indenting each of its line
  breaks by d spaces;
* a row whose values hold no non-empty list or object is, indented, its compact encoding with
  the line break and indent written as the item separator: what the C encoder does. Other rows
  take the first way.

``tests/admin`` compares the output with ``json.dumps(indent=1)`` on rows of every kind.
"""

import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

# Rows are at depth 2 (object → list → row) and their keys at depth 3.
_ROW_INDENT = "\n  "
_KEY_INDENT = "\n   "
_INDENTED = json.JSONEncoder(ensure_ascii=False, indent=1)
# Compact but for the item separator, which breaks the line and indents the next key: C speed.
_FLAT_ROW = json.JSONEncoder(ensure_ascii=False, separators=("," + _KEY_INDENT, ": "))
# Types whose values are written alike either way (checked at C speed before looking closer).
_SCALARS = frozenset((str, int, float, bool, type(None)))
# Rows encoded before each write: a few hundred kilobytes, never the whole text in memory.
ROWS_PER_WRITE = 2048


def write_indented(
    document: Mapping[str, Any], stream: IO[bytes], rows_per_write: int = ROWS_PER_WRITE
) -> None:
    """Write ``document`` (string keys) as ``json.dump(document, ensure_ascii=False, indent=1)``
    would, UTF-8, followed by a line break; a list of objects is written a few rows at a time."""
    if not document:
        stream.write(b"{}\n")
        return
    separator = "{\n "
    for key, value in document.items():
        head = separator + _INDENTED.encode(key) + ": "
        separator = ",\n "
        if isinstance(value, list) and value and all(isinstance(row, dict) for row in value):
            stream.write((head + "[").encode("utf-8"))
            _write_rows(value, stream, rows_per_write)
            stream.write(b"\n ]")
        else:
            stream.write((head + _INDENTED.encode(value).replace("\n", "\n ")).encode("utf-8"))
    stream.write(b"\n}\n")


def _write_rows(rows: Iterable[dict[str, Any]], stream: IO[bytes], rows_per_write: int) -> None:
    """Write the rows of a list at depth 1, each preceded by its separator."""
    pieces: list[str] = []
    separator = _ROW_INDENT
    for row in rows:
        pieces.append(separator)
        separator = "," + _ROW_INDENT
        pieces.append(_row_text(row))
        if len(pieces) >= 2 * rows_per_write:  # a separator and a row each
            stream.write("".join(pieces).encode("utf-8"))
            pieces.clear()
    stream.write("".join(pieces).encode("utf-8"))


def _row_text(row: dict[str, Any]) -> str:
    """One row at depth 2, as the indenting encoder writes it."""
    if row and (
        _SCALARS.issuperset(map(type, row.values()))
        or not any(isinstance(value, (list, tuple, dict)) and value for value in row.values())
    ):
        compact = _FLAT_ROW.encode(row)
        return "{" + _KEY_INDENT + compact[1:-1] + _ROW_INDENT + "}"
    return _INDENTED.encode(row).replace("\n", _ROW_INDENT)
