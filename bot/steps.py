"""One engine step for one youth, with everything it implies stored in ONE transaction.

Inside the transaction: claim the update id (a redelivery stops here), load the run, call the
pure engine, apply its effects, store the new state and re-plan reminders. When the engine says
``StartFollowUp``, the new wave's run is created and stepped (``FollowUpStarted``) in the same
transaction (``storage.follow_ups``). A due reminder or offer (``step_scheduled``) is taken
(marked sent) in the transaction of the step that words it, so it goes out at most once. Nothing
is sent from here: the caller sends the returned messages after the commit, so a message never
announces something that was not stored.

A redelivered update changes nothing, with one exception: when the bot stopped after the step
committed and before its question left (``storage.question_messages``), the question is asked
again.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from bot.effects import apply_effects
from bot.invitation_redemption import Enrolment, enrol_by_invitation
from bot.sender import Delivery
from bot.services import Services
from bot.updates import Incoming
from conversations.events import (
    Enrolled,
    Event,
    FollowUpDue,
    FollowUpStarted,
    InvitationOpened,
    ReminderDue,
    Restarted,
)
from conversations.outputs import Message, Send, StartFollowUp
from conversations.transitions import step
from storage.database import Transaction
from storage.follow_ups import (
    FOLLOW_UP_KIND,
    invitation_to_follow_up,
    redeem_for_follow_up,
    start_follow_up_run,
    why_not_offered,
)
from storage.invitations import Rejection
from storage.question_messages import forget_question_message, mark_question_unsent
from storage.reminders import plan_after_activity, plan_next_after, reminder_number
from storage.runs import (
    Run,
    claim_update,
    create_run,
    current_run,
    finished_at,
    remember_question_message,
    save_state,
)
from storage.schedule import DueMessage, release, take
from storage.youth_records import YouthRecord, mark_contact_blocked, mark_contact_reachable


@dataclass(frozen=True)
class StepOutcome:
    """What the caller sends after the commit, and where to remember the question message."""

    youth_id: int
    run_id: int | None
    messages: tuple[Message, ...]
    question_message_id: int | None
    # The wave of the follow-up questionnaire this step started (by an offer or an invitation).
    started_follow_up: str | None = None
    # This update erased the youth (``/stop`` confirmed): nothing of them is left to update.
    erased: bool = False
    # A redelivered update already applied: only its question, which never left, is sent.
    redelivered: bool = False


async def step_known_youth(
    services: Services, youth: YouthRecord, event: Event, update_id: int, token: str = ""
) -> StepOutcome | None:
    """Apply one update of a known youth; None if it was already applied (a redelivery).

    A redelivery whose step's question never left gets that question again (``_unsent_question``).

    ``token`` is the argument of a ``/start``: a valid invitation of a later wave of their
    structure, for a wave the follow-up rule allows, is the event ``InvitationOpened``; it is
    redeemed only if the conversation starts that wave, and otherwise left unused.
    """
    now = services.clock()
    async with services.database.transaction() as transaction:
        if not await claim_update(transaction, update_id, now):
            return await _unsent_question(services, transaction, youth, now)
        await mark_contact_reachable(transaction, youth.id)
        run = await current_run(transaction, youth.id)
        if run is None:
            return None
        referentiel = services.new_run_referentiel()
        invitation = (
            await invitation_to_follow_up(transaction, youth, token, referentiel, now) if token else None
        )
        if invitation is not None:
            event = InvitationOpened(invitation.wave)
        outcome = await _step(services, transaction, run, youth.locale, event, now)
        if invitation is not None and outcome.started_follow_up == invitation.wave:
            await redeem_for_follow_up(transaction, invitation, youth.id, now)
    if outcome.erased:
        await services.database.truncate_write_ahead_log()
    return outcome


async def enrol_and_greet(
    services: Services, token: str, incoming: Incoming
) -> StepOutcome | Rejection | None:
    """Redeem an invitation, enrol, start the run and show the notice; all or nothing."""
    now = services.clock()
    referentiel = services.new_run_referentiel()
    locale = services.translator.language_for(incoming.language_code)
    async with services.database.transaction() as transaction:
        if not await claim_update(transaction, incoming.update_id, now):
            return None
        enrolment = await enrol_by_invitation(
            transaction,
            services.pseudonymiser,
            token,
            incoming.telegram_user_id,
            incoming.chat_id,
            locale,
            now,
        )
        if not isinstance(enrolment, Enrolment):
            return enrolment
        run = await create_run(transaction, enrolment.youth.id, enrolment.wave, referentiel, now)
        return await _step(services, transaction, run, locale, Enrolled(), now)


async def step_scheduled(services: Services, message: DueMessage, claimant: str) -> StepOutcome | None:
    """Take a claimed reminder or offer and let the engine word it; None if there is nothing to send.

    An offer the follow-up rule no longer allows (the youth started a questionnaire since it was
    claimed) is given back and stays queued. A youth who blocked the bot, or a reminder for a
    questionnaire already finished, is dropped (taken, nothing sent).
    """
    now = services.clock()
    referentiel = services.new_run_referentiel()
    async with services.database.transaction() as transaction:
        offer = message.kind == FOLLOW_UP_KIND
        if offer and await why_not_offered(transaction, message.youth_id, message.wave or "", referentiel):
            await release(transaction, message, claimant)
            return None
        if not await take(transaction, message, claimant, now):
            return None
        run = await current_run(transaction, message.youth_id)
        locale = await _locale_of(transaction, message.youth_id, finished_too=offer)
        if run is None or locale is None:
            return None
        if offer:
            event = FollowUpDue(message.wave or "", await finished_at(transaction, run))
            return await _step(services, transaction, run, locale, event, now)
        number = reminder_number(message.kind) or 1
        return await _step(services, transaction, run, locale, ReminderDue(), now, after_reminder=number)


async def _step(
    services: Services,
    transaction: Transaction,
    run: Run,
    locale: str,
    event: Event,
    now: datetime,
    after_reminder: int | None = None,
) -> StepOutcome:
    referentiel = services.find_referentiel(run.referentiel_id, run.referentiel_version)
    context = services.engine_context(referentiel, locale, now)
    transition = step(run.state, event, context)
    messages = transition.messages
    if not await apply_effects(transaction, run, transition.effects, now, context.referentiel):
        return StepOutcome(run.youth_id, None, messages, None, erased=True)
    await save_state(transaction, run, transition.state, now)
    if _asks_question(messages):
        await forget_question_message(transaction, run.id)
    policy, phase = services.reminder_policy, transition.state.phase
    if after_reminder is None:
        await plan_after_activity(transaction, run.youth_id, run.wave, phase, policy, now)
    else:
        await plan_next_after(transaction, run.youth_id, after_reminder, run.wave, policy, now)
    outcome = StepOutcome(run.youth_id, run.id, messages, run.question_message_id)
    for effect in transition.effects:
        if isinstance(effect, StartFollowUp):
            return await _start_follow_up(services, transaction, outcome, effect.wave, locale, now)
    return outcome


async def _start_follow_up(
    services: Services, transaction: Transaction, outcome: StepOutcome, wave: str, locale: str, now: datetime
) -> StepOutcome:
    """Open the wave's run and step ``FollowUpStarted`` there; its messages follow this step's."""
    run = await start_follow_up_run(transaction, outcome.youth_id, wave, services.new_run_referentiel(), now)
    started = await _step(services, transaction, run, locale, FollowUpStarted(wave), now)
    return replace(started, messages=(*outcome.messages, *started.messages), started_follow_up=wave)


async def _unsent_question(
    services: Services, transaction: Transaction, youth: YouthRecord, now: datetime
) -> StepOutcome | None:
    """The question the youth is waiting for, if the step that asks it committed but it never left.

    Shown as the engine shows it after ``/start`` (welcome back, then the question), only where
    that changes nothing stored; None in every other case (the redelivery changes nothing).
    """
    run = await current_run(transaction, youth.id)
    if run is None or run.question_message_id is not None:
        return None
    referentiel = services.find_referentiel(run.referentiel_id, run.referentiel_version)
    transition = step(run.state, Restarted(), services.engine_context(referentiel, youth.locale, now))
    if transition.state != run.state or transition.effects or not _asks_question(transition.messages):
        return None
    return StepOutcome(run.youth_id, run.id, transition.messages, None, redelivered=True)


def _asks_question(messages: tuple[Message, ...]) -> bool:
    return any(isinstance(message, Send) and message.holds_question for message in messages)


async def _locale_of(transaction: Transaction, youth_id: int, finished_too: bool) -> str | None:
    """Return the youth's language if the bot may write to them now (reminders: only unfinished)."""
    finished = "" if finished_too else "AND youth.status NOT IN ('declined', 'completed')"
    row = await transaction.fetch_one(
        "SELECT locale FROM youth JOIN contacts ON contacts.youth_id = youth.id "
        f"WHERE youth.id = ? AND contacts.blocked_at IS NULL {finished}",
        (youth_id,),
    )
    return str(row[0]) if row else None


async def record_delivery(services: Services, outcome: StepOutcome, delivery: Delivery) -> None:
    """After the send: a block stops every message to the youth; a new question message is
    remembered, and one that could not be sent at all is known unsent (``storage.question_messages``)."""
    if delivery.blocked:
        async with services.database.transaction() as transaction:
            await mark_contact_blocked(transaction, outcome.youth_id, services.clock())
        return
    if outcome.run_id is None:
        return
    if delivery.question_message_id is not None:
        await remember_question_message(services.database, outcome.run_id, delivery.question_message_id)
    elif delivery.question_unsent:
        await mark_question_unsent(services.database, outcome.run_id)
