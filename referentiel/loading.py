"""Load référentiel files, reporting every problem as ``file:line: path.to.field: message``.

Public API:

* ``load_referentiel(path) -> Referentiel`` — one file; raises ``ReferentielInvalid`` listing
  every problem (YAML syntax, duplicate keys, shapes, cross-references) in one run.
* ``parse_referentiel(text, file) -> Referentiel`` — the same, from text.
* ``shipped_referentiels(directory=None) -> list[Referentiel]`` — every version shipped in
  ``referentiel/data/`` (or ``directory``), sorted by id then version, checked together.
* ``check_with_shipped(path, directory=None) -> Referentiel`` — one file, checked together with
  the other versions of its référentiel shipped in ``directory`` (a draft v2 against v1).
* ``current_referentiel(referentiel_id=DEFAULT_REFERENTIEL_ID) -> Referentiel`` — the latest
  shipped version, used for new runs.
* ``find_referentiel(referentiel_id, version, directory=None) -> Referentiel`` — the version
  stored answers were collected with, to score them under their own rules.

One pass: a file whose shape is partly wrong (an unknown field, a wrong type) still gets its
cross-references checked. Items with a wrong shape are left out of that check, and references to
them are not reported again. The only I/O of the package is reading these files.
"""

import copy
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from referentiel.documents import DocumentPath, format_path, locate, plain_message, read_yaml
from referentiel.errors import Problem, ReferentielInvalid, ReferentielNotFound
from referentiel.models import Referentiel
from referentiel.validation import Unchecked, validate
from referentiel.versioning import compatibility_findings

__all__ = [
    "DEFAULT_REFERENTIEL_ID",
    "SHIPPED_DIRECTORY",
    "DocumentPath",
    "check_with_shipped",
    "current_referentiel",
    "find_referentiel",
    "format_path",
    "load_referentiel",
    "locate",
    "parse_referentiel",
    "read_yaml",
    "shipped_referentiels",
]

SHIPPED_DIRECTORY = Path(__file__).parent / "data"
DEFAULT_REFERENTIEL_ID = "voix-mecs"

LIST_SECTIONS = ("waves", "dimensions", "questions", "indicators", "safeguarding", "help_resources")
# Top-level fields a placeholder can stand in for while cross-references are checked.
PLACEHOLDERS: dict[str, object] = {"id": "unknown", "version": 1}


class _Located(NamedTuple):
    """A loaded file with what is needed to point at its lines."""

    file: str
    data: Any
    lines: dict[DocumentPath, int]
    referentiel: Referentiel


def load_referentiel(path: str | Path) -> Referentiel:
    """Read, build and validate one référentiel file; raise ``ReferentielInvalid`` if unusable."""
    return _load_located(Path(path)).referentiel


def parse_referentiel(text: str, file: str) -> Referentiel:
    """Build and validate a référentiel from YAML text; ``file`` names it in problems."""
    return _parse_located(text, file).referentiel


def _load_located(path: Path) -> _Located:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReferentielInvalid([Problem(str(path), None, "", f"cannot read: {error}")]) from None
    return _parse_located(text, str(path))


def _parse_located(text: str, file: str) -> _Located:
    data, lines, problems = read_yaml(text, file)
    if not isinstance(data, dict):
        raise ReferentielInvalid(problems)
    try:
        referentiel: Referentiel | None = Referentiel.model_validate(data)
        checked_data, unchecked = data, Unchecked()
    except ValidationError as error:
        details = _without_consequences(error.errors(), data)
        problems += [locate(file, data, lines, detail["loc"], plain_message(detail)) for detail in details]
        referentiel, checked_data, unchecked = _salvage(data, details)
    if referentiel is not None:
        problems += [
            locate(file, data, lines, _original_path(data, checked_data, path), message)
            for path, message in validate(referentiel, unchecked)
        ]
    if problems:
        raise ReferentielInvalid(_by_line(problems))
    assert referentiel is not None
    return _Located(file, data, lines, referentiel)


def _by_line(problems: list[Problem]) -> list[Problem]:
    """Order problems as an author reads the file (stable for problems on the same line)."""
    return sorted(problems, key=lambda problem: (problem.file, problem.line or 0))


def _without_consequences(details: list[Any], data: dict[str, Any]) -> list[Any]:
    """Drop errors that only repeat another: "list too short" after an invalid item, and a
    named scale's invalid option repeated in every question that uses the scale."""
    kept = []
    for detail in details:
        location = tuple(detail["loc"])
        if detail.get("type") == "too_short" and any(
            len(other["loc"]) > len(location) and tuple(other["loc"][: len(location)]) == location
            for other in details
        ):
            continue
        if len(location) >= 3 and location[0] == "questions" and location[2] == "options":
            question = _item(data.get("questions"), location[1])
            if isinstance(question, dict) and "options" not in question and "scale" in question:
                continue
        kept.append(detail)
    return kept


def _item(items: Any, index: Any) -> Any:
    if isinstance(items, list) and isinstance(index, int) and 0 <= index < len(items):
        return items[index]
    return None


def _salvage(data: dict[str, Any], details: list[Any]) -> tuple[Referentiel | None, Any, Unchecked]:
    """Leave out the items whose shape is wrong, so the rest can be cross-checked in the same run.

    Returns ``(None, …)`` when a whole section or the languages are unusable: then nothing
    else can be checked meaningfully.
    """
    salvaged = copy.deepcopy(data)
    dropped: dict[str, set[int]] = {section: set() for section in LIST_SECTIONS}
    dropped_scales: set[str] = set()
    for detail in details:
        location = tuple(detail["loc"])
        head = location[0] if location else None
        if head in dropped and len(location) >= 2 and isinstance(location[1], int):
            dropped[str(head)].add(location[1])
        elif head == "scales" and len(location) >= 2 and isinstance(location[1], str):
            dropped_scales.add(location[1])
        elif head in PLACEHOLDERS and len(location) == 1:
            salvaged[str(head)] = PLACEHOLDERS[str(head)]
        elif head == "title" and isinstance(data.get("languages"), list):
            salvaged["title"] = {str(language): "…" for language in data["languages"]}
        elif detail.get("type") == "extra_forbidden" and len(location) == 1:
            salvaged.pop(str(head), None)
        else:
            return None, data, Unchecked()
    unchecked = Unchecked(
        questions=_dropped_ids(data.get("questions"), dropped["questions"]),
        dimensions=_dropped_ids(data.get("dimensions"), dropped["dimensions"]),
        scales=frozenset(dropped_scales),
    )
    for section, indexes in dropped.items():
        if indexes:
            salvaged[section] = [
                {"_original_index": index, **item} if isinstance(item, dict) else item
                for index, item in enumerate(salvaged[section])
                if index not in indexes
            ]
    for name in dropped_scales:
        salvaged["scales"].pop(name, None)
    try:
        referentiel = Referentiel.model_validate(_without_markers(salvaged))
    except ValidationError:
        return None, data, unchecked
    return referentiel, salvaged, unchecked


def _dropped_ids(items: Any, indexes: set[int]) -> frozenset[str]:
    return frozenset(
        item["id"]
        for index in indexes
        if isinstance(item := _item(items, index), dict) and isinstance(item.get("id"), str)
    )


def _without_markers(data: dict[str, Any]) -> dict[str, Any]:
    return {
        key: [
            {name: value for name, value in item.items() if name != "_original_index"}
            if isinstance(item, dict)
            else item
            for item in section
        ]
        if key in LIST_SECTIONS and isinstance(section, list)
        else section
        for key, section in data.items()
    }


def _original_path(data: Any, checked: Any, path: DocumentPath) -> DocumentPath:
    """Map a path in the salvaged document back to the file's own indexes."""
    if checked is data or len(path) < 2 or not isinstance(path[1], int):
        return path
    item = _item(checked.get(path[0]), path[1])
    if isinstance(item, dict) and "_original_index" in item:
        return (path[0], item["_original_index"], *path[2:])
    return path


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
    loaded = _load_together(sorted(directory.glob("*.yaml")))
    return tuple(sorted((located.referentiel for located in loaded), key=lambda r: r.key))


def _load_together(paths: Sequence[Path], companions: Sequence[Path] = ()) -> list[_Located]:
    """Load files and check them as versions of one another; raise with every problem.

    ``companions`` are loaded too, and kept only if they are other versions of the same
    référentiels as ``paths`` (the shipped versions a draft is checked against).
    """
    problems: list[Problem] = []
    loaded: list[_Located] = []
    for path in paths:
        try:
            loaded.append(_load_located(path))
        except ReferentielInvalid as error:
            problems.extend(error.problems)
    keys = {located.referentiel.key for located in loaded}
    ids = {key[0] for key in keys}
    for path in companions:
        companion = _load_located(path)
        if companion.referentiel.id in ids and companion.referentiel.key not in keys:
            loaded.append(companion)
    for index, where, message in compatibility_findings([located.referentiel for located in loaded]):
        located = loaded[index]
        problems.append(locate(located.file, located.data, located.lines, where, message))
    if problems:
        raise ReferentielInvalid(_by_line(problems))
    return loaded


def check_with_shipped(path: str | Path, directory: str | Path | None = None) -> Referentiel:
    """Load one file and check it against the other versions shipped in ``directory``."""
    path = Path(path)
    shipped = Path(directory) if directory is not None else SHIPPED_DIRECTORY
    resolved = path.resolve()
    companions = [other for other in sorted(shipped.glob("*.yaml")) if other.resolve() != resolved]
    return _load_together([path], companions)[0].referentiel


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
