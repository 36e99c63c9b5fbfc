"""Information and consent: the notice, "yes", "no" respected, coming back, strangers."""

import pytest

from conversations.errors import InvalidEventError
from conversations.outputs import RecordConsent, RecordDeclined, Send
from conversations.state import Phase
from conversations.strangers import greet_stranger, reject_invitation, throttled
from conversations.texts import NOTICE_VERSION

from .transcript import Chat


def test_enrolment_shows_the_notice_with_explicit_buttons(chat):
    chat.enrol()
    assert chat.state.phase is Phase.CONSENT
    notice = chat.last_text()
    for promise in (
        "Your educators only see whether you answered. Never what you answered.",
        "groups of at least 10 young people",
        "It's your choice",
        "You can skip any question.",
        "have your answers erased: send /stop",
        "kept 2 years at most",
        "feeling safe, school, health",
    ):
        assert promise in notice
    assert chat.labels() == ["✅ Yes, I agree", "❌ No, thanks"]
    assert chat.outputs[-1] == Send(notice, chat.keyboards()[-1], holds_question=True)


def test_the_notice_promises_the_deployment_group_size(referentiel):
    chat = Chat(referentiel, minimum_group_size=15)
    chat.enrol()
    assert "groups of at least 15 young people" in chat.last_text()
    assert "at least 10" not in chat.last_text()


def test_agreeing_records_the_notice_version_and_asks_the_first_question(chat):
    chat.enrol()
    chat.press("Yes, I agree")
    assert chat.consents == [NOTICE_VERSION]
    assert chat.effects() == [RecordConsent(NOTICE_VERSION)]
    assert chat.edits()[0].text.endswith("✔️ Yes, I agree")
    assert chat.edits()[0].keyboard is None
    assert chat.sent() == [
        "Thank you! Let's go.\nPress “Skip” if you prefer not to answer, "
        "and “Back” to change your last answer. Send /pause to take a break.",
        "1/34\nHow long have you lived here?",
    ]
    assert chat.state.phase is Phase.QUESTIONNAIRE


def test_no_is_respected_until_the_youth_comes_back(chat):
    chat.enrol()
    chat.press("No, thanks")
    assert chat.effects() == [RecordDeclined()]
    assert chat.sent() == [
        "OK, no problem. I won't write to you again. If you change your mind, send /start."
    ]
    assert chat.state.phase is Phase.DECLINED
    assert chat.remind() == ()
    chat.restart()
    assert chat.state.phase is Phase.CONSENT
    assert chat.labels() == ["✅ Yes, I agree", "❌ No, thanks"]
    chat.press("Yes, I agree")
    assert chat.consents == [NOTICE_VERSION]
    assert chat.state.question_id == "time_here"


def test_any_message_after_a_no_offers_consent_again(chat):
    chat.enrol()
    chat.press("No, thanks")
    chat.type("hello?")
    assert "Do you want to answer?" in chat.last_text()
    assert chat.state.phase is Phase.CONSENT


def test_typing_instead_of_pressing_asks_for_the_buttons(chat):
    chat.enrol()
    chat.type("ok")
    assert chat.sent() == ["Please answer with the buttons: do you want to answer the questions?"]
    assert chat.labels() == ["✅ Yes, I agree", "❌ No, thanks"]
    chat.send_sticker()
    assert chat.state.phase is Phase.CONSENT
    assert chat.consents == []


def test_pause_before_consent_waits_for_the_youth(chat):
    chat.enrol()
    chat.command("pause")
    assert chat.sent() == ["No problem. Come back whenever you want: send /start."]
    assert chat.remind() == ()
    chat.restart()
    assert "Do you want to answer?" in chat.last_text()


def test_a_known_youth_is_never_enrolled_twice(chat):
    chat.enrol()
    with pytest.raises(InvalidEventError):
        chat.enrol()


def test_strangers_get_kind_messages_that_reveal_nothing(chat):
    context = chat.context()
    assert greet_stranger(context)[0].text.endswith("Ask them for it!")
    assert "invitation link from your educator" in greet_stranger(context)[0].text
    assert reject_invitation(context) == (
        Send("Sorry, this invitation link does not work. Ask your educator for a new one."),
    )
    assert throttled(context) == (
        Send("Please wait a little before trying again. Your educator can give you a new link."),
    )
