"""Turn a Telegram update into what the shell acts on: an engine event plus who sent it.

Only private chats with a person count; group and channel updates, bots and updates without a
sender become ``None`` and are ignored. ``/start`` is not an engine event yet: whether it enrols
or resumes depends on whether the sender is already a youth, which the handler looks up.
Nothing here keeps a name or a username: only the ids the pseudonymiser needs, and the language.

A youth sent an invitation may paste it rather than tap it: its link (``t.me/<bot>?start=<token>``)
in a message, alone or in the forwarded text, or after ``/start``, reads as the link tapped
(``StartRequested``); a bare token too, for a sender who is nobody yet (``pasted_token``).
"""

import re
from dataclasses import dataclass

from telegram import ChatMember, Message, MessageEntity, Update
from telegram.constants import ChatType

from conversations.events import (
    ButtonPressed,
    CommandReceived,
    Event,
    TextReceived,
    UnsupportedMessageReceived,
)
from storage.invitations import STAFF_TOKEN_PREFIX, TOKEN_BYTES

# Message contents a youth might send instead of text, by the name the engine receives.
_CONTENT_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video",
    "video_note",
    "audio",
    "animation",
    "document",
    "location",
    "contact",
    "poll",
    "dice",
)
# A deep link's parameter (the Bot API allows 1 to 64 of these characters) in a t.me or
# telegram.me link, or Telegram's own tg://resolve form, wherever it stands in a text.
_LINKED_TOKEN = re.compile(
    r"(?:(?:t|telegram)\.me/[A-Za-z0-9_]+/?\?start=|tg://resolve\?domain=[A-Za-z0-9_]+&start=)"
    r"([A-Za-z0-9_-]{1,64})"
)
# An invitation's token alone (``storage.invitations.new_token``: 22 URL-safe characters, with a
# letter in practice), a staff link's with its prefix.
_BARE_TOKEN = re.compile(
    rf"(?:{STAFF_TOKEN_PREFIX})?(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{{{-(-TOKEN_BYTES * 4 // 3)}}}"
)


@dataclass(frozen=True)
class StartRequested:
    """``/start`` with its argument (an invitation token, or empty)."""

    argument: str


@dataclass(frozen=True)
class MembershipChanged:
    """The youth blocked (``blocked=True``) or unblocked the bot."""

    blocked: bool


@dataclass(frozen=True)
class Incoming:
    """One update the shell must handle, with the only facts about its sender it may use."""

    update_id: int
    telegram_user_id: int
    chat_id: int
    language_code: str | None
    action: Event | StartRequested | MembershipChanged
    callback_query_id: str | None = None
    # The message whose button was pressed (None for anything else, or a message too old to say).
    pressed_message_id: int | None = None


def parse_update(update: Update, own_username: str | None = None) -> Incoming | None:
    """Map an update from a private chat to an ``Incoming``; None for anything to ignore.

    ``own_username``: the bot's, so that a command addressed to another bot (``/inviter@other``)
    is read as text, never carried out (None: every address is taken as this bot's).
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE or user.is_bot:
        return None
    action = _action_of(update, own_username)
    if action is None:
        return None
    query = update.callback_query
    # An old or deleted message comes as an InaccessibleMessage: its id still names the keyboard.
    pressed = query.message if query is not None else None
    return Incoming(
        update.update_id,
        user.id,
        chat.id,
        user.language_code,
        action,
        None if query is None else query.id,
        None if pressed is None else pressed.message_id,
    )


def _action_of(update: Update, own_username: str | None) -> Event | StartRequested | MembershipChanged | None:
    if update.callback_query is not None:
        return ButtonPressed(update.callback_query.data or "")
    if update.edited_message is not None:
        return UnsupportedMessageReceived("edited")
    if update.message is not None:
        return message_action(update.message, own_username)
    if update.my_chat_member is not None:
        status = update.my_chat_member.new_chat_member.status
        return MembershipChanged(blocked=status in (ChatMember.BANNED, ChatMember.LEFT))
    return None


def message_action(message: Message, own_username: str | None = None) -> Event | StartRequested:
    """Read a new message: a command, a text, or something the engine cannot read."""
    if message.text is None:
        kind = next((name for name in _CONTENT_KINDS if getattr(message, name, None)), "other")
        return UnsupportedMessageReceived(kind)
    command = _leading_command(message, own_username)
    if command is None:
        linked = _LINKED_TOKEN.search(message.text)
        return TextReceived(message.text) if linked is None else StartRequested(linked[1])
    name, argument = command
    if name == "start":
        linked = _LINKED_TOKEN.search(argument)
        return StartRequested(argument if linked is None else linked[1])
    return CommandReceived(name, argument)


def pasted_token(action: Event | StartRequested | MembershipChanged) -> StartRequested | None:
    """A text that is only an invitation's token, as ``/start`` with it; None for anything else.
    Only for a sender who is nobody yet: a youth's answer is never taken for a token."""
    if isinstance(action, TextReceived) and _BARE_TOKEN.fullmatch(action.text.strip()):
        return StartRequested(action.text.strip())
    return None


def _leading_command(message: Message, own_username: str | None) -> tuple[str, str] | None:
    """Return ``(name, argument)`` when the message starts with a command for this bot, else None."""
    text = message.text or ""
    entity = next((entity for entity in message.entities if entity.type == MessageEntity.BOT_COMMAND), None)
    if entity is None or entity.offset != 0 or not text.startswith("/"):
        return None
    command = message.parse_entity(entity)
    name, _, addressee = command[1:].partition("@")
    if addressee and own_username and addressee.lower() != own_username.removeprefix("@").lower():
        return None  # another bot's command, as Telegram's clients and PTB read it
    return name.lower(), text[len(command) :].strip()
