"""One staff member's request as every staff command sees it, and what a command may answer.

Staff commands read and write with the synchronous storage functions the CLI uses (youth
progress, invitations, follow-up openings, exports), each on a short-lived connection in a
worker thread: the event loop keeps serving youth meanwhile, and SQLite serialises the writes
with the bot's own connection as it does with the CLI's.
"""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from bot.services import Services
from bot.staff_callback_data import Step, build
from bot.staff_texts import CANCEL, CHOOSE_STRUCTURE, EXIT, NEXT, PREVIOUS, WHOLE_SECTOR
from bot.translations import Plural
from bot.updates import Incoming
from conversations.outputs import Button, Keyboard, Notice, Send
from storage.audit import record_audit_in
from storage.authorization import Action, Actor, NotAllowed, require, scope_of_structure
from storage.database import open_sync_connection, write_transaction
from storage.staff import StaffMember, StaffScope, named_structures, organisation_name

Result = TypeVar("Result")
# Telegram's limit is 4096 characters; a little room is kept.
MESSAGE_LIMIT = 4000


@dataclass(frozen=True)
class Photo:
    """Send a picture (``sendPhoto``) with a caption; ``invitation_id``: the invitation whose card
    and link it shows (once it may have left, never withdrawn: ``storage.staff_replies.mark_card``)."""

    content: bytes
    filename: str
    caption: str
    invitation_id: int | None = None


@dataclass(frozen=True)
class Document:
    """Send a file (``sendDocument``) with a caption."""

    content: bytes
    filename: str
    caption: str


StaffOutput = Send | Notice | Photo | Document


@dataclass(frozen=True)
class StaffRequest:
    """A staff member's update, with what every command needs: who, in which language, when."""

    services: Services
    member: StaffMember
    incoming: Incoming
    now: datetime
    # For invitation links: the bot's own username (from getMe).
    bot_username: str = ""
    # Sends the follow-up offers now due at once, rather than at the next run of the job.
    send_due_follow_ups: Callable[[], Awaitable[object]] | None = None

    @property
    def actor(self) -> Actor:
        """The staff member as the policy sees them."""
        return Actor.of_staff(self.member)

    @property
    def language(self) -> str:
        """The language chosen when the account was bound (else Telegram's)."""
        return self.member.locale or self.services.translator.language_for(self.incoming.language_code)

    def text(self, message: str, **parameters: object) -> str:
        """Translate a msgid into the staff member's language and fill its parameters."""
        return self.services.translator.gettext(self.language, message, parameters)

    def wave_name(self, wave_id: str) -> str:
        """A wave's short name, as ``/suivi`` shows it: T0, T1, and the exit questionnaire in words."""
        return self.text(EXIT) if wave_id == "exit" else wave_id

    def plural(self, message: Plural, number: int, /, **parameters: object) -> str:
        """The form of a message that fits ``number``, translated, its parameters filled."""
        return self.services.translator.ngettext(self.language, message, number, parameters)

    async def storage(self, function: Callable[..., Result], *arguments: Any) -> Result:
        """Run a synchronous storage function on its own connection, in a worker thread."""
        return await asyncio.to_thread(_on_connection, self.services.database.path, function, arguments)

    async def audit(self, action: str, details: dict[str, Any]) -> None:
        """Record a staff action in the audit log: the staff member's id, the scope, counts — no youth."""
        await self.storage(_record, action, self.now, {"staff_id": self.member.id, **details})

    async def own_structures(self) -> list[tuple[int, str]]:
        """The educator's structures as (id, name), by name."""
        return await self.storage(named_structures, self.member.structure_ids)

    async def allowed_structure(self, action: Action, structure_id: int | None) -> tuple[int, str]:
        """Return (id, name) of a structure named by a button, after the policy allowed ``action`` there.

        The structure is looked up: one that does not exist is refused like another's.
        """
        scope = await self.storage(scope_of_structure, structure_id) if structure_id is not None else None
        if scope is None or scope.structure_id is None:
            raise NotAllowed(f"{action.value}: no such structure")
        require(self.actor, action, scope)
        names = dict(await self.storage(named_structures, [scope.structure_id]))
        return scope.structure_id, names[scope.structure_id]

    async def scope_words(self) -> str:
        """Name the staff member's scope: their structures, their organisation, or the whole sector."""
        if self.member.scope is StaffScope.SECTOR:
            return self.text(WHOLE_SECTOR)
        if self.member.scope is StaffScope.ORGANISATION and self.member.organisation_id is not None:
            return await self.storage(organisation_name, self.member.organisation_id)
        return ", ".join(name for _, name in await self.own_structures())


def _on_connection(path: Any, function: Callable[..., Result], arguments: Sequence[Any]) -> Result:
    connection: sqlite3.Connection = open_sync_connection(path)
    try:
        return function(connection, *arguments)
    finally:
        connection.close()


def _record(connection: sqlite3.Connection, action: str, now: datetime, details: dict[str, Any]) -> None:
    with write_transaction(connection):
        record_audit_in(connection, "staff", action, now, details)


def choose_structure(
    request: StaffRequest, structures: Sequence[tuple[int, str]], step: Step, *fields: object
) -> tuple[Send]:
    """Ask which structure, one button each (their data: ``step``, the structure id, then ``fields``)."""
    rows = tuple((Button(name, build(step, structure_id, *fields)),) for structure_id, name in structures)
    cancel = ((Button(request.text(CANCEL), build(Step.CANCEL)),),)
    return (Send(request.text(CHOOSE_STRUCTURE), Keyboard(rows + cancel)),)


def page_buttons(
    request: StaffRequest, page: int, pages: int, data_of: Callable[[int], str]
) -> tuple[Button, ...]:
    """« ◀ Précédent » and « Suivant ▶ » of a list shown a page at a time (pages from 0), each
    button's data that of the page it shows (``data_of``); none on a single page."""
    buttons = []
    if page > 0:
        buttons.append(Button(request.text(PREVIOUS), data_of(page - 1)))
    if page + 1 < pages:
        buttons.append(Button(request.text(NEXT), data_of(page + 1)))
    return tuple(buttons)


def cut_lines(lines: Sequence[str]) -> list[str]:
    """Join lines into as few messages as Telegram allows, cutting only between lines."""
    messages: list[str] = []
    for line in lines:
        if messages and len(messages[-1]) + 1 + len(line) <= MESSAGE_LIMIT:
            messages[-1] += "\n" + line
        else:
            messages.append(line[:MESSAGE_LIMIT])
    return messages
