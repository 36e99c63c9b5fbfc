"""Simulated users and the chats they read: what tests and the demo drive through the client.

A ``ChatView`` keeps a cursor so ``next()`` returns each bot event once; a ``SimulatedUser`` is
a Telegram user in a private chat with the bot, acting through the control API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram_emulator.client_errors import EmulatorError, WaitTimeout
from telegram_emulator.views import BotMessage, CallbackAnswer, CallbackPress, describe_message

if TYPE_CHECKING:
    from telegram_emulator.client import EmulatorClient


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
        message = await self.poll(seconds)
        if message is None:
            raise WaitTimeout(
                await self._nothing_arrived(f"waited {seconds:.1f} s for a bot message or edit")
            )
        return message

    async def poll(self, wait: float = 0.0) -> BotMessage | None:
        """The bot's next new message or edit in this chat, waiting up to `wait` s; None if none."""
        events = await self._events("message,edit", wait)
        if not events:
            return None
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

    async def settled(self, wait: float = 0.0) -> bool:
        """Whether the bot has handled every update of this chat, with no call about it in progress
        (waiting up to ``wait`` s): then it sends nothing more here until the user acts."""
        data = await self.client.request("GET", f"/chats/{self.chat_id}/settled", timeout=wait)
        return bool(data["settled"])

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
