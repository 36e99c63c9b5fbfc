"""Follow-up questionnaires on the storage side: one eligibility rule, queued offers, a later wave's run.

A youth is enrolled once, with a T0 run. A later wave (T1, exit) reaches them in two ways:

* an offer queued in ``scheduled_messages`` (kind ``followup``, one per youth and wave): by an
  educator's ``voix admin followup open`` or ``/relancer`` (``storage.follow_up_openings``), or
  automatically when T0 is completed, due after the référentiel's ``default_delay_days``; the
  bot's scheduler sends it when due (``storage.schedule``);
* an invitation of that wave for their structure, opened by the known youth (``/start TOKEN``,
  ``invitation_to_follow_up``).

Whether a youth may be offered a wave is ONE rule, ``WHY_NOT_OFFERED``, written once in SQL over
columns (never the engine's JSON) and used by the bot's offers and invitations and by the admin
command: they have no run of that wave, completed an earlier one, their latest questionnaire is
finished (completed, or declined at its notice) and the bot may write to them. What the
conversation then does (offer now, or once a stop question is cancelled; start on "Start") is the
engine's table; ``start_follow_up_run`` opens the new run when it says ``StartFollowUp``.
"""

import json
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from conversations.context import N_
from referentiel.models import Referentiel
from storage.audit import record_audit
from storage.clock import timestamp
from storage.database import Transaction
from storage.invitations import Redemption, bind_invitation, check_invitation, mark_invitation_used
from storage.runs import Run, RunStatus, create_run
from storage.youth_records import YouthRecord

FOLLOW_UP_KIND = "followup"


class NotOffered(StrEnum):
    """Why a youth may not be offered a wave now (what ``followup open`` counts)."""

    ALREADY_STARTED = N_("already started")
    NO_EARLIER_WAVE_COMPLETED = N_("no earlier wave completed")
    QUESTIONNAIRE_IN_PROGRESS = N_("questionnaire in progress")
    BOT_BLOCKED = N_("bot blocked")
    # Not part of the rule, only of ``followup open``: an offer of that wave went or is going out.
    ALREADY_OFFERED = N_("already offered")


# The rule, as a SQL expression over the row ``youth``, the wave ``:wave`` and the JSON list of the
# waves before it ``:earlier_waves``: NULL when the youth may be offered the wave, else why not.
WHY_NOT_OFFERED = f"""CASE
    WHEN EXISTS (SELECT 1 FROM runs WHERE runs.youth_id = youth.id AND runs.wave = :wave)
        THEN '{NotOffered.ALREADY_STARTED}'
    WHEN NOT EXISTS (SELECT 1 FROM runs WHERE runs.youth_id = youth.id
            AND runs.status = '{RunStatus.COMPLETED}'
            AND runs.wave IN (SELECT value FROM json_each(:earlier_waves)))
        THEN '{NotOffered.NO_EARLIER_WAVE_COMPLETED}'
    WHEN (SELECT runs.status FROM runs WHERE runs.youth_id = youth.id ORDER BY runs.id DESC LIMIT 1)
            NOT IN ('{RunStatus.COMPLETED}', '{RunStatus.DECLINED}')
        THEN '{NotOffered.QUESTIONNAIRE_IN_PROGRESS}'
    WHEN NOT EXISTS (SELECT 1 FROM contacts
            WHERE contacts.youth_id = youth.id AND contacts.blocked_at IS NULL)
        THEN '{NotOffered.BOT_BLOCKED}'
END"""


def rule_parameters(referentiel: Referentiel, wave: str) -> dict[str, Any]:
    """Return the parameters of ``WHY_NOT_OFFERED`` for ``wave`` (the waves before it, in order)."""
    waves = [item.id for item in referentiel.waves]
    earlier = waves[: waves.index(wave)] if wave in waves else []
    return {"wave": wave, "earlier_waves": json.dumps(earlier)}


async def why_not_offered(
    transaction: Transaction, youth_id: int, wave: str, referentiel: Referentiel
) -> NotOffered | None:
    """Apply the rule to one youth: None if they may be offered (or start) ``wave`` now."""
    row = await transaction.fetch_one(
        f"SELECT {WHY_NOT_OFFERED} FROM youth WHERE youth.id = :youth",
        {**rule_parameters(referentiel, wave), "youth": youth_id},
    )
    return NotOffered(row[0]) if row is not None and row[0] is not None else None


async def schedule_after_completion(
    transaction: Transaction, run: Run, referentiel: Referentiel, now: datetime
) -> None:
    """After the first wave, queue each later wave that has a default delay, due that long after."""
    if run.wave != referentiel.waves[0].id:
        return
    for wave in referentiel.waves[1:]:
        if wave.default_delay_days is not None:
            due = now + timedelta(days=wave.default_delay_days)
            await transaction.execute(
                "INSERT INTO scheduled_messages (youth_id, kind, wave, due_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (run.youth_id, FOLLOW_UP_KIND, wave.id, timestamp(due)),
            )


async def invitation_to_follow_up(
    transaction: Transaction, youth: YouthRecord, token: str, referentiel: Referentiel, now: datetime
) -> Redemption | None:
    """Return the invitation behind a known youth's ``/start TOKEN`` if it may start its wave.

    Valid and unused, of the youth's structure, and the youth allowed that wave by the rule;
    otherwise None (the token stays unused). ``redeem_for_follow_up`` marks it used once the
    conversation actually starts the wave.
    """
    invitation = await check_invitation(transaction, token, now)
    if not isinstance(invitation, Redemption) or invitation.structure_id != youth.structure_id:
        return None
    if await why_not_offered(transaction, youth.id, invitation.wave, referentiel) is not None:
        return None
    return invitation


async def redeem_for_follow_up(
    transaction: Transaction, invitation: Redemption, youth_id: int, now: datetime
) -> None:
    """Mark the invitation used and bind it to the youth whose follow-up it started."""
    await mark_invitation_used(transaction, invitation.invitation_id, now)
    await bind_invitation(transaction, invitation.invitation_id, youth_id)


async def start_follow_up_run(
    transaction: Transaction, youth_id: int, wave: str, referentiel: Referentiel, now: datetime
) -> Run:
    """Create the youth's run of ``wave``; its offers still queued are dropped, their status restarts."""
    run = await create_run(transaction, youth_id, wave, referentiel, now)
    await transaction.execute(
        "DELETE FROM scheduled_messages WHERE youth_id = ? AND kind = ? AND wave = ? AND sent_at IS NULL",
        (youth_id, FOLLOW_UP_KIND, wave),
    )
    # The youth's status follows their current questionnaire: consent is asked again.
    await transaction.execute("UPDATE youth SET status = 'invited' WHERE id = ?", (youth_id,))
    await record_audit(transaction, "youth", "follow-up started", now, {"wave": wave})
    return run
