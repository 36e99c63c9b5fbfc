"""The youth of the soak bench: each goes through a questionnaire whatever the bot's faults.

A youth waits for the bot's reaction until their chat is settled (``ChatView.settled``: the bot
has confirmed their update and has no call about them in progress, so it will send nothing
more). If nothing came, they write "?" as a teenager would, and that counts as an action that had
to be repeated. See ``bench/soak.py``.
"""

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram_emulator import BotMessage, EmulatorClient, SimulatedUser

COMPLETED = "C’est fini, merci"
# What a youth who has finished reads when they write again.
ALREADY_COMPLETED = "Tu as déjà répondu à tout"
APOLOGY = "Oups"
CHECK_MARK = "✅"
# A youth waiting this long with the bot up and nothing settled means the bench is stuck.
STUCK_SECONDS = 90.0
# A youth reads and thinks up to this long before each answer, by default.
THINK_SECONDS = 0.1


@dataclass
class Tally:
    """What the youth lived through, summed over all of them."""

    answers: int = 0
    repeated: int = 0
    lost_presses: int = 0
    apologies: int = 0
    closings_missed: int = 0
    progress: asyncio.Event = field(default_factory=asyncio.Event)

    def answered(self) -> None:
        self.answers += 1
        self.progress.set()


@dataclass
class Answered:
    """One youth's chat and the answers they gave, by question id."""

    user_id: int
    values: dict[str, Any] = field(default_factory=dict)


class Youth:
    """One simulated youth going through the questionnaire, whatever the bot's faults."""

    def __init__(
        self,
        client: EmulatorClient,
        token: str,
        rng: random.Random,
        tally: Tally,
        think_seconds: float = THINK_SECONDS,
    ) -> None:
        self.client = client
        self.token = token
        self.rng = rng
        self.tally = tally
        self.think_seconds = think_seconds
        self.user: SimulatedUser | None = None
        self.answered: dict[str, Any] = {}

    async def run(self) -> Answered:
        self.user = user = await self.client.user("Lina")
        await user.send(f"/start {self.token}")
        message = await self.reaction(lambda m: _has_data(m, "c:yes"))
        while True:
            await self.think()
            if _has_data(message, "c:yes"):
                await user.press_data("c:yes", message_id=message.message_id)
            else:
                await self.answer(message)
            message = await self.reaction(lambda m: _is_question(m) or _has_data(m, "c:yes") or _completed(m))
            if _completed(message):
                self.tally.closings_missed += ALREADY_COMPLETED in (message.text or "")
                return Answered(user.id, self.answered)
            question_id = _question_of(message)
            if question_id in self.answered:
                self.tally.lost_presses += 1  # answered, yet asked again: the answer was not kept

    async def answer(self, question: BotMessage) -> None:
        """Answer with a random option: press it, or toggle one and validate a multiple choice."""
        assert self.user is not None
        question_id = _question_of(question)
        validate = f"v:{question_id}"
        if _has_data(question, validate):
            if not any(label.startswith(CHECK_MARK) for label in question.buttons):
                toggle = self.rng.choice(_data_starting(question, "t:"))
                await self.user.press_data(toggle, message_id=question.message_id)
                question = await self.reaction(
                    lambda m: (
                        (m.message_id == question.message_id and CHECK_MARK in "".join(m.buttons))
                        or (not m.is_edit and _question_of(m) == question_id)
                    )
                )
                await self.think()
            chosen = tuple(
                data.split(":")[2]
                for row in question.keyboard
                for button in row
                if button.text.startswith(CHECK_MARK)
                and (data := button.callback_data or "").startswith("t:")
            )
            await self.user.press_data(validate, message_id=question.message_id)
            self.answered[question_id] = chosen
        else:
            data = self.rng.choice(_data_starting(question, "a:"))
            await self.user.press_data(data, message_id=question.message_id)
            self.answered[question_id] = data.split(":")[2]
        self.tally.answered()

    async def reaction(self, wanted: Callable[[BotMessage], bool]) -> BotMessage:
        """The next message or edit ``wanted``; when the chat settles without one, write "?"."""
        assert self.user is not None
        chat, deadline = self.user.chat, time.monotonic() + STUCK_SECONDS
        while True:
            settled = await chat.settled()
            message = await chat.poll(0.0 if settled else 0.5)
            if message is not None:
                if not message.is_edit and APOLOGY in (message.text or ""):
                    self.tally.apologies += 1
                if wanted(message):
                    return message
                continue
            if settled:
                self.tally.repeated += 1
                await self.user.send("?")
            if time.monotonic() > deadline:
                pending = [update["update_id"] for update in await self.client.pending_updates()]
                raise RuntimeError(
                    f"a youth waited {STUCK_SECONDS:.0f} s for the bot; updates not confirmed: {pending}"
                )

    async def think(self) -> None:
        await asyncio.sleep(self.rng.uniform(0.0, self.think_seconds))


def _data_starting(message: BotMessage, prefix: str) -> list[str]:
    data = [button.callback_data or "" for row in message.keyboard for button in row]
    return [item for item in data if item.startswith(prefix)]


def _has_data(message: BotMessage, data: str) -> bool:
    return data in _data_starting(message, data)


def _is_question(message: BotMessage) -> bool:
    return not message.is_edit and bool(_data_starting(message, "a:") or _data_starting(message, "t:"))


def _question_of(message: BotMessage) -> str:
    data = (_data_starting(message, "a:") or _data_starting(message, "t:") or ["::"])[0]
    return data.split(":")[1]


def _completed(message: BotMessage) -> bool:
    """The closing message, or, when a crash lost it, the answer to a finished youth's "?"."""
    return COMPLETED in (message.text or "") or ALREADY_COMPLETED in (message.text or "")
