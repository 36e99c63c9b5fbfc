"""Run updates of different chats concurrently and the updates of one chat strictly in order.

PTB's ``concurrent_updates=True`` runs every update at once, so two taps of one youth could race
and store answers out of order; the default (one at a time) lets one slow Bot API call stall every
other youth. This processor chains the updates of each chat: an update starts only when the
previous update of its chat has finished, while other chats go on.

Theory of operation: the Application creates one task per update, in arrival order, and calls
``do_process_update`` from each task. The outer PTB semaphore is set very high so it never makes a
task wait, which keeps that call in arrival order; ``do_process_update`` then appends the update to
its chat's chain *before its first await*, so the chain order is the arrival order. Only after its
turn comes does an update take a slot of the inner semaphore that bounds how many handlers run at
once: a youth flooding the bot queues behind their own chat without holding slots others need.
"""

import asyncio
import inspect
from collections.abc import Awaitable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Tasks allowed to wait for their turn; far above any realistic backlog so the outer semaphore of
# PTB never reorders updates.
MAXIMUM_WAITING_UPDATES = 100_000
DEFAULT_RUNNING_UPDATES = 64


def chat_key(update: object) -> Hashable:
    """Return what orders an update: its chat, else its user, else one shared lane."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
    return ("other",)


class ChatSerialisingUpdateProcessor(BaseUpdateProcessor):
    """Process updates of one chat in order and updates of different chats concurrently."""

    def __init__(self, running_updates: int = DEFAULT_RUNNING_UPDATES) -> None:
        super().__init__(MAXIMUM_WAITING_UPDATES)
        # Since Python 3.10 a semaphore binds to the running loop on first use, not here.
        self._running = asyncio.Semaphore(running_updates)
        self._tails: dict[Hashable, asyncio.Future[None]] = {}

    @property
    def waiting_chats(self) -> int:
        """How many chats have an update running or waiting (zero when idle)."""
        return len(self._tails)

    async def initialize(self) -> None:
        """Nothing to prepare: the chains and the semaphore are ready from construction."""

    async def shutdown(self) -> None:
        """Forget the chains (the Application has already awaited its update tasks)."""
        self._tails.clear()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the previous update of the same chat, then run this one."""
        key = chat_key(update)
        previous = self._tails.get(key)
        finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = finished
        try:
            if previous is not None:
                await asyncio.shield(previous)
            async with self._running:
                await coroutine
        finally:
            _close_if_never_started(coroutine)
            finished.set_result(None)
            if self._tails.get(key) is finished:
                del self._tails[key]


def _close_if_never_started(coroutine: Awaitable[Any]) -> None:
    """Close a coroutine that a cancellation kept from starting, so it is not reported as leaked."""
    if inspect.iscoroutine(coroutine) and inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
        coroutine.close()
