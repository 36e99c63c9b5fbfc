"""A Telegram update becomes exactly the event the engine expects, and groups are ignored."""

import pytest

from bot.updates import Incoming, MembershipChanged, StartRequested, parse_update, pasted_token
from conversations.events import ButtonPressed, CommandReceived, TextReceived, UnsupportedMessageReceived
from tests.bot import telegram_updates as make


def action_of(update: object) -> object:
    incoming = parse_update(update)  # type: ignore[arg-type]
    assert isinstance(incoming, Incoming)
    return incoming.action


def test_text_becomes_text_received_with_sender_ids_and_language() -> None:
    incoming = parse_update(make.message("plutôt oui", update_id=7))
    assert incoming == Incoming(7, make.USER_ID, make.CHAT_ID, "fr", TextReceived("plutôt oui"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start abc_DEF-123", StartRequested("abc_DEF-123")),
        ("/start", StartRequested("")),
        ("/start@VoixBot tok", StartRequested("tok")),
        ("/pause", CommandReceived("pause")),
        ("/STOP", CommandReceived("stop")),
        ("/langue en", CommandReceived("langue", "en")),
    ],
)
def test_commands_are_read_from_their_entity(text: str, expected: object) -> None:
    assert action_of(make.message(text)) == expected


TOKEN = "Ab3_-defGHIjkl0123456z"  # 22 URL-safe characters, as storage.invitations makes them


@pytest.mark.parametrize(
    "text",
    [
        f"Voici ton invitation :\nhttps://t.me/VoixBot?start={TOKEN}\nElle ne marche qu’une fois.",
        f"t.me/VoixBot/?start={TOKEN}",
        f"http://telegram.me/VoixBot?start={TOKEN}",
        f"tg://resolve?domain=VoixBot&start={TOKEN}",
        f"/start https://t.me/VoixBot?start={TOKEN}",
    ],
)
def test_an_invitation_link_pasted_as_text_reads_as_the_link_tapped(text: str) -> None:
    assert action_of(make.message(text)) == StartRequested(TOKEN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f" {TOKEN}\n", StartRequested(TOKEN)),
        (f"pro_{TOKEN}", StartRequested(f"pro_{TOKEN}")),
        ("1234567890123456789012", None),  # a long number, in an answer: never a token
        (TOKEN[:-1], None),
        (f"{TOKEN} merci", None),
        ("https://example.org/?start=abc", None),
    ],
)
def test_a_bare_token_reads_as_start_only_when_it_is_the_whole_text(text: str, expected: object) -> None:
    action = action_of(make.message(text))
    assert action == TextReceived(text)  # the handler asks pasted_token for a stranger's only
    assert pasted_token(action) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/inviter@VoixBot 2", CommandReceived("inviter", "2")),
        ("/inviter@voixbot 2", CommandReceived("inviter", "2")),
        ("/start@VoixBot tok", StartRequested("tok")),
        ("/inviter@OtherBot 2", TextReceived("/inviter@OtherBot 2")),
        ("/start@OtherBot tok", TextReceived("/start@OtherBot tok")),
    ],
)
def test_a_command_addressed_to_another_bot_is_only_text(text: str, expected: object) -> None:
    incoming = parse_update(make.message(text), own_username="VoixBot")
    assert incoming is not None and incoming.action == expected


def test_slash_inside_text_is_just_text() -> None:
    assert action_of(make.message("oui / non")) == TextReceived("oui / non")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ({"sticker": {"file_id": "s", "file_unique_id": "u", "type": "regular", "width": 1, "height": 1,
                      "is_animated": False, "is_video": False}}, "sticker"),
        ({"voice": {"file_id": "v", "file_unique_id": "u", "duration": 2}}, "voice"),
        ({"photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}],
          "caption": "moi"}, "photo"),
    ],
)  # fmt: skip
def test_non_text_messages_are_unsupported_with_their_kind(content: dict[str, object], kind: str) -> None:
    assert action_of(make.message(None, **content)) == UnsupportedMessageReceived(kind)


def test_edited_message_is_unsupported() -> None:
    assert action_of(make.edited("en fait non")) == UnsupportedMessageReceived("edited")


def test_button_press_carries_data_and_query_id() -> None:
    incoming = parse_update(make.button("a:safe_home:mostly_yes"))
    assert incoming is not None
    assert incoming.action == ButtonPressed("a:safe_home:mostly_yes")
    assert incoming.callback_query_id == "q1"
    assert incoming.pressed_message_id == 11


def test_a_press_on_a_message_telegram_no_longer_gives_still_names_that_message() -> None:
    # An old or deleted message (InaccessibleMessage): its keyboard may still have answered.
    incoming = parse_update(make.button_on_an_inaccessible_message("S:o:1:T1:all"))
    assert incoming is not None and incoming.pressed_message_id == 11


@pytest.mark.parametrize(("status", "blocked"), [("kicked", True), ("member", False)])
def test_membership_change_says_whether_the_bot_is_blocked(status: str, blocked: bool) -> None:
    assert action_of(make.membership(status)) == MembershipChanged(blocked)


def test_group_messages_are_ignored() -> None:
    assert parse_update(make.group_message("/start token")) is None
