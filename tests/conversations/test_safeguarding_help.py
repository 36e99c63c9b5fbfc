"""Help that fits (issue 10): the block once per questionnaire, a line for later triggers, no repeat."""

import pytest

from conversations.state import ConversationState
from conversations.texts import HELP_REMINDER, PAUSE_OFFER, SAFEGUARDING
from referentiel.loading import find_referentiel

from .transcript import Chat

V1 = find_referentiel("voix-mecs", 1)
V2 = find_referentiel("voix-mecs", 2)


def at_safety(referentiel=V2) -> Chat:  # type: ignore[no-untyped-def]
    """A youth here for more than a year, at the first safety question."""
    chat = Chat(referentiel)
    chat.enrol()
    chat.press("Yes, I agree")
    chat.press("More than 1 year")
    if referentiel is V2:
        chat.press("15 or 16")
    return chat


def test_the_first_trigger_shows_advice_resources_and_an_offer_to_pause() -> None:
    chat = at_safety()
    chat.press("No, not at all")
    block = chat.sent()[0]
    assert block.startswith("Thank you for saying it. You have the right to be safe.")
    assert block.index("📞 119") < block.index("🚨 112")
    assert "3018" not in block and "Fil Santé Jeunes" not in block  # not this topic
    assert block.endswith(PAUSE_OFFER)
    assert chat.sent()[1].startswith("4/38\n")


def test_a_later_trigger_adds_one_line_and_answering_again_repeats_nothing() -> None:
    chat = at_safety()
    chat.press("No, not at all")  # safe_home: the block
    chat.press("Not really")  # safe_night: a later trigger
    assert chat.sent()[0] == "About your nights: 119 listens too, day and night."
    assert not any("🚨 112" in text for text in chat.sent())
    chat.press("Back")
    chat.press("No, not at all")  # safe_night again, still worrying: nothing repeated
    assert not any("119" in text for text in chat.sent())
    chat.press("No")  # who_to_tell: another later trigger, one line
    assert chat.sent()[0] == "If someone hurts you, call 119: it’s free, day and night."


def test_no_adult_to_call_is_never_told_to_talk_to_a_trusted_adult() -> None:
    chat = at_safety()
    while "how many adults can you call" not in chat.last_text():
        chat.press("Skip")
    chat.press("None")
    block = chat.sent()[0]
    assert block.startswith("For now you have no adult to call.")
    assert "trust" not in block
    assert block.index("Fil Santé Jeunes") < block.index("📞 119") < block.index("🚨 112")


@pytest.mark.parametrize(
    ("question", "answer", "first_resource"),
    [
        ("bullies you online", "No, I don’t", "📞 3018"),
        ("private photo gets shared", "No, I don’t", "📞 3018"),
        ("health worry", "No", "📞 Fil Santé Jeunes"),
    ],
)
def test_the_resources_of_the_answers_topic_come_first(
    question: str, answer: str, first_resource: str
) -> None:
    chat = at_safety()
    while question not in chat.last_text():
        chat.press("Skip")
    chat.press(answer)
    lines = chat.sent()[0].split("\n")
    assert lines[1].startswith(first_resource)


def test_the_trigger_leaves_no_trace_in_the_state() -> None:
    chat, twin = at_safety(), at_safety()
    chat.press("No, not at all")
    twin.press("Yes, definitely")
    assert chat.state.to_json() == twin.state.to_json().replace("yes_totally", "not_at_all")
    assert ConversationState.from_json(chat.state.to_json()) == chat.state


def test_the_end_block_lists_every_resource_for_everyone() -> None:
    chat = at_safety()
    chat.answer_all([])
    end = chat.sent()[-1]
    assert end.startswith("If something is wrong, or if someone hurts you, you are not alone.")
    for resource in ("📞 119", "📞 3018", "Fil Santé Jeunes", "🚨 112"):
        assert resource in end


def test_french_resources_read_with_a_space_before_the_colon() -> None:
    chat = Chat(V2, locale="fr")
    chat.enrol()
    chat.press("Yes, I agree")
    chat.press("Plus d’un an")
    chat.press("15 ou 16 ans")
    chat.press("Non, pas du tout")
    assert "📞 119 – Allô Enfance en Danger : gratuit, anonyme" in chat.sent()[0]


def test_v1_shows_its_fixed_block_once_then_a_line() -> None:
    chat = at_safety(V1)
    chat.press("No, not at all")
    assert chat.sent()[0] == f"{chat.context().text(SAFEGUARDING)}\n\n{PAUSE_OFFER}"
    chat.press("No, not at all")
    assert chat.sent()[0] == HELP_REMINDER
