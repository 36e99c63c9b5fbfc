"""Input the engine did not ask for: old buttons, forged data, stickers, restarts."""

import pytest

from conversations import callback_data
from conversations.outputs import Notice
from conversations.state import Phase

OLD_BUTTON = "This button is no longer active. Please answer the last message."


def test_an_old_question_button_is_ignored_gently(consented):
    chat = consented
    chat.press("More than 1 year")
    chat.press_old("Less than 3 months")
    assert chat.outputs == (Notice(OLD_BUTTON),)
    assert chat.answers == {"time_here": "over_1y"}
    assert chat.state.question_id == "safe_home"


@pytest.mark.parametrize(
    "data",
    [
        "",
        "zzz",
        "a:safe_home",
        "a:time_here:nonsense",
        "a:time_here:yes_totally",  # an option of another question
        "a:time_here:under_3m:extra",
        "t:time_here:under_3m",  # a toggle on a single-answer question
        "v:time_here",
        "a:TIME_HERE:under_3m",
        "a:time_here:" + "x" * 70,
        "c:yes",  # consent again, already given
        "x:yes",  # an erase button without the confirmation step
        "é:é",
    ],
)
def test_forged_or_misplaced_data_stores_nothing(consented, data):
    chat = consented
    before = chat.state
    chat.press_data(data)
    assert chat.outputs == (Notice(OLD_BUTTON),)
    assert chat.state == before
    assert chat.answers == {}


def test_stickers_photos_and_edited_messages_get_the_buttons_again(consented):
    chat = consented
    chat.send_sticker()
    assert chat.sent() == [
        "I can only read text and buttons. Please answer with the buttons, or type the number of your answer."
        "\n\n1/34\nHow long have you lived here?"
    ]
    assert chat.keyboards()[-1].buttons()[0].data == callback_data.answer("time_here", "under_3m")
    assert chat.effects() == []


def test_an_edited_answer_is_not_read_and_back_is_named(consented):
    # The youth put an answer right by editing it: that edit is never taken, and they are told so.
    chat = consented
    chat.type("1")
    chat.send_edit("2")
    assert chat.sent() == [
        "I do not read edited messages. To change an answer, press “Back”. Please answer with the "
        "buttons, or type the number of your answer.\n\n2/28\nDo you feel safe where you live?"
    ]
    assert chat.answers == {"time_here": "under_3m"} and chat.effects() == []
    # On the first question there is no « Back » to name.
    chat.press("Back")
    chat.send_edit("3")
    assert chat.sent()[0].startswith("I do not read edited messages. Please answer with the buttons")


def test_restart_shows_the_current_question_again(consented):
    chat = consented
    chat.press("More than 1 year")
    chat.restart()
    assert chat.sent() == ["Welcome back! Here is where we were:", "2/34\nDo you feel safe where you live?"]
    assert chat.effects() == []


def test_a_double_tap_stores_the_answer_once(consented):
    chat = consented
    data = chat.button("More than 1 year", chat.keyboards()[-1:]).data
    chat.press_data(data)
    chat.press_data(data)
    assert chat.outputs == (Notice(OLD_BUTTON),)
    assert chat.answers == {"time_here": "over_1y"}


def test_a_press_after_completion_is_ignored(tiny_chat):
    chat = tiny_chat
    chat.answer_all()
    assert chat.state.phase is Phase.COMPLETED
    chat.press_data("s:feel_ok")
    assert chat.outputs == (Notice(OLD_BUTTON),)
