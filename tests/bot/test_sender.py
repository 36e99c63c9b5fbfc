"""Engine messages become the right Bot API calls; blocks, stale edits and failures are handled."""

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.sender import Delivery, answer_button, deliver
from conversations.outputs import Button, EditQuestion, Keyboard, Notice, Send
from tests.support.fake_bot import FakeBot

KEYBOARD = Keyboard(((Button("1. Oui", "a:q:yes"), Button("2. Non", "a:q:no")), (Button("⏭ Passer", "s:q"),)))


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
