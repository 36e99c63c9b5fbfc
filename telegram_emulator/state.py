"""In-memory world of the emulator: users, chats, messages, the update queue, recorded calls.

Everything runs on one asyncio loop, so no locks are needed; a ChangeNotifier wakes the
long-polling getUpdates and the control API's waiters whenever something changes.
"""

from __future__ import annotations

import bisect
import copy
import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram_emulator.update_queue import ChangeNotifier, UpdateQueue, chat_of_update


@dataclass
class StoredMessage:
    """A message as it currently looks in the chat (after edits)."""

    message: dict[str, Any]
    from_bot: bool
    deleted: bool = False
    edit_count: int = 0


@dataclass
class ChatState:
    """One chat: its Bot API object, its messages by id, and whether the user blocked the bot."""

    chat: dict[str, Any]
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    blocked_by_user: bool = False
    contacted_bot: bool = False

    @property
    def chat_id(self) -> int:
        """Return the chat's id."""
        chat_id: int = self.chat["id"]
        return chat_id


@dataclass(frozen=True)
class BotEvent:
    """Something the bot did in a chat that a simulated user sees: message, edit, delete."""

    sequence: int
    chat_id: int
    kind: str
    message_id: int
    message: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        """Return the event as the control API shows it."""
        return {
            "sequence": self.sequence,
            "chat_id": self.chat_id,
            "kind": self.kind,
            "message_id": self.message_id,
            "message": self.message,
        }


@dataclass
class CallbackQueryRecord:
    """A button press sent to the bot, and the bot's answer once it came."""

    query_id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the press and its answer as the control API shows them."""
        return {
            "id": self.query_id,
            "user_id": self.user_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "data": self.data,
            "answered": self.answer is not None,
            "answer": self.answer,
        }


@dataclass
class RecordedCall:
    """One Bot API request as received: canonical method name and decoded parameters."""

    sequence: int
    method: str
    params: dict[str, Any]
    http_method: str = "POST"
    error_code: int | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the call as the control API shows it (unserialisable values as repr)."""
        return {
            "sequence": self.sequence,
            "method": self.method,
            "params": {name: _jsonable(value) for name, value in self.params.items()},
            "http_method": self.http_method,
            "error_code": self.error_code,
            "description": self.description,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return repr(value)


class EmulatorState:
    """The whole emulated world for one bot."""

    def __init__(self, bot_user: dict[str, Any], wall_clock: Callable[[], float] = time.time):
        self.bot_user = bot_user
        self.wall_clock = wall_clock
        self.notifier = ChangeNotifier()
        self.updates = UpdateQueue(self.notifier)
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.events: list[BotEvent] = []
        self._events_by_chat: dict[int, list[BotEvent]] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.files: dict[str, tuple[str, str, bytes]] = {}
        self.calls: list[RecordedCall] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.webhook_url = ""
        self.calls_in_progress = 0  # Bot API calls received and not yet answered, getUpdates aside
        self._chat_calls_in_progress: Counter[int] = Counter()
        self._counter = itertools.count(1)
        self._event_watchers: list[Callable[[BotEvent], None]] = []

    @contextmanager
    def call_in_progress(self, params: dict[str, Any]) -> Iterator[None]:
        """Count a Bot API call from its arrival to its answer (or dropped connection)."""
        chat_id = self.chat_of_call(params)
        self.calls_in_progress += 1
        self._chat_calls_in_progress[chat_id] += 1
        self.notifier.notify()
        try:
            yield
        finally:
            self.calls_in_progress -= 1
            self._chat_calls_in_progress[chat_id] -= 1
            self.notifier.notify()

    def chat_of_call(self, params: dict[str, Any]) -> int:
        """The chat a call is about: its chat_id, or the chat of the button press it answers (0: none)."""
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int):
            return chat_id
        query = self.callback_queries.get(str(params.get("callback_query_id")))
        return query.chat_id if query is not None else 0

    def settled(self, chat_id: int) -> bool:
        """The bot has confirmed every update of this chat and has no call about it in progress.

        One chat's version of ``idle``, for many users at once: a bot that confirms an update only
        once handled will send nothing more in this chat until the user acts again.
        """
        pending = any(chat_of_update(update) == chat_id for update in self.updates.pending)
        return not pending and self._chat_calls_in_progress[chat_id] == 0

    @property
    def idle(self) -> bool:
        """The bot has confirmed every update, has no call in progress, and waits in a long poll.

        A bot that confirms an update only once it has handled it (as Voix does) has then
        finished everything it was asked: what it has not sent by now, it will not send.
        """
        return not self.updates.pending and self.calls_in_progress == 0 and self.updates.long_polling

    def now(self) -> int:
        """Return the wall-clock time as Telegram's message dates: whole seconds."""
        return int(self.wall_clock())

    def menu_of(self, chat_id: int, language_code: str | None) -> list[dict[str, Any]]:
        """The command menu a user sees in their private chat with the bot, as Telegram picks it.

        The first list set among: this chat's scope in the user's language, then in any language,
        then all private chats (language, any), then the default scope (language, any).
        """
        scopes = ({"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}, {"type": "default"})
        for scope in scopes:
            for language in (language_code or "", ""):
                menu = self.commands.get(json.dumps(scope, sort_keys=True) + "|" + language)
                if menu is not None:
                    return menu
        return []

    def next_sequence(self) -> int:
        """Return the next number of the one sequence calls, events and files share."""
        return next(self._counter)

    def new_file_id(self, kind: str) -> tuple[str, str]:
        """Return a new file_id and file_unique_id for an upload of ``kind``."""
        number = self.next_sequence()
        return f"emulated-{kind}-{number:06d}", f"unique-{number:06d}"

    def chat_for_private_user(self, user: dict[str, Any]) -> ChatState:
        """Return the user's private chat with the bot, created on first use."""
        chat = self.chats.get(user["id"])
        if chat is None:
            private = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            for optional in ("last_name", "username"):
                if user.get(optional):
                    private[optional] = user[optional]
            chat = self.chats[user["id"]] = ChatState(private)
        return chat

    def chat_for_group(self, group_id: int, title: str) -> ChatState:
        """Return a group chat the bot is in, created on first use."""
        chat = self.chats.get(group_id)
        if chat is None:
            group = {"id": group_id, "type": "group", "title": title}
            chat = self.chats[group_id] = ChatState(group, contacted_bot=True)
        return chat

    def add_message(self, chat: ChatState, sender: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        """Store a new message in chat and return the Bot API Message object."""
        message = {
            "message_id": chat.next_message_id,
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(chat.chat),
            "date": self.now(),
            **content,
        }
        chat.next_message_id += 1
        from_bot = sender["id"] == self.bot_user["id"]
        chat.messages[message["message_id"]] = StoredMessage(message, from_bot=from_bot)
        if from_bot:
            self.record_event(chat.chat_id, "message", message)
        return copy.deepcopy(message)

    def record_event(self, chat_id: int, kind: str, message: dict[str, Any]) -> None:
        """Record what the bot did in a chat (message, edit, delete) and wake the waiters."""
        snapshot = copy.deepcopy(message) if kind != "delete" else None
        event = BotEvent(self.next_sequence(), chat_id, kind, message["message_id"], snapshot)
        self.events.append(event)
        self._events_by_chat.setdefault(chat_id, []).append(event)
        for watcher in self._event_watchers:
            watcher(event)
        self.notifier.notify()

    def watch_bot_events(self, watcher: Callable[[BotEvent], None]) -> None:
        """Call ``watcher`` with each message, edit and deletion of the bot, as it happens.

        For users played in this process that react at once (``bench/conversation.py``), without
        each of them waking up on every change of every chat.
        """
        self._event_watchers.append(watcher)

    def events_after(self, chat_id: int, after: int) -> list[BotEvent]:
        """Return the bot's events in a chat after a sequence number."""
        events = self._events_by_chat.get(chat_id, [])
        return events[bisect.bisect_right(events, after, key=lambda event: event.sequence) :]

    def visible_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Return a message of a chat unless it is unknown or deleted."""
        chat = self.chats.get(chat_id)
        stored = chat.messages.get(message_id) if chat else None
        return None if stored is None or stored.deleted else stored

    def record_call(self, method: str, params: dict[str, Any], http_method: str) -> RecordedCall:
        """Record one Bot API call as received."""
        call = RecordedCall(self.next_sequence(), method, params, http_method)
        self.calls.append(call)
        self.notifier.notify()
        return call
