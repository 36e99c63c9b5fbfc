"""YAML text → Python data, with the line of every mapping key and list item.

* ``read_yaml(text, file) -> (data, lines, problems)`` — YAML 1.2 booleans (only ``true`` and
  ``false``, so option ids such as ``yes``, ``no`` or ``on`` stay strings); a duplicate key is a
  problem (the first value would be silently lost); a syntax error is a problem at its line.
* ``locate(file, data, lines, path, message) -> Problem`` — a model path → ``file:line: path``.
* ``format_path(data, path)`` — ``questions.safe_home.options`` rather than ``questions.1.options``.
* ``plain_message(pydantic error detail)`` — the message an author reads.
"""

import re
from collections.abc import Iterable
from typing import Any

import yaml

from referentiel.errors import Problem


class _Loader(yaml.SafeLoader):
    """A safe loader where only ``true`` and ``false`` are booleans, as in YAML 1.2."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

# A place in the YAML document: mapping keys and list indexes, from the top.
DocumentPath = tuple[str | int, ...]


# More values than any référentiel holds (the shipped ones hold a few thousand): past this, aliases
# to aliases (``*name``) unfold a short file into billions, minutes and gigabytes to read.
MAXIMUM_VALUES = 200_000


def read_yaml(text: str, file: str) -> tuple[Any, dict[DocumentPath, int], list[Problem]]:
    """Parse YAML and record the line of every mapping key and list item (1-based)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None and _unfolded_size(node, {}) > MAXIMUM_VALUES:
            return None, {}, [Problem(file, 1, "", _TOO_MANY_VALUES)]
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        return None, {}, [Problem(file, line, "", f"invalid YAML: {reason}")]
    finally:
        loader.dispose()
    lines: dict[DocumentPath, int] = {(): 1}
    problems: list[Problem] = []
    if node is not None:
        _record_lines(node, (), lines, problems, file)
    if not isinstance(data, dict):
        problems.append(Problem(file, 1, "", "the file must be a mapping (id:, version:, …)"))
    return data, lines, problems


_TOO_MANY_VALUES = (
    f"the file unfolds into more than {MAXIMUM_VALUES:,} values through aliases (*name) that repeat "
    "aliases: write the values out"
)


def _unfolded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many values the node stands for once every alias is unfolded, each node counted once
    (``sizes`` by node id): linear in the file, however far the aliases would unfold."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a node inside itself (a recursive alias) counts once
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_unfolded_size(key, sizes) + _unfolded_size(value, sizes) for key, value in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_unfolded_size(item, sizes) for item in node.value)
    else:
        size = 1
    sizes[id(node)] = size
    return size


def _record_lines(
    node: yaml.Node, path: DocumentPath, lines: dict[DocumentPath, int], problems: list[Problem], file: str
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                problems.append(
                    Problem(
                        file,
                        key_node.start_mark.line + 1,
                        format_path(None, child),
                        "duplicate key (the first value would be silently lost)",
                    )
                )
            seen.add(key)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, lines, problems, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _record_lines(item, (*path, index), lines, problems, file)


def locate(
    file: str, data: Any, lines: dict[DocumentPath, int], path: Iterable[str | int], message: str
) -> Problem:
    """Turn a model path into a problem at the closest line the file has for it."""
    real = _real_path(data, tuple(path))
    line = None
    for length in range(len(real), -1, -1):
        if real[:length] in lines:
            line = lines[real[:length]]
            break
    return Problem(file, line, format_path(data, real), message)


def _real_path(data: Any, path: DocumentPath) -> DocumentPath:
    """Drop the parts pydantic adds after a scalar (union member names such as ``str``)."""
    kept: list[str | int] = []
    current: Any = data
    for part in path:
        if isinstance(current, dict):
            current = current.get(part) if part in current else _UNKNOWN
        elif isinstance(current, list) and isinstance(part, int):
            current = current[part] if 0 <= part < len(current) else _UNKNOWN
        elif current is not _UNKNOWN:
            break
        kept.append(part)
    return tuple(kept)


_UNKNOWN = object()


def format_path(data: Any, path: DocumentPath) -> str:
    """Write a path with dots, naming list items by their ``id`` when they have one."""
    parts: list[str] = []
    current: Any = data
    for part in path:
        if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
            item_id = current.get("id") if isinstance(current, dict) else None
            parts.append(str(item_id) if isinstance(item_id, str) else str(part))
            continue
        current = current.get(part) if isinstance(current, dict) else None
        parts.append(str(part))
    return ".".join(parts)


def plain_message(detail: Any) -> str:
    kind = detail.get("type")
    if kind == "extra_forbidden":
        return "unknown field (check its spelling and indentation)"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        pattern = detail.get("ctx", {}).get("pattern", "")
        return f"{detail.get('input')!r} must match {pattern} (lowercase ASCII, digits, _)"
    return str(detail.get("msg", "invalid value"))
