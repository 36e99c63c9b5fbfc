"""A small sector for the staff tests, and the steps of a staff member's journey through the emulator.

Organisation X runs structure A ("MECS Les Tilleuls", id 1, the ``invite`` fixture's) and A2;
organisation Y runs structure B. Staff links are made as ``voix admin invite staff`` makes them.

The bot runs in the test's event loop: a test that writes to the database while the bot may be
in a transaction writes through ``written`` (its own connection, in a worker thread), so the bot
can finish its transaction meanwhile instead of waiting behind a blocked loop.
"""

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from conversations.state import ConversationState, Phase
from referentiel.loading import current_referentiel
from storage.database import open_sync_connection, write_transaction
from storage.invitations import create_invitations
from storage.staff import Role, StaffScope, create_staff_invitation
from telegram_emulator import BotMessage, CallbackPress, EmulatorClient, SimulatedUser

ORGANISATION_X, ORGANISATION_Y = 1, 2
STRUCTURE_A, STRUCTURE_A2, STRUCTURE_B = 1, 2, 3
NAMES = {STRUCTURE_A: "MECS Les Tilleuls", STRUCTURE_A2: "Foyer du Port", STRUCTURE_B: "MECS Bellevue"}
Result = TypeVar("Result")
NOT_AVAILABLE = {"fr": "Cette commande n’est pas disponible.", "en": "This command is not available."}
# An educator's command menu, in English.
EDUCATOR_MENU_IN_ENGLISH = [
    "Invitations for young people",
    "Where each young person is",
    "Send a follow-up questionnaire",
    "Language",
    "Help",
]
# To a revoked staff member, whatever they send.
WITHDRAWN = (
    "Votre accès professionnel à Voix a été retiré par votre administrateur. Si c’est une erreur, "
    "demandez-lui un nouveau lien."
)
# A text where staff write commands and press buttons.
TYPE_HELP = {
    "fr": "Ici, je ne lis que les commandes et les boutons : tapez /aide pour voir ce que vous pouvez faire.",
    "en": "Here I only read commands and buttons: type /aide to see what you can do.",
}
# A staff keyboard answers once.
USED = {
    "fr": "Ce bouton a déjà servi. Retapez la commande pour recommencer.",
    "en": "This button was already used. Type the command again to start over.",
}


async def written(
    connection: sqlite3.Connection, function: Callable[..., Result], *arguments: Any, **keywords: Any
) -> Result:
    """Run ``function(connection, …)`` on a new connection to the same file, in a worker thread."""
    path = Path(next(row[2] for row in connection.execute("PRAGMA database_list") if row[1] == "main"))

    def run() -> Result:
        own = open_sync_connection(path)
        try:
            return function(own, *arguments, **keywords)
        finally:
            own.close()

    return await asyncio.to_thread(run)


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


async def pressed(
    staff: SimulatedUser, message: BotMessage, label: str | None = None, *, data: str | None = None
) -> CallbackPress:
    """Press a button of a staff message (by label, or its data): a staff keyboard answers once,
    so the bot first takes it off its message (an edit that leaves no button)."""
    if data is None:
        assert label is not None
        press = await staff.press(label, message_id=message.message_id)
    else:
        press = await staff.press_data(data, message_id=message.message_id)
    edit = await staff.next()
    assert (edit.kind, edit.message_id, edit.keyboard) == ("edit", message.message_id, []), edit
    return press


async def refused_press(staff: SimulatedUser, command: str, data: str) -> str | None:
    """Send a command, press forged ``data`` on the keyboard it shows (which it then loses, as
    any pressed staff keyboard), and return the toast the press got."""
    await staff.send(command)
    shown = await staff.next()
    while not shown.keyboard:
        shown = await staff.next()
    press = await pressed(staff, shown, data=data)
    answer = await staff.callback_answer(press)
    return None if answer is None else answer.text


async def open_staff_link(
    sim: EmulatorClient, token: str, name: str = "Samia", language: str = "fr"
) -> tuple[SimulatedUser, BotMessage]:
    """A new user opening a staff link: the user, and the name question (after the welcome)."""
    staff = await sim.user(name, language_code=language)
    await staff.send(f"/start {token}")
    await staff.next()  # the welcome
    return staff, await staff.next()


async def bind(
    sim: EmulatorClient,
    token: str,
    name: str = "Samia",
    language: str = "fr",
    display_name: str | None = None,
) -> SimulatedUser:
    """Open a staff link, answer the name question (no name unless given), read until the help."""
    staff, question = await open_staff_link(sim, token, name, language)
    if display_name is None:
        await pressed(staff, question, data="S:n:no")
    else:
        await pressed(staff, question, data="S:n:yes")
        await staff.next()
        await staff.send(display_name)
    await staff.next()  # no name kept / name kept
    await staff.next()  # the help
    return staff


async def read(user: SimulatedUser, count: int, wait: float | None = None) -> list[BotMessage]:
    """The bot's next ``count`` messages to this user (``wait`` seconds each at most)."""
    return [await user.next(wait) for _ in range(count)]


# A coordinator's documents are a whole export computed on demand: seconds on a loaded machine.
DOCUMENTS_WAIT = 60.0


def add_youth(
    connection: sqlite3.Connection,
    code: str,
    structure: int,
    runs: Sequence[tuple[str, str, ConversationState]] = (),
    *,
    status: str = "active",
    blocked: bool = False,
    reminders_sent: int = 0,
    last_activity: str = "2026-11-24T09:00:00+00:00",
) -> int:
    """A youth written straight into the database (no chat: the bot never writes to them here).

    ``runs`` are (wave, run status, conversation state), oldest first; ``reminders_sent`` of them
    were sent; the last run was updated at ``last_activity``.
    """
    youth_id = int(
        connection.execute(
            "INSERT INTO youth (pseudonym, code, structure_id, status, enrolled_at) VALUES (?, ?, ?, ?, ?)",
            (f"pseudonym-{code}", code, structure, status, "2026-11-01T09:00:00+00:00"),
        ).lastrowid
        or 0
    )
    connection.execute(
        "INSERT INTO contacts (youth_id, telegram_user_hash, encrypted_chat_id, blocked_at) "
        "VALUES (?, ?, x'00', ?)",
        (youth_id, f"hash-{code}".encode(), "2026-11-25T09:00:00+00:00" if blocked else None),
    )
    referentiel = current_referentiel()
    for wave, run_status, state in runs:
        connection.execute(
            "INSERT INTO runs (youth_id, wave, referentiel_id, referentiel_version, status, state, "
            "started_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                youth_id,
                wave,
                referentiel.id,
                str(referentiel.version),
                run_status,
                state.to_json(),
                "2026-11-01T09:00:00+00:00",
                last_activity,
                last_activity if run_status == "completed" else None,
            ),
        )
    for number in range(1, reminders_sent + 1):
        connection.execute(
            "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at, sent_at) "
            "VALUES (?, ?, 'T0', ?, ?)",
            (
                youth_id,
                f"reminder-{number}",
                f"2026-11-2{number}T09:00:00+00:00",
                "2026-11-25T09:00:00+00:00",
            ),
        )
    return youth_id


def complete_first_questionnaire(connection: sqlite3.Connection, youth_id: int, now: datetime) -> None:
    """Mark a real youth's T0 completed, as if they had answered every question (the offer can follow)."""
    state = ConversationState(Phase.COMPLETED)
    connection.execute(
        "UPDATE runs SET status = 'completed', state = ?, completed_at = ?, updated_at = ? "
        "WHERE youth_id = ?",
        (state.to_json(), now.isoformat(timespec="seconds"), now.isoformat(timespec="seconds"), youth_id),
    )
    connection.execute("UPDATE youth SET status = 'completed' WHERE id = ?", (youth_id,))
