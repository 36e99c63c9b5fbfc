"""Information and consent: the notice, "yes", "no" respected, coming back, strangers."""

import re

import pytest

from admin.referentiel_commands import summary
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


def test_typing_something_unclear_asks_again_with_the_buttons(chat):
    chat.enrol()
    for unclear in ("ok", "maybe", "3", "yes no", "what is this?", "-1", "1 -", "−1"):
        chat.type(unclear)
        assert chat.sent() == ["Do you want to answer the questions? Press a button, or type “yes” or “no”."]
        assert chat.labels() == ["✅ Yes, I agree", "❌ No, thanks"]
    chat.send_sticker()
    assert chat.state.phase is Phase.CONSENT
    assert chat.consents == [] and not chat.declined


YES, NO = "Yes, I agree", "No, thanks"


@pytest.mark.parametrize(
    ("locale", "typed", "button"),
    [
        ("fr", "oui", YES),
        ("fr", "Oui !", YES),
        ("fr", "OUI", YES),
        ("fr", "ouais", YES),
        ("fr", "1", YES),
        ("fr", "Oui, je veux bien", YES),
        ("fr", "yes", YES),  # every language of the référentiel is understood, like option labels
        ("en", "Yes", YES),
        ("en", "yeah.", YES),
        ("en", "yep", YES),
        ("en", "yes, I agree", YES),
        ("en", "oui", YES),
        ("fr", "non", NO),
        ("fr", "Non.", NO),
        ("fr", "NAN", NO),
        ("fr", "non merci", NO),
        ("fr", "2", NO),
        ("fr", "Non, merci", NO),
        ("fr", "no", NO),
        ("en", "No", NO),
        ("en", "nope!", NO),
        ("en", "no thanks", NO),
        ("en", "non", NO),
    ],
)
def test_a_typed_yes_or_no_is_taken_like_the_button(referentiel, catalogs, locale, typed, button):
    typing, pressing = Chat(referentiel, locale, catalogs), Chat(referentiel, locale, catalogs)
    typing.enrol()
    pressing.enrol()
    typing.type(typed)
    pressing.press(catalogs(locale, button))
    assert typing.outputs == pressing.outputs
    assert (typing.state, typing.consents, typing.declined) == (
        pressing.state,
        pressing.consents,
        pressing.declined,
    )
    if button == YES:
        assert typing.consents == [NOTICE_VERSION] and typing.state.phase is Phase.QUESTIONNAIRE
    else:
        assert typing.declined and typing.consents == [] and typing.state.phase is Phase.DECLINED


def test_a_typed_answer_after_a_no_shows_the_notice_again_before_any_consent(chat):
    chat.enrol()
    chat.type("no")
    chat.type("yes")  # the notice again: a change of mind is agreed to on the notice
    assert chat.consents == []
    assert "Do you want to answer?" in chat.last_text()
    chat.type("yes")
    assert chat.consents == [NOTICE_VERSION]


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


def test_the_notice_gives_the_time_the_referentiel_checker_computes(chat, tiny):
    # `voix referentiel check` says "about 4 min 09 s to 5 min 39 s"; the notice rounds that
    # range outwards to whole minutes, from the same estimate, not from a figure of its own.
    checker = re.search(r"about (\d+) min (\d+) s to (\d+) min (\d+) s", summary(chat.referentiel))
    assert checker is not None
    shortest, longest = int(checker[1]), int(checker[3]) + (int(checker[4]) > 0)
    assert (shortest, longest) == (4, 6)
    chat.enrol()
    assert f"It takes about {shortest} to {longest} minutes.\n" in chat.last_text()
    small = Chat(tiny)  # 1 min 14 s to 1 min 20 s
    small.enrol()
    assert "It takes about 1 to 2 minutes.\n" in small.last_text()


def test_the_french_notice_gives_the_same_time(referentiel, catalogs):
    chat = Chat(referentiel, "fr", catalogs)
    chat.enrol()
    assert "Ça prend entre 4 et 6 minutes environ." in chat.last_text()
    assert "8 minutes" not in chat.last_text()
