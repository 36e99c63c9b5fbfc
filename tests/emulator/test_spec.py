"""The vendored spec and the conformance check of recorded calls."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from telegram_emulator.generate_spec import compact_spec, main, render
from telegram_emulator.spec import check_call_against_spec, check_parameters, load_spec
from telegram_emulator.state import RecordedCall

KEYBOARD = '{"inline_keyboard": [[{"text": "Oui", "callback_data": "q:1:yes"}]]}'


def test_vendored_spec_has_the_methods_the_bot_uses() -> None:
    spec = load_spec()
    assert spec["version"].startswith("Bot API ")
    send_message = spec["methods"]["sendMessage"]
    assert send_message["fields"]["chat_id"] == {"required": True, "types": ["Integer", "String"]}
    assert send_message["fields"]["text"]["required"] is True
    assert send_message["returns"] == ["Message"]
    assert spec["types"]["InlineKeyboardButton"]["fields"]["callback_data"]["types"] == ["String"]


def test_generator_keeps_signatures_only(tmp_path: Path) -> None:
    full = {
        "version": "Bot API 0.1",
        "release_date": "today",
        "methods": {
            "ping": {
                "description": ["long prose"],
                "returns": ["Boolean"],
                "fields": [{"name": "n", "types": ["Integer"], "required": True, "description": "d"}],
            },
            "getMe": {"returns": ["User"], "description": []},
        },
        "types": {
            "Shape": {"subtypes": ["Circle"], "description": []},
            "Circle": {"fields": [{"name": "r", "types": ["Float"], "required": False, "description": ""}]},
        },
    }
    source, output = tmp_path / "api.json", tmp_path / "spec.json"
    source.write_text(json.dumps(full))
    assert main([str(source), str(output)]) == 0
    written = json.loads(output.read_text())
    assert written == compact_spec(full)
    assert written["methods"] == {
        "getMe": {"fields": {}, "returns": ["User"]},
        "ping": {"fields": {"n": {"required": True, "types": ["Integer"]}}, "returns": ["Boolean"]},
    }
    assert written["types"]["Shape"] == {"fields": {}, "subtypes": ["Circle"]}
    lines = render(written).splitlines()  # one line per method and per type, for readable diffs
    assert '"getMe":{"fields":{},"returns":["User"]},' in lines
    assert '"Shape":{"fields":{},"subtypes":["Circle"]}' in lines
    assert main([]) == 2


def test_a_python_telegram_bot_style_call_conforms() -> None:
    call = RecordedCall(1, "sendMessage", {"chat_id": "7", "text": "Bonjour", "reply_markup": KEYBOARD})
    assert check_call_against_spec(call) == []
    assert check_parameters("getUpdates", {"offset": "3", "timeout": "10", "allowed_updates": "[]"}) == []
    assert check_parameters("answerCallbackQuery", {"callback_query_id": "1", "show_alert": "true"}) == []
    assert check_parameters("GETME", {}) == []


def test_wrong_calls_are_caught() -> None:
    assert check_parameters("sendMesage", {}) == ["unknown method 'sendMesage'"]
    assert check_parameters("sendMessage", {"chat_id": 7, "txt": "Bonjour"}) == [
        "sendMessage: missing required parameter 'text'",
        "sendMessage: unknown parameter 'txt'",
    ]
    assert check_parameters("editMessageText", {"chat_id": 7, "message_id": "abc", "text": "x"}) == [
        "editMessageText.message_id: expected Integer, got 'abc'"
    ]
    assert check_parameters("answerCallbackQuery", {"callback_query_id": "1", "show_alert": "maybe"}) == [
        "answerCallbackQuery.show_alert: expected Boolean, got 'maybe'"
    ]
    [not_json] = check_parameters("sendMessage", {"chat_id": 7, "text": "x", "reply_markup": "{oops"})
    assert not_json.startswith("sendMessage.reply_markup: matches none of InlineKeyboardMarkup")
    typo = '{"inline_keyboard": [[{"text": "Oui", "callback": "yes"}]]}'
    [problem] = check_parameters("sendMessage", {"chat_id": 7, "text": "x", "reply_markup": typo})
    assert "unknown field 'callback' for InlineKeyboardButton" in problem
    assert "sendMessage.reply_markup.inline_keyboard[0][0]" in problem
    assert check_parameters("sendMessage", {"chat_id": 7.5, "text": "x"}) == [
        "sendMessage.chat_id: matches none of Integer | String; closest: sendMessage.chat_id: "
        "expected Integer, got 7.5"
    ]


SHARED_SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "telegram-bot-api" / "api.json"


# Outside CI a clone may sit without ../shared; CI always has it, so there the check never skips.
@pytest.mark.skipif(
    not SHARED_SPEC.exists() and not os.environ.get("CI"),
    reason="the shared Bot API specification is not beside this clone",
)
def test_the_vendored_spec_is_generated_from_the_shared_specification() -> None:
    full = json.loads(SHARED_SPEC.read_text("utf-8"))
    assert load_spec() == compact_spec(full), "run python -m telegram_emulator.generate_spec to refresh it"
