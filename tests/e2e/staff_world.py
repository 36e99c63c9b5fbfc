"""A small sector for the staff tests, and the steps of a staff member's journey through the emulator.

Organisation X runs structure A ("MECS Les Tilleuls", id 1, the ``invite`` fixture's) and A2;
organisation Y runs structure B. Staff links are made as ``voix admin invite staff`` makes them.
"""

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from storage.database import write_transaction
from storage.invitations import create_invitations
from storage.staff import Role, StaffScope, create_staff_invitation
from telegram_emulator import BotMessage, EmulatorClient, SimulatedUser

ORGANISATION_X, ORGANISATION_Y = 1, 2
STRUCTURE_A, STRUCTURE_A2, STRUCTURE_B = 1, 2, 3
NAMES = {STRUCTURE_A: "MECS Les Tilleuls", STRUCTURE_A2: "Foyer du Port", STRUCTURE_B: "MECS Bellevue"}
NOT_AVAILABLE = {"fr": "Cette commande n’est pas disponible.", "en": "This command is not available."}


def build_sector(connection: sqlite3.Connection) -> None:
    """Create organisations X and Y and structures A, A2 (of X) and B (of Y)."""
    connection.execute(
        "INSERT OR IGNORE INTO organisations (id, name, created_at) VALUES "
        "(1, 'Association test', '2026-01-01'), (2, 'Fondation Y', '2026-01-01')"
    )
    connection.execute(
        "INSERT OR IGNORE INTO structures (id, organisation_id, name, created_at) VALUES "
        "(1, 1, 'MECS Les Tilleuls', '2026-01-01'), (2, 1, 'Foyer du Port', '2026-01-01'), "
        "(3, 2, 'MECS Bellevue', '2026-01-01')"
    )


def staff_link(
    connection: sqlite3.Connection,
    now: datetime,
    role: Role,
    *,
    structures: Sequence[int] = (),
    organisation: int | None = None,
) -> str:
    """A staff invitation token, as ``voix admin invite staff`` creates it."""
    if role is Role.EDUCATOR:
        scope = StaffScope.STRUCTURES
    else:
        scope = StaffScope.ORGANISATION if organisation is not None else StaffScope.SECTOR
    with write_transaction(connection):
        created = create_staff_invitation(
            connection, role, scope, now, organisation_id=organisation, structure_ids=structures
        )
    return created.token


def youth_link(connection: sqlite3.Connection, now: datetime, structure: int, wave: str = "T0") -> str:
    """A youth invitation token for a structure."""
    with write_transaction(connection):
        [created] = create_invitations(connection, structure, 1, now, wave)
    return created.token


async def bind(
    sim: EmulatorClient,
    token: str,
    name: str = "Samia",
    language: str = "fr",
    display_name: str | None = None,
) -> SimulatedUser:
    """Open a staff link, answer the name question (no name unless given), read until the help."""
    staff = await sim.user(name, language_code=language)
    await staff.send(f"/start {token}")
    await staff.next()  # the welcome
    question = await staff.next()
    if display_name is None:
        await staff.press_data("S:n:no", message_id=question.message_id)
    else:
        await staff.press_data("S:n:yes", message_id=question.message_id)
        await staff.next()
        await staff.send(display_name)
    await staff.next()  # no name kept / name kept
    await staff.next()  # the help
    return staff


async def read(user: SimulatedUser, count: int) -> list[BotMessage]:
    """The bot's next ``count`` messages to this user."""
    return [await user.next() for _ in range(count)]
