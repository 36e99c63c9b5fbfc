"""``voix admin invite staff``, ``voix admin staff list`` and ``voix admin staff revoke``.

Educators (one or more structures) and coordinators (one organisation, or the whole sector) are
invited by a single-use link printed once; opening it in Telegram binds their account
(``storage.staff``). The list shows roles, scopes, names the staff gave and dates — never any
Telegram data. A revoked staff member loses every access at their next message to the bot.
"""

import argparse
import sqlite3
import sys
from datetime import datetime, timedelta

from admin.commands import add_command, bot_username_argument, positive_integer
from admin.context import AdminContext, record_admin_audit, write_transaction
from admin.errors import NotFoundError, UsageError
from admin.output import print_object, print_rows
from storage.clock import timestamp
from storage.invitations import invitation_link
from storage.organisations import find_organisation, find_structure
from storage.staff import (
    DEFAULT_STAFF_VALIDITY_DAYS,
    Role,
    StaffMember,
    StaffScope,
    StaffStatus,
    create_staff_invitation,
    find_staff,
    list_staff,
    revoke_staff,
    scope_details,
)
from voix.parsers import group_parser

MAXIMUM_STAFF_VALIDITY_DAYS = 30


def register_staff_invitation(
    invite: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add ``invite staff`` to the ``invite`` group."""
    parser = add_command(
        invite,
        "staff",
        "Invite an educator (of structures) or a coordinator (of an organisation or the sector): "
        "prints a single-use link, once.",
        invite_staff_command,
        context,
    )
    parser.add_argument(
        "--role", required=True, choices=[role.value for role in Role], help="educator or coordinator"
    )
    parser.add_argument(
        "--structure", action="append", default=[], metavar="S", help="an educator's structure (repeatable)"
    )
    parser.add_argument("--organisation", metavar="O", help="a coordinator's organisation (id or name)")
    parser.add_argument("--sector", action="store_true", help="a coordinator of the whole sector")
    parser.add_argument(
        "--expires-in-days",
        type=positive_integer,
        default=DEFAULT_STAFF_VALIDITY_DAYS,
        metavar="DAYS",
        help=(
            f"validity of the link in days, 1 to {MAXIMUM_STAFF_VALIDITY_DAYS} "
            f"(default {DEFAULT_STAFF_VALIDITY_DAYS})"
        ),
    )
    parser.add_argument(
        "--bot-username",
        type=bot_username_argument,
        metavar="NAME",
        help="the bot's @username for the link (default: VOIX_BOT_USERNAME)",
    )


def register_staff(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext
) -> None:
    """Add the ``staff`` command group."""
    staff = group_parser(subparsers, "staff", "Educators and coordinators using the bot (no Telegram data).")
    add_command(
        staff, "list", "List staff: role, scope, the name they gave, status and dates.", list_command, context
    )
    parser = add_command(
        staff,
        "revoke",
        "Revoke a staff member (or their unused link): every access ends at their next message.",
        revoke_command,
        context,
    )
    parser.add_argument("id", type=positive_integer, metavar="ID", help="staff id (see `staff list`)")


def invite_staff_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Create a staff invitation and print its token and link, once."""
    bot_username = arguments.bot_username or context.settings().bot_username
    if not bot_username:
        raise UsageError("no bot username for the link: pass --bot-username NAME or set VOIX_BOT_USERNAME")
    if not 1 <= arguments.expires_in_days <= MAXIMUM_STAFF_VALIDITY_DAYS:
        raise UsageError(
            f"--expires-in-days must be between 1 and {MAXIMUM_STAFF_VALIDITY_DAYS} for a staff link, "
            f"not {arguments.expires_in_days}"
        )
    now = context.clock()
    with context.connection() as connection:
        scope, organisation_id, structure_ids = _requested_scope(connection, arguments)
        with write_transaction(connection):
            created = create_staff_invitation(
                connection,
                Role(arguments.role),
                scope,
                now,
                organisation_id=organisation_id,
                structure_ids=structure_ids,
                validity=timedelta(days=arguments.expires_in_days),
                random_bytes=context.random_bytes,
            )
            member = find_staff(connection, created.staff_id)
            assert member is not None
            record_admin_audit(connection, "staff invited", now, scope_details(member))
        described = describe_scope(connection, member)
    print_object(
        {
            "id": created.staff_id,
            "role": arguments.role,
            "scope": described,
            **_scope_ids(member),
            "expires": timestamp(created.expires_at),
            "token": created.token,
            "link": invitation_link(bot_username, created.token),
        },
        arguments.as_json,
        text_keys=("id", "role", "scope", "expires", "token", "link"),
    )
    print("The link is shown only this once and works once: send it to that person only.", file=sys.stderr)
    return 0


def _requested_scope(
    connection: sqlite3.Connection, arguments: argparse.Namespace
) -> tuple[StaffScope, int | None, list[int]]:
    """Check the role's scope options and resolve them to ids, or say what is expected."""
    if arguments.role == Role.EDUCATOR:
        if arguments.organisation or arguments.sector or not arguments.structure:
            raise UsageError(
                "an educator works in structures: give --structure S (repeat it for several), "
                "without --organisation or --sector"
            )
        ids = sorted({find_structure(connection, reference).id for reference in arguments.structure})
        return StaffScope.STRUCTURES, None, ids
    if arguments.structure or bool(arguments.organisation) == arguments.sector:
        raise UsageError("a coordinator needs exactly one of --organisation O or --sector (no --structure)")
    if arguments.sector:
        return StaffScope.SECTOR, None, []
    return StaffScope.ORGANISATION, find_organisation(connection, arguments.organisation).id, []


def _scope_ids(member: StaffMember) -> dict[str, object]:
    """The scope as a program reads it (the JSON's): its level and the ids it names."""
    return {
        "scope_level": member.scope.value,
        "organisation_id": member.organisation_id,
        "structure_ids": list(member.structure_ids),
    }


def describe_scope(connection: sqlite3.Connection, member: StaffMember) -> str:
    """Say where a staff member's role applies, by name (structures and organisations are not people)."""
    if member.scope is StaffScope.SECTOR:
        return "sector"
    if member.scope is StaffScope.ORGANISATION:
        row = connection.execute(
            "SELECT name FROM organisations WHERE id = ?", (member.organisation_id,)
        ).fetchone()
        return f"organisation {row[0]}"
    names = dict(connection.execute("SELECT id, name FROM structures"))
    return "structures " + ", ".join(names.get(number, str(number)) for number in member.structure_ids)


def list_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Print every staff member with their status now."""
    now = context.clock()
    with context.connection() as connection:
        rows = [_row(connection, member, now) for member in list_staff(connection)]
    print_rows(
        rows, ("id", "role", "scope", "name", "status", "invited", "bound", "revoked"), arguments.as_json
    )
    return 0


def _row(connection: sqlite3.Connection, member: StaffMember, now: datetime) -> dict[str, object]:
    return {
        "id": member.id,
        "role": member.role.value,
        "scope": describe_scope(connection, member),
        **_scope_ids(member),
        "name": member.display_name,
        "status": member.status(now).value,
        "invited": member.created_at,
        "bound": member.bound_at,
        "revoked": member.revoked_at,
    }


def revoke_command(arguments: argparse.Namespace, context: AdminContext) -> int:
    """Revoke a staff member, audited; their next message to the bot finds every command closed."""
    now = context.clock()
    with context.connection() as connection:
        member = find_staff(connection, arguments.id)
        if member is None:
            raise NotFoundError(f"no staff member {arguments.id}: see `voix admin staff list`")
        with write_transaction(connection):
            if not revoke_staff(connection, member.id, now):
                raise UsageError(f"staff member {arguments.id} is already revoked: nothing to do")
            record_admin_audit(connection, "staff revoked", now, scope_details(member))
    print_object({"id": member.id, "status": StaffStatus.REVOKED.value}, arguments.as_json)
    return 0
