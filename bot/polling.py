"""Long polling that confirms an update to Telegram only once the bot has handled it.

Telegram forgets every update below the ``offset`` of a ``getUpdates`` call. python-telegram-bot's
``Updater`` passes the offset after the last update it *fetched*, before any handler has run: a
crash then loses the presses fetched but not yet stored. This poller replaces it.

Theory of operation:

* ``UpdateLedger`` knows the updates dispatched by this process and not yet confirmed. The next
  offset is the lowest of them still being handled, else one past the highest seen: it never
  passes an update whose step has not committed (or been recognised as already processed).
* An update is released when the Application has finished it: handler and error handler done,
  messages sent. ``ConfirmingUpdateProcessor`` (the per-chat serialiser) reports it; an update
  cancelled in the middle (a stop) is not released. After a crash, Telegram delivers every
  unconfirmed update again; those already processed change nothing (``processed_updates``).
* While an update is being handled, Telegram returns it at every call (it is unconfirmed), so a
  long poll would come back at once: the poller dispatches only the updates it has not seen, and
  waits for a handler to finish, or ``BUSY_POLL_SECONDS``, before looking for new ones.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.chat_serialiser import ChatSerialisingUpdateProcessor

logger = logging.getLogger(__name__)

# How long to wait for a handler to finish before looking for other chats' new updates.
BUSY_POLL_SECONDS = 0.2
# Waits after a failed getUpdates: the first, and the longest.
FIRST_ERROR_DELAY_SECONDS = 0.5
MAXIMUM_ERROR_DELAY_SECONDS = 10.0


class UpdateLedger:
    """The update ids this process dispatched and Telegram has not yet been told to forget."""

    def __init__(self) -> None:
        self._handling: set[int] = set()
        self._handled: set[int] = set()  # handled here, not yet confirmed
        self._highest: int | None = None
        self._confirmed_below = 0
        self._changed = asyncio.Event()

    def admit(self, update_id: int) -> bool:
        """Record an update fetched; False if this process is handling it or has handled it."""
        if update_id in self._handling or update_id in self._handled:
            return False
        # New, or a redelivery of an update confirmed earlier (handled then, so harmless again).
        self._handling.add(update_id)
        self._highest = update_id if self._highest is None else max(self._highest, update_id)
        return True

    def finish(self, update_id: int) -> None:
        """The update has been handled: the next offset may pass it."""
        if update_id in self._handling:
            self._handling.discard(update_id)
            if update_id >= self._confirmed_below:
                self._handled.add(update_id)
        self._changed.set()

    @property
    def busy(self) -> bool:
        """Whether an update the offset must not pass is still being handled."""
        return any(update_id >= self._confirmed_below for update_id in self._handling)

    def next_offset(self) -> int | None:
        """The offset for the next getUpdates: the lowest update still being handled, else past all."""
        holding = [update_id for update_id in self._handling if update_id >= self._confirmed_below]
        if holding:
            return min(holding)
        return None if self._highest is None else self._highest + 1

    def sent(self, offset: int | None) -> None:
        """Telegram was given ``offset``: every update below it is confirmed."""
        if offset is not None:
            self._confirmed_below = max(self._confirmed_below, offset)
            self._handled = {update_id for update_id in self._handled if update_id >= self._confirmed_below}

    async def wait_for_change(self, seconds: float) -> None:
        """Return when an update is finished, or after ``seconds``."""
        self._changed.clear()
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that
        # arrives as the event is set, and the poller would then never stop.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._changed.wait()


class ConfirmingUpdateProcessor(ChatSerialisingUpdateProcessor):
    """The per-chat serialiser, releasing each update in the ledger once it is fully handled."""

    def __init__(self, ledger: UpdateLedger) -> None:
        super().__init__()
        self.ledger = ledger

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update in its chat's turn; release it unless it was cancelled."""
        try:
            await super().do_process_update(update, coroutine)
        except Exception:
            # PTB's process_update hands handler errors to the error handler; anything reaching
            # here is a bug, and repeating the update at every restart would not fix it.
            self._release(update)
            raise
        self._release(update)

    def _release(self, update: object) -> None:
        if isinstance(update, Update):
            self.ledger.finish(update.update_id)


class ConfirmingPoller:
    """Fetch updates into the Application's queue; confirm them only once handled."""

    def __init__(
        self,
        bot: Bot,
        update_queue: "asyncio.Queue[object]",
        ledger: UpdateLedger,
        *,
        poll_timeout: int,
        allowed_updates: Sequence[str],
        busy_poll_seconds: float = BUSY_POLL_SECONDS,
    ) -> None:
        self.bot = bot
        self.update_queue = update_queue
        self.ledger = ledger
        self.poll_timeout = poll_timeout
        self.allowed_updates = list(allowed_updates)
        self.busy_poll_seconds = busy_poll_seconds
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        """Start polling in the background."""
        self._task = asyncio.create_task(self._poll_forever(), name="voix polling")

    async def stop(self) -> None:
        """Stop fetching (a long poll in progress is abandoned; its updates are not confirmed)."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def confirm_handled(self) -> None:
        """Tell Telegram which updates are handled (after the Application has finished them)."""
        offset = self.ledger.next_offset()
        if offset is None:
            return
        try:
            await self.bot.get_updates(offset=offset, timeout=0, allowed_updates=self.allowed_updates)
        except TelegramError as error:
            logger.info("could not confirm handled updates (%s); they will come again", type(error).__name__)

    async def _poll_forever(self) -> None:
        delay = FIRST_ERROR_DELAY_SECONDS
        while not self._stopping:
            offset = self.ledger.next_offset()
            busy = self.ledger.busy
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=0 if busy else self.poll_timeout,
                    allowed_updates=self.allowed_updates,
                )
            except TelegramError as error:
                logger.warning("getUpdates failed (%s); polling again in %.1f s", type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAXIMUM_ERROR_DELAY_SECONDS)
                continue
            delay = FIRST_ERROR_DELAY_SECONDS
            self.ledger.sent(offset)
            fresh = [update for update in updates if self.ledger.admit(update.update_id)]
            for update in fresh:
                await self.update_queue.put(update)
            if not fresh and self.ledger.busy:
                await self.ledger.wait_for_change(self.busy_poll_seconds)
