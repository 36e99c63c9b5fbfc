"""``/inviter [N]``: an educator makes invitations for one of their structures, without a shell.

Each invitation comes three ways: the card as a photo (its QR code opens the link; the same card
as ``voix admin invite youth --qr``), the link in the photo's caption, and a short text to forward
to the young person. Tokens are created and stored (as hashes) exactly as the CLI does, and the
batch is audited with the staff member's id, the structure and the count.
"""

import sqlite3
from datetime import datetime

from bot.staff_callback_data import StaffButton, Step
from bot.staff_requests import Photo, StaffOutput, StaffRequest, choose_structure
from bot.translations import N_plural
from conversations.context import N_
from conversations.outputs import Send
from storage.authorization import Action, NotAllowed, require
from storage.invitations import CreatedInvitation, invitation_link, issue_invitations
from voix.dates import day_in_words
from voix.invitation_cards import InvitationCard, card_png

MAXIMUM_INVITATIONS = 10

USAGE = N_("Write /inviter, or /inviter followed by a number from 1 to {maximum}: /inviter 3 makes three.")
READY = N_plural(
    "Invitation for {structure}: {count}, valid until {day}. It works only once: give it to one "
    "young person (forward the text, or let them scan the QR code).",
    "Invitations for {structure}: {count}, valid until {day}. Each works only once: give each one "
    "to one young person (forward the text, or let them scan the QR code).",
)
CAPTION = N_("Invitation no. {number} · {structure} · valid until {day}\n{link}")
TO_FORWARD = N_(
    "Hi! Here is your personal invitation to answer the Voix questionnaire, about your life where "
    "you live. Your answers are confidential: your educators never see them. Open it on your phone:\n"
    "{link}\n"
    "It works only once, until {day}."
)


async def command(request: StaffRequest, argument: str) -> list[StaffOutput]:
    """``/inviter [N]``: make N invitations (1 by default), asking for the structure if needed."""
    count = _count(argument)
    if count is None:
        return [Send(request.text(USAGE, maximum=MAXIMUM_INVITATIONS))]
    require(request.actor, Action.INVITE_YOUTH, None)
    structures = await request.own_structures()
    if len(structures) == 1:
        structure_id, name = await request.allowed_structure(Action.INVITE_YOUTH, structures[0][0])
        return await _invite(request, structure_id, name, count)
    return list(choose_structure(request, structures, Step.INVITE, count))


async def button(request: StaffRequest, pressed: StaffButton) -> list[StaffOutput]:
    """A structure chosen: make the invitations there."""
    if pressed.number is None or not 1 <= pressed.number <= MAXIMUM_INVITATIONS:
        raise NotAllowed("forged invitation count")
    structure_id, name = await request.allowed_structure(Action.INVITE_YOUTH, pressed.structure_id)
    return await _invite(request, structure_id, name, pressed.number)


def _count(argument: str) -> int | None:
    text = argument.strip()
    if not text:
        return 1
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAXIMUM_INVITATIONS:
        return int(text)
    return None


async def _invite(request: StaffRequest, structure_id: int, name: str, count: int) -> list[StaffOutput]:
    created = await request.storage(
        _create, structure_id, count, request.now, (request.member.id, request.incoming.update_id)
    )
    zone = request.services.reminder_policy.zone
    day = _day(created[0].expires_at, request)
    outputs: list[StaffOutput] = [Send(request.plural(READY, count, structure=name, count=count, day=day))]
    for invitation in created:
        link = invitation_link(request.bot_username, invitation.token)
        card = InvitationCard(invitation.id, name, invitation.wave, link, invitation.expires_at)
        caption = request.text(CAPTION, number=invitation.id, structure=name, day=day, link=link)
        outputs.append(Photo(card_png(card, zone), f"invitation-{invitation.id}.png", caption, invitation.id))
        outputs.append(Send(request.text(TO_FORWARD, link=link, day=day)))
    return outputs


def _create(
    connection: sqlite3.Connection, structure_id: int, count: int, now: datetime, asked: tuple[int, int]
) -> list[CreatedInvitation]:
    """Store the invitations and their audit entry together (as ``voix admin invite youth`` does);
    ``asked``: the staff member and their update, whose reply must reach them
    (``storage.staff_replies``), else these are withdrawn."""
    staff_id, update_id = asked
    return issue_invitations(
        connection,
        structure_id,
        count,
        now,
        "staff",
        audit_details={"staff_id": staff_id},
        staff_update_id=update_id,
    )


def _day(moment: datetime, request: StaffRequest) -> str:
    """The last valid day, in the deployment's time zone and the staff member's language."""
    local = moment.astimezone(request.services.reminder_policy.zone).date()
    return day_in_words(local, "d MMMM y", request.language)
