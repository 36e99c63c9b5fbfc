"""One chat's slow Bot API call never stalls the other youths (per-chat serialising processor)."""

import sqlite3
import time
from collections.abc import Callable

from telegram_emulator import EmulatorClient, TelegramEmulator
from tests.e2e.journey import enrol, next_question, option_buttons, youth_ids

SLOW_SECONDS = 2.0


async def test_a_slow_call_for_one_youth_does_not_hold_back_another(
    voix: object,
    emulator: TelegramEmulator,
    sim: EmulatorClient,
    invite: Callable[..., list[str]],
    database_file: sqlite3.Connection,
) -> None:
    first_token, second_token = invite(2)
    lina, lina_question = await enrol(sim, first_token, "Lina")
    sami, sami_question = await enrol(sim, second_token, "Sami")
    await sim.idle()  # no call in progress
    # Every Bot API call about Lina's chat now takes two seconds to answer.
    await sim.inject_fault("*", "latency", delay=SLOW_SECONDS, count=10, chat_id=lina.id)
    started = time.monotonic()
    await lina.press(option_buttons(lina_question)[0])
    # Lina's update is being handled, stuck in its slow call (the only call in progress).
    state = emulator.state
    assert await state.notifier.wait_until(lambda: state.calls_in_progress > 0, SLOW_SECONDS / 2)
    await sami.press(option_buttons(sami_question)[0])
    await next_question(sami)
    sami_waited = time.monotonic() - started
    assert sami_waited < SLOW_SECONDS / 2, f"Sami waited {sami_waited:.2f} s behind Lina's slow chat"
    await lina.expect_silence(0)  # Lina's answer is still on its way…
    await sim.clear_faults()
    await next_question(lina)  # …and arrives afterwards, in order
    assert len(youth_ids(database_file)) == 2
    assert database_file.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 2


async def test_the_next_question_does_not_wait_for_the_press_to_be_answered(
    voix: object, sim: EmulatorClient, invite: Callable[..., list[str]]
) -> None:
    lina, question = await enrol(sim, invite(1)[0], "Lina")
    await sim.inject_fault("answerCallbackQuery", "latency", delay=SLOW_SECONDS)
    started = time.monotonic()
    press = await lina.press(option_buttons(question)[0], message_id=question.message_id)
    await next_question(lina)
    assert time.monotonic() - started < SLOW_SECONDS
    assert await lina.callback_answer(press, wait=0) is None  # still on its way…
    assert await lina.callback_answer(press, wait=SLOW_SECONDS * 2) is not None  # …and it comes
