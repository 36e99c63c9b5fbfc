"""A staff request's reply that never reaches its staff member: nothing it made stays unseen.

A staff update is claimed before it is acted on, so a redelivered update never acts twice; a
request is also recorded as pending until its reply is sent (``storage.staff_replies``). Killed
after ``/inviter`` made its invitations and before they were shown, the bot withdraws them when
Telegram delivers the update again, and says so; a reply that fails past every retry withdraws
them too. Tokens cannot be shown again: only their hashes are stored.
"""

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from storage.clock import FixedClock
from storage.staff import Role
from telegram_emulator import EmulatorClient, SimulatedUser, TelegramEmulator
from telegram_emulator.state import EmulatorState
from tests.e2e.conftest import THREE_ATTEMPTS, Crash, StartBot
from tests.e2e.journey import until
from tests.e2e.staff_world import STRUCTURE_A, bind, build_sector, read, staff_link

INTERRUPTED_INVITATIONS = (
    "Un souci de mon côté a interrompu ma réponse à votre dernière demande : 2 invitations dont vous "
    "n’avez pas reçu la carte sont annulées ; les cartes reçues restent valables. Redemandez-en si "
    "besoin."
)


def invitations_of_staff(database: sqlite3.Connection) -> list[tuple[object, ...]]:
    return database.execute(
        "SELECT staff_update_id, revoked_at IS NOT NULL FROM invitations WHERE staff_update_id IS NOT NULL"
    ).fetchall()


async def test_invitations_whose_reply_a_crash_lost_are_withdrawn_and_the_educator_told(crash: Crash) -> None:
    sim, database = crash.sim, crash.database
    build_sector(database)
    # ``voix run`` keeps its own time: the link is made valid now.
    samia = await bind(sim, staff_link(database, datetime.now(UTC), Role.EDUCATOR, structures=[STRUCTURE_A]))
    # The reply's first attempt is held, then fails: killed meanwhile, the bot never learns of it.
    await sim.inject_fault("sendMessage", "server_error", delay=2.0, chat_id=samia.id)
    await crash.calling("sendMessage", samia.send("/inviter 2"))
    asked = samia.last_update_id
    await crash.bot.kill()  # the invitations are stored, their reply never left
    await sim.clear_faults()
    made = invitations_of_staff(database)
    assert [revoked for _, revoked in made] == [0, 0]
    assert {update for update, _ in made} == {asked}

    await crash.bot.start()  # Telegram delivers the update again
    assert (await samia.next()).text == INTERRUPTED_INVITATIONS
    assert [revoked for _, revoked in invitations_of_staff(database)] == [1, 1]
    assert database.execute("SELECT COUNT(*) FROM staff_replies_pending").fetchone() == (0,)
    await samia.send("/inviter")  # asked again: a new invitation, shown
    ready, photo, _ = await read(samia, 3)
    assert (ready.text or "").startswith("Invitation pour MECS Les Tilleuls : 1") and photo.caption
    await samia.expect_nothing_more()
    assert database.execute("SELECT COUNT(*) FROM staff_replies_pending").fetchone() == (0,)
    await crash.bot.stop()


async def test_invitations_whose_photos_fail_past_every_retry_are_withdrawn(
    start_bot: StartBot,
    sim: EmulatorClient,
    database_file: sqlite3.Connection,
    clock: FixedClock,
    invite: Callable[..., list[str]],
) -> None:
    build_sector(database_file)
    async with start_bot(retry_policy=THREE_ATTEMPTS):
        samia = await bind(sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]))
        await sim.inject_fault("sendPhoto", "server_error", count=1000, chat_id=samia.id)
        await samia.send("/inviter")
        await until(samia, "Un souci de mon côté")
        assert [revoked for _, revoked in invitations_of_staff(database_file)] == [1]
        assert database_file.execute("SELECT COUNT(*) FROM staff_replies_pending").fetchone() == (0,)


async def slowed_inviter(
    sim: EmulatorClient, state: EmulatorState, database: sqlite3.Connection, now: datetime, method: str
) -> SimulatedUser:
    """An educator bound, whose ``/inviter 2`` is on its way: its first ``method`` call slowed by a
    second, and already started."""
    samia = await bind(sim, staff_link(database, now, Role.EDUCATOR, structures=[STRUCTURE_A]))
    await sim.inject_fault(method, "latency", delay=1.0, chat_id=samia.id)
    before = len(state.calls)
    await samia.send("/inviter 2")

    def on_its_way() -> bool:
        return state.calls_in_progress == 1 and any(call.method == method for call in state.calls[before:])

    assert await state.notifier.wait_until(on_its_way, 5)
    return samia


async def test_a_card_sent_before_the_reply_failed_stays_valid_only_the_unseen_one_is_withdrawn(
    start_bot: StartBot,
    sim: EmulatorClient,
    emulator: TelegramEmulator,
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    build_sector(database_file)
    state = emulator.state
    async with start_bot(retry_policy=THREE_ATTEMPTS):
        samia = await slowed_inviter(sim, state, database_file, clock(), "sendPhoto")  # the first card
        await sim.inject_fault("sendPhoto", "server_error", count=1000, chat_id=samia.id)  # the second
        told = await until(samia, "Un souci de mon côté a interrompu")
        assert told.text == (
            "Un souci de mon côté a interrompu ma réponse à votre dernière demande : 1 invitation dont "
            "vous n’avez pas reçu la carte est annulée ; les cartes reçues restent valables. "
            "Redemandez-en si besoin."
        )
        await until(samia, "Un souci de mon côté. Réessayez")  # then the apology
        # The first card reached the educator (it may be in a youth's hands): only the second goes.
        assert database_file.execute(
            "SELECT staff_update_id IS NULL, revoked_at IS NOT NULL FROM invitations ORDER BY id"
        ).fetchall() == [(1, 0), (0, 1)]


async def test_a_card_whose_sending_may_have_reached_the_educator_stays_valid(
    start_bot: StartBot, sim: EmulatorClient, database_file: sqlite3.Connection, clock: FixedClock
) -> None:
    build_sector(database_file)
    async with start_bot(retry_policy=THREE_ATTEMPTS):
        samia = await bind(sim, staff_link(database_file, clock(), Role.EDUCATOR, structures=[STRUCTURE_A]))
        # Each card is sent, then the connection drops before Telegram's answer: it may be there.
        await sim.inject_fault("sendPhoto", "disconnect_after", count=1000, chat_id=samia.id)
        await samia.send("/inviter")
        await until(samia, "Un souci de mon côté")
        assert database_file.execute(
            "SELECT staff_update_id IS NULL, revoked_at IS NOT NULL FROM invitations"
        ).fetchall() == [(1, 0)]


async def test_invitations_of_a_reply_cut_short_by_a_block_are_withdrawn(
    start_bot: StartBot,
    sim: EmulatorClient,
    emulator: TelegramEmulator,
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    build_sector(database_file)
    state = emulator.state
    async with start_bot(retry_policy=THREE_ATTEMPTS):
        samia = await slowed_inviter(sim, state, database_file, clock(), "sendMessage")  # its first words
        await samia.block()  # before any card: nothing more reaches her
        await sim.idle()
        assert [revoked for _, revoked in invitations_of_staff(database_file)] == [1, 1]
        assert database_file.execute("SELECT COUNT(*) FROM staff_replies_pending").fetchone() == (0,)


async def test_a_binding_whose_welcome_a_crash_lost_welcomes_again(crash: Crash) -> None:
    sim, database = crash.sim, crash.database
    build_sector(database)
    token = staff_link(database, datetime.now(UTC), Role.EDUCATOR, structures=[STRUCTURE_A])
    samia = await sim.user("Samia")
    await sim.inject_fault("sendMessage", "server_error", delay=2.0, chat_id=samia.id)
    await crash.calling("sendMessage", samia.send(f"/start {token}"))
    await crash.bot.kill()  # bound, never welcomed: the welcome's first attempt was held, then fails
    await sim.clear_faults()
    await crash.bot.start()
    told, question = await read(samia, 2)
    assert told.text == "Ce compte est déjà configuré avec ce lien : il n’y a plus rien à en faire."
    assert question.buttons == ["Oui, donner un nom", "Non, merci"]
    assert database.execute("SELECT COUNT(*) FROM staff_replies_pending").fetchone() == (0,)
    await crash.bot.stop()


async def test_a_card_on_its_way_when_the_bot_is_killed_stays_valid(crash: Crash) -> None:
    sim, database = crash.sim, crash.database
    build_sector(database)
    samia = await bind(sim, staff_link(database, datetime.now(UTC), Role.EDUCATOR, structures=[STRUCTURE_A]))
    await sim.inject_fault("sendPhoto", "latency", delay=2.0, chat_id=samia.id)
    await crash.calling("sendPhoto", samia.send("/inviter 2"))
    await crash.bot.kill()  # the first card is on its way: Telegram delivers it, the bot never knows
    await sim.clear_faults()
    await crash.bot.start()
    told = await until(samia, "Un souci de mon côté a interrompu")
    assert "1 invitation dont vous n’avez pas reçu la carte est annulée" in (told.text or "")
    assert database.execute(
        "SELECT staff_update_id IS NULL, revoked_at IS NOT NULL FROM invitations "
        "WHERE id > (SELECT min(id) FROM invitations) ORDER BY id"  # the crash fixture's own first
    ).fetchall() == [(1, 0), (0, 1)]
    await crash.bot.stop()
