"""Build Telegram updates as the Bot API sends them, for the shell's unit tests."""

from typing import Any

from telegram import CallbackQuery, Chat, InaccessibleMessage, Update, User

USER_ID = 700_000_123
CHAT_ID = 700_000_123


def user(user_id: int = USER_ID, language_code: str | None = "fr") -> dict[str, Any]:
    """Return a person as Telegram describes them."""
    person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Camille"}
    if language_code:
        person["language_code"] = language_code
    return person


def private_chat(chat_id: int = CHAT_ID) -> dict[str, Any]:
    """Return a private chat."""
    return {"id": chat_id, "type": "private", "first_name": "Camille"}


def message(text: str | None = None, update_id: int = 1, chat_id: int = CHAT_ID, **content: Any) -> Update:
    """Return a message update with a text (commands get their entity) or other content."""
    body: dict[str, Any] = {"message_id": 10, "date": 0, "chat": private_chat(chat_id), "from": user(chat_id)}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    body.update(content)
    return Update.de_json({"update_id": update_id, "message": body}, None)


def group_message(text: str, update_id: int = 1) -> Update:
    """Return a message in a group chat."""
    chat = {"id": -4_000_000_001, "type": "group", "title": "Foyer"}
    body = {"message_id": 3, "date": 0, "chat": chat, "from": user(), "text": text}
    return Update.de_json({"update_id": update_id, "message": body}, None)


def edited(text: str, update_id: int = 1) -> Update:
    """Return an edited message update."""
    body = {"message_id": 10, "date": 0, "edit_date": 1, "chat": private_chat(), "from": user(), "text": text}
    return Update.de_json({"update_id": update_id, "edited_message": body}, None)


def button(data: str, update_id: int = 1, chat_id: int = CHAT_ID) -> Update:
    """Return a callback query on a bot message of a private chat."""
    bot = {"id": 42, "is_bot": True, "first_name": "Voix", "username": "VoixBot"}
    query_message = {"message_id": 11, "date": 0, "chat": private_chat(chat_id), "from": bot, "text": "?"}
    query = {"id": "q1", "from": user(chat_id), "chat_instance": "1", "data": data, "message": query_message}
    return Update.de_json({"update_id": update_id, "callback_query": query}, None)


def membership(new_status: str, update_id: int = 1) -> Update:
    """Return a my_chat_member update: the youth blocked (kicked) or unblocked (member) the bot."""
    bot = {"id": 42, "is_bot": True, "first_name": "Voix", "username": "VoixBot"}
    old_status = "member" if new_status == "kicked" else "kicked"

    def member(status: str) -> dict[str, Any]:
        return {"user": bot, "status": status, **({"until_date": 0} if status == "kicked" else {})}

    payload = {
        "chat": private_chat(),
        "from": user(),
        "date": 0,
        "old_chat_member": member(old_status),
        "new_chat_member": member(new_status),
    }
    return Update.de_json({"update_id": update_id, "my_chat_member": payload}, None)


def button_on_an_inaccessible_message(data: str, message_id: int = 11) -> Update:
    """A callback query whose message Telegram no longer gives (too old, or deleted): an
    ``InaccessibleMessage``, its chat and id only."""
    sender = User(USER_ID, "Lina", is_bot=False)
    chat = Chat(CHAT_ID, Chat.PRIVATE)
    query = CallbackQuery("q1", sender, "1", data=data, message=InaccessibleMessage(chat, message_id))
    return Update(1, callback_query=query)
