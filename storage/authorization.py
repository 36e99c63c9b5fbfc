"""Who may do what, where: the one policy every bot handler and every CLI command asks.

``decide(actor, action, scope)`` is pure: the actor (the administrator at the command line, a
staff member as stored, a youth, a stranger), the action, and the scope it touches (a structure
with its organisation, an organisation, the sector, or ``None`` for "somewhere in the actor's
own scope", which menus ask before a structure is chosen). Callers resolve a scope from the
database, never from what a button or a message claims: a structure id in callback data is
looked up, and a structure that does not exist is refused like one of another organisation.

The rules: a revoked staff member may do nothing; youth and strangers may do none of these
actions; educators invite youth, follow their progress and open follow-ups in their own
structures; coordinators read results of their organisation (its structures included) or of
the whole sector; the administrator may do everything.
"""

import sqlite3
from dataclasses import dataclass, field
from enum import StrEnum

from storage.staff import Role, StaffMember, StaffScope


class ActorKind(StrEnum):
    """Who is asking."""

    ADMINISTRATOR = "administrator"
    STAFF = "staff"
    YOUTH = "youth"
    STRANGER = "stranger"


class Action(StrEnum):
    """What can be asked (the bot's staff commands, and the administrator's commands)."""

    SHOW_STAFF_HELP = "show staff help"
    INVITE_YOUTH = "invite youth"
    VIEW_PROGRESS = "view progress"
    OPEN_FOLLOW_UP = "open follow-up"
    VIEW_RESULTS = "view results"
    ADMINISTER = "administer"


EDUCATOR_ACTIONS = frozenset({Action.INVITE_YOUTH, Action.VIEW_PROGRESS, Action.OPEN_FOLLOW_UP})
COORDINATOR_ACTIONS = frozenset({Action.VIEW_RESULTS})


@dataclass(frozen=True)
class Scope:
    """Where an action applies: a structure (with its organisation), an organisation, or the sector."""

    structure_id: int | None = None
    organisation_id: int | None = None

    @classmethod
    def structure(cls, structure_id: int, organisation_id: int) -> "Scope":
        """One structure, which belongs to this organisation."""
        return cls(structure_id, organisation_id)

    @classmethod
    def organisation(cls, organisation_id: int) -> "Scope":
        """One organisation and its structures."""
        return cls(None, organisation_id)

    @property
    def is_sector(self) -> bool:
        """Tell whether this is the whole sector."""
        return self.structure_id is None and self.organisation_id is None


SECTOR = Scope()


def scope_of_structure(connection: sqlite3.Connection, structure_id: int) -> Scope | None:
    """Return the scope of a structure as stored (None if it does not exist): never as a button says."""
    row = connection.execute(
        "SELECT organisation_id FROM structures WHERE id = ?", (structure_id,)
    ).fetchone()
    return Scope.structure(structure_id, int(row[0])) if row else None


@dataclass(frozen=True)
class Actor:
    """Someone asking: their kind and, for staff, their role and scope as stored."""

    kind: ActorKind
    staff_id: int | None = None
    role: Role | None = None
    structure_ids: frozenset[int] = field(default_factory=frozenset)
    organisation_id: int | None = None
    sector: bool = False
    revoked: bool = False

    @classmethod
    def of_staff(cls, member: StaffMember) -> "Actor":
        """The actor a stored staff member is (revoked or not)."""
        return cls(
            ActorKind.STAFF,
            member.id,
            member.role,
            frozenset(member.structure_ids),
            member.organisation_id,
            member.scope is StaffScope.SECTOR,
            member.revoked_at is not None,
        )


ADMINISTRATOR = Actor(ActorKind.ADMINISTRATOR)
YOUTH = Actor(ActorKind.YOUTH)
STRANGER = Actor(ActorKind.STRANGER)


class NotAllowed(Exception):
    """The policy refused; the bot says only that the command is not available."""


def decide(actor: Actor, action: Action, scope: Scope | None) -> bool:
    """Return whether ``actor`` may do ``action`` on ``scope`` (None: somewhere in their own scope)."""
    if actor.kind is ActorKind.ADMINISTRATOR:
        return True
    if actor.kind is not ActorKind.STAFF or actor.revoked:
        return False
    if action is Action.SHOW_STAFF_HELP:
        return True
    if actor.role is Role.EDUCATOR and action in EDUCATOR_ACTIONS:
        if scope is None:
            return bool(actor.structure_ids)
        return scope.structure_id is not None and scope.structure_id in actor.structure_ids
    if actor.role is Role.COORDINATOR and action in COORDINATOR_ACTIONS:
        if actor.sector or scope is None:
            return True
        return not scope.is_sector and scope.organisation_id == actor.organisation_id
    return False


def require(actor: Actor, action: Action, scope: Scope | None) -> None:
    """Raise ``NotAllowed`` unless the policy allows it."""
    if not decide(actor, action, scope):
        raise NotAllowed(action.value)
