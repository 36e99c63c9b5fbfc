"""Youth played inside the emulator's process, each pressing the next button as soon as it can.

A youth presses a button, then waits until every message the script says the press brings has
arrived in the chat (the next question is the last of them), and presses again at once. The
time from the press to that last message is the latency a youth feels. The emulator calls
``SimulatedYouth.see`` synchronously when the bot's message lands, so the clock stops then,
not when some waiting task happens to wake up.
"""

import asyncio
import time
from collections.abc import Callable

from bench.conversation_script import ConversationScript, Press
from telegram_emulator import TelegramEmulator
from telegram_emulator.state import BotEvent

# Longest wait for the bot's answer to one press before the run is called broken.
ANSWER_TIMEOUT_SECONDS = 60.0


class BotSilentError(Exception):
    """The bot did not answer a press in time: the bench stops rather than report nonsense."""


class SimulatedYouth:
    """One youth: enrols, agrees, then answers every question of the script."""

    def __init__(self, emulator: TelegramEmulator, script: ConversationScript, number: int) -> None:
        self.simulator = emulator.simulator
        self.script = script
        self.user_id: int = self.simulator.create_user(f"Youth {number}")["id"]
        self.latencies: list[float] = []
        self._messages = 0
        self._edits = 0
        self._question_message_id: int | None = None
        self._wanted: tuple[int, int] = (0, 0)
        self._arrived: asyncio.Future[float] | None = None

    def see(self, event: BotEvent) -> None:
        """Count what the bot did in this chat; stop the clock when the awaited message lands."""
        if event.kind == "message":
            self._messages += 1
            if event.message is not None and event.message.get("reply_markup"):
                self._question_message_id = event.message_id
        elif event.kind == "edit":
            self._edits += 1
        wanted_messages, wanted_edits = self._wanted
        waiting = self._arrived is not None and not self._arrived.done()
        if waiting and self._messages >= wanted_messages and self._edits >= wanted_edits:
            assert self._arrived is not None
            self._arrived.set_result(time.perf_counter())

    async def enrol(self, token: str) -> None:
        """Open the invitation link, agree, and wait for the first question (none of it timed)."""
        greeting_messages = sum(1 for message in self.script.greeting if message["kind"] == "send")
        await self._until(
            greeting_messages, 0, lambda: self.simulator.send_text(self.user_id, f"/start {token}")
        )
        await self._press(self.script.presses[0])

    async def answer_all(self) -> None:
        """Answer every question as fast as the bot allows, timing each answer."""
        for press in self.script.presses[1:]:
            seconds = await self._press(press)
            if press.is_answer:
                self.latencies.append(seconds)

    async def _press(self, press: Press) -> float:
        # A press that brings no new message (a toggle) is done when its edit lands.
        edits = 0 if press.sends else 1
        message_id = self._question_message_id
        return await self._until(
            press.sends,
            edits,
            lambda: self.simulator.press(self.user_id, data=press.data, message_id=message_id),
        )

    async def _until(self, messages: int, edits: int, act: Callable[[], object]) -> float:
        """Do ``act``, then wait for ``messages`` new messages and ``edits`` edits; return the seconds."""
        self._wanted = (self._messages + messages, self._edits + edits)
        self._arrived = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        act()
        try:
            arrived = await asyncio.wait_for(self._arrived, ANSWER_TIMEOUT_SECONDS)
        except TimeoutError:
            raise BotSilentError(
                f"the bot did not answer youth {self.user_id} within {ANSWER_TIMEOUT_SECONDS:.0f} s"
            ) from None
        return arrived - started


def watch(emulator: TelegramEmulator, youth: list[SimulatedYouth]) -> None:
    """Route each bot event of the emulator to the youth whose chat it is in."""
    by_chat = {one.user_id: one for one in youth}

    def route(event: BotEvent) -> None:
        one = by_chat.get(event.chat_id)
        if one is not None:
            one.see(event)

    emulator.state.watch_bot_events(route)
