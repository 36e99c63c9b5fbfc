"""The permission matrix through the real bot: every staff command and every staff button, for everyone.

Actors: a youth, an educator of structure A, of B, a coordinator of organisation X (A's), of Y
(B's), a sector coordinator, a revoked educator of A and a stranger. Buttons are pressed as data
(forged or replayed: the same press a button would make), naming A's and B's structures. A
refusal must be exactly "not available" (a message for a command, a toast for a button; a revoked
member reads that their access was withdrawn), and
must change nothing in the database; whatever is allowed must answer something else.

Each press is made on a message of its own (the answer to an ``/aide``): a staff keyboard
answers once (``storage.staff_keyboards``), so a second press on one message would read "already
used" whatever it asks. After each try, a last forged press is answered only once the bot has
handled everything before it in that chat (updates of one chat are handled in order), so every
message of the try is there to read: no waiting for silence.
"""

import sqlite3

from storage.clock import FixedClock
from storage.staff import Role, revoke_staff
from telegram_emulator import BotMessage, EmulatorClient, SimulatedUser
from tests.e2e.journey import until
from tests.e2e.staff_world import (
    NOT_AVAILABLE,
    ORGANISATION_X,
    ORGANISATION_Y,
    STRUCTURE_A,
    STRUCTURE_B,
    WITHDRAWN,
    bind,
    build_sector,
    staff_link,
    written,
    youth_link,
)

A, B = STRUCTURE_A, STRUCTURE_B
COMMANDS = ("/inviter", "/inviter 2", "/suivi", "/relancer", "/resultats")
BUTTONS = (
    "S:n:yes",
    f"S:i:{A}:1",
    f"S:i:{B}:1",
    f"S:p:{A}:0",
    f"S:p:{B}:0",
    f"S:f:{A}",
    f"S:f:{B}",
    f"S:w:{A}:T1",
    f"S:w:{B}:T1",
    f"S:y:{A}:T1:all",
    f"S:y:{B}:T1:all",
    f"S:o:{A}:T1:all",
    f"S:o:{B}:T1:all",
    "S:l:structure",
    "S:d:sector:T0",
    "S:c",
)
EDUCATOR = {"/inviter", "/inviter 2", "/suivi", "/relancer", "S:c"}
COORDINATOR = {"/resultats", "S:l:structure", "S:d:sector:T0", "S:c"}
ALLOWED = {
    "youth": set(),
    "stranger": set(),
    "revoked educator of A": set(),
    "educator of A": EDUCATOR | {button for button in BUTTONS if f":{A}:" in button or button == f"S:f:{A}"},
    "educator of B": EDUCATOR | {button for button in BUTTONS if f":{B}:" in button or button == f"S:f:{B}"},
    "coordinator of X": COORDINATOR,
    "coordinator of Y": COORDINATOR,
    "sector coordinator": COORDINATOR,
}
SENTINEL = "S:zz"
# A name button with no name question pending (answered, by a button or a command) says so.
ANSWERED_NAME_QUESTION = {
    name for name, allowed in ALLOWED.items() if allowed and name != "revoked educator of A"
}


def snapshot(connection: sqlite3.Connection) -> tuple[object, ...]:
    """What a refused try must leave as it was."""
    return tuple(
        connection.execute(sql).fetchall()
        for sql in (
            "SELECT * FROM invitations",
            "SELECT * FROM scheduled_messages",
            "SELECT id, bound_at, revoked_at, display_name, awaiting FROM staff",
            "SELECT actor, action, details FROM audit_log WHERE actor != 'youth'",
            "SELECT * FROM youth",
        )
    )


async def attempt(user: SimulatedUser, what: str) -> tuple[list[str], str | None]:
    """Send a command or press data; return the bot's messages about it and the toast (for a press)."""
    toast = None
    if what.startswith("S:"):
        # Pressed on a message of its own: a staff keyboard answers once, and each try is a first press.
        await user.send("/aide")
        *_, own = await handled(user)
        press = await user.press_data(what, message_id=own.message_id)
    else:
        await user.send(what)
    texts = [message.text or message.caption or "" for message in await handled(user)]
    if what.startswith("S:"):
        answered = await user.callback_answer(press, wait=0)
        toast = answered.text if answered else None
    return texts, toast


async def handled(user: SimulatedUser) -> list[BotMessage]:
    """Every bot message since the last read, once the bot has handled everything sent before: a
    forged press is answered only then (updates of one chat are handled in order)."""
    sentinel = await user.press_data(SENTINEL)
    answer = await user.callback_answer(sentinel)
    assert answer is not None and answer.text in (*NOT_AVAILABLE.values(), WITHDRAWN)
    messages = []
    while (message := await user.chat.poll()) is not None:
        messages.append(message)
    return messages


async def test_every_staff_command_and_button_for_every_kind_of_person(
    voix: object, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    now = clock()
    links = {
        "educator of A": staff_link(database_file, now, Role.EDUCATOR, structures=[A]),
        "educator of B": staff_link(database_file, now, Role.EDUCATOR, structures=[B]),
        "coordinator of X": staff_link(database_file, now, Role.COORDINATOR, organisation=ORGANISATION_X),
        "coordinator of Y": staff_link(database_file, now, Role.COORDINATOR, organisation=ORGANISATION_Y),
        "sector coordinator": staff_link(database_file, now, Role.COORDINATOR),
        "revoked educator of A": staff_link(database_file, now, Role.EDUCATOR, structures=[A]),
    }
    people: dict[str, SimulatedUser] = {name: await bind(sim, token, name) for name, token in links.items()}
    await written(database_file, revoke_staff, 6, clock())
    youth = await sim.user("Lina")
    await youth.send(f"/start {await written(database_file, youth_link, clock(), A)}")
    await until(youth, "Tu veux bien répondre ?")
    people["youth"] = youth
    stranger = people["stranger"] = await sim.user("Inconnu")
    await stranger.send("/start")  # a message to press buttons on
    await until(stranger, "invitation")
    wrong = []
    for name, user in people.items():
        for what in (*COMMANDS, *BUTTONS):
            before = snapshot(database_file)
            texts, toast = await attempt(user, what)
            refusal = WITHDRAWN if name == "revoked educator of A" else NOT_AVAILABLE["fr"]
            if what == "S:n:yes" and name in ANSWERED_NAME_QUESTION:
                refusal = "Vous avez déjà répondu à cette question."
            refused = texts == [refusal] if not what.startswith("S:") else (toast == refusal and texts == [])
            if what in ALLOWED[name]:
                if refused or refusal in texts or toast == refusal:
                    wrong.append((name, what, "refused", texts, toast))
            elif not refused:
                wrong.append((name, what, "allowed", texts, toast))
            elif snapshot(database_file) != before:
                wrong.append((name, what, "refused but changed the database"))
    assert wrong == [], "\n".join(map(str, wrong))
    # The allowed tries did what they say: two educators each made 1 + 2 + 1 invitations in their structure.
    assert database_file.execute(
        "SELECT structure_id, COUNT(*) FROM invitations WHERE youth_id IS NULL GROUP BY 1"
    ).fetchall() == [(A, 4), (B, 4)]
