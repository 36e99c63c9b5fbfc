"""What staff may know of the youth of a structure: where each one is in each wave, never what they said.

Educators need words that match what happened: a link handed out but not opened, a notice shown
and not yet agreed to, a refusal, "answering 40%", a pause, a completed questionnaire, an offer
of the next one. The answers are never read; the position comes from the conversation state the
engine stored, read with the engine's own reader (never SQL on its JSON).

How far a youth is must not depend on what they answered. What the youth sees ("12/30") does:
a question asked only after some answers (the adults they can call, if they have any) is in the
count, and in the position, of those who gave them. So staff read the share of the questions
*every* youth is asked (no condition) that lie behind the youth's current question: two youth
at one point of the questionnaire read the same, whichever way they came.
"""

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

from conversations.context import N_
from conversations.errors import ConversationError
from conversations.navigation import question_index
from conversations.state import ConversationState, Phase
from referentiel.errors import ReferentielError
from referentiel.loading import find_referentiel
from referentiel.models import Referentiel
from storage.clock import timestamp
from storage.reminders import IS_REMINDER

WAVES = ("T0", "T1", "exit")
# The words staff read, also msgids (``N_``): the bot's /suivi shows them translated.
NOT_STARTED = N_("not started")
OFFER_QUEUED = N_("offer queued")
OFFERED = N_("offered")
NOTICE_SHOWN = N_("notice shown")
DECLINED = N_("declined")
COMPLETED = N_("completed")
ANSWERING = N_("answering")
PAUSED = N_("paused")
ERASED_ACTION = "youth erased"


@dataclass(frozen=True)
class WaveState:
    """Where a youth is in one questionnaire: one of the words above, how far (answering or
    paused, where known: see the module's note) and, for a state Voix cannot read, its status."""

    word: str
    percent_behind: int | None = None
    detail: str = ""

    def __str__(self) -> str:
        words = [self.word]
        if self.percent_behind is not None:
            words.append(f"{self.percent_behind}%")
        if self.detail:
            words.append(self.detail)
        return " ".join(words)


@dataclass(frozen=True)
class YouthProgress:
    """One youth as staff see them: a code, where they are now, each wave, whether the bot reaches them."""

    code: str
    current: WaveState
    states: dict[str, WaveState]
    blocked: bool
    # When the youth last did something in a questionnaire (ISO, UTC), and reminders sent so far.
    last_activity: str | None = None
    reminders_sent: int = 0

    @property
    def status(self) -> str:
        """Where the youth is now, in words."""
        return str(self.current)

    @property
    def waves(self) -> dict[str, str]:
        """Each wave, in words."""
        return {wave: str(state) for wave, state in self.states.items()}


@dataclass(frozen=True)
class StructureProgress:
    """The youth of a structure, the links handed out but not opened, and how many youth were erased."""

    youth: list[YouthProgress]
    links_not_opened: int
    erased: int


def structure_progress(connection: sqlite3.Connection, structure_id: int, now: datetime) -> StructureProgress:
    """Return the progress of every youth of a structure; no answer is read. Read-only."""
    youth = connection.execute(
        "SELECT youth.id, youth.code, youth.status, contacts.blocked_at IS NOT NULL, "
        "(SELECT MAX(updated_at) FROM runs WHERE runs.youth_id = youth.id), "
        f"(SELECT COUNT(*) FROM scheduled_messages WHERE youth_id = youth.id AND {IS_REMINDER} "
        "AND sent_at IS NOT NULL) FROM youth "
        "LEFT JOIN contacts ON contacts.youth_id = youth.id WHERE youth.structure_id = ? ORDER BY youth.code",
        (structure_id,),
    ).fetchall()
    runs = _rows_by_youth(
        connection.execute(
            "SELECT runs.youth_id, runs.wave, runs.status, runs.state, runs.referentiel_id, "
            "runs.referentiel_version FROM runs JOIN youth ON youth.id = runs.youth_id "
            "WHERE youth.structure_id = ? ORDER BY runs.started_at, runs.id",
            (structure_id,),
        )
    )
    offers = _rows_by_youth(
        connection.execute(
            "SELECT scheduled_messages.youth_id, scheduled_messages.wave, scheduled_messages.sent_at "
            "FROM scheduled_messages JOIN youth ON youth.id = scheduled_messages.youth_id "
            "WHERE youth.structure_id = ? AND scheduled_messages.kind = 'followup'",
            (structure_id,),
        )
    )
    listed = [
        replace(
            _youth_progress(code, status, bool(blocked), runs.get(youth_id, []), offers.get(youth_id, [])),
            last_activity=last_activity,
            reminders_sent=int(reminders),
        )
        for youth_id, code, status, blocked, last_activity, reminders in youth
    ]
    links = connection.execute(
        "SELECT COUNT(*) FROM invitations WHERE structure_id = ? AND used_at IS NULL "
        "AND revoked_at IS NULL AND expires_at > ?",
        (structure_id, timestamp(now)),
    ).fetchone()[0]
    erased = sum(
        1
        for (details,) in connection.execute(
            "SELECT details FROM audit_log WHERE action = ?", (ERASED_ACTION,)
        )
        if json.loads(details).get("structure_id") == structure_id
    )
    return StructureProgress(listed, int(links), erased)


def _rows_by_youth(rows: Iterable[tuple[object, ...]]) -> dict[object, list[tuple[object, ...]]]:
    grouped: dict[object, list[tuple[object, ...]]] = {}
    for row in rows:
        grouped.setdefault(row[0], []).append(row[1:])
    return grouped


def _youth_progress(
    code: str,
    youth_status: str,
    blocked: bool,
    runs: list[tuple[object, ...]],
    offers: list[tuple[object, ...]],
) -> YouthProgress:
    waves = {wave: WaveState(NOT_STARTED) for wave in WAVES}
    for wave, sent_at in offers:
        waves[str(wave)] = WaveState(OFFERED if sent_at is not None else OFFER_QUEUED)
    latest = WaveState(NOTICE_SHOWN if youth_status == "invited" else NOT_STARTED)
    for wave, run_status, state, referentiel_id, version in runs:
        latest = waves[str(wave)] = _run_state(str(run_status), str(state), str(referentiel_id), str(version))
    return YouthProgress(code, WaveState(DECLINED) if youth_status == "declined" else latest, waves, blocked)


def _run_state(run_status: str, stored_state: str, referentiel_id: str, version: str) -> WaveState:
    """Say where a run is, in the words an educator reads."""
    try:
        state = ConversationState.from_json(stored_state)
    except ConversationError:
        return (
            WaveState(COMPLETED)
            if run_status == "completed"
            else WaveState(ANSWERING, detail=f"({run_status})")
        )
    phase = state.phase
    if phase in (Phase.PAUSED, Phase.CONFIRMING_STOP) and state.resume_phase is not None:
        if state.resume_phase is not Phase.QUESTIONNAIRE:
            phase = state.resume_phase
        elif phase is Phase.CONFIRMING_STOP:
            phase = Phase.QUESTIONNAIRE
    if phase in (Phase.NEW, Phase.CONSENT):
        return WaveState(NOTICE_SHOWN)
    if phase is Phase.DECLINED or run_status == "declined":  # also while a later wave is offered
        return WaveState(DECLINED)
    if phase is Phase.COMPLETED or run_status == "completed":
        return WaveState(COMPLETED)
    return WaveState(
        PAUSED if phase is Phase.PAUSED else ANSWERING, _percent_behind(state, referentiel_id, version)
    )


def _percent_behind(state: ConversationState, referentiel_id: str, version: str) -> int | None:
    """The share, in whole percent, of the questions every youth is asked that are behind the
    youth's current question (at most 99: a youth still answering has not finished); None if
    unknown. It never depends on the answers (see the module's note)."""
    referentiel = _referentiel(referentiel_id, version)
    if referentiel is None:
        return None
    asked_to_all = [question.condition is None for question in referentiel.questions]
    if not any(asked_to_all):
        return None
    try:
        current = question_index(referentiel, state.question_id) if state.question_id else 0
    except KeyError:
        return None
    return min(99, 100 * sum(asked_to_all[:current]) // sum(asked_to_all))


@cache
def _referentiel(referentiel_id: str, version: str) -> Referentiel | None:
    try:
        return find_referentiel(referentiel_id, int(version))
    except (ReferentielError, ValueError):
        return None
