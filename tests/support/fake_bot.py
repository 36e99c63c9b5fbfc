"""A fake Bot API object for the in-process tests: the three calls ``bot.sender.BotApi`` names.

It records every call (with the time of an injected clock, so pacing can be checked without
waiting), answers like Telegram (a message id per sent message), and fails on demand: a queue of
exceptions per method, and chats whose user blocked the bot (403, as Telegram says it). A test
that lets the bot work on its own (the scheduler's loop) awaits ``delivered_count`` instead of
polling the record.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.error import Forbidden


@dataclass
class SentMessage:
    """What ``sendMessage`` returns, as far as the shell reads it."""

    message_id: int


@dataclass
class FakeBot:
    """Records calls like the Bot API would receive them; fails on demand."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # The sendMessage calls that went through (Telegram accepted them), oldest first.
    delivered: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[Exception | None]] = field(default_factory=dict)  # None: that call succeeds
    blocked_chats: set[int] = field(default_factory=set)
    clock: Callable[[], float] = lambda: 0.0
    next_message_id: int = 100
    # Notified at each delivery (an asyncio condition binds to the running loop on first use).
    _delivery: asyncio.Condition = field(default_factory=asyncio.Condition, repr=False)

    def _maybe_fail(self, method: str, chat_id: int | None = None) -> None:
        if chat_id in self.blocked_chats:
            raise Forbidden("Forbidden: bot was blocked by the user")
        pending = self.failures.get(method)
        if pending and (error := pending.pop(0)) is not None:
            raise error

    async def send_message(self, *, chat_id: int, text: str, reply_markup: Any = None) -> SentMessage:
        call = {"chat_id": chat_id, "text": text, "reply_markup": reply_markup, "at": self.clock()}
        self.calls.append(("sendMessage", call))
        self._maybe_fail("sendMessage", chat_id)
        self.delivered.append(call)
        self.next_message_id += 1
        async with self._delivery:
            self._delivery.notify_all()
        return SentMessage(self.next_message_id)

    async def delivered_count(self, count: int, within: float = 5.0) -> None:
        """Return once ``count`` messages went through; fail after ``within`` seconds without them."""
        try:
            async with asyncio.timeout(within), self._delivery:
                await self._delivery.wait_for(lambda: len(self.delivered) >= count)
        except TimeoutError:
            raise AssertionError(
                f"{len(self.delivered)} messages delivered after {within} s, not {count}"
            ) from None

    async def edit_message_text(
        self,
        *,
        text: str,
        chat_id: int | None = None,
        message_id: int | None = None,
        reply_markup: Any = None,
    ) -> bool:
        self.calls.append(
            ("editMessageText", {"message_id": message_id, "text": text, "reply_markup": reply_markup})
        )
        self._maybe_fail("editMessageText", chat_id)
        return True

    async def answer_callback_query(self, callback_query_id: str, *, text: str | None = None) -> bool:
        self.calls.append(("answerCallbackQuery", {"id": callback_query_id, "text": text}))
        self._maybe_fail("answerCallbackQuery")
        return True
