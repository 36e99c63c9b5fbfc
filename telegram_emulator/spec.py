"""Conformance checks of Bot API calls against the vendored spec (bot_api_spec.json).

The emulator records every call a bot makes; checking them against the official signatures
catches typos in parameter names, missing required parameters and badly encoded values
(a reply_markup that is not JSON) that Telegram would reject or silently ignore.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, Protocol

from telegram_emulator.body import UploadedFile

_INTEGER = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_SCALARS = frozenset({"Integer", "String", "Boolean", "Float", "True", "InputFile"})


class CallLike(Protocol):
    """Anything with a Bot API method name and its decoded parameters, e.g. a RecordedCall."""

    method: str
    params: dict[str, Any]


@cache
def load_spec() -> dict[str, Any]:
    """The vendored compact spec, read once from the package data."""
    text = resources.files("telegram_emulator").joinpath("bot_api_spec.json").read_text("utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


@cache
def _canonical_names() -> dict[str, str]:
    return {name.lower(): name for name in load_spec()["methods"]}


def canonical_method_name(name: str) -> str | None:
    """Telegram method names are case-insensitive; return the spec's spelling or None."""
    return _canonical_names().get(name.lower())


def _decode_value(value: Any, types: list[str]) -> Any:
    if not isinstance(value, str):
        return value
    if "Integer" in types and _INTEGER.fullmatch(value):
        return int(value)
    if "Float" in types and _FLOAT.fullmatch(value):
        return float(value)
    if ("Boolean" in types or "True" in types) and value.lower() in _BOOLEANS:
        return _BOOLEANS[value.lower()]
    structured = [kind for kind in types if kind not in _SCALARS]
    if structured and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def decode_parameters(method: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """Give form-encoded strings the types the spec declares (JSON for objects and arrays).

    Values that cannot be decoded are kept as sent, so the conformance check reports them.
    """
    fields = load_spec()["methods"].get(method, {}).get("fields", {})
    return {
        name: _decode_value(value, fields[name]["types"]) if name in fields else value
        for name, value in parameters.items()
    }


def _type_problems(value: Any, kind: str, path: str, depth: int = 0) -> list[str]:
    """Problems of value against one spec type (scalar, "Array of X" or an object type)."""
    if kind.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected {kind}, got {type(value).__name__}"]
        problems: list[str] = []
        for index, item in enumerate(value):
            problems.extend(_type_problems(item, kind.removeprefix("Array of "), f"{path}[{index}]"))
        return problems
    checks = {
        "Integer": lambda: isinstance(value, int) and not isinstance(value, bool),
        "Float": lambda: isinstance(value, int | float) and not isinstance(value, bool),
        "String": lambda: isinstance(value, str),
        "Boolean": lambda: isinstance(value, bool),
        "True": lambda: value is True,
        "InputFile": lambda: isinstance(value, UploadedFile | str),
    }
    if kind in checks:
        return [] if checks[kind]() else [f"{path}: expected {kind}, got {value!r:.60}"]
    return _object_problems(value, kind, path, depth)


def _object_problems(value: Any, kind: str, path: str, depth: int) -> list[str]:
    definition = load_spec()["types"].get(kind)
    if definition is None:
        return [f"{path}: unknown type {kind}"]
    if not isinstance(value, dict):
        return [f"{path}: expected {kind} (a JSON object), got {value!r:.60}"]
    if depth > 8:
        return []
    subtypes = definition.get("subtypes")
    if subtypes:
        return _best_match(value, subtypes, path, depth + 1)
    fields: dict[str, Any] = definition["fields"]
    problems = [f"{path}: unknown field {name!r} for {kind}" for name in value if name not in fields]
    for name, field in fields.items():
        if name not in value:
            if field["required"]:
                problems.append(f"{path}: missing required field {name!r} of {kind}")
            continue
        problems.extend(_best_match(value[name], field["types"], f"{path}.{name}", depth + 1))
    return problems


def _best_match(value: Any, kinds: list[str], path: str, depth: int) -> list[str]:
    """A value matches a union when it matches one member; else report the closest member."""
    candidates = [_type_problems(value, kind, path, depth) for kind in kinds]
    best = min(candidates, key=len)
    if not best or len(kinds) == 1:
        return best
    return [f"{path}: matches none of {' | '.join(kinds)}; closest: {'; '.join(best)}"]


def check_parameters(method: str, parameters: dict[str, Any]) -> list[str]:
    """Problems of one call: unknown method, missing/unknown parameters, wrong types."""
    canonical = canonical_method_name(method)
    if canonical is None:
        return [f"unknown method {method!r}"]
    fields: dict[str, Any] = load_spec()["methods"][canonical]["fields"]
    decoded = decode_parameters(canonical, parameters)
    problems = [
        f"{canonical}: missing required parameter {name!r}"
        for name, field in fields.items()
        if field["required"] and name not in decoded
    ]
    for name, value in decoded.items():
        if name not in fields:
            if not isinstance(value, UploadedFile):  # multipart parts named by attach://
                problems.append(f"{canonical}: unknown parameter {name!r}")
            continue
        problems.extend(_best_match(value, fields[name]["types"], f"{canonical}.{name}", 0))
    return problems


def check_call_against_spec(call: CallLike) -> list[str]:
    """Problems of a recorded call (see TelegramEmulator.calls); empty when it conforms."""
    return check_parameters(call.method, call.params)
