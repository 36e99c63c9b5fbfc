"""What simulated Telegram users do: write, press buttons, send media, edit, block the bot.

Each action stores the user's message like Telegram does and queues the update the bot will
receive through getUpdates. Used by the control API (HTTP) and thus by the Python client.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from telegram_emulator.keyboards import buttons_of
from telegram_emulator.state import CallbackQueryRecord, ChatState, EmulatorState, StoredMessage

FIRST_USER_ID = 700_000_001
FIRST_GROUP_ID = -4_000_000_001


class ControlError(ValueError):
    """A simulated action that cannot happen (unknown user, no such button...)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/") or len(text) < 2:
        return []
    command = text.split(maxsplit=1)[0]
    return [{"offset": 0, "length": len(command.encode("utf-16-le")) // 2, "type": "bot_command"}]


class UserSimulator:
    """Plays the users: creates them and turns their actions into stored messages and updates."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self._user_ids = itertools.count(FIRST_USER_ID)
        self._group_ids = itertools.count(FIRST_GROUP_ID, -1)
        self._query_ids = itertools.count(4_100_000_000_000_000_001)

    def create_user(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fr",
    ) -> dict[str, Any]:
        """Create a private user (and their chat); refuse an id already taken or the bot's."""
        user_id = next(self._user_ids) if user_id is None else user_id
        if user_id in self.state.users:
            raise ControlError(f"user {user_id} already exists")
        if user_id <= 0 or user_id == self.state.bot_user["id"]:
            raise ControlError("user ids must be positive and differ from the bot's")
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update({key: value for key, value in optional.items() if value})
        self.state.users[user_id] = user
        self.state.chat_for_private_user(user)
        return copy.deepcopy(user)

    def user(self, user_id: int) -> dict[str, Any]:
        """Return a user by id; a 404 ControlError if there is none."""
        if user_id not in self.state.users:
            raise ControlError(f"unknown user {user_id}", status=404)
        return self.state.users[user_id]

    def _private_chat(self, user_id: int) -> ChatState:
        chat = self.state.chat_for_private_user(self.user(user_id))
        if chat.blocked_by_user:
            raise ControlError(f"user {user_id} has blocked the bot; unblock it first")
        return chat

    def _post(self, user_id: int, chat: ChatState, content: dict[str, Any]) -> dict[str, Any]:
        chat.contacted_bot = True
        message = self.state.add_message(chat, self.user(user_id), content)
        return self.state.updates.push("message", message)

    def send_text(self, user_id: int, text: str) -> dict[str, Any]:
        """A text message; a leading /command gets its bot_command entity, like Telegram."""
        if not text.strip():
            raise ControlError("Telegram clients cannot send an empty message")
        content: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._post(user_id, self._private_chat(user_id), content)

    def send_sticker(self, user_id: int, emoji: str = "👍") -> dict[str, Any]:
        """Post a sticker in the user's private chat with the bot."""
        file_id, unique_id = self.state.new_file_id("sticker")
        sticker = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post(user_id, self._private_chat(user_id), {"sticker": sticker})

    def send_photo(self, user_id: int, caption: str | None = None) -> dict[str, Any]:
        """Post a photo, with a caption if given, in the user's private chat."""
        file_id, unique_id = self.state.new_file_id("photo")
        sizes = [
            {"file_id": f"{file_id}-{side}", "file_unique_id": f"{unique_id}-{side}",
             "width": side, "height": side}
            for side in (90, 320)
        ]  # fmt: skip
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self._post(user_id, self._private_chat(user_id), content)

    def send_voice(self, user_id: int, duration: int = 3) -> dict[str, Any]:
        """Post a voice message in the user's private chat."""
        file_id, unique_id = self.state.new_file_id("voice")
        voice = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4000 * duration,
        }
        return self._post(user_id, self._private_chat(user_id), {"voice": voice})

    def send_group_text(
        self, user_id: int, text: str, group_id: int | None = None, title: str = "Groupe"
    ) -> dict[str, Any]:
        """A message in a group the bot is a member of (a private-only bot must ignore it)."""
        group_id = next(self._group_ids) if group_id is None else group_id
        if group_id >= 0:
            raise ControlError("group chat ids are negative")
        chat = self.state.chat_for_group(group_id, title)
        content: dict[str, Any] = {"text": text}
        if _command_entities(text):
            content["entities"] = _command_entities(text)
        return self._post(user_id, chat, content)

    def edit_text(self, user_id: int, text: str, message_id: int | None = None) -> dict[str, Any]:
        """The user edits one of their messages (the latest by default): edited_message."""
        chat = self._private_chat(user_id)
        own = [
            stored
            for stored in chat.messages.values()
            if not stored.from_bot and not stored.deleted and "text" in stored.message
        ]
        if message_id is not None:
            own = [stored for stored in own if stored.message["message_id"] == message_id]
        if not own:
            raise ControlError("no text message of this user to edit")
        stored = own[-1]
        stored.message["text"] = text
        stored.message.pop("entities", None)
        if _command_entities(text):
            stored.message["entities"] = _command_entities(text)
        stored.message["edit_date"] = self.state.now()
        stored.edit_count += 1
        return self.state.updates.push("edited_message", copy.deepcopy(stored.message))

    def _bot_messages(self, chat: ChatState, message_id: int | None) -> list[StoredMessage]:
        messages = [s for s in chat.messages.values() if s.from_bot and not s.deleted]
        if message_id is not None:
            messages = [s for s in messages if s.message["message_id"] == message_id]
            if not messages:
                raise ControlError(f"no visible bot message {message_id} in chat {chat.chat_id}")
        return list(reversed(messages))

    def _find_button_by_label(self, candidates: list[StoredMessage], label: str) -> StoredMessage:
        for stored in candidates:
            for button in buttons_of(stored.message):
                if button.get("text") == label:
                    if "callback_data" not in button:
                        raise ControlError(f"button {label!r} has no callback_data")
                    return stored
        visible = [b.get("text") for s in candidates[:3] for b in buttons_of(s.message)]
        raise ControlError(f"no button labelled {label!r}; latest buttons: {visible}")

    def press(
        self,
        user_id: int,
        *,
        label: str | None = None,
        data: str | None = None,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        """Press an inline button by label or by (possibly forged) callback data.

        Without message_id, the newest bot message holding that button is used, or, for data
        found on no button, the newest bot message with a keyboard (a forged press).
        """
        if (label is None) == (data is None):
            raise ControlError("give exactly one of label or data")
        chat = self._private_chat(user_id)
        candidates = self._bot_messages(chat, message_id)
        if label is not None:
            stored = self._find_button_by_label(candidates, label)
            button = next(b for b in buttons_of(stored.message) if b.get("text") == label)
            data = str(button["callback_data"])
        else:
            holding = [
                s for s in candidates if any(b.get("callback_data") == data
                                             for b in buttons_of(s.message))
            ]  # fmt: skip
            with_keyboard = [s for s in candidates if buttons_of(s.message)]
            fallback = holding or with_keyboard or candidates
            if not fallback:
                raise ControlError(f"no bot message to press a button on in chat {chat.chat_id}")
            stored = fallback[0]
        assert data is not None
        query_id = str(next(self._query_ids))
        record = CallbackQueryRecord(query_id, user_id, chat.chat_id, stored.message["message_id"], data)
        self.state.callback_queries[query_id] = record
        query = {
            "id": query_id,
            "from": copy.deepcopy(self.user(user_id)),
            "message": copy.deepcopy(stored.message),
            "chat_instance": str(abs(hash(("chat_instance", chat.chat_id))) % 10**18),
            "data": data,
        }
        update = self.state.updates.push("callback_query", query)
        return {"update_id": update["update_id"], **record.to_json()}

    def _member_update(self, user_id: int, old_status: str, new_status: str) -> dict[str, Any]:
        chat = self.state.chat_for_private_user(self.user(user_id))

        def member(status: str) -> dict[str, Any]:
            result: dict[str, Any] = {"user": copy.deepcopy(self.state.bot_user), "status": status}
            if status == "kicked":
                result["until_date"] = 0
            return result

        payload = {
            "chat": copy.deepcopy(chat.chat),
            "from": copy.deepcopy(self.user(user_id)),
            "date": self.state.now(),
            "old_chat_member": member(old_status),
            "new_chat_member": member(new_status),
        }
        return self.state.updates.push("my_chat_member", payload)

    def block(self, user_id: int) -> dict[str, Any]:
        """Block the bot: later sends to this chat fail with 403; the bot gets my_chat_member."""
        chat = self._private_chat(user_id)
        chat.blocked_by_user = True
        return self._member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int) -> dict[str, Any]:
        """Unblock the bot: it may write again; the bot gets my_chat_member."""
        chat = self.state.chat_for_private_user(self.user(user_id))
        if not chat.blocked_by_user:
            raise ControlError(f"user {user_id} has not blocked the bot")
        chat.blocked_by_user = False
        return self._member_update(user_id, "kicked", "member")
