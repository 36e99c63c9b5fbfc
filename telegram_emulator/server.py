"""HTTP layer of the Bot API: routing /bot<token>/<method>, bodies, envelope, faults.

Answers exactly like Telegram's envelope: {"ok": true, "result": ...} or {"ok": false,
"error_code": ..., "description": ..., "parameters": ...} with the matching HTTP status.
Parameter values are never logged: they hold what teenagers write.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web

from telegram_emulator.body import read_parameters, resolve_attachments
from telegram_emulator.errors import NOT_FOUND, UNAUTHORIZED, BotApiError, bad_request, too_many_requests
from telegram_emulator.faults import FaultInjector
from telegram_emulator.methods import BotApi
from telegram_emulator.spec import canonical_method_name, check_parameters, decode_parameters
from telegram_emulator.state import EmulatorState, RecordedCall

logger = logging.getLogger(__name__)


def envelope_response(body: dict[str, Any], status: int = 200) -> web.Response:
    """Return a Bot API JSON body as an HTTP response."""
    return web.json_response(body, status=status)


def error_response(error: BotApiError) -> web.Response:
    """Return a Bot API error as the HTTP response Telegram would send."""
    return envelope_response(error.envelope(), status=error.error_code)


class BotApiHandler:
    """The aiohttp handler serving one bot token."""

    def __init__(
        self,
        token: str,
        state: EmulatorState,
        api: BotApi,
        faults: FaultInjector,
        strict_spec: bool = False,
    ) -> None:
        self.token = token
        self.state = state
        self.api = api
        self.faults = faults
        self.strict_spec = strict_spec
        # Seconds every call takes on top of its work: half on the way in, half on the way back.
        self.latency = 0.0

    def register(self, app: web.Application) -> None:
        """Serve ``/bot<token>/<method>`` by GET and POST, as Telegram does."""
        path = "/bot{token}/{method}"
        app.router.add_route("GET", path, self.handle)
        app.router.add_route("POST", path, self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one Bot API call after the round trip's first half; send the answer after the second.

        Like a network round trip: the emulator acts on the call (a message appears in the chat)
        ``latency / 2`` after it was sent, and the caller has the answer ``latency / 2`` later.
        """
        if self.latency > 0:
            await asyncio.sleep(self.latency / 2)
        response = await self._respond(request)
        if self.latency > 0:
            await asyncio.sleep(self.latency / 2)
        return response

    async def _respond(self, request: web.Request) -> web.StreamResponse:
        """Check the token, record the call, apply faults, run it."""
        if request.match_info["token"] != self.token:
            return error_response(UNAUTHORIZED)
        requested = request.match_info["method"]
        method = canonical_method_name(requested) or requested
        try:
            raw = await read_parameters(request)
        except BotApiError as error:
            self.state.record_call(method, {}, request.method).error_code = error.error_code
            return error_response(error)
        except ConnectionError:
            # The caller hung up before its body arrived (a bot stopped mid-call): nothing to do,
            # no one to answer, and not an error of the emulator's.
            raise asyncio.CancelledError from None
        params = decode_parameters(method, resolve_attachments(raw))
        call = self.state.record_call(method, params, request.method)
        logger.debug("bot api call %s #%d", method, call.sequence)
        if method == "getUpdates":
            return await self._answer(request, requested, method, params, call)
        with self.state.call_in_progress(params):
            return await self._answer(request, requested, method, params, call)

    async def _answer(
        self, request: web.Request, requested: str, method: str, params: dict[str, Any], call: RecordedCall
    ) -> web.StreamResponse:
        """Apply latency and faults, then run the method and build Telegram's answer."""
        latency = self.faults.latency(method)
        if latency:
            await asyncio.sleep(latency)
        fault = self.faults.take(method, params)
        if fault and fault.delay:
            await asyncio.sleep(fault.delay)  # a slow network or server, then the fault itself
        if fault and fault.kind == "server_error":
            call.error_code = fault.status
            body = {"ok": False, "error_code": fault.status, "description": "Internal Server Error"}
            return envelope_response(body, status=fault.status)
        elif fault and fault.kind == "flood":
            error = too_many_requests(fault.retry_after)
            call.error_code, call.description = error.error_code, error.description
            return error_response(error)
        elif fault and fault.kind == "disconnect":
            call.description = "connection dropped before processing"
            return self._drop_connection(request)
        try:
            if canonical_method_name(requested) is None:
                raise NOT_FOUND
            if self.strict_spec:
                problems = check_parameters(method, params)
                if problems:
                    raise bad_request("emulator spec check failed: " + "; ".join(problems))
            result = await self.api.call(method, params)
        except BotApiError as error:
            call.error_code, call.description = error.error_code, error.description
            return error_response(error)
        if fault and fault.kind == "disconnect_after":
            call.description = "processed, then connection dropped"
            return self._drop_connection(request)
        return envelope_response({"ok": True, "result": result})

    @staticmethod
    def _drop_connection(request: web.Request) -> web.StreamResponse:
        """Close the socket without an HTTP answer, as a network failure would."""
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError  # aiohttp then discards the request silently
