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

from telegram_emulator.views import BotMessage, Button, CallbackAnswer, CallbackPress, describe_message

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


class EmulatorError(Exception):
    """The control API refused an action (unknown button, blocked user...)."""


class WaitTimeout(AssertionError):
    """Nothing arrived in time; the message lists what did arrive, for the test report."""


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
    ) -> None:
        """Make the next `count` calls of method ("*" for any), about `chat_id` if given, fail.

        kind: "server_error" (5xx), "disconnect" (dropped, not processed), "disconnect_after"
        (processed, answer lost), "latency" (answer delayed by `delay` seconds) or "flood"
        (429, retry after `retry_after` seconds).
        """
        body = {
            "method": method,
            "kind": kind,
            "count": count,
            "status": status,
            "delay": delay,
            "chat_id": chat_id,
            "retry_after": retry_after,
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


class ChatView:
    """One chat as a user reads it; keeps a cursor so next() returns each bot event once."""

    def __init__(self, client: EmulatorClient, chat_id: int, label: str) -> None:
        self.client = client
        self.chat_id = chat_id
        self.label = label
        self.cursor = 0

    async def transcript(self) -> list[dict[str, Any]]:
        """Visible messages, user's and bot's, as they look now (edits applied, deletions gone)."""
        messages: list[dict[str, Any]] = (
            await self.client.request("GET", f"/chats/{self.chat_id}/transcript")
        )["messages"]
        return messages

    async def bot_messages(self) -> list[BotMessage]:
        """Return the bot's visible messages in this chat, as they look now."""
        return [BotMessage.from_message(m) for m in await self.transcript() if m["from_bot"]]

    async def _events(self, kinds: str, wait_seconds: float) -> list[dict[str, Any]]:
        path = f"/chats/{self.chat_id}/events"
        data = await self.client.request("GET", path, after=self.cursor, kinds=kinds, timeout=wait_seconds)
        events: list[dict[str, Any]] = data["events"]
        return events

    async def next(self, wait: float | None = None) -> BotMessage:
        """The bot's next new message or edit in this chat, failing clearly after `wait` s."""
        seconds = self.client.wait_seconds if wait is None else wait
        events = await self._events("message,edit", seconds)
        if not events:
            raise WaitTimeout(
                await self._nothing_arrived(f"waited {seconds:.1f} s for a bot message or edit")
            )
        event = events[0]
        self.cursor = event["sequence"]
        return BotMessage.from_message(event["message"], event["kind"])

    async def next_deletion(self, wait: float | None = None) -> int:
        """The id of the next message the bot deletes in this chat."""
        seconds = self.client.wait_seconds if wait is None else wait
        events = await self._events("delete", seconds)
        if not events:
            raise WaitTimeout(await self._nothing_arrived(f"waited {seconds:.1f} s for a deletion"))
        self.cursor = max(self.cursor, events[0]["sequence"])
        message_id: int = events[0]["message_id"]
        return message_id

    async def expect_silence(self, seconds: float = 0.3) -> None:
        """Fail if the bot sends, edits or deletes anything here within `seconds`."""
        events = await self._events("message,edit,delete", seconds)
        if events:
            kinds = [f"{e['kind']} #{e['message_id']}" for e in events]
            raise AssertionError(f"{self.label}: expected silence, but the bot did {kinds}")

    async def expect_nothing_more(self, wait: float | None = None) -> None:
        """Wait until the bot is idle, then fail if it sent, edited or deleted anything here since
        the last message read."""
        await self.client.idle(wait)
        events = await self._events("message,edit,delete", 0)
        if events:
            kinds = [f"{e['kind']} #{e['message_id']}" for e in events]
            raise AssertionError(f"{self.label}: expected nothing more, but the bot did {kinds}")

    async def catch_up(self) -> None:
        """Skip every bot event so far: next() then waits for something new."""
        events = await self._events("message,edit,delete", 0)
        if events:
            self.cursor = events[-1]["sequence"]

    async def _nothing_arrived(self, what: str) -> str:
        lines = [f"{self.label}: {what}; nothing new arrived. Chat so far:"]
        try:
            lines.extend(describe_message(m) for m in await self.transcript())
        except EmulatorError:
            lines.append("  (no messages)")
        failed = await self.client.calls(chat_id=self.chat_id, failed_only=True)
        if failed:
            lines.append("Failed Bot API calls for this chat:")
            lines.extend(f"  {c['method']}: {c['error_code']} {c['description']}" for c in failed)
        pending = await self.client.pending_updates()
        if pending:
            lines.append(f"Updates not yet confirmed by the bot: {[u['update_id'] for u in pending]}")
        return "\n".join(lines)


class SimulatedUser:
    """A Telegram user in a private chat with the bot."""

    def __init__(self, client: EmulatorClient, user: dict[str, Any]) -> None:
        self.client = client
        self.user = user
        self.id: int = user["id"]
        self.first_name: str = user["first_name"]
        self.chat = ChatView(client, self.id, label=f"{self.first_name} (chat {self.id})")
        self.last_update_id: int | None = None  # of my latest action, e.g. to redeliver it

    async def _act(self, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = await self.client.request("POST", f"/users/{self.id}/{action}", body or {})
        self.last_update_id = result.get("update_id", self.last_update_id)
        return result

    async def send(self, text: str) -> dict[str, Any]:
        """Write text; "/start PAYLOAD" arrives as a command with its bot_command entity."""
        update = await self._act("text", {"text": text})
        message: dict[str, Any] = update["message"]
        return message

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        """Send a sticker (something the bot cannot read as an answer)."""
        return (await self._act("sticker", {"emoji": emoji}))["message"]  # type: ignore[no-any-return]

    async def send_photo(self, caption: str | None = None) -> dict[str, Any]:
        """Send a photo, with a caption if given."""
        return (await self._act("photo", {"caption": caption}))["message"]  # type: ignore[no-any-return]

    async def send_voice(self, duration: int = 3) -> dict[str, Any]:
        """Send a voice message of ``duration`` seconds."""
        return (await self._act("voice", {"duration": duration}))["message"]  # type: ignore[no-any-return]

    async def edit(self, text: str, message_id: int | None = None) -> dict[str, Any]:
        """Edit one of my messages (the latest by default); the bot gets an edited_message."""
        update = await self._act("edit", {"text": text, "message_id": message_id})
        return update["edited_message"]  # type: ignore[no-any-return]

    async def send_in_group(self, text: str, group_id: int | None = None) -> ChatView:
        """Write in a group with the bot; returns that group chat to check the bot's reaction."""
        update = await self._act("group_text", {"text": text, "group_id": group_id})
        chat_id = update["message"]["chat"]["id"]
        view = ChatView(self.client, chat_id, label=f"group {chat_id}")
        return view

    async def press(self, label: str, *, message_id: int | None = None) -> CallbackPress:
        """Press the button with this label (on the newest message holding it by default)."""
        return self._press(await self._act("press", {"label": label, "message_id": message_id}))

    async def press_data(self, data: str, *, message_id: int | None = None) -> CallbackPress:
        """Press with this callback data, even data no button holds (a forged press)."""
        return self._press(await self._act("press", {"data": data, "message_id": message_id}))

    @staticmethod
    def _press(result: dict[str, Any]) -> CallbackPress:
        return CallbackPress(
            result["id"], result["chat_id"], result["message_id"], result["data"], result["update_id"]
        )

    async def callback_answer(self, press: CallbackPress, wait: float | None = None) -> CallbackAnswer | None:
        """The bot's answer to that press, waiting up to `wait` s; None if none came."""
        seconds = self.client.wait_seconds if wait is None else wait
        return await self.client.callback_answer(press.query_id, seconds)

    async def block(self) -> None:
        """Block the bot: it receives my_chat_member, and sending to me fails with 403."""
        await self._act("block")

    async def unblock(self) -> None:
        """Unblock the bot: it receives my_chat_member and may write again."""
        await self._act("unblock")

    async def menu(self) -> list[dict[str, Any]]:
        """The command menu I see in my chat with the bot (Telegram's choice among scopes and languages)."""
        commands: list[dict[str, Any]] = (await self._get("menu"))["commands"]
        return commands

    async def _get(self, what: str) -> dict[str, Any]:
        result: dict[str, Any] = await self.client.request("GET", f"/users/{self.id}/{what}")
        return result

    async def next(self, wait: float | None = None) -> BotMessage:
        """The bot's next new message or edit in my chat."""
        return await self.chat.next(wait)

    async def expect_silence(self, seconds: float = 0.3) -> None:
        """Fail if the bot sends, edits or deletes anything in my chat within ``seconds``."""
        await self.chat.expect_silence(seconds)

    async def expect_nothing_more(self, wait: float | None = None) -> None:
        """Once the bot is idle, fail if it did anything in my chat since my last read."""
        await self.chat.expect_nothing_more(wait)

    async def transcript(self) -> list[dict[str, Any]]:
        """Return my chat's visible messages, mine and the bot's, as they look now."""
        return await self.chat.transcript()

    async def bot_messages(self) -> list[BotMessage]:
        """Return the bot's visible messages in my chat, as they look now."""
        return await self.chat.bot_messages()
