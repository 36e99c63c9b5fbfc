"""Validation of reply_markup as Telegram does it, keeping inline keyboards for the transcript.

Only inline keyboards belong to a Message object (Message.reply_markup); reply keyboards,
their removal and ForceReply are accepted and validated but not stored on the message.
"""

from __future__ import annotations

import json
from typing import Any

from telegram_emulator.errors import BUTTON_DATA_INVALID, bad_request

BUTTON_ACTIONS = frozenset(
    {
        "url", "callback_data", "web_app", "login_url", "switch_inline_query",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
        "callback_game", "pay",
    }
)  # fmt: skip
MAX_CALLBACK_DATA_BYTES = 64
# Telegram refuses an inline keyboard of more than 100 buttons (and some smaller ones too, by the
# size of their markup), a limit the Bot API does not document: tginfo/Telegram-Limits#228 and
# the libraries' issues on « Bad Request: reply markup is too long ». The emulator refuses the
# count, so a keyboard that grows with the data fails in tests as it would on Telegram.
MAX_INLINE_BUTTONS = 100
REPLY_MARKUP_TOO_LONG = "reply markup is too long"


def _validate_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not BUTTON_ACTIONS & button.keys():
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request(BUTTON_DATA_INVALID)


def inline_keyboard_of(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup; return the inline keyboard to store on the message, if any."""
    if markup is None:
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            markup = None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    for row in rows:
        for button in row:
            _validate_button(button)
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise bad_request(REPLY_MARKUP_TOO_LONG)
    rows = [row for row in rows if row]
    return {"inline_keyboard": rows} if rows else None


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """All inline buttons of a message, row by row."""
    markup = message.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]
