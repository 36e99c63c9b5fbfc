"""What a simulated user sees of the bot: messages with their keyboards, button presses.

Plain values built from the control API's JSON, so tests compare them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """One inline button as the user sees it: its label, and its callback data or URL."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class BotMessage:
    """A bot message as the user sees it: new ("message") or changed ("edit")."""

    chat_id: int
    message_id: int
    kind: str
    text: str | None
    caption: str | None
    keyboard: list[list[Button]]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_message(cls, message: dict[str, Any], kind: str = "message") -> BotMessage:
        """Build the view of a Bot API message; ``kind`` says whether it is new or an edit."""
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        keyboard = [
            [Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row] for row in rows
        ]
        return cls(
            chat_id=message["chat"]["id"],
            message_id=message["message_id"],
            kind=kind,
            text=message.get("text"),
            caption=message.get("caption"),
            keyboard=keyboard,
            raw=message,
        )

    @property
    def is_edit(self) -> bool:
        """Tell whether this is an edit of an earlier message rather than a new one."""
        return self.kind == "edit"

    @property
    def buttons(self) -> list[str]:
        """Button labels, row after row."""
        return [button.text for row in self.keyboard for button in row]

    def data_of(self, label: str) -> str | None:
        """Return the callback data of the button with this label, or None."""
        return next((b.callback_data for row in self.keyboard for b in row if b.text == label), None)

    @property
    def entities(self) -> list[dict[str, Any]]:
        """Return the message's formatting entities (bold, links, commands…)."""
        entities: list[dict[str, Any]] = self.raw.get("entities", [])
        return entities

    @property
    def document(self) -> dict[str, Any] | None:
        """Return the document the message carries, if any."""
        return self.raw.get("document")

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        """Return the photo sizes the message carries, if any."""
        return self.raw.get("photo")


@dataclass(frozen=True)
class CallbackPress:
    """A button press the user made: the query the bot must answer, and its update."""

    query_id: str
    chat_id: int
    message_id: int
    data: str
    update_id: int


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery for a press: toast text, alert, URL."""

    text: str | None
    show_alert: bool
    url: str | None


def describe_message(message: dict[str, Any]) -> str:
    """Describe one transcript message on a line, for a failing test's report."""
    sender = "bot" if message.get("from_bot") else "user"
    content = message.get("text") or message.get("caption")
    if content is None:
        content = "<" + next((k for k in ("photo", "document", "sticker", "voice") if k in message), "?")
        content += ">"
    line = f"  [{sender} #{message['message_id']}] {content!r}"
    buttons = [
        b.get("text") for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row
    ]
    if buttons:
        line += f" buttons={buttons}"
    if message.get("edit_count"):
        line += f" (edited {message['edit_count']}x)"
    return line
