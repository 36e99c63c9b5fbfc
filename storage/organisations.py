"""Organisations and their structures (MECS, foyers…): the groups every count and export is made of.

Functions take a synchronous ``sqlite3`` connection; those that write open their own
transaction and audit it as the given actor, so ``voix admin`` and ``voix demo`` create groups
the same way. A structure is referred to by id or by name; a name is unique only inside its
organisation, so an ambiguous name asks for the id. Only the command line names groups, so the
messages point at its commands.
"""

import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.audit import record_audit_in
from storage.clock import timestamp
from storage.database import write_transaction
from storage.errors import InvalidGroupError, UnknownGroupError

STRUCTURE_KINDS = ("MECS", "foyer", "lieu_de_vie", "autre")
MAXIMUM_NAME_LENGTH = 120


@dataclass(frozen=True)
class Organisation:
    """An association or foundation running structures."""

    id: int
    name: str


@dataclass(frozen=True)
class Structure:
    """One residential structure, the smallest group results are counted by."""

    id: int
    organisation_id: int
    organisation: str
    name: str
    kind: str


_STRUCTURE_SELECT = (
    "SELECT structures.id, organisation_id, organisations.name, structures.name, kind "
    "FROM structures JOIN organisations ON organisations.id = structures.organisation_id"
)


def add_organisation(connection: sqlite3.Connection, name: str, now: datetime, actor: str) -> Organisation:
    """Create an organisation with a unique name, audited as ``actor``."""
    name = _clean_name(name, "organisation")
    same = _organisation_by_name(connection, name)
    if same is not None:
        raise InvalidGroupError(
            f"an organisation named {same.name!r} already exists: see `voix admin org list`"
            f"{_alike_note(same.name, name)}"
        )
    with write_transaction(connection):
        cursor = connection.execute(
            "INSERT INTO organisations (name, created_at) VALUES (?, ?)", (name, timestamp(now))
        )
        organisation = Organisation(int(cursor.lastrowid or 0), name)
        record_audit_in(connection, actor, "organisation added", now, {"organisation_id": organisation.id})
    return organisation


def list_organisations(connection: sqlite3.Connection) -> list[tuple[Organisation, int]]:
    """Return every organisation with its number of structures, by name. Read-only."""
    rows = connection.execute(
        "SELECT organisations.id, organisations.name, COUNT(structures.id) FROM organisations "
        "LEFT JOIN structures ON structures.organisation_id = organisations.id "
        "GROUP BY organisations.id ORDER BY organisations.name, organisations.id"
    )
    return [(Organisation(row[0], row[1]), row[2]) for row in rows]


def find_organisation(connection: sqlite3.Connection, reference: str) -> Organisation:
    """Return the organisation with this id or name; raise ``UnknownGroupError`` otherwise."""
    if _is_id(reference):
        row = connection.execute(
            "SELECT id, name FROM organisations WHERE id = ?", (int(reference),)
        ).fetchone()
        if row is not None:
            return Organisation(row[0], row[1])
    organisation = _organisation_by_name(connection, reference)
    if organisation is None:
        raise UnknownGroupError(f"no organisation {reference!r}: see `voix admin org list` for ids and names")
    return organisation


def add_structure(
    connection: sqlite3.Connection,
    organisation: Organisation,
    name: str,
    kind: str,
    now: datetime,
    actor: str,
) -> Structure:
    """Create a structure in an organisation (names unique inside it), audited as ``actor``."""
    name = _clean_name(name, "structure")
    if kind not in STRUCTURE_KINDS:
        raise InvalidGroupError(f"unknown structure type {kind!r}: use one of {', '.join(STRUCTURE_KINDS)}")
    siblings = connection.execute("SELECT name FROM structures WHERE organisation_id = ?", (organisation.id,))
    same = next(iter(_named_alike(siblings, name, 0)), None)
    if same is not None:
        raise InvalidGroupError(
            f"{organisation.name!r} already has a structure named {same[0]!r}: see `voix admin structure "
            f"list`{_alike_note(same[0], name)}"
        )
    with write_transaction(connection):
        cursor = connection.execute(
            "INSERT INTO structures (organisation_id, name, kind, created_at) VALUES (?, ?, ?, ?)",
            (organisation.id, name, kind, timestamp(now)),
        )
        structure = Structure(int(cursor.lastrowid or 0), organisation.id, organisation.name, name, kind)
        record_audit_in(
            connection,
            actor,
            "structure added",
            now,
            {"structure_id": structure.id, "organisation_id": organisation.id},
        )
    return structure


def list_structures(
    connection: sqlite3.Connection, organisation: Organisation | None = None
) -> list[Structure]:
    """Return the structures (of one organisation, or all) by organisation then name. Read-only."""
    where = " WHERE organisation_id = ?" if organisation is not None else ""
    parameters = (organisation.id,) if organisation is not None else ()
    rows = connection.execute(
        f"{_STRUCTURE_SELECT}{where} ORDER BY organisations.name, structures.name, structures.id",
        parameters,
    )
    return [Structure(*row) for row in rows]


def find_structure(connection: sqlite3.Connection, reference: str) -> Structure:
    """Return the structure with this id or (unambiguous) name; raise ``UnknownGroupError`` otherwise."""
    if _is_id(reference):
        row = connection.execute(f"{_STRUCTURE_SELECT} WHERE structures.id = ?", (int(reference),)).fetchone()
        if row is not None:
            return Structure(*row)
    rows = connection.execute(
        f"{_STRUCTURE_SELECT} WHERE structures.name = ? ORDER BY structures.id", (reference,)
    ).fetchall()
    if not rows:  # as typed by hand: another case, no accent, a space too many
        rows = _named_alike(connection.execute(f"{_STRUCTURE_SELECT} ORDER BY structures.id"), reference, 3)
    if len(rows) > 1:
        ids = ", ".join(str(row[0]) for row in rows)
        raise InvalidGroupError(
            f"{len(rows)} structures are named {reference!r} (ids {ids}): give the id instead"
        )
    if not rows:
        raise UnknownGroupError(
            f"no structure {reference!r}: see `voix admin structure list` for ids and names"
        )
    return Structure(*rows[0])


def _organisation_by_name(connection: sqlite3.Connection, name: str) -> Organisation | None:
    """The organisation of this name as written, else of the same name without case or accents."""
    row = connection.execute("SELECT id, name FROM organisations WHERE name = ?", (name,)).fetchone()
    if row is None:
        row = next(
            iter(_named_alike(connection.execute("SELECT id, name FROM organisations"), name, 1)), None
        )
    return Organisation(row[0], row[1]) if row else None


def _named_alike(rows: Iterable[Sequence[Any]], name: str, column: int) -> list[Sequence[Any]]:
    """The rows whose ``column`` reads as ``name`` (``name_key``): a table of groups is small."""
    key = name_key(name)
    return [row for row in rows if name_key(row[column]) == key]


def _alike_note(existing: str, given: str) -> str:
    """Why a name not written the same is refused as a duplicate."""
    if existing == given:
        return ""
    return f" (names are compared without case or accents: {given!r} reads the same)"


# SQLite's integers end here: a longer number names no row (and SQLite would refuse to compare it).
_LARGEST_ID = 2**63 - 1


def _is_id(reference: str) -> bool:
    """Whether a reference is written as an id: ASCII digits ("²" is a digit to Python) of a
    number SQLite can hold."""
    return reference.isascii() and reference.isdigit() and int(reference) <= _LARGEST_ID


# Apostrophes a keyboard may type for « d’enfants »; every dash is compared as a hyphen.
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})


def name_key(name: str) -> str:
    """What two names are compared by: « Association Été », « association ete », « Maison
    d'enfants » beside « Maison d’enfants » and the same name typed with another Unicode form read
    alike, so neither is added twice nor missed when looked up."""
    decomposed = unicodedata.normalize("NFKD", _clean_text(name).translate(_APOSTROPHES))
    letters = (
        "-" if unicodedata.category(letter) == "Pd" else letter
        for letter in decomposed
        if not unicodedata.combining(letter)
    )
    return "".join(letters).casefold()


def _clean_text(name: str) -> str:
    """One Unicode form (NFC), no invisible characters (zero-width spaces, marks of direction), one
    space between words."""
    visible = "".join(
        letter for letter in unicodedata.normalize("NFC", name) if unicodedata.category(letter) != "Cf"
    )
    return " ".join(visible.split())


_NAME_EXAMPLES = {"organisation": "Association Saint-Exemple", "structure": "MECS Les Tilleuls"}


def _clean_name(name: str, what: str) -> str:
    cleaned = _clean_text(name)
    if not cleaned:
        raise InvalidGroupError(f'the {what} name is empty: give a name such as "{_NAME_EXAMPLES[what]}"')
    if len(cleaned) > MAXIMUM_NAME_LENGTH:
        raise InvalidGroupError(
            f"the {what} name is longer than {MAXIMUM_NAME_LENGTH} characters: shorten it"
        )
    if cleaned.isdigit():
        raise InvalidGroupError(
            f"the {what} name {cleaned!r} is only digits, which would read as an id: add a word"
        )
    control = next((letter for letter in cleaned if unicodedata.category(letter) == "Cc"), None)
    if control is not None:  # a terminal's escape or bell: no spreadsheet takes it, no reader sees it
        raise InvalidGroupError(
            f"the {what} name holds a control character ({control!r}), from a copy or a key pressed "
            "by mistake: type the name again"
        )
    return cleaned
