"""Updates of one chat run strictly in order; different chats run at the same time."""

import asyncio

from bot.chat_serialiser import ChatSerialisingUpdateProcessor
from tests.bot import telegram_updates as make


async def test_one_chat_in_order_and_other_chats_alongside() -> None:
    events: list[str] = []

    async def work(name: str, delay: float) -> None:
        events.append(f"start {name}")
        await asyncio.sleep(delay)
        events.append(f"end {name}")

    plan = [("a1", 1, 0.05), ("a2", 1, 0.0), ("b1", 2, 0.0), ("a3", 1, 0.0)]
    async with ChatSerialisingUpdateProcessor() as processor:
        tasks = [
            asyncio.create_task(processor.process_update(make.message("x", chat_id=chat), work(name, delay)))
            for name, chat, delay in plan
        ]
        await asyncio.gather(*tasks)
        assert processor.waiting_chats == 0
    chat_one = [event for event in events if event.endswith(("a1", "a2", "a3"))]
    assert chat_one == ["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]
    # b1 finished while a1 (slow) was still running: other chats are not stalled.
    assert events.index("end b1") < events.index("end a1")


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

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    async with ChatSerialisingUpdateProcessor(running_updates=2) as processor:
        await asyncio.gather(
            *(processor.process_update(make.message("x", chat_id=100 + chat), work()) for chat in range(6))
        )
    assert peak == 2
