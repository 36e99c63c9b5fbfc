"""Follow-up questionnaires: the offer, "No, thanks", and a later wave's fresh start with consent again."""

from datetime import timedelta

import pytest

from conversations import callback_data
from conversations.errors import InvalidEventError
from conversations.events import ButtonPressed, CommandReceived, FollowUpStarted, Restarted, TextReceived
from conversations.follow_ups import offer_follow_up, starts_follow_up
from conversations.outputs import RecordConsent, Send
from conversations.state import Phase
from conversations.texts import NOTICE_VERSION

from .transcript import Chat

OFFER_BODY = (
    "Here is the follow-up questionnaire: the same kind of questions, to see what has changed for you. "
    "It takes about 4 to 6 minutes.\n"
    "It's your choice, as last time."
)
OFFER = f"Hi! 👋 It's me, Voix. Some time has passed since your answers.\n{OFFER_BODY}"
# When the youth finished their last questionnaire, as the shell reads it from the completed run.
HALF_A_YEAR = timedelta(days=180)


@pytest.fixture
def completed(consented: Chat) -> Chat:
    """Return a chat whose T0 questionnaire is completed (every question skipped)."""
    consented.answer_all()
    assert consented.state.phase is Phase.COMPLETED
    return consented


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


def test_no_thanks_on_the_offer_removes_its_buttons_says_goodbye_and_stores_nothing(completed: Chat) -> None:
    completed.offered_wave = "T1"
    completed.press_data(callback_data.follow_up("T1", start=False))
    assert completed.state.phase is Phase.COMPLETED
    assert completed.effects() == []
    [edit] = completed.edits()
    assert edit.text == f"{OFFER_BODY}\n\n✔️ No, thanks"  # the answered offer, whenever it was sent
    assert edit.keyboard is None
    assert completed.sent() == [
        "OK, no problem. I won't write to you again. If you change your mind, send /start."
    ]


def test_offer_buttons_the_shell_did_not_take_are_old_buttons(completed: Chat) -> None:
    completed.press_data(callback_data.follow_up("T1", start=True))
    assert completed.notice() == "This button is no longer active. Please answer the last message."
    assert completed.sent() == [] and completed.state.phase is Phase.COMPLETED
    completed.press_data("n:T9")  # forged wave
    assert completed.notice() == "This button is no longer active. Please answer the last message."
    assert completed.sent() == []


def test_no_thanks_of_an_offer_no_longer_open_is_an_old_button(completed: Chat) -> None:
    completed.press_data(callback_data.follow_up("T1", start=False))  # nothing on offer
    assert completed.notice() == "This button is no longer active. Please answer the last message."
    assert completed.edits() == [] and completed.sent() == []
    completed.offered_wave = "exit"
    completed.press_data(callback_data.follow_up("T1", start=False))  # an older offer's button
    assert completed.edits() == [] and completed.sent() == []


def test_which_moves_start_an_offered_follow_up() -> None:
    starting = [
        Restarted(),
        TextReceived("ok"),
        CommandReceived("reprendre"),
        CommandReceived("/Resume@voix_bot"),
        ButtonPressed("f:T1"),
    ]
    assert all(starts_follow_up(event, "T1") for event in starting)
    others = [
        CommandReceived("stop"),
        CommandReceived("aide"),
        CommandReceived("langue"),
        ButtonPressed("n:T1"),
        ButtonPressed("f:exit"),
        ButtonPressed("forged"),
    ]
    assert not any(starts_follow_up(event, "T1") for event in others)


def test_the_offer_is_sent_once_per_output_and_plain_text(chat: Chat) -> None:
    outputs = offer_follow_up(chat.context(), "exit", chat.context().now - HALF_A_YEAR)
    assert all(isinstance(output, Send) and len(output.text) <= 4096 for output in outputs)
    assert "leaving questionnaire" in outputs[0].text


@pytest.mark.parametrize("elapsed", [timedelta(minutes=3), timedelta(hours=20), timedelta(days=6)])
def test_an_offer_soon_after_the_last_answers_does_not_say_time_has_passed(chat: Chat, elapsed) -> None:
    now = chat.context().now
    [offer] = offer_follow_up(chat.context(), "T1", now - elapsed)
    assert offer.text == f"Hi! 👋 It's me, Voix, again.\n{OFFER_BODY}"
    assert "time has passed" not in offer.text


@pytest.mark.parametrize("elapsed", [timedelta(days=7), HALF_A_YEAR, timedelta(days=400)])
def test_an_offer_after_a_while_says_so(chat: Chat, elapsed) -> None:
    [offer] = offer_follow_up(chat.context(), "T1", chat.context().now - elapsed)
    assert offer.text == OFFER


def test_the_offer_in_french_after_minutes_and_after_months(referentiel, catalogs) -> None:
    french = Chat(referentiel, "fr", catalogs).context()
    [soon] = offer_follow_up(french, "exit", french.now - timedelta(minutes=10))
    [later] = offer_follow_up(french, "T1", french.now - HALF_A_YEAR)
    assert soon.text.startswith("Salut ! 👋 C’est encore Voix.\nVoici le questionnaire de départ")
    assert later.text.startswith("Salut ! 👋 C’est Voix. Ça fait un moment que tu as répondu.\n")
    assert "Ça prend entre 4 et 6 minutes environ." in later.text
