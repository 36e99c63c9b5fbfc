"""``voix admin invite …``: invitations for youth, shown once as links (and QR codes), then only as hashes."""

import argparse
import secrets
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from admin.commands import add_command, bot_username_argument, positive_integer
from admin.context import AUDIT_ACTOR, AdminContext, record_admin_audit, write_transaction
from admin.errors import AdminError, NotFoundError, UsageError
from admin.output import print_object, print_rows
from admin.staff_commands import register_staff_invitation
from storage.clock import timestamp
from storage.invitations import (
    DEFAULT_VALIDITY_DAYS,
    DEFAULT_WAVE,
    CreatedInvitation,
    InvitationStatus,
    RandomBytes,
    find_invitation,
    invitation_link,
    issue_invitations,
    list_invitations,
    revoke_invitation,
)
from storage.organisations import Structure, find_structure
from voix.invitation_cards import InvitationCard, write_cards
from voix.parsers import group_parser

WAVES = ("T0", "T1", "exit")
MAXIMUM_COUNT = 500
MAXIMUM_VALIDITY_DAYS = 365


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation ready to hand to a youth: its token and link exist only in this object."""

    id: int
    structure: str
    structure_id: int
    wave: str
    expires_at: str
    token: str
    link: str


def invite_youth(
    connection: sqlite3.Connection,
    structure: Structure,
    count: int,
    bot_username: str,
    now: datetime,
    wave: str = DEFAULT_WAVE,
    validity_days: int = DEFAULT_VALIDITY_DAYS,
    random_bytes: RandomBytes = secrets.token_bytes,
) -> list[IssuedInvitation]:
    """Create ``count`` invitations for a structure and wave, audited, and return their links."""
    if not 1 <= count <= MAXIMUM_COUNT:
        raise UsageError(f"--count must be between 1 and {MAXIMUM_COUNT}, not {count}")
    if not 1 <= validity_days <= MAXIMUM_VALIDITY_DAYS:
        raise UsageError(
            f"--expires-in-days must be between 1 and {MAXIMUM_VALIDITY_DAYS}, not {validity_days}"
        )
    created = issue_invitations(
        connection, structure.id, count, now, AUDIT_ACTOR, wave, validity_days, random_bytes
    )
    return [_issued(invitation, structure, bot_username) for invitation in created]


def register_invitations(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``invite`` command group."""
    invite = group_parser(subparsers, "invite", "Invitations for youth to answer the questionnaire.")
    parser = add_command(
        invite,
        "youth",
        "Create invitations and print each token and link, once: only their hashes are stored.",
        invite_youth_command,
        context,
    )
    parser.add_argument("--structure", required=True, metavar="S", help="structure id or name")
    parser.add_argument("--wave", choices=WAVES, default=DEFAULT_WAVE, help="questionnaire wave (default T0)")
    parser.add_argument(
        "--count",
        type=positive_integer,
        default=1,
        help=f"how many invitations, 1 to {MAXIMUM_COUNT} (default 1)",
    )
    parser.add_argument(
        "--expires-in-days",
        type=positive_integer,
        default=DEFAULT_VALIDITY_DAYS,
        metavar="DAYS",
        help=f"validity in days, 1 to {MAXIMUM_VALIDITY_DAYS} (default {DEFAULT_VALIDITY_DAYS})",
    )
    parser.add_argument(
        "--qr",
        type=Path,
        metavar="DIR",
        help="also write here one PNG card per invitation (QR code, structure, expiry, what to do) "
        "and an A4 sheet of them to print",
    )
    parser.add_argument(
        "--bot-username",
        type=bot_username_argument,
        metavar="NAME",
        help="the bot's @username for links (default: VOIX_BOT_USERNAME)",
    )

    parser = add_command(
        invite, "list", "List invitations and their status (never tokens).", list_command, context
    )
    parser.add_argument("--structure", metavar="S", help="only this structure (id or name)")

    parser = add_command(
        invite, "revoke", "Revoke an invitation that was not used yet.", revoke_command, context
    )
    parser.add_argument("id", type=positive_integer, metavar="ID", help="invitation id (see `invite list`)")

    register_staff_invitation(invite, context)


def invite_youth_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Create invitations, print their tokens and links, and write QR codes if asked."""
    bot_username = arguments.bot_username or context.settings().bot_username
    if not bot_username:
        raise UsageError("no bot username for the links: pass --bot-username NAME or set VOIX_BOT_USERNAME")
    if arguments.qr is not None:
        _prepare_qr_directory(arguments.qr)
    with context.connection() as connection:
        structure = find_structure(connection, arguments.structure)
        issued = invite_youth(
            connection,
            structure,
            arguments.count,
            bot_username,
            context.clock(),
            arguments.wave,
            arguments.expires_in_days,
            context.random_bytes,
        )
    rows = [
        {
            "id": item.id,
            "structure": item.structure,
            "structure_id": item.structure_id,
            "wave": item.wave,
            "expires": item.expires_at,
            "token": item.token,
            "link": item.link,
        }
        for item in issued
    ]
    sheet = None
    if arguments.qr is not None:
        cards = [
            InvitationCard(
                item.id, item.structure, item.wave, item.link, datetime.fromisoformat(item.expires_at)
            )
            for item in issued
        ]
        try:
            pictures, sheet = write_cards(cards, arguments.qr, context.clock(), context.settings().zone)
        except BaseException as error:  # Ctrl-C too: no invitation stays valid that nobody was shown
            _withdraw(context, issued)
            if isinstance(error, FileExistsError):  # never written over: a card already handed out, perhaps
                raise AdminError(
                    f"a card named {Path(error.filename or '').name} is already in {arguments.qr}: the "
                    f"{len(issued)} invitations just made were revoked; give another directory, or move "
                    "the cards already there, then run the command again"
                ) from None
            if isinstance(error, OSError):
                raise AdminError(
                    f"the QR cards could not be written in {arguments.qr} ({error.strerror or error}): "
                    f"the {len(issued)} invitations just made were revoked; free the disk or fix the "
                    "directory's rights, then run the command again"
                ) from None
            raise
        for row, path in zip(rows, pictures, strict=True):
            row["qr"] = str(path)
            if arguments.as_json:
                row["sheet"] = str(sheet)  # the A4 page to print, which the table's stderr names
    columns = ("id", "structure", "wave", "expires", "token", "link", *(("qr",) if arguments.qr else ()))
    print_rows(rows, columns, arguments.as_json)
    if sheet is not None:
        print(f"Cards to print on A4 (six a page): {sheet}", file=sys.stderr)
    print("Tokens are shown only this once: hand each youth their link or QR code now.", file=sys.stderr)
    return 0


def _prepare_qr_directory(directory: Path) -> None:
    """Create ``--qr DIR`` and try writing in it before any invitation exists, or say in one line
    why it cannot be used."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"--qr {directory} is a file: give a directory for the QR code images")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as error:
        raise UsageError(
            f"cannot write in --qr {directory}: {error.strerror or error}; give a writable directory"
        ) from None


def _withdraw(context: AdminContext, issued: Sequence[IssuedInvitation]) -> None:
    """Revoke invitations whose cards could not be written (their tokens were never shown)."""
    now = context.clock()
    with context.connection() as connection, write_transaction(connection):
        for item in issued:
            revoke_invitation(connection, item.id, now, unseen=True)
        record_admin_audit(
            connection,
            "invitations revoked",
            now,
            {"invitation_ids": [item.id for item in issued], "reason": "QR cards not written"},
        )


def list_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Print invitations with their status at this moment."""
    now = context.clock()
    with context.connection() as connection:
        structure = find_structure(connection, arguments.structure) if arguments.structure else None
        names = dict(connection.execute("SELECT id, name FROM structures"))
        invitations = list_invitations(connection, structure.id if structure else None)
    rows = [
        {
            "id": item.id,
            "structure": names[item.structure_id],
            "structure_id": item.structure_id,
            "wave": item.wave,
            "status": item.status(now).value,
            "expires": item.expires_at,
        }
        for item in invitations
    ]
    print_rows(rows, ("id", "structure", "wave", "status", "expires"), arguments.as_json)
    return 0


def revoke_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Revoke a pending (or expired) invitation, audited."""
    now = context.clock()
    with context.connection() as connection:
        invitation = find_invitation(connection, arguments.id)
        if invitation is None:
            raise NotFoundError(f"no invitation {arguments.id}: see `voix admin invite list`")
        with write_transaction(connection):
            if not revoke_invitation(connection, invitation.id, now):
                status = invitation.status(now).value
                raise UsageError(f"invitation {arguments.id} is already {status}: nothing to revoke")
            record_admin_audit(connection, "invitation revoked", now, {"invitation_id": invitation.id})
    print_object({"id": invitation.id, "status": InvitationStatus.REVOKED.value}, arguments.as_json)
    return 0


def _issued(invitation: CreatedInvitation, structure: Structure, bot_username: str) -> IssuedInvitation:
    return IssuedInvitation(
        invitation.id,
        structure.name,
        structure.id,
        invitation.wave,
        timestamp(invitation.expires_at),
        invitation.token,
        invitation_link(bot_username, invitation.token),
    )
