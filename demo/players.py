"""Simulated youths for the demo: read the bot's turn, then answer like a person would.

A *turn* is everything the bot sends after one action of the youth; it ends when a message or
edit carrying buttons arrives (the youth can act), or after a short silence following a message
without buttons (the bot has nothing more to say, e.g. after the thank-you message).
"""

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from telegram_emulator import BotMessage, SimulatedUser, WaitTimeout

CHECK_MARK = "✅"
FIRST_MESSAGE_SECONDS = 10.0
QUIET_SECONDS = 0.4


@dataclass(frozen=True)
class ButtonWords:
    """The translated labels a player must recognise: navigation, consent and validation."""

    agree: str
    skip: str
    back: str
    done: str


async def read_turn(
    youth: SimulatedUser,
    show: Callable[[BotMessage], None] | None = None,
    first_wait: float = FIRST_MESSAGE_SECONDS,
) -> list[BotMessage]:
    """Collect the bot's messages until the youth can act again; show each one as it comes.

    ``first_wait`` is shorter when the bot has already answered (a toast after a press): it may
    have nothing more to say.
    """
    messages: list[BotMessage] = []
    wait = first_wait
    while True:
        try:
            message = await youth.next(wait=wait)
        except WaitTimeout:
            return messages
        messages.append(message)
        if show is not None:
            show(message)
        if message.buttons:
            return messages
        wait = QUIET_SECONDS


def latest_keyboard(messages: list[BotMessage]) -> BotMessage | None:
    """Return the newest message of a turn that carries buttons, if any."""
    return next((message for message in reversed(messages) if message.buttons), None)


class AutoPlayer:
    """Plays one youth through the questionnaire with seeded random answers."""

    def __init__(self, youth: SimulatedUser, words: ButtonWords, randomness: random.Random) -> None:
        self.youth = youth
        self.words = words
        self.randomness = randomness

    def choose(self, message: BotMessage) -> tuple[str, str]:
        """Return ("press", label) or ("send", text) for the message the youth must answer."""
        labels = message.buttons
        agree = [label for label in labels if label.endswith(self.words.agree)]
        if agree:
            return "press", agree[0]
        navigation = {self.words.skip, self.words.back, self.words.done}
        content = [label for label in labels if not any(label.endswith(word) for word in navigation)]
        done = [label for label in labels if label.endswith(self.words.done)]
        skip = [label for label in labels if label.endswith(self.words.skip)]
        if done:
            chosen = [label for label in content if label.startswith(CHECK_MARK)]
            if chosen or not content:
                return "press", done[0]
            return "press", self.randomness.choice(content)
        if content:
            if skip and self.randomness.random() < 0.05:
                return "press", skip[0]
            return "press", self.randomness.choice(content)
        return "send", str(self._number_for(message.text or ""))

    def _number_for(self, text: str) -> int:
        bounds = [int(found) for found in re.findall(r"\d+", text.split("\n")[-1])]
        if len(bounds) >= 2:
            return self.randomness.randint(min(bounds[-2:]), max(bounds[-2:]))
        return self.randomness.randint(0, 3)

    async def act(self, message: BotMessage) -> str:
        """Answer one message; return what the youth did, for the transcript."""
        action, value = self.choose(message)
        if action == "press":
            await self.youth.press(value, message_id=message.message_id)
        else:
            await self.youth.send(value)
        return value

    async def play(
        self,
        start_text: str,
        show: Callable[[BotMessage], None] | None = None,
        said: Callable[[str], None] | None = None,
        max_turns: int = 200,
    ) -> int:
        """Play from ``/start TOKEN`` to the end; return the number of actions taken."""
        await self.youth.send(start_text)
        if said is not None:
            said(start_text)
        for turn in range(max_turns):
            message = latest_keyboard(await read_turn(self.youth, show))
            if message is None:
                return turn
            done = await self.act(message)
            if said is not None:
                said(done)
        raise RuntimeError(f"the questionnaire did not end after {max_turns} answers")
