"""``admin.indented_json`` writes the bytes ``json.dumps(indent=1)`` gives, whatever the rows hold."""

import io
import json
from typing import Any

from admin.indented_json import write_indented

# Strings that an indenting shortcut could get wrong: line breaks, brackets, separators, quotes.
AWKWARD = ["a\nb", "{[,]}", '", "', ": ", "é ’ α", "\\", "\x1f", ""]


def written(document: dict[str, Any]) -> str:
    stream = io.BytesIO()
    write_indented(document, stream)
    return stream.getvalue().decode("utf-8")


def expected(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def test_flat_rows_are_written_as_the_indenting_encoder_writes_them() -> None:
    rows = [
        {"text": text, "n": index, "share": index / 7, "shown": index % 2 == 0, "reason": None}
        for index, text in enumerate(AWKWARD)
    ]
    document = {"schema": "x/1", "rows": rows}
    assert written(document) == expected(document)


def test_rows_with_nested_values_empty_or_not_are_written_alike() -> None:
    rows: list[dict[str, Any]] = [
        {"bands": {}, "flags": [], "n": 1},
        {"bands": {"stopped": "< 10 %"}, "flags": [], "n": 2},
        {"distribution": [{"option": "a\nb", "count": 3}], "flags": [{"flag": "x", "reason": "{,}"}]},
        {"questions": ("safe_home", "safe_night"), "pair": ()},
        {"nested": {"deeper": {"deepest": [1, [2, []], {}]}}},
        {"float": 1e-7, "large": 10**20, "negative": -0.0},
        {},
    ]
    document = {"participation": rows, "items": rows[2:4]}
    assert written(document) == expected(document)


def test_every_other_value_is_indented_at_its_depth() -> None:
    document = {
        "group": {"level": "sector", "id": None, "name": "Secteur"},
        "referentiels": ["voix-mecs/2"],
        "empty": [],
        "mixed": [{"a": 1}, 2, [3]],
        "count": 3,
        "rule": "Les groupes de moins de 10 jeunes :\nmasqués",
    }
    assert written(document) == expected(document)
    assert written({}) == expected({})


def test_long_lists_are_written_a_few_rows_at_a_time() -> None:
    writes: list[bytes] = []

    class Recorder(io.BytesIO):
        def write(self, data: Any) -> int:
            writes.append(bytes(data))
            return super().write(data)

    document = {"change": [{"n": index, "value": index * 0.5} for index in range(25)]}
    stream = Recorder()
    write_indented(document, stream, rows_per_write=4)
    assert stream.getvalue().decode("utf-8") == expected(document)
    assert max(len(piece) for piece in writes) < len(stream.getvalue()) / 4
