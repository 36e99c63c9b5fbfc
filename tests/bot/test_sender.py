"""Engine messages become the right Bot API calls; blocks, stale edits and failures are handled."""

from collections.abc import Sequence
from typing import Any

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.retries import RetryPolicy
from bot.sender import Delivery, Sender
from conversations.outputs import Button, EditQuestion, Keyboard, Message, Notice, Send
from tests.bot.fake_time import FakeTime
from tests.support.fake_bot import FakeBot

KEYBOARD = Keyboard(((Button("1. Oui", "a:q:yes"), Button("2. Non", "a:q:no")), (Button("⏭ Passer", "s:q"),)))


def server_error() -> NetworkError:
    """What python-telegram-bot raises when Telegram answers 500: nothing was done."""
    return NetworkError("Internal Server Error (500)")


def dropped_connection() -> NetworkError:
    """What python-telegram-bot raises when the connection drops after the request left."""
    error = NetworkError("httpx.RemoteProtocolError: Server disconnected without sending a response.")
    error.__cause__ = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    return error


def sender_for(bot: FakeBot) -> Sender:
    time = FakeTime()
    return Sender(bot, RetryPolicy(random=lambda: 0.5, sleep=time.sleep, clock=time.clock))


async def deliver(
    bot: FakeBot, chat_id: int, messages: Sequence[Message], question_message_id: int | None, **options: Any
) -> Delivery:
    return await sender_for(bot).deliver(chat_id, messages, question_message_id, **options)


async def answer_button(bot: FakeBot, query_id: str, messages: Sequence[Message]) -> None:
    await sender_for(bot).answer_button(query_id, messages)


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


async def test_an_edit_failing_twice_then_succeeding_needs_no_apology() -> None:
    bot = FakeBot(failures={"editMessageText": [server_error(), dropped_connection()]})
    delivery = await deliver(bot, 7, [EditQuestion("Ça va ?\n✔️ Oui")], question_message_id=55)
    assert delivery == Delivery()
    assert [call[0] for call in bot.calls] == ["editMessageText"] * 3


async def test_a_question_refused_by_the_server_is_sent_again() -> None:
    bot = FakeBot(failures={"sendMessage": [server_error(), server_error()]})
    delivery = await deliver(bot, 7, [Send("Ça va ?", KEYBOARD, holds_question=True)], None)
    assert delivery == Delivery(question_message_id=101)
    assert len(bot.calls) == 3


async def test_a_question_whose_answer_was_lost_is_not_sent_twice() -> None:
    bot = FakeBot(failures={"sendMessage": [None, dropped_connection()]})
    marks: list[str] = []

    async def before_question() -> None:
        marks.append("being sent")

    messages = [Send("Bravo !"), Send("Ça va ?", KEYBOARD, holds_question=True)]
    delivery = await deliver(bot, 7, messages, 55, before_question=before_question)
    assert [call[1]["text"] for call in bot.calls] == ["Bravo !", "Ça va ?"]
    assert delivery == Delivery(question_unknown=True) and not delivery.gave_up
    assert marks == ["being sent"]


async def test_a_plain_text_whose_answer_was_lost_is_sent_again() -> None:
    bot = FakeBot(failures={"sendMessage": [dropped_connection()]})
    delivery = await deliver(bot, 7, [Send("Appelle le 119.")], None)
    assert [call[1]["text"] for call in bot.calls] == ["Appelle le 119.", "Appelle le 119."]
    assert delivery == Delivery()


async def test_the_budget_spent_means_giving_up_and_the_question_is_known_unsent() -> None:
    bot = FakeBot(failures={"sendMessage": [server_error() for _ in range(100)]})
    delivery = await deliver(bot, 7, [Send("Ça va ?", KEYBOARD, holds_question=True)], None)
    assert delivery.gave_up and delivery.question_unsent and delivery.question_message_id is None
    assert 3 < len(bot.calls) < 100


async def test_a_press_on_a_question_whose_message_is_unknown_edits_the_pressed_message() -> None:
    bot = FakeBot()
    delivery = await deliver(bot, 7, [EditQuestion("Ça va ?", KEYBOARD)], 0, pressed_message_id=42)
    assert [(call[0], call[1]["message_id"]) for call in bot.calls] == [("editMessageText", 42)]
    assert delivery == Delivery(question_message_id=42)
    bot = FakeBot()
    delivery = await deliver(bot, 7, [EditQuestion("Ça va ?\n✔️ Oui")], 0, pressed_message_id=42)
    assert bot.calls[0][1]["message_id"] == 42 and delivery == Delivery()


async def test_a_bad_request_on_a_send_gives_up_at_once() -> None:
    bot = FakeBot(failures={"sendMessage": [BadRequest("Message is too long")]})
    delivery = await deliver(bot, 7, [Send("x"), Send("y")], None)
    assert delivery.gave_up and len(bot.calls) == 1


async def test_a_failing_apology_never_raises() -> None:
    bot = FakeBot(failures={"sendMessage": [Forbidden("blocked")]})
    await sender_for(bot).say(7, "Oups")
    assert len(bot.calls) == 1


async def test_an_apology_whose_outcome_is_unknown_is_not_said_again() -> None:
    bot = FakeBot(failures={"sendMessage": [dropped_connection(), dropped_connection()]})
    await sender_for(bot).say(7, "Oups")
    assert len(bot.calls) == 1
    # A failure that did nothing (Telegram answered 500) is tried again, until it goes.
    bot = FakeBot(failures={"sendMessage": [server_error(), server_error()]})
    await sender_for(bot).say(7, "Oups")
    assert [call[0] for call in bot.calls] == ["sendMessage"] * 3


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
