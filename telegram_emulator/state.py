"""In-memory world of the emulator: users, chats, messages, the update queue, recorded calls.

Everything runs on one asyncio loop, so no locks are needed; a ChangeNotifier wakes the
long-polling getUpdates and the control API's waiters whenever something changes.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram_emulator.errors import CONFLICT_OTHER_GET_UPDATES

DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class ChangeNotifier:
    """Wakes every waiter on each change; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake every waiter so it checks its condition again."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, condition: Callable[[], bool], seconds: float) -> bool:
        """True as soon as condition() holds, False once `seconds` have passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return condition()
        return True


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


class UpdateQueue:
    """Pending updates with Telegram's getUpdates semantics (offset confirms, redelivery).

    ``redeliver`` plays what Telegram occasionally does: send an update the bot already received,
    with the same ``update_id``; it is delivered once more even if its offset was confirmed.
    """

    def __init__(self, notifier: ChangeNotifier, first_update_id: int = 1) -> None:
        self._notifier = notifier
        self._pending: list[dict[str, Any]] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._redelivered: set[int] = set()
        self._next_update_id = first_update_id
        self._poll_generation = 0
        self._allowed_updates: list[str] = []
        self._closed = False

    def close(self) -> None:
        """End waiting long polls at once (the server is stopping)."""
        self._closed = True
        self._notifier.notify()

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a new update of ``kind`` and wake the long polls; return it."""
        update_id = self._next_update_id
        update = {"update_id": update_id, kind: payload}
        self._next_update_id += 1
        self._pending.append(update)
        self._history[update_id] = copy.deepcopy(update)
        self._notifier.notify()
        return update

    def redeliver(self, update_id: int) -> dict[str, Any]:
        """Queue an update already pushed once more, same ``update_id``; KeyError if unknown."""
        update = copy.deepcopy(self._history[update_id])
        if all(pending["update_id"] != update_id for pending in self._pending):
            self._pending.insert(0, update)
            self._redelivered.add(update_id)
            self._notifier.notify()
        return update

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Return the updates the bot has not confirmed yet."""
        return list(self._pending)

    def drop_all(self) -> None:
        """Forget every pending update (deleteWebhook with drop_pending_updates)."""
        self._pending.clear()

    def confirm(self, offset: int) -> None:
        """Drop the updates a getUpdates offset confirms, as Telegram does."""
        if offset > 0:
            self._pending = [
                update
                for update in self._pending
                if update["update_id"] >= offset or update["update_id"] in self._redelivered
            ]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = set(self._allowed_updates)

        def wanted(update: dict[str, Any]) -> bool:
            kind = next(key for key in update if key != "update_id")
            return kind in allowed if allowed else kind not in DEFAULT_EXCLUDED_UPDATES

        self._pending = [update for update in self._pending if wanted(update)]
        return copy.deepcopy(self._pending[:limit])

    async def fetch(
        self, offset: int, limit: int, poll_seconds: float, allowed_updates: list[str] | None
    ) -> list[dict[str, Any]]:
        """One getUpdates call; a newer call ends a waiting one with 409 Conflict."""
        self._poll_generation += 1
        generation = self._poll_generation
        self._notifier.notify()
        if allowed_updates is not None:
            self._allowed_updates = list(allowed_updates)
        self.confirm(offset)
        limit = min(max(limit, 1), 100)
        superseded = False

        def ready() -> bool:
            nonlocal superseded
            superseded = self._poll_generation != generation
            return superseded or self._closed or bool(self._deliverable(limit))

        if poll_seconds > 0:
            await self._notifier.wait_until(ready, poll_seconds)
        if superseded or self._poll_generation != generation:
            raise CONFLICT_OTHER_GET_UPDATES
        delivered = self._deliverable(limit)
        # A redelivered update is delivered once; the next offset confirms it like any other.
        self._redelivered.difference_update(update["update_id"] for update in delivered)
        return delivered


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
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.files: dict[str, tuple[str, str, bytes]] = {}
        self.calls: list[RecordedCall] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.webhook_url = ""
        self._counter = itertools.count(1)
        self._event_watchers: list[Callable[[BotEvent], None]] = []

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
        return [e for e in self.events if e.chat_id == chat_id and e.sequence > after]

    def visible_message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Return a message of a chat unless it is unknown or deleted."""
        chat = self.chats.get(chat_id)
        stored = chat.messages.get(message_id) if chat else None
        return None if stored is None or stored.deleted else stored

    def record_call(self, method: str, params: dict[str, Any], http_method: str) -> RecordedCall:
        """Record one Bot API call as received."""
        call = RecordedCall(self.next_sequence(), method, params, http_method)
        self.calls.append(call)
        return call
