"""The conversation every simulated youth of ``bench/conversation.py`` has, press by press.

A script holds the messages of the enrolment, then for each press of the youth its callback
data, the toast that answers it and the messages the bot sends or edits in return. It is worked
out once by Voix's own engine (``bench/engine_script.py``); the floor bot (``bench/floor_bot.py``)
only replays it, so both bots make exactly the same Bot API calls with the same texts and
buttons, and the simulated youth read it to know which button to press and how many messages
each press brings. This module loads nothing of Voix, so neither does the floor's process.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# A message as sent over the Bot API: "send" or "edit", its text, its buttons as (label, data) rows.
ScriptMessage = dict[str, Any]


@dataclass(frozen=True)
class Press:
    """One button press of the youth and everything the bot does in return."""

    data: str
    notice: str | None
    messages: tuple[ScriptMessage, ...]
    # An answer (counted and timed); a toggle of a multiple choice is not, nor is the consent.
    is_answer: bool

    @property
    def sends(self) -> int:
        """How many new messages the press brings (the youth waits for the last one)."""
        return sum(1 for message in self.messages if message["kind"] == "send")


@dataclass(frozen=True)
class ConversationScript:
    """The enrolment's messages, then every press in order (consent first)."""

    greeting: tuple[ScriptMessage, ...]
    presses: tuple[Press, ...]

    @property
    def answers(self) -> int:
        """How many answers one youth gives."""
        return sum(1 for press in self.presses if press.is_answer)

    def write(self, path: Path) -> None:
        """Save the script as JSON, for the floor bot's process."""
        path.write_text(json.dumps(asdict(self), ensure_ascii=False))

    @classmethod
    def read(cls, path: Path) -> "ConversationScript":
        """Load a script saved by ``write``."""
        data = json.loads(path.read_text())
        presses = tuple(
            Press(press["data"], press["notice"], tuple(press["messages"]), press["is_answer"])
            for press in data["presses"]
        )
        return cls(tuple(data["greeting"]), presses)
