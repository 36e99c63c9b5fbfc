"""Follow-up questionnaires: the offer, "Start" and "No, thanks", and a later wave's fresh start."""

import json
from datetime import timedelta

import pytest

from conversations import callback_data
from conversations.errors import InvalidEventError
from conversations.events import FollowUpStarted
from conversations.follow_ups import offer_follow_up
from conversations.outputs import RecordConsent, Send, StartFollowUp
from conversations.state import ConversationState, Phase
from conversations.texts import NOTICE_VERSION

from .transcript import Chat

OFFER_BODY = (
    "Here is the follow-up questionnaire: the same kind of questions, to see what has changed for you. "
    "It takes about 4 to 6 minutes.\n"
    "It's your choice, as last time."
)
OFFER = f"Hi! 👋 It's me, Voix. Some time has passed since your answers.\n{OFFER_BODY}"
# When the youth finished their last questionnaire, as the shell reads it from their finished run.
HALF_A_YEAR = timedelta(days=180)
OLD_BUTTON = "This button is no longer active. Please answer the last message."


@pytest.fixture
def completed(consented: Chat) -> Chat:
    """Return a chat whose T0 questionnaire is completed (every question skipped)."""
    consented.answer_all()
    assert consented.state.phase is Phase.COMPLETED
    return consented


@pytest.fixture
def offered(completed: Chat) -> Chat:
    """Return a completed chat to which the T1 offer was just sent."""
    completed.follow_up_due("T1", HALF_A_YEAR)
    return completed


def test_the_offer_names_the_wave_and_has_start_and_no_thanks(chat: Chat) -> None:
    [offer] = offer_follow_up(chat.context(), "T1", chat.context().now - HALF_A_YEAR)
    assert offer.text == OFFER
    assert offer.holds_question
    assert offer.keyboard is not None
    assert [(button.label, button.data) for button in offer.keyboard.buttons()] == [
        ("▶️ Start", "f:T1"),
        ("❌ No, thanks", "n:T1"),
    ]
    assert callback_data.parse("f:T1") == callback_data.ButtonData(callback_data.Action.FOLLOW_UP, value="T1")


def test_an_offer_of_a_wave_the_referentiel_lacks_is_a_shell_bug(chat: Chat) -> None:
    with pytest.raises(InvalidEventError):
        offer_follow_up(chat.context(), "T9", chat.context().now - HALF_A_YEAR)


def test_a_due_follow_up_is_offered_to_a_completed_questionnaire(offered: Chat) -> None:
    assert offered.state.phase is Phase.OFFERED
    assert offered.state.offered_wave == "T1"
    assert offered.sent() == [OFFER]
    assert offered.labels() == ["▶️ Start", "❌ No, thanks"]
    assert offered.effects() == []


def test_start_asks_the_shell_to_open_the_waves_run_and_closes_this_one(offered: Chat) -> None:
    offered.press("Start")
    assert offered.effects() == [StartFollowUp("T1")]
    assert offered.sent() == [] and offered.state.phase is Phase.CLOSED
    offered.type("hello")  # a closed run is no longer the youth's conversation: nothing happens here
    assert offered.outputs == ()


@pytest.mark.parametrize("move", ["type", "restart", "reprendre", "resume"])
def test_any_message_or_start_or_reprendre_starts_the_offered_questionnaire(offered: Chat, move: str) -> None:
    if move == "type":
        offered.type("ok")
    elif move == "restart":
        offered.restart()
    else:
        offered.command(move)
    assert offered.effects() == [StartFollowUp("T1")]


def test_stop_help_and_language_keep_their_meaning_while_an_offer_is_open(offered: Chat) -> None:
    offered.command("aide")
    assert offered.sent()[-1] == OFFER_BODY and offered.state.phase is Phase.OFFERED  # shown again
    offered.command("langue")
    assert offered.effects() == [] and offered.state.phase is Phase.OFFERED
    offered.command("stop")
    assert offered.state.phase is Phase.CONFIRMING_STOP
    offered.press("No, keep going")
    assert offered.sent() == ["OK, nothing is erased.", OFFER_BODY]
    assert offered.state.phase is Phase.OFFERED


def test_no_thanks_on_the_offer_removes_its_buttons_says_goodbye_and_stores_nothing(offered: Chat) -> None:
    offered.press("No, thanks")
    assert offered.state.phase is Phase.OFFERED
    assert offered.effects() == []
    [edit] = offered.edits()
    assert edit.text == f"{OFFER_BODY}\n\n✔️ No, thanks"  # the answered offer, whenever it was sent
    assert edit.keyboard is None
    assert offered.sent() == [
        "OK, no problem. I won't write to you again. If you change your mind, send /start."
    ]
    offered.restart()  # writing again later starts it
    assert offered.effects() == [StartFollowUp("T1")]


def test_buttons_of_an_offer_no_longer_open_are_old_buttons(completed: Chat, offered: Chat) -> None:
    offered.press_data(callback_data.follow_up("exit", start=True))  # not the offer open
    assert offered.notice() == OLD_BUTTON and offered.effects() == []
    offered.press_data(callback_data.follow_up("exit", start=False))
    assert offered.notice() == OLD_BUTTON and offered.edits() == [] and offered.sent() == []
    offered.press_data("n:T9")  # forged wave
    assert offered.notice() == OLD_BUTTON and offered.state.phase is Phase.OFFERED


def test_offer_buttons_on_a_questionnaire_at_rest_without_an_offer_are_old_buttons(completed: Chat) -> None:
    completed.press_data(callback_data.follow_up("T1", start=True))
    assert completed.notice() == OLD_BUTTON
    assert completed.sent() == [] and completed.state.phase is Phase.COMPLETED
    completed.press_data(callback_data.follow_up("T1", start=False))
    assert completed.notice() == OLD_BUTTON and completed.edits() == [] and completed.sent() == []


def test_a_later_waves_offer_replaces_the_one_still_open(offered: Chat) -> None:
    offered.follow_up_due("exit", HALF_A_YEAR)
    assert offered.state.offered_wave == "exit"
    assert "leaving questionnaire" in offered.sent()[0]
    offered.press_data(callback_data.follow_up("T1", start=True))  # the older offer's button
    assert offered.notice() == OLD_BUTTON
    offered.press_data(callback_data.follow_up("exit", start=True))
    assert offered.effects() == [StartFollowUp("exit")]


def test_a_youth_who_said_no_to_a_follow_up_can_be_offered_the_next_one(completed: Chat) -> None:
    completed.start_follow_up("T1")
    completed.press("No, thanks")  # the T1 notice
    assert completed.state.phase is Phase.DECLINED
    completed.follow_up_due("exit", timedelta(minutes=2))
    assert completed.state.phase is Phase.OFFERED
    assert "leaving questionnaire" in completed.sent()[0]
    completed.press("Start")
    assert completed.effects() == [StartFollowUp("exit")]


def test_an_offer_due_while_a_stop_waits_for_confirmation_comes_once_it_is_cancelled(completed: Chat) -> None:
    completed.command("stop")
    completed.follow_up_due("T1", HALF_A_YEAR)
    assert completed.outputs == ()
    assert completed.state.phase is Phase.CONFIRMING_STOP
    completed.type("hmm")  # the stop question, again: the offer does not take over
    assert "erase everything" in completed.sent()[0]
    completed.press("No, keep going")
    assert completed.sent() == ["OK, nothing is erased.", OFFER_BODY]
    assert completed.state.phase is Phase.OFFERED


def test_an_offer_is_never_shown_during_a_questionnaire(consented: Chat) -> None:
    consented.follow_up_due("T1", HALF_A_YEAR)
    assert consented.outputs == ()
    assert consented.state.phase is Phase.QUESTIONNAIRE


def test_an_invitation_of_a_later_wave_starts_it_after_a_finished_questionnaire(completed: Chat) -> None:
    completed.open_invitation("T1")
    assert completed.effects() == [StartFollowUp("T1")]
    assert completed.state.phase is Phase.CLOSED


def test_an_invitation_during_a_questionnaire_or_a_stop_question_only_resumes(consented: Chat) -> None:
    question = consented.sent()[-1]
    consented.open_invitation("T1")
    assert consented.effects() == [] and consented.sent()[-1] == question  # as /start does
    consented.command("stop")
    consented.open_invitation("T1")
    assert consented.effects() == [] and "erase everything" in consented.sent()[0]


def test_a_follow_up_starts_fresh_with_a_greeting_and_the_notice_again(completed: Chat) -> None:
    completed.start_follow_up("T1")
    assert completed.state.phase is Phase.CONSENT
    assert completed.state.answers == {}
    greeting, notice = completed.sent()
    assert greeting == (
        "Welcome back! 👋 This is the follow-up questionnaire.\n"
        "It's a new questionnaire, so here is again what it is about."
    )
    assert notice.startswith("Hi! I'm Voix 👋")
    assert completed.labels() == ["✅ Yes, I agree", "❌ No, thanks"]
    assert completed.effects() == []
    completed.press("Yes, I agree")
    assert completed.effects() == [RecordConsent(NOTICE_VERSION)]
    assert completed.sent()[-1] == "1/34\nHow long have you lived here?"


def test_a_follow_up_can_be_declined_at_its_notice_like_the_first_one(completed: Chat) -> None:
    completed.start_follow_up("exit")
    assert "This is the leaving questionnaire." in completed.sent()[0]
    completed.press("No, thanks")
    assert completed.state.phase is Phase.DECLINED
    assert completed.declined


def test_follow_up_started_on_a_run_already_begun_is_a_shell_bug(completed: Chat) -> None:
    with pytest.raises(InvalidEventError):
        completed.step(FollowUpStarted("T1"))


def test_reminders_say_nothing_to_an_open_offer(offered: Chat) -> None:
    offered.remind()
    assert offered.outputs == () and offered.state.phase is Phase.OFFERED


def test_a_state_stored_before_offers_were_in_the_table_still_reads() -> None:
    older = {"format": 1, "phase": "completed", "question_id": None, "answers": {}, "selection": []}
    assert ConversationState.from_json(json.dumps({**older, "resume_phase": None})) == ConversationState(
        phase=Phase.COMPLETED
    )


def test_the_offer_is_sent_once_per_output_and_plain_text(chat: Chat) -> None:
    outputs = offer_follow_up(chat.context(), "exit", chat.context().now - HALF_A_YEAR)
    assert all(isinstance(output, Send) and len(output.text) <= 4096 for output in outputs)
    assert "leaving questionnaire" in outputs[0].text


@pytest.mark.parametrize("elapsed", [timedelta(minutes=3), timedelta(hours=20), timedelta(days=6)])
def test_an_offer_soon_after_the_last_answers_does_not_say_time_has_passed(completed: Chat, elapsed) -> None:
    completed.follow_up_due("T1", elapsed)
    assert completed.sent() == [f"Hi! 👋 It's me, Voix, again.\n{OFFER_BODY}"]


@pytest.mark.parametrize("elapsed", [timedelta(days=7), HALF_A_YEAR, timedelta(days=400)])
def test_an_offer_after_a_while_says_so(completed: Chat, elapsed) -> None:
    completed.follow_up_due("T1", elapsed)
    assert completed.sent() == [OFFER]


def test_the_offer_in_french_after_minutes_and_after_months(referentiel, catalogs) -> None:
    french = Chat(referentiel, "fr", catalogs).context()
    [soon] = offer_follow_up(french, "exit", french.now - timedelta(minutes=10))
    [later] = offer_follow_up(french, "T1", french.now - HALF_A_YEAR)
    assert soon.text.startswith("Salut ! 👋 C’est encore Voix.\nVoici le questionnaire de départ")
    assert later.text.startswith("Salut ! 👋 C’est Voix. Ça fait un moment que tu as répondu.\n")
    assert "Ça prend entre 4 et 6 minutes environ." in later.text
