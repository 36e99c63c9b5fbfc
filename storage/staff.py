"""Staff: educators and coordinators, each invited by a single-use link and bound to one Telegram account.

A staff member exists from their invitation: a role, a scope (an educator's structures, a
coordinator's organisation or the whole sector) and the SHA-256 of a token shown once, as for
youth (``storage.invitations``). Opening the link binds the keyed hash of the Telegram account
(``Pseudonymiser.telegram_user_hash``, as for a youth); no Telegram id, username or chat id is
kept. A display name may be given afterwards, with the staff member's agreement. A revoked staff
member keeps their row (the audit log refers to its id) and loses every access at their next
update. One account, one side: an account that answers as a youth never becomes staff, and a
staff account never enrols as a youth.

The CLI and the bot's staff commands use the synchronous ``sqlite3`` functions; the bot's lookup
on each update and the binding use its async ``Database``.
"""

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from storage.audit import record_audit
from storage.clock import timestamp
from storage.database import Database, Transaction
from storage.invitations import (
    STAFF_TOKEN_PREFIX,
    TOKEN_PATTERN,
    RandomBytes,
    hash_token,
    new_token,
    token_stored,
)
from storage.pseudonymisation import Pseudonymiser

DEFAULT_STAFF_VALIDITY_DAYS = 7
MAXIMUM_DISPLAY_NAME_LENGTH = 60
# What the bot waits for from a just-bound staff member: their answer on giving a name, the name.
AWAITING_NAME_AGREEMENT = "name_agreement"
AWAITING_NAME = "name"


class Role(StrEnum):
    """What a staff member does: educators follow youth, coordinators read results."""

    EDUCATOR = "educator"
    COORDINATOR = "coordinator"


class StaffScope(StrEnum):
    """Where a staff member's role applies."""

    STRUCTURES = "structures"
    ORGANISATION = "organisation"
    SECTOR = "sector"


class StaffStatus(StrEnum):
    """Where a staff member stands at a given moment (what ``staff list`` shows)."""

    INVITED = "invited"
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class BindingRefused(StrEnum):
    """Why a staff link cannot bind this account (the bot words each kindly, changing nothing)."""

    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    YOUTH_ACCOUNT = "youth account"
    ALREADY_STAFF = "already staff"
    # The link was used by this very account: opened again (or its welcome was lost to a crash).
    ALREADY_YOURS = "already yours"
    # No staff link has this token, but it has their form (``looks_like_staff_link``): cut short
    # by a copy, or mistyped.
    DAMAGED = "damaged"


@dataclass(frozen=True)
class StaffMember:
    """A staff member as Voix knows them: role, scope, dates, optional display name — no Telegram data."""

    id: int
    role: Role
    scope: StaffScope
    organisation_id: int | None
    structure_ids: tuple[int, ...]
    created_at: str
    expires_at: str
    bound_at: str | None
    revoked_at: str | None
    display_name: str | None
    locale: str | None
    awaiting: str | None

    def status(self, now: datetime) -> StaffStatus:
        """Return the status at ``now`` (revoked wins; a bound link never expires)."""
        if self.revoked_at is not None:
            return StaffStatus.REVOKED
        if self.bound_at is not None:
            return StaffStatus.ACTIVE
        if datetime.fromisoformat(self.expires_at) <= now:
            return StaffStatus.EXPIRED
        return StaffStatus.INVITED


@dataclass(frozen=True)
class CreatedStaffInvitation:
    """A new staff invitation with its token in clear: shown once, then only its hash exists."""

    staff_id: int
    token: str
    expires_at: datetime


_MEMBER_SELECT = (
    "SELECT staff.id, role, scope, organisation_id, "
    "(SELECT group_concat(structure_id) FROM staff_structures WHERE staff_id = staff.id), "
    "created_at, expires_at, bound_at, revoked_at, display_name, locale, awaiting FROM staff"
)


def _member(row: Sequence[Any]) -> StaffMember:
    structures = tuple(sorted(int(number) for number in str(row[4]).split(","))) if row[4] else ()
    return StaffMember(row[0], Role(row[1]), StaffScope(row[2]), row[3], structures, *row[5:])


def looks_like_staff_link(token: str) -> bool:
    """Whether a ``/start`` argument that matches no staff link was meant as one (a youth's
    invitation made before staff links had their prefix may start so too: ask it first)."""
    return token.startswith(STAFF_TOKEN_PREFIX)


def create_staff_invitation(
    connection: sqlite3.Connection,
    role: Role,
    scope: StaffScope,
    now: datetime,
    *,
    organisation_id: int | None = None,
    structure_ids: Sequence[int] = (),
    validity: timedelta = timedelta(days=DEFAULT_STAFF_VALIDITY_DAYS),
    random_bytes: RandomBytes | None = None,
) -> CreatedStaffInvitation:
    """Store a staff member not yet bound (token hash only), in the caller's transaction."""
    token = STAFF_TOKEN_PREFIX + (new_token(random_bytes) if random_bytes is not None else new_token())
    expires_at = now + validity
    cursor = connection.execute(
        "INSERT INTO staff (role, scope, organisation_id, token_hash, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (role.value, scope.value, organisation_id, hash_token(token), timestamp(now), timestamp(expires_at)),
    )
    staff_id = int(cursor.lastrowid or 0)
    connection.executemany(
        "INSERT INTO staff_structures (staff_id, structure_id) VALUES (?, ?)",
        [(staff_id, structure_id) for structure_id in sorted(set(structure_ids))],
    )
    return CreatedStaffInvitation(staff_id, token, expires_at)


def list_staff(connection: sqlite3.Connection) -> list[StaffMember]:
    """Return every staff member, in invitation order. Read-only."""
    return [_member(row) for row in connection.execute(f"{_MEMBER_SELECT} ORDER BY staff.id")]


def find_staff(connection: sqlite3.Connection, staff_id: int) -> StaffMember | None:
    """Return one staff member by id, or None. Read-only."""
    row = connection.execute(f"{_MEMBER_SELECT} WHERE staff.id = ?", (staff_id,)).fetchone()
    return _member(row) if row else None


def revoke_staff(connection: sqlite3.Connection, staff_id: int, now: datetime) -> bool:
    """Revoke a staff member (bound or not); return whether it changed. Their link stops working too."""
    cursor = connection.execute(
        "UPDATE staff SET revoked_at = ?, awaiting = NULL WHERE id = ? AND revoked_at IS NULL",
        (timestamp(now), staff_id),
    )
    return cursor.rowcount == 1


async def find_staff_by_telegram_user(
    database: Database, pseudonymiser: Pseudonymiser, telegram_user_id: int
) -> StaffMember | None:
    """Return the staff member bound to a Telegram account (revoked ones too), or None. Read-only."""
    row = await database.fetch_one(
        f"{_MEMBER_SELECT} WHERE telegram_user_hash = ?",
        (pseudonymiser.telegram_user_hash(telegram_user_id),),
    )
    return _member(row) if row else None


async def holds_staff_account(
    transaction: Transaction, pseudonymiser: Pseudonymiser, telegram_user_id: int
) -> bool:
    """Tell whether a Telegram account is bound to a staff member (revoked ones too). Read-only.

    Asked inside the youth's enrolment: the staff side answers a staff account before the youth
    side sees it, but a link bound in between (another process) must not make it a youth too."""
    row = await transaction.fetch_one(
        "SELECT 1 FROM staff WHERE telegram_user_hash = ?",
        (pseudonymiser.telegram_user_hash(telegram_user_id),),
    )
    return row is not None


async def is_staff_token(transaction: Transaction, token: str) -> bool:
    """Tell whether a ``/start`` argument is a staff link (whatever its status). Read-only."""
    return await token_stored(transaction, "staff", token)


async def bind_staff(
    transaction: Transaction,
    pseudonymiser: Pseudonymiser,
    token: str,
    telegram_user_id: int,
    locale: str,
    now: datetime,
) -> StaffMember | BindingRefused | None:
    """Bind the account opening a staff link to that staff member; None if it is no staff link.

    A refusal changes nothing: the link stays usable by the right person (unless expired or
    revoked). An account already used by a youth, or by an active staff member, is refused; a
    revoked staff member's account may be bound again by a new link (their old row lets go of it).
    """
    if not TOKEN_PATTERN.match(token):
        return None
    row = await transaction.fetch_one(f"{_MEMBER_SELECT} WHERE token_hash = ?", (hash_token(token),))
    if row is None:
        return None
    member = _member(row)
    status = member.status(now)
    user_hash = pseudonymiser.telegram_user_hash(telegram_user_id)
    if status is StaffStatus.ACTIVE and await transaction.fetch_one(
        "SELECT 1 FROM staff WHERE id = ? AND telegram_user_hash = ?", (member.id, user_hash)
    ):
        return BindingRefused.ALREADY_YOURS
    if status is not StaffStatus.INVITED:
        return {
            StaffStatus.ACTIVE: BindingRefused.USED,
            StaffStatus.EXPIRED: BindingRefused.EXPIRED,
            StaffStatus.REVOKED: BindingRefused.REVOKED,
        }[status]
    if await transaction.fetch_one("SELECT 1 FROM contacts WHERE telegram_user_hash = ?", (user_hash,)):
        return BindingRefused.YOUTH_ACCOUNT
    holder = await transaction.fetch_one(
        "SELECT revoked_at FROM staff WHERE telegram_user_hash = ?", (user_hash,)
    )
    if holder is not None and holder[0] is None:
        return BindingRefused.ALREADY_STAFF
    await transaction.execute(
        "UPDATE staff SET telegram_user_hash = NULL WHERE telegram_user_hash = ?", (user_hash,)
    )
    await transaction.execute(
        "UPDATE staff SET telegram_user_hash = ?, bound_at = ?, locale = ?, awaiting = ? "
        "WHERE id = ? AND bound_at IS NULL",
        (user_hash, timestamp(now), locale, AWAITING_NAME_AGREEMENT, member.id),
    )
    await record_audit(transaction, "staff", "staff bound", now, scope_details(member))
    bound = await transaction.fetch_one(f"{_MEMBER_SELECT} WHERE staff.id = ?", (member.id,))
    assert bound is not None
    return _member(bound)


async def set_awaiting(database: Database, staff_id: int, awaiting: str | None) -> None:
    """Remember what the bot waits for from this staff member (or nothing)."""
    async with database.transaction() as transaction:
        await transaction.execute("UPDATE staff SET awaiting = ? WHERE id = ?", (awaiting, staff_id))


async def set_locale(database: Database, staff_id: int, locale: str) -> None:
    """Keep the language a staff member chose for their messages (``/langue``)."""
    async with database.transaction() as transaction:
        await transaction.execute("UPDATE staff SET locale = ? WHERE id = ?", (locale, staff_id))


async def set_display_name(database: Database, staff_id: int, name: str | None) -> None:
    """Store (or, with None, forget) the name a staff member agreed to give; they wait for nothing more."""
    async with database.transaction() as transaction:
        await transaction.execute(
            "UPDATE staff SET display_name = ?, awaiting = NULL WHERE id = ?", (name, staff_id)
        )


def named_structures(connection: sqlite3.Connection, structure_ids: Sequence[int]) -> list[tuple[int, str]]:
    """Return (id, name) of these structures, by name. Read-only."""
    rows = connection.execute(
        "SELECT id, name FROM structures WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name, id",
        (json.dumps(list(structure_ids)),),
    )
    return [(int(row[0]), str(row[1])) for row in rows]


def organisation_name(connection: sqlite3.Connection, organisation_id: int) -> str:
    """Return an organisation's name (empty if it does not exist). Read-only."""
    row = connection.execute("SELECT name FROM organisations WHERE id = ?", (organisation_id,)).fetchone()
    return str(row[0]) if row else ""


def clean_display_name(text: str) -> str | None:
    """Return a display name as stored (spaces collapsed), or None if it cannot be one."""
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAXIMUM_DISPLAY_NAME_LENGTH or cleaned.startswith("/"):
        return None
    if not any(character.isalpha() for character in cleaned):
        return None
    return cleaned


def scope_details(member: StaffMember) -> dict[str, Any]:
    """What the audit log says of a staff member: id, role and scope (never a name)."""
    details: dict[str, Any] = {"staff_id": member.id, "role": member.role.value, "scope": member.scope.value}
    if member.organisation_id is not None:
        details["organisation_id"] = member.organisation_id
    if member.structure_ids:
        details["structure_ids"] = list(member.structure_ids)
    return details
