"""Invitation tokens: how a youth gets from an educator's link to an enrolment, and nothing more.

A token is 128 random bits written in 22 URL-safe characters (``[A-Za-z0-9_-]``, fit for a
Telegram ``/start`` deep link). Only its SHA-256 is stored, so a copy of the database cannot be
used to enrol; the token itself is shown once, when created. An invitation is bound to one
structure and one wave, expires (30 days by default), can be revoked, and is used at most once:
redeeming it marks it used inside the caller's transaction, and the caller then binds the youth
it enrolled with ``bind_invitation``.

Creation and listing use a synchronous ``sqlite3`` connection (the CLI's, the demo's, or the
staff side's in a worker thread): ``issue_invitations`` stores a batch and its audit entry in one
transaction for all three. Redemption uses the bot's async ``Transaction``. Randomness and time
are parameters, never read here.
"""

import base64
import hashlib
import re
import secrets
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from storage.audit import record_audit_in
from storage.clock import timestamp
from storage.database import Transaction, write_transaction

RandomBytes = Callable[[int], bytes]

TOKEN_BYTES = 16
DEFAULT_VALIDITY_DAYS = 30
DEFAULT_WAVE = "T0"
# What Telegram accepts as a deep-link start parameter; anything else cannot be one of ours.
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class InvitationStatus(StrEnum):
    """Where an invitation stands at a given moment (what ``invite list`` shows)."""

    PENDING = "pending"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


class RejectionReason(StrEnum):
    """Why a token cannot enrol anyone; the bot shows the same kind message for every reason."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    # The account opening it is a staff member's: one account, one side (``storage.staff``).
    STAFF_ACCOUNT = "staff_account"


@dataclass(frozen=True)
class CreatedInvitation:
    """A new invitation with its token in clear: the only moment the token exists outside a phone."""

    id: int
    token: str
    structure_id: int
    wave: str
    expires_at: datetime


@dataclass(frozen=True)
class Invitation:
    """A stored invitation as an administrator may see it: never the token."""

    id: int
    structure_id: int
    wave: str
    created_at: str
    expires_at: str
    used_at: str | None
    revoked_at: str | None

    def status(self, now: datetime) -> InvitationStatus:
        """Return the status at ``now`` (revoked and used win over expired)."""
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.used_at is not None:
            return InvitationStatus.USED
        if datetime.fromisoformat(self.expires_at) <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING


@dataclass(frozen=True)
class Redemption:
    """A token accepted: enrol the youth in this structure for this wave."""

    invitation_id: int
    structure_id: int
    wave: str


@dataclass(frozen=True)
class Rejection:
    """A token refused, with the reason (for logs and tests; never shown to the youth)."""

    reason: RejectionReason


# Staff links start with this (« pro » for professionals): a damaged or truncated one is still
# told apart from a youth's invitation, whose token never starts so (``youth_token``), so its
# opener is answered as staff, with *vous*. Links made before it still work: a link is looked up
# by its hash, whatever its form.
STAFF_TOKEN_PREFIX = "pro_"


def new_token(random_bytes: RandomBytes = secrets.token_bytes) -> str:
    """Return a fresh token: 128 random bits as 22 URL-safe base64 characters."""
    return base64.urlsafe_b64encode(random_bytes(TOKEN_BYTES)).rstrip(b"=").decode("ascii")


def youth_token(random_bytes: RandomBytes = secrets.token_bytes) -> str:
    """A fresh token for a youth's invitation: never one that starts as a staff link does (drawn
    again, once in 16 million draws)."""
    token = new_token(random_bytes)
    while token.startswith(STAFF_TOKEN_PREFIX):
        token = new_token(random_bytes)
    return token


def hash_token(token: str) -> bytes:
    """Return what is stored for a token: its SHA-256 (the token has 128 bits, no salt needed)."""
    return hashlib.sha256(token.encode("utf-8")).digest()


def invitation_link(bot_username: str, token: str) -> str:
    """Return the deep link that opens the bot and sends ``/start <token>``."""
    return f"https://t.me/{bot_username.removeprefix('@')}?start={token}"


def create_invitations(
    connection: sqlite3.Connection,
    structure_id: int,
    count: int,
    now: datetime,
    wave: str = DEFAULT_WAVE,
    validity: timedelta = timedelta(days=DEFAULT_VALIDITY_DAYS),
    random_bytes: RandomBytes = secrets.token_bytes,
    staff_update_id: int | None = None,
) -> list[CreatedInvitation]:
    """Store ``count`` invitations (hashes only) and return them with their tokens, shown once.

    Runs inside the caller's transaction, so the caller can audit in the same commit.
    ``staff_update_id``: the staff member's update that asked for them, so that they can be
    withdrawn if its reply never reaches them (``storage.staff_replies``).
    """
    expires_at = now + validity
    created = []
    for _ in range(count):
        token = youth_token(random_bytes)
        cursor = connection.execute(
            "INSERT INTO invitations (token_hash, structure_id, wave, created_at, expires_at, "
            "staff_update_id) VALUES (?, ?, ?, ?, ?, ?)",
            (hash_token(token), structure_id, wave, timestamp(now), timestamp(expires_at), staff_update_id),
        )
        created.append(CreatedInvitation(int(cursor.lastrowid or 0), token, structure_id, wave, expires_at))
    return created


def issue_invitations(
    connection: sqlite3.Connection,
    structure_id: int,
    count: int,
    now: datetime,
    actor: str,
    wave: str = DEFAULT_WAVE,
    validity_days: int = DEFAULT_VALIDITY_DAYS,
    random_bytes: RandomBytes = secrets.token_bytes,
    audit_details: Mapping[str, Any] | None = None,
    staff_update_id: int | None = None,
) -> list[CreatedInvitation]:
    """Store a batch of invitations and its audit entry together, in their own transaction.

    ``actor`` and ``audit_details`` say who asked (the admin CLI, a staff member by id); the
    entry always holds the structure, wave, count and validity, never a token.
    """
    with write_transaction(connection):
        created = create_invitations(
            connection,
            structure_id,
            count,
            now,
            wave,
            timedelta(days=validity_days),
            random_bytes,
            staff_update_id,
        )
        details = {
            **(audit_details or {}),
            "structure_id": structure_id,
            "wave": wave,
            "count": count,
            "validity_days": validity_days,
        }
        record_audit_in(connection, actor, "invitations created", now, details)
    return created


def list_invitations(connection: sqlite3.Connection, structure_id: int | None = None) -> list[Invitation]:
    """Return invitations (of one structure, or all) in creation order. Read-only."""
    sql = (
        "SELECT id, structure_id, wave, created_at, expires_at, used_at, revoked_at FROM invitations"
        + (" WHERE structure_id = ?" if structure_id is not None else "")
        + " ORDER BY id"
    )
    parameters = (structure_id,) if structure_id is not None else ()
    return [Invitation(*row) for row in connection.execute(sql, parameters)]


def find_invitation(connection: sqlite3.Connection, invitation_id: int) -> Invitation | None:
    """Return one invitation by id, or None. Read-only."""
    row = connection.execute(
        "SELECT id, structure_id, wave, created_at, expires_at, used_at, revoked_at "
        "FROM invitations WHERE id = ?",
        (invitation_id,),
    ).fetchone()
    return Invitation(*row) if row else None


def revoke_invitation(
    connection: sqlite3.Connection, invitation_id: int, now: datetime, unseen: bool = False
) -> bool:
    """Revoke an invitation not yet used or revoked; return whether it changed. ``unseen``: its
    token was never shown to anyone (the participation funnel does not count it as invited)."""
    cursor = connection.execute(
        "UPDATE invitations SET revoked_at = ?, withdrawn_unseen = ? "
        "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
        (timestamp(now), int(unseen), invitation_id),
    )
    return cursor.rowcount == 1


async def is_invitation_token(transaction: Transaction, token: str) -> bool:
    """Tell whether a ``/start`` argument is a youth's invitation (whatever its status). Read-only."""
    return await token_stored(transaction, "invitations", token)


async def token_stored(transaction: Transaction, table: Literal["invitations", "staff"], token: str) -> bool:
    """Whether a token's hash is in a table of links (youth's invitations, staff links). Read-only."""
    if not TOKEN_PATTERN.match(token):
        return False
    row = await transaction.fetch_one(f"SELECT 1 FROM {table} WHERE token_hash = ?", (hash_token(token),))
    return row is not None


async def check_invitation(transaction: Transaction, token: str, now: datetime) -> Redemption | Rejection:
    """Tell whether a token could be redeemed now, changing nothing (a follow-up checks more first)."""
    if not TOKEN_PATTERN.match(token):
        return Rejection(RejectionReason.UNKNOWN)
    row = await transaction.fetch_one(
        "SELECT id, structure_id, wave, created_at, expires_at, used_at, revoked_at "
        "FROM invitations WHERE token_hash = ?",
        (hash_token(token),),
    )
    if row is None:
        return Rejection(RejectionReason.UNKNOWN)
    invitation = Invitation(*row)
    status = invitation.status(now)
    if status is not InvitationStatus.PENDING:
        return Rejection(RejectionReason(status.value))
    return Redemption(invitation.id, invitation.structure_id, invitation.wave)


async def mark_invitation_used(transaction: Transaction, invitation_id: int, now: datetime) -> None:
    """Use up a checked invitation, in the caller's transaction (single use)."""
    await transaction.execute(
        "UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL", (timestamp(now), invitation_id)
    )


async def redeem_invitation(transaction: Transaction, token: str, now: datetime) -> Redemption | Rejection:
    """Accept a token once: check it and mark it used in the caller's transaction."""
    outcome = await check_invitation(transaction, token, now)
    if isinstance(outcome, Redemption):
        await mark_invitation_used(transaction, outcome.invitation_id, now)
    return outcome


async def bind_invitation(transaction: Transaction, invitation_id: int, youth_id: int) -> None:
    """Record which youth a redeemed invitation enrolled (unbound again if the youth is erased)."""
    await transaction.execute("UPDATE invitations SET youth_id = ? WHERE id = ?", (youth_id, invitation_id))
