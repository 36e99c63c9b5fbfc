"""The questionnaire: buttons, typed answers, Skip, Back, conditions, progress, completion."""

import pytest

from conversations.outputs import CompleteRun, DiscardAnswer, EditQuestion, SaveAnswer, Send
from conversations.state import Phase
from conversations.texts import SAFEGUARDING

from .transcript import Chat, plain_label

SAFEGUARDING_START = "If something is wrong, or if someone hurts you, you are not alone:"


def test_an_answer_is_saved_the_question_edited_and_the_next_asked(consented):
    chat = consented
    chat.press("More than 1 year")
    assert chat.effects() == [SaveAnswer("time_here", "over_1y")]
    assert chat.edits() == [EditQuestion("How long have you lived here?\n✔️ More than 1 year")]
    assert chat.sent() == [
        "Let’s start with feeling safe. There are no right or wrong answers.",
        "2/34\nDo you feel safe where you live?",
    ]
    assert chat.labels() == [
        "1. Yes, totally",
        "2. Mostly yes",
        "3. Mostly no",
        "4. No, not at all",
        "↩ Back",
        "⏭ Skip",
    ]


def test_effects_come_before_messages(consented):
    chat = consented
    chat.press("More than 1 year")
    kinds = [isinstance(output, (Send, EditQuestion)) for output in chat.outputs]
    assert kinds == sorted(kinds)


def test_yes_no_buttons_share_a_row_and_the_first_question_has_no_back(consented):
    chat = consented
    assert "↩ Back" not in chat.labels()
    chat.press("More than 1 year")
    chat.press("Yes, totally")
    chat.press("Yes, totally")
    assert chat.sent() == ["4/34\nIf someone hurts you, do you know who to tell?"]
    assert [len(row) for row in chat.keyboards()[-1].rows] == [2, 2]


def test_typing_the_number_or_the_label_also_works(consented):
    chat = consented
    chat.type("3")
    assert chat.answers == {"time_here": "over_1y"}
    chat.type("  MOSTLY   yes! ")
    assert chat.answers["safe_home"] == "mostly_yes"
    chat.type("Plutôt oui")  # the French label works too
    assert chat.answers["safe_night"] == "mostly_yes"
    chat.type("oui")
    assert chat.answers["who_to_tell"] == "yes"


def test_input_not_understood_is_asked_again_kindly_with_the_buttons(consented):
    chat = consented
    chat.type("9")
    assert chat.effects() == []
    assert chat.outputs == (
        Send(
            "Please answer with the buttons, or type the number of your answer.\n\n"
            "1/34\nHow long have you lived here?",  # the question again: it may be far up the chat
            chat.keyboards()[-1],
            holds_question=True,
        ),
    )
    assert plain_labels(chat)[:3] == ["Less than 3 months", "3 months to 1 year", "More than 1 year"]
    chat.press("Less than 3 months")
    assert chat.answers == {"time_here": "under_3m"}


@pytest.mark.parametrize("typed", ["-1", "- 1", "1-", "−1", "‐1", "❶", "➋", "⓵"])
def test_a_number_with_a_minus_sign_or_a_digit_emoji_is_asked_again_never_guessed(consented, typed):
    # « -1 » on « Do you feel safe? » means something, never the first button; « ❶ » is a digit
    # Python cannot read as a number (it had failed the whole message).
    chat = consented
    chat.type(typed)
    assert chat.effects() == [] and chat.answers == {}
    assert chat.sent() == [
        "Please answer with the buttons, or type the number of your answer.\n\n"
        "1/34\nHow long have you lived here?"
    ]
    chat.type("3️⃣")  # the keycap emoji is a number with its own characters: read
    assert chat.answers == {"time_here": "over_1y"}


def test_skip_records_prefer_not_to_answer(consented):
    chat = consented
    chat.press("Skip")
    assert chat.effects() == [SaveAnswer("time_here", None)]
    assert chat.edits()[0].text == "How long have you lived here?\n⏭ Skipped"
    chat.type("skip")
    assert chat.answers == {"time_here": None, "safe_home": None}


def test_back_shows_the_previous_answer_and_lets_the_youth_change_it(consented):
    chat = consented
    chat.press("More than 1 year")
    chat.press("Back")
    assert chat.edits() == [EditQuestion("Do you feel safe where you live?")]
    assert chat.sent() == ["1/34\nHow long have you lived here?"]
    assert "✅ 3. More than 1 year" in chat.labels()
    chat.press("3 months to 1 year")
    assert chat.answers == {"time_here": "3_to_12m"}
    assert chat.state.question_id == "safe_home"


def test_back_on_the_first_question_is_a_gentle_note(consented):
    chat = consented
    chat.press_data("b:time_here")
    assert chat.notice() == "This is the first question."
    assert chat.state.question_id == "time_here"


def test_conditions_hide_questions_and_progress_counts_what_can_still_be_shown(consented):
    chat = consented
    chat.press("Less than 3 months")  # the six "since you have lived here" questions disappear
    assert chat.sent()[-1].startswith("2/28\n")
    chat.press("Yes, totally")
    chat.press("Yes, totally")
    chat.press("Yes")
    assert chat.state.question_id == "school_now"  # safety_change was not asked
    assert chat.sent()[-1].startswith("5/28\n")


def test_a_changed_answer_discards_answers_it_now_hides(consented):
    chat = consented
    chat.press("More than 1 year")
    chat.press("Yes, totally")
    chat.press("Yes, totally")
    chat.press("Yes")
    chat.press("Much better")
    assert chat.answers["safety_change"] == "much_better"
    for _ in range(5):
        chat.press("Back")
    assert chat.state.question_id == "time_here"
    chat.press("Less than 3 months")
    assert chat.effects() == [SaveAnswer("time_here", "under_3m"), DiscardAnswer("safety_change")]
    assert "safety_change" not in chat.answers


def test_multiple_choice_toggles_with_check_marks_then_done(consented):
    chat = consented
    go_to(chat, "adults_count")
    chat.press("2")
    assert chat.state.question_id == "who_adults"
    assert chat.sent()[-1].endswith("You can choose more than one, then press “Done”.")
    chat.press("Someone in your family")
    assert chat.effects() == []
    assert chat.edits()[0].keyboard is not None
    chat.press("An educator here")
    assert "✅ 1. An educator here" in chat.labels() and "✅ 2. Someone in your family" in chat.labels()
    chat.press("Someone in your family")
    assert "2. Someone in your family" in chat.labels()
    chat.press("Someone in your family")
    chat.press("Done")
    assert chat.effects() == [SaveAnswer("who_adults", ("educator", "family"))]
    assert chat.edits()[0].text.endswith("\n✔️ An educator here, Someone in your family")


def test_done_without_a_choice_asks_for_one(consented):
    chat = consented
    go_to(chat, "adults_count")
    chat.press("2")
    chat.press("Done")
    assert chat.notice() == "Choose at least one answer, or press “Skip”."
    assert chat.state.question_id == "who_adults"


def test_a_worrying_answer_shows_help_at_once_and_leaves_no_trace(referentiel):
    chat = Chat(referentiel)
    twin = Chat(referentiel)
    for youth in (chat, twin):
        youth.enrol()
        youth.press("Yes, I agree")
        youth.press("More than 1 year")
    twin.press("Yes, totally")
    chat.press("No, not at all")
    assert chat.effects() == [SaveAnswer("safe_home", "not_at_all")]
    assert chat.sent()[0].startswith(SAFEGUARDING_START)
    assert "119" in chat.sent()[0] and "112" in chat.sent()[0] and "allo119.gouv.fr" in chat.sent()[0]
    assert chat.sent()[1].startswith("3/34\n")
    # The state differs from a reassured youth's only by the answer itself.
    assert chat.state.to_json() == twin.state.to_json().replace("yes_totally", "not_at_all")
    assert [type(output) for output in chat.outputs if not isinstance(output, Send)] == [
        type(output) for output in twin.outputs if not isinstance(output, Send)
    ]


def test_a_reassuring_answer_shows_no_help_block(consented):
    chat = consented
    chat.press("More than 1 year")
    chat.press("Yes, totally")
    assert not any(text.startswith(SAFEGUARDING_START) for text in chat.sent())


def test_completion_thanks_everyone_with_the_same_help_block_and_no_score(consented):
    chat = consented
    chat.answer_all(
        ["More than 1 year", "Yes, totally", "Yes", "High school", "2", "Someone in your family", "Alone"]
    )
    assert chat.state.phase is Phase.COMPLETED
    assert chat.completed
    assert CompleteRun() in chat.effects()
    assert chat.sent() == [
        "That's all, thank you! 🙏\nYour answers are saved. Nobody here will see them.",
        chat.context().text(SAFEGUARDING),
    ]
    assert chat.answers == chat.state.answers
    assert len(chat.answers) == 34
    chat.type("hello")
    assert chat.sent() == [
        "You have already answered everything. Thank you!\nTo erase your answers, send /stop."
    ]
    assert chat.remind() == ()


def test_a_trigger_in_a_multiple_choice_shows_help_at_once(tiny_chat):
    chat = tiny_chat
    chat.type("15")
    chat.press("Nobody")
    chat.press("Done")
    assert chat.sent()[0].startswith(SAFEGUARDING_START)


def test_a_trigger_on_the_last_answer_shows_the_help_block_once(tiny_chat):
    chat = tiny_chat
    chat.type("15")
    chat.press("Skip")
    chat.press("Skip")
    chat.press("No")
    assert chat.state.phase is Phase.COMPLETED
    assert sum(text.startswith(SAFEGUARDING_START) for text in chat.sent()) == 1
    assert chat.sent()[-1].startswith(SAFEGUARDING_START)


def test_numbers_are_validated_and_asked_again_kindly(tiny_chat):
    chat = tiny_chat
    assert chat.sent()[-1] == "1/5\nHow old are you?\nType a number between 10 and 21."
    chat.type("fifteen")
    assert chat.sent() == [
        "Sorry, I need a number between 10 and 21.\n\n1/5\nHow old are you?\nType a number between 10 and 21."
    ]
    chat.type("99")
    assert chat.effects() == []
    chat.type(" 15 ")
    assert chat.effects() == [SaveAnswer("age", 15)]
    assert chat.edits()[0].text == "How old are you?\n✔️ 15"
    assert chat.sent()[0] == "Let's talk about the people around you."


def test_an_exclusive_option_clears_the_others(tiny_chat):
    chat = tiny_chat
    chat.type("15")
    chat.press("My family")
    chat.press("A friend")
    chat.press("Nobody")
    assert chat.state.selection == ("nobody",)
    chat.press("My family")
    assert chat.state.selection == ("family",)


def test_typed_multiple_choice_and_conditional_follow_up(tiny_chat):
    chat = tiny_chat
    chat.type("15")
    chat.type("1, 2")
    assert chat.answers["who"] == ("family", "friend")
    assert chat.state.question_id == "friend_kind"
    chat.type("1 3")  # "nobody" cannot be combined: not understood
    chat.press("Back")
    chat.type("1 3")
    assert chat.effects() == []
    chat.type("nobody")
    assert chat.effects() == [SaveAnswer("who", ("nobody",))]
    assert chat.state.question_id == "wish"


def test_short_text_is_saved_as_typed(tiny_chat):
    chat = tiny_chat
    chat.press("Skip")
    chat.press("Skip")
    assert chat.sent() == ["Now about doing things on your own.", "3/4\nA wish?\nType your answer."]
    chat.type("  A dog  ")
    assert chat.effects() == [SaveAnswer("wish", "A dog")]
    assert chat.edits()[0].text == "A wish?\n✔️ A dog"


def plain_labels(chat):
    return [plain_label(label) for label in chat.labels()]


def go_to(chat, question_id):
    """Answer "Yes, totally" (or the first option) until ``question_id`` is asked."""
    while chat.state.question_id != question_id:
        chat.press(plain_labels(chat)[0])


def test_a_bare_number_is_not_guessed_when_the_options_are_numbers(consented):
    # "How many adults can you call?" shows "1. None", "2. 1", "3. 2", "4. 3 or more": a typed "2"
    # could be the second button ("1") or two adults ("2"); storing either could be wrong.
    chat = consented
    chat.state = chat.state.moved(question_id="adults_count")
    for typed in ("0", "1", "2", "3", "4"):
        chat.type(typed)
        assert "adults_count" not in chat.answers, typed
        assert chat.effects() == []
    chat.type("3 or more")  # a whole label is not ambiguous
    assert chat.answers["adults_count"] == "three_plus"


def test_where_the_options_are_numbers_the_re_ask_does_not_tell_to_type_the_number(consented):
    chat = consented
    chat.state = chat.state.moved(question_id="adults_count")
    for typed in ("2", "two adults"):
        chat.type(typed)
        assert chat.sent()[0].startswith(
            "Please press the button of your answer: here the answers are numbers, "
            "so a typed number could mean two things.\n\n"
        )
        assert plain_labels(chat)[:4] == ["None", "1", "2", "3 or more"]
    chat.send_sticker()
    assert chat.sent()[0].startswith(
        "I can only read text and buttons. Please press the button of your answer"
    )
    assert "type the number" not in " ".join(chat.sent())
    chat.press("2")
    assert chat.answers["adults_count"] == "two"


def test_back_then_forward_again_does_not_repeat_the_introduction(consented):
    chat = consented
    introduction = "Let’s start with feeling safe. There are no right or wrong answers."
    chat.press("More than 1 year")
    assert chat.sent() == [introduction, "2/34\nDo you feel safe where you live?"]
    chat.press("Back")
    chat.press("3 months to 1 year")
    assert chat.sent() == ["2/34\nDo you feel safe where you live?"]
    # The same after going back two questions, and after changing the path on the way.
    chat.press("Yes, totally")
    chat.press("Back")
    chat.press("Back")
    chat.press("Less than 3 months")
    assert chat.sent() == ["2/28\nDo you feel safe where you live?"]


def test_entering_each_dimension_still_shows_its_introduction_once(consented):
    chat = consented
    introductions = []
    while chat.state.question_id is not None:
        chat.press("Skip")
        introductions += [text for text in chat.sent() if "/" not in text.split("\n")[0]]
    dimensions = [dimension.introduction["en"] for dimension in chat.referentiel.dimensions]
    assert [text for text in introductions if text in dimensions] == dimensions
