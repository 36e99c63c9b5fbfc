"""Updates of one chat run strictly in order; different chats run at the same time."""

import asyncio

from bot.chat_serialiser import ChatSerialisingUpdateProcessor
from tests.bot import telegram_updates as make


async def test_one_chat_in_order_and_other_chats_alongside() -> None:
    events: list[str] = []
    other_chat_done = asyncio.Event()

    async def work(name: str) -> None:
        events.append(f"start {name}")
        if name == "a1":  # a slow update: it ends only once another chat's update has ended
            await other_chat_done.wait()
        events.append(f"end {name}")
        if name == "b1":
            other_chat_done.set()

    plan = [("a1", 1), ("a2", 1), ("b1", 2), ("a3", 1)]
    async with ChatSerialisingUpdateProcessor() as processor:
        tasks = [
            asyncio.create_task(processor.process_update(make.message("x", chat_id=chat), work(name)))
            for name, chat in plan
        ]
        # A processor that stalled chat 2 behind chat 1's slow update would never get here.
        async with asyncio.timeout(5):
            await asyncio.gather(*tasks)
        assert processor.waiting_chats == 0
    chat_one = [event for event in events if event.endswith(("a1", "a2", "a3"))]
    assert chat_one == ["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]
    # b1 ran and finished while a1 was still running: other chats are not stalled.
    assert events.index("start b1") < events.index("end a1")


async def test_a_failing_update_does_not_block_the_next_of_its_chat() -> None:
    done: list[str] = []

    async def fail() -> None:
        raise RuntimeError("boom")

    async def succeed() -> None:
        done.append("second")

    async with ChatSerialisingUpdateProcessor() as processor:
        first = asyncio.create_task(processor.process_update(make.message("x"), fail()))
        second = asyncio.create_task(processor.process_update(make.message("y"), succeed()))
        results = await asyncio.gather(first, second, return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert done == ["second"]


async def test_running_updates_are_bounded_across_chats() -> None:
    running = 0
    peak = 0
    finished = 0
    two_running = asyncio.Event()
    release = asyncio.Event()

    async def work() -> None:
        nonlocal running, peak, finished
        running += 1
        peak = max(peak, running)
        if running == 2:
            two_running.set()
        await release.wait()
        running -= 1
        finished += 1

    async with ChatSerialisingUpdateProcessor(running_updates=2) as processor:
        updates = asyncio.gather(
            *(processor.process_update(make.message("x", chat_id=100 + chat), work()) for chat in range(6))
        )
        async with asyncio.timeout(5):
            await two_running.wait()
        # Every update has had its turn at the processor (each one's chat is registered before its
        # first await, and tasks run in creation order), and only two got a slot: no third started.
        assert processor.waiting_chats == 6
        assert running == 2
        release.set()
        async with asyncio.timeout(5):
            await updates
    assert (peak, finished) == (2, 6)  # all six ran, never more than two at a time
