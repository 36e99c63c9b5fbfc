"""Follow-up questionnaires end to end: a T1 invitation, ``followup open`` and the bot's offer job."""

import argparse
import asyncio
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from admin.cli import register
from admin.context import AdminContext
from admin.score_table import build_score_table
from bot.application import scheduler_of
from storage.clock import FixedClock
from storage.organisations import find_structure
from storage.youth_progress import structure_progress
from telegram_emulator import BotMessage, EmulatorClient, SimulatedUser
from tests.e2e.conftest import StartBot
from tests.e2e.journey import (
    AGREE,
    SAFEGUARDING_WORDS,
    answer_with_first_options,
    enrol,
    next_question,
    stop_and_erase,
    until,
    youth_ids,
)
from voix.settings import Settings

GREETING = "Content de te revoir"
NOTICE_QUESTION = "Tu veux bien répondre ?"
OFFER = "Voici le questionnaire de suivi"
START_BUTTON = "▶️ Commencer"
NO_THANKS = "❌ Non, merci"


@pytest.fixture
def followup_open(
    voix_settings: Settings, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> Callable[..., dict[str, Any]]:
    """Run ``voix admin followup open --structure "MECS Les Tilleuls" --json`` and return its JSON.

    Call it with ``await asyncio.to_thread(followup_open)``: like the real command, in another
    thread than the bot's event loop, which a blocking write would otherwise stall (and the
    command then waits in vain for the bot's transaction: "database is locked").
    """
    parser = argparse.ArgumentParser(prog="voix")
    register(parser.add_subparsers(), AdminContext(settings=lambda: voix_settings, clock=clock))

    def run(*options: str) -> dict[str, Any]:
        capsys.readouterr()
        arguments = parser.parse_args(
            ["admin", "followup", "open", "--structure", "MECS Les Tilleuls", "--json", *options]
        )
        assert arguments.handler(arguments) == 0
        result: dict[str, Any] = json.loads(capsys.readouterr().out)
        return result

    return run


async def complete_t0(
    sim: EmulatorClient, token: str, name: str, user_id: int | None = None
) -> SimulatedUser:
    """Enrol with a T0 invitation and answer everything with the first options."""
    youth, question = await enrol(sim, token, name, user_id)
    await answer_with_first_options(youth, question)
    await until(youth, SAFEGUARDING_WORDS)  # the help block that ends every questionnaire
    return youth


async def offered_t1(
    voix: Any, sim: EmulatorClient, invite: Callable[..., list[str]], followup_open: Callable[..., Any]
) -> tuple[SimulatedUser, BotMessage]:
    """Lina completes T0, an educator opens T1 and the bot's scheduler offers it: return her and the offer."""
    youth = await complete_t0(sim, invite()[0], "Lina")
    await asyncio.to_thread(followup_open)
    assert await scheduler_of(voix).dispatch_due() == 1
    return youth, await until(youth, OFFER)


async def agree_and_answer_everything(youth: SimulatedUser) -> None:
    """From the follow-up greeting: agree to the notice again and answer every question."""
    await until(youth, GREETING)
    notice = await until(youth, NOTICE_QUESTION)
    await youth.press(AGREE, message_id=notice.message_id)
    await answer_with_first_options(youth, await next_question(youth))
    await until(youth, SAFEGUARDING_WORDS)


def runs_of(connection: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return connection.execute("SELECT youth_id, wave, status FROM runs ORDER BY youth_id, id").fetchall()


async def offers_sent(sim: EmulatorClient, youth: SimulatedUser) -> int:
    """Count the offers the Bot API received for this youth (from the emulator's record)."""
    calls = await sim.calls("sendMessage", chat_id=youth.id)
    return sum(OFFER in call["params"]["text"] for call in calls)


def offers(connection: sqlite3.Connection) -> list[tuple[int, str, str, str | None]]:
    return connection.execute(
        "SELECT youth_id, wave, due_at, sent_at FROM scheduled_messages "
        "WHERE kind = 'followup' ORDER BY youth_id"
    ).fetchall()


async def test_a_t1_invitation_after_t0_starts_t1_for_the_same_youth_and_the_export_pairs_them(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    t0_tokens, t1_tokens = invite(5), invite(5, wave="T1")
    for number, (t0_token, t1_token) in enumerate(zip(t0_tokens, t1_tokens, strict=True)):
        youth = await complete_t0(sim, t0_token, f"Youth {number}")
        await youth.send(f"/start {t1_token}")
        await agree_and_answer_everything(youth)
    identifiers = youth_ids(database_file)
    assert len(identifiers) == 5  # nobody enrolled twice
    assert runs_of(database_file) == [
        (youth_id, wave, "completed") for youth_id in identifiers for wave in ("T0", "T1")
    ]
    answered = database_file.execute(
        "SELECT runs.youth_id, runs.wave, COUNT(*) FROM answers JOIN runs ON runs.id = answers.run_id "
        "GROUP BY runs.youth_id, runs.wave ORDER BY runs.youth_id, runs.wave"
    ).fetchall()
    per_wave = {(youth_id, wave): count for youth_id, wave, count in answered}
    assert all(per_wave[youth_id, "T1"] == per_wave[youth_id, "T0"] > 20 for youth_id in identifiers)
    bound = database_file.execute(
        "SELECT youth_id FROM invitations WHERE wave = 'T1' AND used_at IS NOT NULL ORDER BY youth_id"
    ).fetchall()
    assert [row[0] for row in bound] == identifiers
    table = build_score_table(database_file, 5, levels=("structure",), waves=("change",))
    published = [row for row in table.rows if row.wave == "change" and not row.suppressed]
    assert published and all(row.n == 5 for row in published)


async def test_a_t1_invitation_while_t0_is_in_progress_resumes_t0_and_stays_unused(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    [t1_token] = invite(wave="T1")
    youth, question = await enrol(sim, invite()[0])
    await youth.send(f"/start {t1_token}")
    again = await next_question(youth)
    assert again.text == question.text
    assert database_file.execute(
        "SELECT used_at, youth_id FROM invitations WHERE wave = 'T1'"
    ).fetchone() == (
        None,
        None,
    )
    assert [wave for _, wave, _ in runs_of(database_file)] == ["T0"]


async def test_an_invitation_of_a_wave_already_answered_only_resumes(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    [t0_token, other_t0] = invite(2)
    youth = await complete_t0(sim, t0_token, "Lina")
    await youth.send(f"/start {other_t0}")
    await until(youth, "Tu as déjà répondu à tout")
    assert database_file.execute("SELECT COUNT(*) FROM invitations WHERE used_at IS NULL").fetchone()[0] == 1
    assert len(runs_of(database_file)) == 1


async def test_completing_t0_queues_t1_after_its_delay_and_the_bot_offers_it_then(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
) -> None:
    youth = await complete_t0(sim, invite()[0], "Lina")
    [youth_id] = youth_ids(database_file)
    assert offers(database_file) == [(youth_id, "T1", "2027-05-25T10:00:00+00:00", None)]  # + 180 days
    scheduler = scheduler_of(voix)
    clock.advance(days=179)
    assert await scheduler.dispatch_due() == 0
    clock.advance(days=1, minutes=1)
    assert await scheduler.dispatch_due() == 1
    offer = await until(youth, OFFER)
    assert offer.buttons == [START_BUTTON, NO_THANKS]
    # Reminders of T1 work as for T0: once it starts, the first is planned a day later.
    await youth.press(START_BUTTON, message_id=offer.message_id)
    await until(youth, NOTICE_QUESTION)
    pending = database_file.execute(
        "SELECT kind, wave FROM scheduled_messages WHERE sent_at IS NULL ORDER BY id"
    ).fetchall()
    assert pending == []  # the T1 notice awaits consent: no reminder before the youth agrees
    structure = find_structure(database_file, "MECS Les Tilleuls")
    [progress] = structure_progress(database_file, structure.id, clock()).youth
    assert (progress.status, progress.waves) == (
        "notice shown",
        {"T0": "completed", "T1": "notice shown", "exit": "not started"},
    )


async def test_an_offer_says_time_has_passed_only_when_it_has(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    clock: FixedClock,
    followup_open: Callable[..., dict[str, Any]],
) -> None:
    # An educator opens the follow-up minutes after Lina finished T0; Sami's comes half a year later.
    scheduler = scheduler_of(voix)
    lina = await complete_t0(sim, invite()[0], "Lina")
    clock.advance(minutes=5)
    await asyncio.to_thread(followup_open)
    assert await scheduler.dispatch_due() == 1
    soon = await until(lina, OFFER)
    assert (soon.text or "").startswith("Salut ! 👋 C’est encore Voix.\nVoici le questionnaire de suivi")
    assert "Ça fait un moment" not in (soon.text or "")
    assert "entre 4 et 7 minutes" in (soon.text or "")
    sami = await complete_t0(sim, invite()[0], "Sami")
    clock.advance(days=180, minutes=1)
    assert await scheduler.dispatch_due() == 1  # queued at completion, due 180 days later
    later = await until(sami, OFFER)
    assert (later.text or "").startswith("Salut ! 👋 C’est Voix. Ça fait un moment que tu as répondu.\n")


async def test_followup_open_and_the_running_bot_offer_t1_once_and_never_to_a_blocked_youth(
    start_bot: StartBot,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    followup_open: Callable[..., dict[str, Any]],
) -> None:
    async with start_bot(schedule_poll_interval=0.05) as application:
        tokens = invite(3)
        lina = await complete_t0(sim, tokens[0], "Lina")
        sami = await complete_t0(sim, tokens[1], "Sami")
        await enrol(sim, tokens[2], "Amir")  # T0 still in progress
        await sami.block()
        await sim.idle()  # the block (my_chat_member) is confirmed only once handled and committed
        blocked = "SELECT COUNT(*) FROM contacts WHERE blocked_at IS NOT NULL"
        assert database_file.execute(blocked).fetchone() == (1,)
        opened = await asyncio.to_thread(followup_open)
        assert opened == {
            "structure": "MECS Les Tilleuls",
            "wave": "T1",
            "queued": 1,
            "skipped": 2,
            "skipped_because": {"bot blocked": 1, "no earlier wave completed": 1},
        }
        offer = await until(lina, OFFER, wait=3.0)  # sent by the running bot's own scheduler
        assert await scheduler_of(application).dispatch_due() == 0  # later passes send nothing more
        assert [await offers_sent(sim, youth) for youth in (lina, sami)] == [1, 0]
        assert (await asyncio.to_thread(followup_open))["queued"] == 0  # nobody is queued twice
        assert (await asyncio.to_thread(followup_open))["skipped_because"] == {
            "already offered": 1,
            "bot blocked": 1,
            "no earlier wave completed": 1,
        }
        [(_, _, _, sent_at)] = [row for row in offers(database_file) if row[3] is not None]
        assert sent_at == "2026-11-26T10:00:00+00:00"
        await lina.press(START_BUTTON, message_id=offer.message_id)
        await agree_and_answer_everything(lina)
    details = database_file.execute(
        "SELECT details FROM audit_log WHERE action = 'follow-ups opened' ORDER BY id"
    ).fetchall()
    assert json.loads(details[0][0]) == {
        "queued": 1,
        "skipped": {"bot blocked": 1, "no earlier wave completed": 1},
        "structure_id": 1,
        "wave": "T1",
    }
    assert [wave for _, wave, status in runs_of(database_file) if status == "completed"] == ["T0", "T1", "T0"]


async def test_no_offer_in_quiet_hours_it_waits_until_nine(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
    followup_open: Callable[..., dict[str, Any]],
) -> None:
    youth = await complete_t0(sim, invite()[0], "Lina")
    clock.now = datetime(2026, 11, 26, 21, 30, tzinfo=UTC)  # 22:30 in Paris
    assert (await asyncio.to_thread(followup_open))["queued"] == 1  # the automatic one, brought forward
    scheduler = scheduler_of(voix)
    assert await scheduler.dispatch_due() == 0
    assert await offers_sent(sim, youth) == 0
    [(_, _, due_at, sent_at)] = offers(database_file)
    assert (due_at, sent_at) == ("2026-11-27T08:00:00+00:00", None)  # 09:00 in Paris
    clock.now = datetime(2026, 11, 27, 8, 1, tzinfo=UTC)
    assert await scheduler.dispatch_due() == 1
    await until(youth, OFFER)


async def test_no_thanks_to_the_offer_is_respected_and_start_later_begins_t1(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    followup_open: Callable[..., dict[str, Any]],
) -> None:
    youth, offer = await offered_t1(voix, sim, invite, followup_open)
    await youth.press(NO_THANKS, message_id=offer.message_id)
    edited = await youth.next()
    assert edited.is_edit and edited.buttons == []
    assert "Je ne t’écrirai plus" in ((await youth.next()).text or "")
    assert [wave for _, wave, _ in runs_of(database_file)] == ["T0"]
    await youth.send("/start")
    await agree_and_answer_everything(youth)
    assert [wave for _, wave, _ in runs_of(database_file)] == ["T0", "T1"]


async def test_stop_erases_queued_follow_ups_with_the_youth(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]], database_file: sqlite3.Connection
) -> None:
    youth = await complete_t0(sim, invite()[0], "Lina")
    assert len(offers(database_file)) == 1
    await stop_and_erase(youth)
    assert offers(database_file) == []
    assert youth_ids(database_file) == []


async def test_no_thanks_on_an_old_offer_after_t1_was_answered_is_an_old_button(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    followup_open: Callable[..., dict[str, Any]],
) -> None:
    youth, offer = await offered_t1(voix, sim, invite, followup_open)
    await youth.press(START_BUTTON, message_id=offer.message_id)
    await agree_and_answer_everything(youth)
    before = [(message.message_id, message.text) for message in await youth.bot_messages()]
    press = await youth.press(NO_THANKS, message_id=offer.message_id)
    answer = await youth.callback_answer(press, wait=2.0)
    assert (
        answer is not None
        and answer.text == "Ce bouton ne marche plus. Réponds au dernier message, s’il te plaît."
    )
    await youth.expect_nothing_more()
    # Nothing rewritten: the last T1 question keeps its answer, no goodbye is sent.
    assert [(message.message_id, message.text) for message in await youth.bot_messages()] == before


async def test_a_stop_waiting_for_confirmation_is_not_taken_over_by_an_open_offer(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    followup_open: Callable[..., dict[str, Any]],
) -> None:
    youth, _ = await offered_t1(voix, sim, invite, followup_open)
    await youth.send("/stop")
    await until(youth, "effacer")
    await youth.send("euh")  # not an answer to the stop question, which is asked again
    await until(youth, "effacer")
    assert [wave for _, wave, _ in runs_of(database_file)] == ["T0"]


async def test_the_offer_waits_while_a_stop_waits_for_confirmation(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    followup_open: Callable[..., dict[str, Any]],
) -> None:
    youth = await complete_t0(sim, invite()[0], "Lina")
    await youth.send("/stop")
    confirmation = await until(youth, "effacer")
    await sim.idle(wait=5)  # the bot remembered the question message; the command would block its loop
    assert (await asyncio.to_thread(followup_open))["queued"] == 1
    assert await scheduler_of(voix).dispatch_due() == 0  # kept by the conversation, not shown
    await youth.press(next(label for label in confirmation.buttons if "garde" in label))
    await until(youth, "rien n’est effacé")
    offer = await until(youth, OFFER)  # right after the cancelled stop
    await youth.press(START_BUTTON, message_id=offer.message_id)
    await until(youth, NOTICE_QUESTION)


async def test_a_youth_who_declined_t1_can_be_offered_the_exit_questionnaire(
    voix: Any,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
    clock: FixedClock,
    followup_open: Callable[..., dict[str, Any]],
) -> None:
    youth, offer = await offered_t1(voix, sim, invite, followup_open)
    await youth.press(START_BUTTON, message_id=offer.message_id)
    notice = await until(youth, NOTICE_QUESTION)
    await youth.press(NO_THANKS, message_id=notice.message_id)  # no to the T1 questionnaire itself
    await until(youth, "Je ne t’écrirai plus")
    assert runs_of(database_file)[-1][1:] == ("T1", "declined")
    # Before, the declined T1 stayed "in progress" and the exit questionnaire was never offered.
    assert (await asyncio.to_thread(followup_open, "--wave", "exit"))["queued"] == 1
    assert await scheduler_of(voix).dispatch_due() == 1
    exit_offer = await until(youth, "Voici le questionnaire de départ")
    await youth.press(START_BUTTON, message_id=exit_offer.message_id)
    await agree_and_answer_everything(youth)
    assert [(wave, status) for _, wave, status in runs_of(database_file)] == [
        ("T0", "completed"),
        ("T1", "declined"),
        ("exit", "completed"),
    ]
    structure = find_structure(database_file, "MECS Les Tilleuls")
    [progress] = structure_progress(database_file, structure.id, clock()).youth
    assert progress.waves == {"T0": "completed", "T1": "declined", "exit": "completed"}
