"""Pause and resume, reminders, /stop with confirmation, /aide, /langue."""

from conversations.outputs import ChangeLocale, EraseYouth, Notice, Send
from conversations.state import ConversationState, Phase
from conversations.typed_answers import typed_command
from referentiel.loading import shipped_referentiels

from .transcript import Chat

WELCOME_BACK = "Welcome back! Here is where we were:"


def test_pause_then_resume_exactly_where_the_youth_was(consented):
    chat = consented
    chat.press("More than 1 year")
    chat.command("pause")
    assert chat.state.phase is Phase.PAUSED
    assert chat.sent() == [
        "OK, let's take a break. Your answers are saved.\n"
        "Come back whenever you want: press “Continue”, send /reprendre or any message."
    ]
    assert chat.labels() == ["▶️ Continue"]
    chat.command("reprendre")
    assert chat.state.phase is Phase.QUESTIONNAIRE
    assert chat.sent() == [WELCOME_BACK, "2/34\nDo you feel safe where you live?"]


def test_any_message_resumes_and_an_answer_typed_is_taken(consented):
    chat = consented
    chat.command("pause")
    chat.type("hi")
    assert chat.sent() == [WELCOME_BACK, "1/34\nHow long have you lived here?"]
    chat.command("pause")
    chat.type("2")
    assert chat.answers == {"time_here": "3_to_12m"}
    assert chat.state.phase is Phase.QUESTIONNAIRE


def test_pressing_the_paused_question_resumes_and_answers(consented):
    chat = consented
    chat.command("pause")
    chat.press_old("More than 1 year")
    assert chat.answers == {"time_here": "over_1y"}
    assert chat.state.phase is Phase.QUESTIONNAIRE
    chat.command("pause")
    chat.press_data("a:time_here:under_3m")  # an older question's button: still paused
    assert chat.notice() == "This button is no longer active. Please answer the last message."
    assert chat.state.phase is Phase.PAUSED


def test_continue_button_resume_after_restart_of_the_bot(consented, referentiel):
    chat = consented
    chat.press("More than 1 year")
    chat.command("pause")
    stored = chat.state.to_json()
    again = Chat(referentiel)  # a new process: only the stored state is left
    again.state = ConversationState.from_json(stored)
    again.press_data("r")
    assert again.sent() == [WELCOME_BACK, "2/34\nDo you feel safe where you live?"]


def test_a_second_pause_and_a_restart_while_paused(consented):
    chat = consented
    chat.command("pause")
    chat.command("pause")
    assert chat.sent() == ["You are taking a break. Press “Continue” when you want."]
    chat.restart()
    assert chat.sent()[0] == WELCOME_BACK


def test_reminders_nudge_only_a_questionnaire_in_progress(consented):
    chat = consented
    chat.remind()
    assert chat.sent() == [
        "Hi! 👋 You can finish the questions whenever you want. It only takes a few minutes."
    ]
    assert chat.labels() == ["▶️ Continue"]
    chat.press("Continue")
    assert chat.sent() == [WELCOME_BACK, "1/34\nHow long have you lived here?"]
    chat.command("pause")
    assert chat.remind()[0] == Send(chat.sent()[0], chat.keyboards()[-1])
    assert chat.state.phase is Phase.PAUSED


def test_stop_asks_for_confirmation_and_cancel_keeps_everything(consented):
    chat = consented
    chat.press("More than 1 year")
    chat.command("stop")
    assert chat.state.phase is Phase.CONFIRMING_STOP
    assert chat.sent() == [
        "Do you want to stop and erase everything you answered?\n"
        "This cannot be undone. Nothing happens to you if you stop."
    ]
    assert chat.labels() == ["🗑 Yes, erase everything", "↩ No, keep going"]
    chat.type("hmm")  # the confirmation is asked again
    assert chat.state.phase is Phase.CONFIRMING_STOP
    chat.press("No, keep going")
    assert chat.effects() == []
    assert chat.sent() == ["OK, nothing is erased.", "2/34\nDo you feel safe where you live?"]
    assert chat.answers == {"time_here": "over_1y"}


def test_stop_confirmed_erases_the_youth(consented):
    chat = consented
    chat.press("More than 1 year")
    chat.command("pause")
    chat.command("stop")
    chat.press("Yes, erase everything")
    assert chat.effects() == [EraseYouth()]
    assert chat.sent() == [
        "Done: your answers and your contact are erased. I won't write to you again. Take care!"
    ]
    assert chat.state == ConversationState(phase=Phase.ERASED)
    assert chat.erased and chat.answers == {}
    for action in (chat.remind, chat.restart, lambda: chat.type("hello"), lambda: chat.press_data("r")):
        assert [output for output in action() if not isinstance(output, Notice)] == []


def test_stop_after_completion_or_a_no(chat):
    chat.enrol()
    chat.press("No, thanks")
    chat.command("stop")
    chat.press("No, keep going")
    assert chat.sent() == ["OK, nothing is erased."]
    assert chat.state.phase is Phase.DECLINED
    assert chat.remind() == ()


def test_help_at_any_time_then_what_is_waiting(consented):
    chat = consented
    chat.command("aide")
    assert chat.sent()[0].startswith("I'm Voix")
    assert "/pause" in chat.sent()[0] and "/stop" in chat.sent()[0] and "/langue" in chat.sent()[0]
    assert "119" in chat.sent()[1]
    assert chat.sent()[2:] == ["1/34\nHow long have you lived here?"]  # no "welcome back": they never left
    chat.command("whatever")  # an unknown command gets help too
    assert chat.sent()[0].startswith("I'm Voix")
    assert chat.sent()[2:] == ["1/34\nHow long have you lived here?"]
    chat.command("pause")
    chat.command("aide")  # help while paused shows the question too, without a greeting
    assert WELCOME_BACK not in chat.sent()
    assert chat.sent()[-1] == "1/34\nHow long have you lived here?"


def test_language_buttons_change_the_locale_and_ask_again_in_it(referentiel):
    chat = Chat(referentiel, translate=lambda locale, message: f"[{locale}] {message}")
    chat.enrol()
    chat.press("[en] Yes, I agree")
    chat.command("langue")
    assert chat.sent() == ["[en] Choose your language:"]
    assert chat.labels() == ["Français", "English"]
    chat.press("Français")
    assert chat.effects() == [ChangeLocale("fr")]
    assert chat.locale == "fr"
    assert chat.sent() == [
        "[fr] OK, I will write in English.",
        "[fr] 1/34\nDepuis combien de temps tu vis ici ?",
    ]
    assert chat.labels()[0] == "1. Moins de 3 mois"


def test_a_forged_language_is_ignored(consented):
    chat = consented
    chat.press_data("l:de")
    assert chat.notice() == "This button is no longer active. Please answer the last message."
    assert chat.effects() == []


def test_stop_pause_or_help_typed_as_words_are_the_commands(consented):
    # A youth who types « stop » after a hard question wants out: never « answer with the buttons ».
    chat = consented
    chat.press("More than 1 year")
    for typed in ("stop", "Stop !", "Je veux arrêter", "efface tout"):
        chat.type(typed)
        assert chat.state.phase is Phase.CONFIRMING_STOP, typed
        assert chat.labels() == ["🗑 Yes, erase everything", "↩ No, keep going"]
        chat.press("No, keep going")
    chat.type("pause")
    assert chat.state.phase is Phase.PAUSED
    chat.type("aide")
    assert chat.sent()[0].startswith("I'm Voix")
    chat.type("stopped")  # not a command word: resumes the paused questionnaire, as any message
    assert chat.state.phase is Phase.QUESTIONNAIRE and chat.answers == {"time_here": "over_1y"}


def test_no_option_of_a_shipped_referentiel_reads_as_a_typed_command() -> None:
    # Else typing that option's label would stop or pause instead of answering.
    labels = [
        label
        for referentiel in shipped_referentiels()
        for question in referentiel.questions
        for option in question.options
        for label in option.label.values()
    ]
    assert len(labels) > 100
    assert [label for label in labels if typed_command(label) is not None] == []
