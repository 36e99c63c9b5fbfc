"""Python client of the control API: simulated users whose conversations read like chats.

    async with EmulatorClient(emulator.url) as sim:
        youth = await sim.user(first_name="Lina", language_code="fr")
        await youth.send("/start TOKEN")
        reply = await youth.next()          # the bot's next message or edit in that chat
        await youth.press("J'accepte")       # by label; youth.press_data("x:y") by data

It speaks HTTP only, so it drives an emulator in this process or in another one alike.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import aiohttp

from telegram_emulator.client_errors import EmulatorError, WaitTimeout
from telegram_emulator.simulated_users import ChatView, SimulatedUser
from telegram_emulator.views import BotMessage, Button, CallbackAnswer, CallbackPress

__all__ = [
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "CallbackPress",
    "ChatView",
    "EmulatorClient",
    "EmulatorError",
    "SimulatedUser",
    "WaitTimeout",
]

DEFAULT_WAIT_SECONDS = 5.0


class EmulatorClient:
    """Drives one emulator through its /_control API."""

    def __init__(self, url: str, *, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> None:
        self.url = url.rstrip("/")
        self.wait_seconds = wait_seconds
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session (the client opens a new one if used again)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(
        self, http_method: str, path: str, body: dict[str, Any] | None = None, **query: Any
    ) -> Any:
        """One control call; raises EmulatorError with the emulator's explanation on refusal."""
        if self._session is None:
            self._session = aiohttp.ClientSession(trust_env=False)
        query = {key: str(value) for key, value in query.items() if value is not None}
        async with self._session.request(
            http_method, f"{self.url}/_control{path}", json=body, params=query
        ) as response:
            if response.content_type != "application/json":
                return await response.read()
            data = await response.json()
            if response.status >= 400:
                raise EmulatorError(data.get("error", f"HTTP {response.status}"))
            return data

    async def user(
        self,
        first_name: str = "Lina",
        *,
        language_code: str | None = "fr",
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> SimulatedUser:
        """A new private user; nothing reaches the bot until the user writes."""
        body = {
            "first_name": first_name,
            "language_code": language_code,
            "id": user_id,
            "last_name": last_name,
            "username": username,
        }
        return SimulatedUser(self, await self.request("POST", "/users", body))

    def chat(self, chat_id: int) -> ChatView:
        """Return a view of any chat by id, e.g. a group the bot is in."""
        return ChatView(self, chat_id, label=f"chat {chat_id}")

    async def bot(self) -> dict[str, Any]:
        """Return the emulated bot's own user, as getMe does."""
        data: dict[str, Any] = (await self.request("GET", "/bot"))["user"]
        return data

    async def calls(
        self, method: str | None = None, *, chat_id: int | None = None, failed_only: bool = False
    ) -> list[dict[str, Any]]:
        """Recorded Bot API calls (method, decoded params, error_code, description)."""
        failed = "1" if failed_only else None
        data = await self.request("GET", "/calls", method=method, chat_id=chat_id, failed=failed)
        calls: list[dict[str, Any]] = data["calls"]
        return calls

    async def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet (offset semantics of getUpdates)."""
        updates: list[dict[str, Any]] = (await self.request("GET", "/updates"))["updates"]
        return updates

    async def redeliver(self, update_id: int) -> dict[str, Any]:
        """Deliver an update the bot already received once more, with the same update_id."""
        update: dict[str, Any] = await self.request("POST", f"/updates/{update_id}/redeliver")
        return update

    async def commands(self) -> dict[str, list[dict[str, Any]]]:
        """setMyCommands results, keyed by 'scope JSON|language_code'."""
        commands: dict[str, list[dict[str, Any]]] = (await self.request("GET", "/commands"))["commands"]
        return commands

    async def chat_actions(self) -> list[dict[str, Any]]:
        """Return every sendChatAction received, as chat id and action."""
        actions: list[dict[str, Any]] = (await self.request("GET", "/chat_actions"))["chat_actions"]
        return actions

    async def file(self, file_id: str) -> bytes:
        """Content of a file the bot uploaded (sendDocument, sendPhoto)."""
        content: bytes = await self.request("GET", f"/files/{file_id}")
        return content

    async def inject_fault(
        self,
        method: str,
        kind: str,
        *,
        count: int = 1,
        status: int = 500,
        delay: float = 0.0,
        chat_id: int | None = None,
        retry_after: int = 1,
        with_buttons: bool = False,
    ) -> None:
        """Make the next `count` calls of method ("*" for any), about `chat_id` if given (and
        carrying buttons if `with_buttons`), fail.

        kind: "server_error" (5xx), "disconnect" (dropped, not processed), "disconnect_after"
        (processed, answer lost), "latency" (answer delayed) or "flood" (429, retry after
        `retry_after` seconds). Any kind strikes after `delay` seconds.
        """
        body = {
            "method": method,
            "kind": kind,
            "count": count,
            "status": status,
            "delay": delay,
            "chat_id": chat_id,
            "retry_after": retry_after,
            "with_buttons": with_buttons,
        }
        await self.request("POST", "/faults", body)

    async def random_faults(
        self,
        rate: float,
        methods: list[str],
        kinds: list[tuple[str, int]],
        *,
        latency: float = 0.0,
        seed: int = 0,
    ) -> None:
        """Make a share `rate` of the calls of `methods` fail with one of `kinds` ((kind, status)
        pairs), drawn from a generator seeded with `seed`; delay every call but getUpdates by
        `latency` seconds. ``clear_faults`` ends it."""
        body = {
            "rate": rate,
            "methods": methods,
            "kinds": [{"kind": kind, "status": status} for kind, status in kinds],
            "latency": latency,
            "seed": seed,
        }
        await self.request("PUT", "/faults/random", body)

    async def faults_drawn(self) -> dict[str, int]:
        """How many random faults of each kind were drawn so far."""
        random_faults = (await self.request("GET", "/faults"))["random"]
        return dict(random_faults["drawn"]) if random_faults else {}

    async def idle(self, wait: float | None = None) -> None:
        """Wait until the bot is idle: every update confirmed, no call in progress, a long poll waiting.

        A bot that confirms updates only once handled has then done all it will do: use this,
        never a sleep, before checking that something did not happen.
        """
        seconds = self.wait_seconds if wait is None else wait
        state = await self.request("GET", "/idle", timeout=seconds)
        if not state["idle"]:
            raise WaitTimeout(
                f"the bot was not idle after {seconds:.1f} s: updates not confirmed "
                f"{state['pending_updates']}, calls in progress {state['calls_in_progress']}, "
                f"long polling {state['long_polling']}"
            )

    async def clear_faults(self) -> None:
        """Remove every injected fault: calls succeed again."""
        await self.request("DELETE", "/faults")

    async def set_rate_limit(
        self,
        *,
        per_chat_per_second: float = 1.0,
        per_chat_burst: int = 3,
        overall_per_second: float = 30.0,
        overall_burst: int = 30,
    ) -> None:
        """Turn on Telegram-like flood control (429 Too Many Requests: retry after N)."""
        body = {
            "per_chat_per_second": per_chat_per_second,
            "per_chat_burst": per_chat_burst,
            "overall_per_second": overall_per_second,
            "overall_burst": overall_burst,
        }
        await self.request("PUT", "/rate_limit", body)

    async def disable_rate_limit(self) -> None:
        """Turn flood control off: no call is refused with 429."""
        await self.request("DELETE", "/rate_limit")

    async def callback_answer(self, query_id: str, wait_seconds: float = 0.0) -> CallbackAnswer | None:
        """The bot's answerCallbackQuery for a press, waiting up to wait_seconds; None if none."""
        record = await self.request("GET", f"/callback_queries/{query_id}", timeout=wait_seconds)
        answer = record["answer"]
        if answer is None:
            return None
        return CallbackAnswer(answer.get("text"), bool(answer.get("show_alert")), answer.get("url"))
