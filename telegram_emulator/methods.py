"""Bot API method implementations over EmulatorState, with Telegram's validations.

Each method takes decoded parameters (see spec.decode_parameters) and returns the `result`
of the envelope, or raises BotApiError with Telegram's exact description.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from typing import Any

from telegram_emulator import errors
from telegram_emulator.body import UploadedFile
from telegram_emulator.errors import bad_request, forbidden
from telegram_emulator.html_entities import (
    EntityParseError,
    FormattedText,
    parse_html,
    strip_text,
    utf16_length,
)
from telegram_emulator.keyboards import inline_keyboard_of
from telegram_emulator.rate_limit import RateLimiter
from telegram_emulator.state import ChatState, EmulatorState, StoredMessage

MAX_TEXT_LENGTH = 4096
# The notification a button's answer shows: "0-200 characters" (answerCallbackQuery).
MAX_NOTIFICATION_LENGTH = 200
MAX_CAPTION_LENGTH = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
RATE_LIMITED_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "editMessageText", "editMessageReplyMarkup"}
)
ACCEPTED_SETTINGS = frozenset({"setMyDescription", "setMyShortDescription", "setMyName", "setChatMenuButton"})

Method = Callable[[dict[str, Any]], Awaitable[Any]]


def format_text(text: Any, parse_mode: Any, entities: Any, *, limit: int, too_long: str) -> FormattedText:
    """Parse and trim text as Telegram does, then check its length after parsing."""
    source = "" if text is None else str(text)
    if isinstance(entities, list):
        formatted = FormattedText(source, [e for e in entities if isinstance(e, dict)])
    elif parse_mode and str(parse_mode).lower() == "html":
        try:
            formatted = parse_html(source)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from error
    elif parse_mode and str(parse_mode).lower() not in ("markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    else:
        formatted = FormattedText(source)
    formatted = strip_text(formatted)
    if len(formatted.text) > limit:
        raise bad_request(too_long)
    return formatted


def _message_text(params: dict[str, Any]) -> FormattedText:
    """Read the text of sendMessage or editMessageText; refuse it empty, as Telegram does."""
    formatted = format_text(
        params.get("text"),
        params.get("parse_mode"),
        params.get("entities"),
        limit=MAX_TEXT_LENGTH,
        too_long=errors.MESSAGE_TOO_LONG,
    )
    if not formatted.text:
        raise bad_request(errors.MESSAGE_TEXT_EMPTY)
    return formatted


def _with_text(content: dict[str, Any], formatted: FormattedText, key: str) -> dict[str, Any]:
    content[key] = formatted.text
    entities_key = "entities" if key == "text" else "caption_entities"
    content.pop(entities_key, None)
    if formatted.entities:
        content[entities_key] = formatted.entities
    return content


class BotApi:
    """The methods the emulator serves, by canonical (spec) name."""

    def __init__(self, state: EmulatorState, rate_limiter: RateLimiter | None = None) -> None:
        self.state = state
        self.rate_limiter = rate_limiter
        self.methods: dict[str, Method] = {
            "getMe": self.get_me,
            "logOut": self.accept,
            "close": self.accept,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "getUpdates": self.get_updates,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "deleteMessage": self.delete_message,
            "sendChatAction": self.send_chat_action,
            **{name: self.accept for name in ACCEPTED_SETTINGS},
        }

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Run one Bot API method by its canonical name, refusing it with 429 when flood control says so."""
        implementation = self.methods.get(method)
        if implementation is None:
            raise bad_request(f"method {method} is not implemented by the emulator")
        if self.rate_limiter and method in RATE_LIMITED_METHODS and "chat_id" in params:
            retry_after = self.rate_limiter.acquire(str(params["chat_id"]))
            if retry_after is not None:
                raise errors.too_many_requests(retry_after)
        return await implementation(params)

    # -- helpers ------------------------------------------------------------------------------

    def _chat(self, params: dict[str, Any], *, for_sending: bool = True) -> ChatState:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = self.state.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        if for_sending and chat.chat["type"] == "private":
            if chat.blocked_by_user:
                raise forbidden(errors.BOT_BLOCKED)
            if not chat.contacted_bot:
                raise forbidden(errors.CANNOT_INITIATE)
        return chat

    def _message_to_edit(self, params: dict[str, Any]) -> tuple[ChatState, StoredMessage]:
        if "inline_message_id" in params:
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params)
        if not isinstance(params.get("message_id"), int):
            raise bad_request("message identifier is not specified")
        stored = self.state.visible_message(chat.chat_id, params["message_id"])
        if stored is None:
            raise bad_request(errors.MESSAGE_TO_EDIT_NOT_FOUND)
        if not stored.from_bot:
            raise bad_request(errors.MESSAGE_CANT_BE_EDITED)
        return chat, stored

    def _apply_edit(self, chat: ChatState, stored: StoredMessage, changes: dict[str, Any]) -> Any:
        updated = {**stored.message, **changes}
        for key, value in changes.items():
            if value is None:
                updated.pop(key, None)
        comparable = ("text", "entities", "caption", "caption_entities", "reply_markup")
        if all(updated.get(key) == stored.message.get(key) for key in comparable):
            raise bad_request(errors.MESSAGE_NOT_MODIFIED)
        updated["edit_date"] = self.state.now()
        stored.message = updated
        stored.edit_count += 1
        self.state.record_event(chat.chat_id, "edit", updated)
        return copy.deepcopy(updated)

    def _send(self, chat: ChatState, content: dict[str, Any], params: dict[str, Any]) -> Any:
        keyboard = inline_keyboard_of(params.get("reply_markup"))
        if keyboard:
            content["reply_markup"] = keyboard
        return self.state.add_message(chat, self.state.bot_user, content)

    def _caption(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        if params.get("caption") in (None, ""):
            return content
        formatted = format_text(
            params["caption"],
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            too_long=errors.CAPTION_TOO_LONG,
        )
        return _with_text(content, formatted, "caption") if formatted.text else content

    def _file(self, value: Any, kind: str, missing: str) -> tuple[str, str, str, bytes]:
        """(file_id, file_unique_id, file name, content) for an upload, file_id or URL."""
        if isinstance(value, UploadedFile):
            file_id, unique_id = self.state.new_file_id(kind)
            self.state.files[file_id] = (value.filename, value.content_type, value.content)
            return file_id, unique_id, value.filename, value.content
        if not isinstance(value, str) or not value:
            raise bad_request(missing)
        if value in self.state.files:
            name, _, content = self.state.files[value]
            return value, "unique-" + value.rsplit("-", 1)[-1], name, content
        if value.startswith(("http://", "https://")):
            file_id, unique_id = self.state.new_file_id(kind)
            name = value.rsplit("/", 1)[-1] or "file"
            self.state.files[file_id] = (name, "application/octet-stream", b"")
            return file_id, unique_id, name, b""
        raise bad_request("wrong file identifier/HTTP URL specified")

    # -- methods ------------------------------------------------------------------------------

    async def accept(self, params: dict[str, Any]) -> bool:
        """Accept a call that changes nothing here (logOut, close)."""
        return True

    async def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        """Return the bot's own user."""
        return copy.deepcopy(self.state.bot_user)

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        """Forget the webhook, and the pending updates if asked."""
        self.state.webhook_url = ""
        if params.get("drop_pending_updates") is True:
            self.state.updates.drop_all()
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        """Report no webhook and how many updates are pending."""
        return {
            "url": self.state.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates.pending),
        }

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long-poll for updates after ``offset``, confirming the earlier ones."""

        def integer(name: str, default: int) -> int:
            value = params.get(name, default)
            return value if isinstance(value, int) else default

        allowed = params.get("allowed_updates")
        return await self.state.updates.fetch(
            offset=integer("offset", 0),
            limit=integer("limit", 100),
            poll_seconds=min(integer("timeout", 0), 50),
            allowed_updates=allowed if isinstance(allowed, list) else None,
        )

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        """Store the command menu for a scope and language, checked as Telegram does."""
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            valid_name = 1 <= len(name) <= 32 and all(c.isalnum() or c == "_" for c in name)
            if not valid_name or name != name.lower() or not name.isascii():
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.commands[self._commands_key(params)] = copy.deepcopy(commands)
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Return the command menu stored for a scope and language."""
        return copy.deepcopy(self.state.commands.get(self._commands_key(params), []))

    async def delete_my_commands(self, params: dict[str, Any]) -> bool:
        """Forget the command menu of a scope and language."""
        self.state.commands.pop(self._commands_key(params), None)
        return True

    async def send_message(self, params: dict[str, Any]) -> Any:
        """Post a text message from the bot, with its inline keyboard."""
        chat = self._chat(params)
        return self._send(chat, _with_text({}, _message_text(params), "text"), params)

    async def edit_message_text(self, params: dict[str, Any]) -> Any:
        """Change the text and keyboard of a bot message."""
        chat, stored = self._message_to_edit(params)
        formatted = _message_text(params)
        if "text" not in stored.message:
            raise bad_request(errors.NO_TEXT_TO_EDIT)
        changes: dict[str, Any] = {
            "text": formatted.text,
            "entities": formatted.entities or None,
            "reply_markup": inline_keyboard_of(params.get("reply_markup")),
        }
        return self._apply_edit(chat, stored, changes)

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        """Change only the inline keyboard of a bot message."""
        chat, stored = self._message_to_edit(params)
        changes = {"reply_markup": inline_keyboard_of(params.get("reply_markup"))}
        return self._apply_edit(chat, stored, changes)

    async def answer_callback_query(self, params: dict[str, Any]) -> bool:
        """Answer a button press once; a second answer or an unknown query is too old."""
        query = self.state.callback_queries.get(str(params.get("callback_query_id", "")))
        if query is None or query.answer is not None:
            raise bad_request(errors.QUERY_TOO_OLD)
        text = params.get("text")
        if isinstance(text, str) and utf16_length(text) > MAX_NOTIFICATION_LENGTH:
            raise bad_request(errors.NOTIFICATION_TOO_LONG)
        query.answer = {
            "text": params.get("text"),
            "show_alert": params.get("show_alert") is True,
            "url": params.get("url"),
            "cache_time": params.get("cache_time", 0),
        }
        self.state.notifier.notify()
        return True

    async def send_photo(self, params: dict[str, Any]) -> Any:
        """Post a photo in three sizes, with a caption if given."""
        chat = self._chat(params)
        file_id, unique_id, _, content = self._file(
            params.get("photo"), "photo", "there is no photo in the request"
        )
        sizes = [
            {
                "file_id": f"{file_id}-{side}",
                "file_unique_id": f"{unique_id}-{side}",
                "width": side,
                "height": side,
                "file_size": max(len(content) * side // 1280, 1),
            }
            for side in (90, 320, 1280)
        ]
        return self._send(chat, self._caption(params, {"photo": sizes}), params)

    async def send_document(self, params: dict[str, Any]) -> Any:
        """Post a document, with a caption if given."""
        chat = self._chat(params)
        file_id, unique_id, name, content = self._file(
            params.get("document"), "document", "there is no document in the request"
        )
        uploaded = params.get("document")
        mime = uploaded.content_type if isinstance(uploaded, UploadedFile) else None
        document: dict[str, Any] = {"file_id": file_id, "file_unique_id": unique_id, "file_name": name}
        document.update({"mime_type": mime} if mime else {})
        document["file_size"] = len(content)
        return self._send(chat, self._caption(params, {"document": document}), params)

    async def delete_message(self, params: dict[str, Any]) -> bool:
        """Delete a visible message of a chat."""
        chat = self._chat(params, for_sending=False)
        message_id = params.get("message_id")
        stored = self.state.visible_message(chat.chat_id, message_id) if isinstance(message_id, int) else None
        if stored is None:
            raise bad_request(errors.MESSAGE_TO_DELETE_NOT_FOUND)
        stored.deleted = True
        self.state.record_event(chat.chat_id, "delete", stored.message)
        return True

    async def send_chat_action(self, params: dict[str, Any]) -> bool:
        """Record a chat action such as typing."""
        chat = self._chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.state.chat_actions.append((chat.chat_id, str(action)))
        return True
