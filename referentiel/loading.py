"""Load référentiel files, reporting every problem as ``file:line: path.to.field: message``.

Public API:

* ``load_referentiel(path) -> Referentiel`` — one file; raises ``ReferentielInvalid`` listing
  every problem (YAML syntax, duplicate keys, shapes, cross-references).
* ``shipped_referentiels(directory=None) -> list[Referentiel]`` — every version shipped in
  ``referentiel/data/`` (or ``directory``), sorted by id then version, checked together.
* ``current_referentiel(referentiel_id=DEFAULT_REFERENTIEL_ID) -> Referentiel`` — the latest
  shipped version, used for new runs.
* ``find_referentiel(referentiel_id, version, directory=None) -> Referentiel`` — the version
  stored answers were collected with, to score them under their own rules.

The only I/O of the package is reading these files. YAML is read with YAML 1.2 booleans
(only ``true``/``false``), so option ids such as ``yes``, ``no`` or ``on`` stay strings.
"""

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from referentiel.errors import Problem, ReferentielInvalid, ReferentielNotFound
from referentiel.models import Referentiel
from referentiel.validation import validate

SHIPPED_DIRECTORY = Path(__file__).parent / "data"
DEFAULT_REFERENTIEL_ID = "voix-mecs"

# A place in the YAML document: mapping keys and list indexes, from the top.
DocumentPath = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """A safe loader where only ``true`` and ``false`` are booleans, as in YAML 1.2."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_referentiel(path: str | Path) -> Referentiel:
    """Read, build and validate one référentiel file; raise ``ReferentielInvalid`` if unusable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReferentielInvalid([Problem(str(path), None, "", f"cannot read: {error}")]) from None
    return parse_referentiel(text, str(path))


def parse_referentiel(text: str, file: str) -> Referentiel:
    """Build and validate a référentiel from YAML text; ``file`` names it in problems."""
    data, lines, problems = read_yaml(text, file)
    if problems:
        raise ReferentielInvalid(problems)
    try:
        referentiel = Referentiel.model_validate(data)
    except ValidationError as error:
        details = _without_consequences(error.errors())
        raise ReferentielInvalid(
            _by_line([locate(file, data, lines, d["loc"], _plain_message(d)) for d in details])
        ) from None
    found = [locate(file, data, lines, path, message) for path, message in validate(referentiel)]
    if found:
        raise ReferentielInvalid(_by_line(found))
    return referentiel


def _by_line(problems: list[Problem]) -> list[Problem]:
    """Order problems as an author reads the file (stable for problems on the same line)."""
    return sorted(problems, key=lambda problem: problem.line or 0)


def _without_consequences(details: list[Any]) -> list[Any]:
    """Drop "list too short" when it only follows from an invalid item already reported."""
    return [
        detail
        for detail in details
        if detail.get("type") != "too_short"
        or not any(
            len(other["loc"]) > len(detail["loc"])
            and tuple(other["loc"][: len(detail["loc"])]) == tuple(detail["loc"])
            for other in details
        )
    ]


def read_yaml(text: str, file: str) -> tuple[Any, dict[DocumentPath, int], list[Problem]]:
    """Parse YAML and record the line of every mapping key and list item (1-based)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
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


def _plain_message(detail: Any) -> str:
    kind = detail.get("type")
    if kind == "extra_forbidden":
        return "unknown field (check its spelling and indentation)"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        pattern = detail.get("ctx", {}).get("pattern", "")
        return f"{detail.get('input')!r} must match {pattern} (lowercase ASCII, digits, _)"
    return str(detail.get("msg", "invalid value"))


def shipped_referentiels(directory: str | Path | None = None) -> list[Referentiel]:
    """Load every version in a directory, checked together; raise ``ReferentielInvalid`` if any fails.

    The shipped directory is read once per process; another directory is read at each call.
    """
    if directory is None:
        return list(_shipped())
    return list(_load_directory(Path(directory)))


@functools.cache
def _shipped() -> tuple[Referentiel, ...]:
    """Load the shipped files once per process: they only change with a new release."""
    return _load_directory(SHIPPED_DIRECTORY)


def _load_directory(directory: Path) -> tuple[Referentiel, ...]:
    from referentiel.versioning import compatibility_problems

    problems: list[Problem] = []
    loaded: list[tuple[Path, Referentiel]] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            loaded.append((path, load_referentiel(path)))
        except ReferentielInvalid as error:
            problems.extend(error.problems)
    problems.extend(compatibility_problems(loaded))
    if problems:
        raise ReferentielInvalid(problems)
    return tuple(sorted((referentiel for _, referentiel in loaded), key=lambda r: r.key))


def current_referentiel(referentiel_id: str = DEFAULT_REFERENTIEL_ID) -> Referentiel:
    """Return the latest shipped version of a référentiel: the one new runs use."""
    versions = [r for r in shipped_referentiels() if r.id == referentiel_id]
    if not versions:
        raise ReferentielNotFound(f"no shipped référentiel has the id {referentiel_id!r}")
    return max(versions, key=lambda referentiel: referentiel.version)


def find_referentiel(referentiel_id: str, version: int, directory: str | Path | None = None) -> Referentiel:
    """Return the exact version stored answers were collected with."""
    for referentiel in shipped_referentiels(directory):
        if referentiel.key == (referentiel_id, version):
            return referentiel
    raise ReferentielNotFound(
        f"référentiel {referentiel_id!r} version {version} is not shipped with this Voix; "
        "install the Voix release that shipped it"
    )
