"""Engine messages become the right Bot API calls; blocks, stale edits and failures are handled."""

from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.sender import Delivery, answer_button, deliver
from conversations.outputs import Button, EditQuestion, Keyboard, Notice, Send

KEYBOARD = Keyboard(((Button("1. Oui", "a:q:yes"), Button("2. Non", "a:q:no")), (Button("⏭ Passer", "s:q"),)))


@dataclass
class SentMessage:
    message_id: int


@dataclass
class FakeBot:
    """Records calls like the Bot API would receive them; fails on demand."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    failures: dict[str, list[Exception]] = field(default_factory=dict)
    next_message_id: int = 100

    def _maybe_fail(self, method: str) -> None:
        pending = self.failures.get(method)
        if pending:
            raise pending.pop(0)

    async def send_message(self, *, chat_id: int, text: str, reply_markup: Any = None) -> SentMessage:
        self.calls.append(("sendMessage", {"chat_id": chat_id, "text": text, "reply_markup": reply_markup}))
        self._maybe_fail("sendMessage")
        self.next_message_id += 1
        return SentMessage(self.next_message_id)

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
        self._maybe_fail("editMessageText")
        return True

    async def answer_callback_query(self, callback_query_id: str, *, text: str | None = None) -> bool:
        self.calls.append(("answerCallbackQuery", {"id": callback_query_id, "text": text}))
        self._maybe_fail("answerCallbackQuery")
        return True


async def test_question_is_sent_with_its_keyboard_and_remembered() -> None:
    bot = FakeBot()
    delivery = await deliver(bot, 7, [Send("Ça va ?", KEYBOARD, holds_question=True)], None)
    assert delivery == Delivery(question_message_id=101)
    method, parameters = bot.calls[0]
    markup = parameters["reply_markup"].to_dict()
    assert method == "sendMessage" and parameters["text"] == "Ça va ?"
    assert markup["inline_keyboard"][0][1] == {"text": "2. Non", "callback_data": "a:q:no"}


async def test_edit_targets_the_remembered_question_then_the_next_question_is_sent() -> None:
    bot = FakeBot()
    messages = [EditQuestion("Ça va ?\n✔️ Oui"), Send("Suite ?", KEYBOARD, holds_question=True)]
    delivery = await deliver(bot, 7, messages, question_message_id=55)
    assert [call[0] for call in bot.calls] == ["editMessageText", "sendMessage"]
    assert bot.calls[0][1]["message_id"] == 55 and bot.calls[0][1]["reply_markup"] is None
    assert delivery.question_message_id == 101


async def test_message_not_modified_is_fine() -> None:
    bot = FakeBot(failures={"editMessageText": [BadRequest("Message is not modified: same content")]})
    delivery = await deliver(bot, 7, [EditQuestion("Ça va ?", KEYBOARD)], question_message_id=55)
    assert delivery == Delivery()
    assert [call[0] for call in bot.calls] == ["editMessageText"]


async def test_an_uneditable_question_with_buttons_is_sent_again() -> None:
    bot = FakeBot(failures={"editMessageText": [BadRequest("Message can't be edited")]})
    delivery = await deliver(bot, 7, [EditQuestion("Ça va ?", KEYBOARD)], question_message_id=55)
    assert [call[0] for call in bot.calls] == ["editMessageText", "sendMessage"]
    assert delivery.question_message_id == 101


async def test_forbidden_means_blocked_and_stops_sending() -> None:
    bot = FakeBot(failures={"sendMessage": [Forbidden("Forbidden: bot was blocked by the user")]})
    delivery = await deliver(bot, 7, [Send("Coucou"), Send("Encore ?")], None)
    assert delivery.blocked
    assert len(bot.calls) == 1


async def test_a_network_failure_is_retried_once_then_raised() -> None:
    bot = FakeBot(failures={"sendMessage": [NetworkError("reset")]})
    assert (await deliver(bot, 7, [Send("Coucou", holds_question=True)], None)).question_message_id == 101
    bot = FakeBot(failures={"sendMessage": [NetworkError("reset"), NetworkError("reset")]})
    with pytest.raises(NetworkError):
        await deliver(bot, 7, [Send("Coucou")], None)


async def test_a_button_press_is_always_answered_with_the_notice_if_any() -> None:
    bot = FakeBot()
    await answer_button(bot, "q1", [Notice("Ce bouton ne marche plus.")])
    await answer_button(bot, "q2", [Send("Suite")])
    assert bot.calls == [
        ("answerCallbackQuery", {"id": "q1", "text": "Ce bouton ne marche plus."}),
        ("answerCallbackQuery", {"id": "q2", "text": None}),
    ]


async def test_a_stale_button_press_does_not_raise() -> None:
    bot = FakeBot(failures={"answerCallbackQuery": [BadRequest("Query is too old")]})
    await answer_button(bot, "q1", [])
    assert len(bot.calls) == 1
