"""Follow-up questionnaires on the shell's side: queued offers, and starting a later wave's run.

A youth is enrolled once, with a T0 run. A later wave (T1, exit) reaches them in two ways:

* an offer queued in ``scheduled_messages`` (kind ``followup``, one per youth and wave): by an
  educator's ``voix admin followup open``, or automatically when T0 is completed, due after the
  référentiel's ``default_delay_days``. The bot's repeating job claims due offers (``sent_at`` set
  in the claiming transaction, so each is sent at most once), never in quiet hours (moved to
  09:00), never to a blocked or erased youth, and only while the youth's latest run is completed
  (and no stop waits for confirmation) and they have no run of that wave;
* an invitation of that wave for their structure, opened by the known youth (``/start TOKEN``).

Either way, ``follow_up_to_start`` decides inside the youth's step transaction and
``start_follow_up_run`` creates the new run; the engine then greets them and asks consent again.
Anything that does not qualify changes nothing: the token stays unused and the youth resumes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from conversations.events import Event
from conversations.follow_ups import starts_follow_up
from conversations.state import Phase
from referentiel.models import Referentiel
from storage.audit import record_audit
from storage.clock import timestamp
from storage.database import Transaction
from storage.invitations import Redemption, bind_invitation, check_invitation, mark_invitation_used
from storage.reminders import ReminderPolicy
from storage.runs import Run, create_run
from storage.youth_records import YouthRecord

FOLLOW_UP_KIND = "followup"
# How many offers one run of the job claims; the rest wait for the next run (a minute later).
CLAIMED_PER_RUN = 100


@dataclass(frozen=True)
class DueFollowUp:
    """An offer claimed for sending: to whom, which wave, in which language, under which run."""

    youth_id: int
    wave: str
    locale: str
    # The youth's completed run: the offer's message id is remembered there ("No, thanks" edits it).
    run_id: int
    # When that run was completed: the offer says "some time has passed" only if it has.
    answered_at: datetime


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


async def follow_up_to_start(
    transaction: Transaction, youth: YouthRecord, run: Run, event: Event, token: str, now: datetime
) -> str | None:
    """Return the wave whose run this move starts, or None to step the current run as usual.

    Only after a completed run, at rest (not while a stop waits for confirmation). A token of
    another wave of the youth's structure, valid and unused, is redeemed (and bound to the youth)
    here; else an offer already sent starts on "Start", ``/start``, ``/reprendre`` or any typed
    message.
    """
    if not _at_rest_after_completion(run):
        return None
    if token:
        invitation = await check_invitation(transaction, token, now)
        if (
            isinstance(invitation, Redemption)
            and invitation.structure_id == youth.structure_id
            and not await _has_run(transaction, youth.id, invitation.wave)
        ):
            await mark_invitation_used(transaction, invitation.invitation_id, now)
            await bind_invitation(transaction, invitation.invitation_id, youth.id)
            return invitation.wave
    offered = await offered_wave(transaction, youth.id, run)
    return offered if offered is not None and starts_follow_up(event, offered) else None


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


async def claim_due_follow_ups(
    transaction: Transaction, policy: ReminderPolicy, now: datetime, limit: int = CLAIMED_PER_RUN
) -> list[DueFollowUp]:
    """Mark due offers sent and return them; in quiet hours, move them to the end of the night."""
    if policy.is_quiet(now):
        await transaction.execute(
            "UPDATE scheduled_messages SET due_at = ? WHERE kind = ? AND sent_at IS NULL AND due_at <= ?",
            (timestamp(policy.outside_quiet_hours(now)), FOLLOW_UP_KIND, timestamp(now)),
        )
        return []
    rows = await transaction.fetch_all(
        "SELECT offer.id, offer.youth_id, offer.wave, youth.locale, latest.id, "
        "COALESCE(latest.completed_at, latest.updated_at) "
        "FROM scheduled_messages AS offer "
        "JOIN youth ON youth.id = offer.youth_id "
        "JOIN contacts ON contacts.youth_id = offer.youth_id AND contacts.blocked_at IS NULL "
        "JOIN runs AS latest ON latest.id = (SELECT MAX(id) FROM runs WHERE runs.youth_id = offer.youth_id) "
        "WHERE offer.kind = ? AND offer.sent_at IS NULL AND offer.due_at <= ? "
        "AND latest.status = 'completed' AND json_extract(latest.state, '$.phase') = 'completed' "
        "AND NOT EXISTS (SELECT 1 FROM runs WHERE runs.youth_id = offer.youth_id AND runs.wave = offer.wave) "
        "ORDER BY offer.due_at, offer.id LIMIT ?",
        (FOLLOW_UP_KIND, timestamp(now), limit),
    )
    claimed = []
    for offer_id, youth_id, wave, locale, run_id, answered_at in rows:
        await transaction.execute(
            "UPDATE scheduled_messages SET sent_at = ? WHERE id = ? AND sent_at IS NULL",
            (timestamp(now), offer_id),
        )
        claimed.append(DueFollowUp(youth_id, wave, locale, run_id, datetime.fromisoformat(answered_at)))
    return claimed


async def offered_wave(transaction: Transaction, youth_id: int, run: Run) -> str | None:
    """Return the wave of the latest offer sent to the youth and not started yet, if any.

    An offer is open only while the youth's latest run (``run``) is completed and at rest.
    """
    if not _at_rest_after_completion(run):
        return None
    row = await transaction.fetch_one(
        "SELECT wave FROM scheduled_messages WHERE youth_id = ? AND kind = ? AND sent_at IS NOT NULL "
        "AND wave NOT IN (SELECT wave FROM runs WHERE youth_id = ?) ORDER BY sent_at DESC, id DESC LIMIT 1",
        (youth_id, FOLLOW_UP_KIND, youth_id),
    )
    return str(row[0]) if row else None


def _at_rest_after_completion(run: Run) -> bool:
    """Tell whether the run is completed and its conversation waits for nothing (no stop to confirm)."""
    return run.status == "completed" and run.state.phase is Phase.COMPLETED


async def _has_run(transaction: Transaction, youth_id: int, wave: str) -> bool:
    row = await transaction.fetch_one("SELECT 1 FROM runs WHERE youth_id = ? AND wave = ?", (youth_id, wave))
    return row is not None
