"""The getUpdates offset never passes an update still being handled; handled ones are fetched once."""

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram import Update

from bot.polling import ConfirmingPoller, ConfirmingUpdateProcessor, UpdateLedger
from tests.bot import telegram_updates as make


def test_the_offset_waits_for_the_oldest_update_still_being_handled() -> None:
    ledger = UpdateLedger()
    assert ledger.next_offset() is None  # nothing seen: Telegram gives what it has
    assert [ledger.admit(update_id) for update_id in (1, 2, 3)] == [True, True, True]
    ledger.finish(2)
    ledger.finish(3)
    assert ledger.next_offset() == 1 and ledger.busy
    ledger.finish(1)
    assert ledger.next_offset() == 4 and not ledger.busy


def test_an_update_handled_but_not_yet_confirmed_is_not_handled_again() -> None:
    ledger = UpdateLedger()
    ledger.admit(1)
    ledger.admit(2)
    ledger.finish(2)
    ledger.sent(1)  # Telegram returns 1 and 2 again: 1 is still being handled
    assert ledger.admit(1) is False and ledger.admit(2) is False
    ledger.finish(1)
    ledger.sent(ledger.next_offset())
    # Telegram may deliver a confirmed update again: it is handled (harmlessly) without holding the offset.
    assert ledger.admit(2) is True
    assert ledger.next_offset() == 3 and not ledger.busy


async def test_a_cancelled_update_is_not_released_a_finished_or_failed_one_is() -> None:
    ledger = UpdateLedger()
    for update_id in (1, 2, 3):
        ledger.admit(update_id)
    started, gate = asyncio.Event(), asyncio.Event()

    async def blocked() -> None:
        started.set()
        await gate.wait()

    async def done() -> None:
        return None

    async def fail() -> None:
        raise RuntimeError("boom")

    async with ConfirmingUpdateProcessor(ledger) as processor:
        stuck = asyncio.create_task(
            processor.process_update(make.message("a", update_id=1, chat_id=1), blocked())
        )
        await processor.process_update(make.message("b", update_id=2, chat_id=2), done())
        failed = asyncio.create_task(
            processor.process_update(make.message("c", update_id=3, chat_id=3), fail())
        )
        assert isinstance((await asyncio.gather(failed, return_exceptions=True))[0], RuntimeError)
        await started.wait()
        stuck.cancel()
        await asyncio.gather(stuck, return_exceptions=True)
    assert ledger.next_offset() == 1  # 2 and 3 are released, the cancelled 1 is not


@dataclass
class ScriptedBot:
    """getUpdates as Telegram answers it: every unconfirmed update at or above the offset."""

    pending: list[Update]
    calls: list[tuple[int | None, float]] = field(default_factory=list)
    polled: asyncio.Event = field(default_factory=asyncio.Event)

    async def get_updates(self, *, offset: int | None, timeout: float, allowed_updates: Any) -> list[Update]:  # noqa: ASYNC109 (the Bot API's name)
        self.calls.append((offset, timeout))
        if offset is not None:
            self.pending = [update for update in self.pending if update.update_id >= offset]
        self.polled.set()
        if not self.pending and timeout:
            await asyncio.Event().wait()  # a long poll with nothing to give: until cancelled
        return list(self.pending)


async def test_the_poller_confirms_only_after_handling_and_dispatches_each_update_once() -> None:
    bot = ScriptedBot([make.message("a", update_id=5), make.message("b", update_id=6)])
    queue: asyncio.Queue[object] = asyncio.Queue()
    ledger = UpdateLedger()
    poller = ConfirmingPoller(bot, queue, ledger, poll_timeout=30, allowed_updates=["message"])  # type: ignore[arg-type]
    poller.start()
    try:
        first, second = await queue.get(), await queue.get()
        assert [first.update_id, second.update_id] == [5, 6]  # type: ignore[attr-defined]
        ledger.finish(6)
        await _polled_again(bot)
        # 5 is still being handled: the offset stays on it, without long polling, nothing is queued twice.
        assert bot.calls[-1] == (5, 0) and queue.empty()
        ledger.finish(5)
        await _polled_again(bot)
        assert bot.calls[-1] == (7, 30) and bot.pending == [] and queue.empty()
    finally:
        await poller.stop()


async def _polled_again(bot: ScriptedBot) -> None:
    bot.polled.clear()
    await asyncio.wait_for(bot.polled.wait(), 2)
