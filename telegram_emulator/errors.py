"""Bot API errors, raised by method implementations and turned into Telegram's envelope.

Descriptions are Telegram's exact strings (as observed from the real server), because bots
and libraries match on them: python-telegram-bot maps the status code to an exception class
and keeps the description as the message.
"""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """A failed Bot API call: HTTP status, Telegram description and optional parameters."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        """Return the Bot API's error body: ok false, code, description, parameters."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> BotApiError:
    """Return a 400 error with Telegram's "Bad Request: …" description."""
    return BotApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> BotApiError:
    """Return a 403 error with Telegram's "Forbidden: …" description."""
    return BotApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> BotApiError:
    """Return a 429 error telling the bot how many seconds to wait."""
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


UNAUTHORIZED = BotApiError(401, "Unauthorized")
NOT_FOUND = BotApiError(404, "Not Found")
CONFLICT_OTHER_GET_UPDATES = BotApiError(
    409,
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
)

MESSAGE_TEXT_EMPTY = "message text is empty"
MESSAGE_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
CHAT_NOT_FOUND = "chat not found"
MESSAGE_TO_EDIT_NOT_FOUND = "message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "message to delete not found"
MESSAGE_CANT_BE_EDITED = "message can't be edited"
NO_TEXT_TO_EDIT = "there is no text in the message to edit"
MESSAGE_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
# answerCallbackQuery's text over 200 characters (Telegram's own words for it).
NOTIFICATION_TOO_LONG = "MESSAGE_TOO_LONG"
BOT_BLOCKED = "bot was blocked by the user"
CANNOT_INITIATE = "bot can't initiate conversation with a user"
