"""``voix admin``: organisations, structures, invitations, youth progress, audit log and exports.

``register(subparsers)`` is what ``voix.cli`` calls; tests pass their own ``AdminContext``
(fixed clock, known randomness, temporary database) to the same function.
"""

import argparse

from admin.audit_commands import register_audit
from admin.context import AdminContext
from admin.export_commands import register_exports
from admin.followup_commands import register_follow_ups
from admin.init_command import register_init
from admin.invitation_commands import register_invitations
from admin.organisation_commands import register_organisations
from admin.retention_commands import register_retention
from admin.staff_commands import register_staff
from admin.youth_commands import register_youth
from voix.parsers import group_parser


def register(
    subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]", context: AdminContext | None = None
) -> None:
    """Add ``voix admin`` and every command under it."""
    context = context or AdminContext()
    admin = group_parser(subparsers, "admin", "Administration: groups, invitations, youth progress, exports.")
    register_init(admin, context)
    register_organisations(admin, context)
    register_invitations(admin, context)
    register_youth(admin, context)
    register_staff(admin, context)
    register_follow_ups(admin, context)
    register_exports(admin, context)
    register_retention(admin, context)
    register_audit(admin, context)
