"""The updates waiting for the bot, with Telegram's getUpdates semantics, and the change notifier.

Everything runs on one asyncio loop, so no locks are needed; a ChangeNotifier wakes the
long-polling getUpdates and the control API's waiters whenever something changes.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from typing import Any

from telegram_emulator.errors import CONFLICT_OTHER_GET_UPDATES

DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class ChangeNotifier:
    """Wakes every waiter on each change; waiters re-check their own condition.

    ``waiting`` counts the waiters asleep now, so a test can make a change only once a waiter
    is waiting for it (``until_waiting``), instead of sleeping a while first.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._arrived = asyncio.Event()
        self.waiting = 0

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
            self.waiting += 1
            self._arrived.set()
            self._arrived = asyncio.Event()
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return condition()
            finally:
                self.waiting -= 1
        return True

    async def until_waiting(self, count: int, seconds: float) -> bool:
        """True once at least ``count`` waiters are asleep, False once ``seconds`` have passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while self.waiting < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return self.waiting >= count
        return True


def chat_of_update(update: dict[str, Any]) -> int | None:
    """The chat an update comes from, if it has one."""
    for kind in ("message", "edited_message", "my_chat_member"):
        if kind in update:
            chat_id: int = update[kind]["chat"]["id"]
            return chat_id
    if "callback_query" in update:
        query_chat: int = update["callback_query"]["message"]["chat"]["id"]
        return query_chat
    return None


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
        self._waiting_generation: int | None = None
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

    @property
    def long_polling(self) -> bool:
        """Whether the latest getUpdates is waiting for updates: the bot has come back for more."""
        return self._waiting_generation == self._poll_generation

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
        self._drop_unwanted()
        return copy.deepcopy(self._pending[:limit])

    def _drop_unwanted(self) -> None:
        """Forget the pending updates of kinds the bot did not ask for, as Telegram does."""
        allowed = set(self._allowed_updates)

        def wanted(update: dict[str, Any]) -> bool:
            kind = next(key for key in update if key != "update_id")
            return kind in allowed if allowed else kind not in DEFAULT_EXCLUDED_UPDATES

        self._pending = [update for update in self._pending if wanted(update)]

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
            if superseded or self._closed:
                return True
            self._drop_unwanted()
            return bool(self._pending)

        if poll_seconds > 0 and not ready():
            self._waiting_generation = generation
            self._notifier.notify()
            try:
                await self._notifier.wait_until(ready, poll_seconds)
            finally:
                if self._waiting_generation == generation:
                    self._waiting_generation = None
        if superseded or self._poll_generation != generation:
            raise CONFLICT_OTHER_GET_UPDATES
        delivered = self._deliverable(limit)
        # A redelivered update is delivered once; the next offset confirms it like any other.
        self._redelivered.difference_update(update["update_id"] for update in delivered)
        return delivered
