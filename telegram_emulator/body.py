"""Decoding of Bot API request bodies: query string, JSON, urlencoded and multipart.

Telegram accepts all four, and python-telegram-bot uses two of them: urlencoded bodies where
every non-string value (reply_markup, booleans, even chat_id as "7") is a string, and multipart
bodies for uploads. Values are kept as sent here; spec.decode_parameters gives them types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from telegram_emulator.errors import bad_request


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request (an InputFile on the bot side)."""

    filename: str
    content_type: str
    content: bytes

    def __repr__(self) -> str:  # never dump file content into logs or assertion messages
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.content)} B)"


async def read_parameters(request: web.Request) -> dict[str, Any]:
    """Merge query-string and body parameters, the body winning, as Telegram does."""
    parameters: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return parameters
    content_type = request.content_type
    if content_type == "application/json":
        raw = await request.read()
        if raw.strip():
            try:
                decoded = json.loads(raw)
            except ValueError as error:
                raise bad_request("can't parse JSON request body") from error
            if not isinstance(decoded, dict):
                raise bad_request("JSON request body must be an object")
            parameters.update(decoded)
    elif content_type == "multipart/form-data":
        parameters.update(await _read_multipart(request))
    else:
        form = await request.post()
        parameters.update({key: value for key, value in form.items() if isinstance(value, str)})
    return parameters


async def _read_multipart(request: web.Request) -> dict[str, Any]:
    parameters: dict[str, Any] = {}
    reader = await request.multipart()
    while True:
        part = await reader.next()
        if part is None:
            return parameters
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        content = await part.read(decode=True)
        if part.filename is not None:
            parameters[part.name] = UploadedFile(
                filename=part.filename,
                content_type=part.headers.get("Content-Type", "application/octet-stream"),
                content=bytes(content),
            )
        else:
            parameters[part.name] = bytes(content).decode(part.get_charset("utf-8"))


def resolve_attachments(parameters: dict[str, Any]) -> dict[str, Any]:
    """Replace "attach://name" values by the uploaded part called name."""
    resolved = dict(parameters)
    for key, value in parameters.items():
        if isinstance(value, str) and value.startswith("attach://"):
            attached = parameters.get(value.removeprefix("attach://"))
            if isinstance(attached, UploadedFile):
                resolved[key] = attached
    return resolved
