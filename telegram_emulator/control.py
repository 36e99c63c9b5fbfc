"""Control API under /_control/: play users and inspect what the bot did, over HTTP.

HTTP (rather than Python calls only) lets a separate process drive the emulator: the demo,
a manual session with curl, or the Python client in telegram_emulator.client.
Answers are JSON; failures are {"error": "..."} with status 400 or 404.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from telegram_emulator.faults import RandomFaults
from telegram_emulator.rate_limit import RateLimitConfig
from telegram_emulator.simulation import ControlError

if TYPE_CHECKING:
    from telegram_emulator.emulator import TelegramEmulator

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_WAIT_SECONDS = 60.0


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


def _handled(handler: Handler) -> Handler:
    """Turn ControlError and bad input into JSON errors instead of 500s."""

    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ControlError as error:
            return _json({"error": str(error)}, status=error.status)
        except (KeyError, TypeError, ValueError) as error:
            return _json({"error": f"bad control request: {error!r}"}, status=400)

    return wrapper


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    data = json.loads(await request.read() or b"{}")
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


def _integer(request: web.Request, name: str) -> int:
    return int(request.match_info[name])


def _timeout(request: web.Request) -> float:
    return min(float(request.query.get("timeout", "0")), MAX_WAIT_SECONDS)


class ControlApi:
    """The /_control routes tests and the demo use to play users and inspect what the bot did."""

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emulator = emulator
        self.state = emulator.state
        self.simulator = emulator.simulator

    def register(self, app: web.Application) -> None:
        """Add every /_control route to the aiohttp application."""
        user = "/_control/users/{user_id}"
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/_control/bot", self.bot),
            ("POST", "/_control/users", self.create_user),
            ("GET", user, self.get_user),
            ("POST", user + "/text", self.send_text),
            ("POST", user + "/sticker", self.send_sticker),
            ("POST", user + "/photo", self.send_photo),
            ("POST", user + "/voice", self.send_voice),
            ("POST", user + "/edit", self.edit_text),
            ("POST", user + "/press", self.press),
            ("POST", user + "/group_text", self.send_group_text),
            ("POST", user + "/block", self.block),
            ("POST", user + "/unblock", self.unblock),
            ("GET", user + "/menu", self.menu),
            ("GET", "/_control/chats/{chat_id}/transcript", self.transcript),
            ("GET", "/_control/chats/{chat_id}/events", self.events),
            ("GET", "/_control/chats/{chat_id}/settled", self.settled),
            ("GET", "/_control/callback_queries/{query_id}", self.callback_query),
            ("GET", "/_control/calls", self.calls),
            ("GET", "/_control/updates", self.pending_updates),
            ("GET", "/_control/idle", self.idle),
            ("POST", "/_control/updates/{update_id}/redeliver", self.redeliver_update),
            ("GET", "/_control/commands", self.commands),
            ("GET", "/_control/chat_actions", self.chat_actions),
            ("GET", "/_control/files/{file_id}", self.file),
            ("GET", "/_control/faults", self.list_faults),
            ("POST", "/_control/faults", self.add_fault),
            ("DELETE", "/_control/faults", self.clear_faults),
            ("PUT", "/_control/faults/random", self.set_random_faults),
            ("PUT", "/_control/rate_limit", self.set_rate_limit),
            ("DELETE", "/_control/rate_limit", self.disable_rate_limit),
        ]
        for http_method, path, handler in routes:
            app.router.add_route(http_method, path, _handled(handler))

    async def bot(self, request: web.Request) -> web.Response:
        """Return the bot's user and token."""
        return _json({"user": self.state.bot_user, "token": self.emulator.token})

    async def create_user(self, request: web.Request) -> web.Response:
        """Create a simulated user from the JSON body."""
        body = await _body(request)
        user = self.simulator.create_user(
            str(body["first_name"]),
            user_id=body.get("id"),
            last_name=body.get("last_name"),
            username=body.get("username"),
            language_code=body.get("language_code", "fr"),
        )
        return _json(user, status=201)

    async def get_user(self, request: web.Request) -> web.Response:
        """Return one simulated user."""
        return _json(self.simulator.user(_integer(request, "user_id")))

    async def send_text(self, request: web.Request) -> web.Response:
        """Post a user's text message."""
        body = await _body(request)
        return _json(self.simulator.send_text(_integer(request, "user_id"), str(body["text"])))

    async def send_sticker(self, request: web.Request) -> web.Response:
        """Post a user's sticker."""
        body = await _body(request)
        emoji = str(body.get("emoji", "👍"))
        return _json(self.simulator.send_sticker(_integer(request, "user_id"), emoji))

    async def send_photo(self, request: web.Request) -> web.Response:
        """Post a user's photo."""
        body = await _body(request)
        caption = body.get("caption")
        return _json(self.simulator.send_photo(_integer(request, "user_id"), caption))

    async def send_voice(self, request: web.Request) -> web.Response:
        """Post a user's voice message."""
        body = await _body(request)
        duration = int(body.get("duration", 3))
        return _json(self.simulator.send_voice(_integer(request, "user_id"), duration))

    async def edit_text(self, request: web.Request) -> web.Response:
        """Edit one of a user's messages."""
        body = await _body(request)
        user_id = _integer(request, "user_id")
        update = self.simulator.edit_text(user_id, str(body["text"]), body.get("message_id"))
        return _json(update)

    async def press(self, request: web.Request) -> web.Response:
        """Press a button by label or callback data."""
        body = await _body(request)
        result = self.simulator.press(
            _integer(request, "user_id"),
            label=body.get("label"),
            data=body.get("data"),
            message_id=body.get("message_id"),
        )
        return _json(result)

    async def send_group_text(self, request: web.Request) -> web.Response:
        """Post a user's message in a group with the bot."""
        body = await _body(request)
        update = self.simulator.send_group_text(
            _integer(request, "user_id"),
            str(body["text"]),
            group_id=body.get("group_id"),
            title=str(body.get("title", "Groupe")),
        )
        return _json(update)

    async def block(self, request: web.Request) -> web.Response:
        """Make a user block the bot."""
        return _json(self.simulator.block(_integer(request, "user_id")))

    async def unblock(self, request: web.Request) -> web.Response:
        """Make a user unblock the bot."""
        return _json(self.simulator.unblock(_integer(request, "user_id")))

    async def transcript(self, request: web.Request) -> web.Response:
        """Visible messages of a chat, in order, as they look now (edits applied)."""
        chat = self.state.chats.get(_integer(request, "chat_id"))
        if chat is None:
            raise ControlError("unknown chat", status=404)
        messages = [
            {"from_bot": stored.from_bot, "edit_count": stored.edit_count, **stored.message}
            for stored in chat.messages.values()
            if not stored.deleted
        ]
        return _json({"chat": chat.chat, "messages": messages})

    async def events(self, request: web.Request) -> web.Response:
        """Bot events in a chat after a sequence number, waiting up to timeout for one."""
        chat_id = _integer(request, "chat_id")
        after = int(request.query.get("after", "0"))
        kinds = set(request.query.get("kinds", "message,edit,delete").split(","))

        def matching() -> list[dict[str, Any]]:
            events = self.state.events_after(chat_id, after)
            return [event.to_json() for event in events if event.kind in kinds]

        await self.state.notifier.wait_until(lambda: bool(matching()), _timeout(request))
        return _json({"events": matching()})

    async def settled(self, request: web.Request) -> web.Response:
        """Wait up to timeout until the bot has handled this chat's updates (``EmulatorState.settled``)."""
        chat_id = _integer(request, "chat_id")
        settled = await self.state.notifier.wait_until(lambda: self.state.settled(chat_id), _timeout(request))
        return _json({"settled": settled})

    async def callback_query(self, request: web.Request) -> web.Response:
        """A pressed button's query; waits up to timeout for the bot to answer it."""
        record = self.state.callback_queries.get(request.match_info["query_id"])
        if record is None:
            raise ControlError("unknown callback query", status=404)
        await self.state.notifier.wait_until(lambda: record.answer is not None, _timeout(request))
        return _json(record.to_json())

    async def calls(self, request: web.Request) -> web.Response:
        """Return the recorded Bot API calls, filtered by method, chat and failure."""
        method = request.query.get("method")
        after = int(request.query.get("after", "0"))
        chat_id = request.query.get("chat_id")
        failed_only = request.query.get("failed") in ("1", "true")
        calls = [
            call.to_json()
            for call in self.state.calls
            if call.sequence > after
            and (method is None or call.method.lower() == method.lower())
            and (chat_id is None or str(call.params.get("chat_id")) == chat_id)
            and (not failed_only or call.error_code is not None)
        ]
        return _json({"calls": calls})

    async def pending_updates(self, request: web.Request) -> web.Response:
        """Return the updates the bot has not confirmed yet."""
        return _json({"updates": self.state.updates.pending})

    async def idle(self, request: web.Request) -> web.Response:
        """Wait up to timeout until the bot is idle (see ``EmulatorState.idle``); say what holds it."""
        state = self.state
        idle = await state.notifier.wait_until(lambda: state.idle, _timeout(request))
        return _json(
            {
                "idle": idle,
                "pending_updates": [update["update_id"] for update in state.updates.pending],
                "calls_in_progress": state.calls_in_progress,
                "long_polling": state.updates.long_polling,
            }
        )

    async def redeliver_update(self, request: web.Request) -> web.Response:
        """Deliver an already delivered update once more, with the same update_id, as Telegram can."""
        update_id = _integer(request, "update_id")
        try:
            return _json(self.state.updates.redeliver(update_id))
        except KeyError:
            raise ControlError(f"unknown update {update_id}", status=404) from None

    async def commands(self, request: web.Request) -> web.Response:
        """Return the stored command menus."""
        return _json({"commands": self.state.commands})

    async def menu(self, request: web.Request) -> web.Response:
        """Return the command menu this user sees in their chat with the bot (scope and language resolved)."""
        user = self.simulator.user(_integer(request, "user_id"))
        return _json({"commands": self.state.menu_of(user["id"], user.get("language_code"))})

    async def chat_actions(self, request: web.Request) -> web.Response:
        """Return the chat actions the bot sent."""
        actions = [{"chat_id": chat, "action": action} for chat, action in self.state.chat_actions]
        return _json({"chat_actions": actions})

    async def file(self, request: web.Request) -> web.Response:
        """Return the content of a file the bot uploaded."""
        file_id = request.match_info["file_id"]
        # A photo's sizes (``<file_id>-<side>``) all give back the bytes the bot uploaded.
        stored = self.state.files.get(file_id) or self.state.files.get(file_id.rsplit("-", 1)[0])
        if stored is None:
            raise ControlError("unknown file", status=404)
        name, content_type, content = stored
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return web.Response(body=content, content_type=content_type, headers=headers)

    async def list_faults(self, request: web.Request) -> web.Response:
        """Return the faults still waiting, and the random faults with what they drew."""
        faults = self.emulator.faults
        random_faults = faults.random_faults.to_json() if faults.random_faults else None
        return _json({"faults": [fault.to_json() for fault in faults.faults], "random": random_faults})

    async def add_fault(self, request: web.Request) -> web.Response:
        """Inject a fault described by the JSON body."""
        body = await _body(request)
        fault = self.emulator.faults.add(
            str(body["method"]),
            str(body["kind"]),
            count=int(body.get("count", 1)),
            status=int(body.get("status", 500)),
            delay=float(body.get("delay", 0.0)),
            chat_id=int(body["chat_id"]) if body.get("chat_id") is not None else None,
            retry_after=int(body.get("retry_after", 1)),
            with_buttons=bool(body.get("with_buttons", False)),
        )
        return _json(fault.to_json(), status=201)

    async def set_random_faults(self, request: web.Request) -> web.Response:
        """Make a share of some methods' calls fail at random (seeded), and delay every call."""
        body = await _body(request)
        random_faults = RandomFaults(
            rate=float(body["rate"]),
            methods=frozenset(str(method).lower() for method in body["methods"]),
            kinds=tuple((str(kind["kind"]), int(kind.get("status", 500))) for kind in body["kinds"]),
            latency=float(body.get("latency", 0.0)),
            seed=int(body.get("seed", 0)),
        )
        self.emulator.faults.random_faults = random_faults
        return _json(random_faults.to_json())

    async def clear_faults(self, request: web.Request) -> web.Response:
        """Remove every fault."""
        self.emulator.faults.clear()
        return _json({"faults": []})

    async def set_rate_limit(self, request: web.Request) -> web.Response:
        """Turn flood control on with the JSON body's limits."""
        config = RateLimitConfig.from_json(await _body(request))
        self.emulator.set_rate_limit(config)
        return _json(vars(config))

    async def disable_rate_limit(self, request: web.Request) -> web.Response:
        """Turn flood control off."""
        self.emulator.set_rate_limit(None)
        return _json({"enabled": False})
