"""The participation funnel of the workshop pack: who was invited, who opened, agreed, finished, stopped.

Per group (sector, organisations, structures) and wave, from the tables alone, never an answer:

* ``invited`` — invitations created for that wave, less those withdrawn before anyone saw them;
* ``opened`` — youth who opened their questionnaire of that wave (its run exists), plus the
  youth erased since while in that wave or a later one (the erasure is audited with its wave);
* of those: ``notice_pending`` (the notice not answered yet), ``declined``, ``in_progress``
  (agreed, answering or paused), ``completed``, ``stopped`` (erased at their own request) and
  ``erased_by_retention``; they add up to ``opened``. ``consented`` = in progress + completed:
  whether a youth who stopped had agreed is not known any more;
* ``completion_rate`` — completed among opened, in percent, and ``median_minutes_to_complete``
  (from opening the questionnaire to its last answer, pauses included);
* ``reminders_sent``, ``youth_reminded`` and ``answered_after_reminder`` (reminded youth who
  answered at least once after their first reminder of that wave).

Disclosure follows the score export's rule (``admin.disclosure``, on the whole tree): ``opened``
plays the part of ``n`` and, like ``n`` and ``invited`` (a count of staff actions), is always
shown; every other figure of a group whose ``opened`` is masked is left empty. What became of the
youth who opened is each youth's own choice (agreeing, declining, stopping), so its stages follow
the attribute rule like the options of a question: a stage with fewer than 3 youth, or all but
fewer than 3, is left empty with a band of ``opened`` in ``bands`` ("< 10 %"), and more stages
are left empty where the others would pin it, on the whole tree and within the group
(``notice_pending`` first, then ``in_progress``: ``MASKED_FIRST``); the figures made of a
withheld stage (``consented``, ``completion_rate``) follow it. Answering after a reminder is
each reminded youth's doing too: ``answered_after_reminder`` is a share of ``youth_reminded``
under the same rule (on the tree; a band of ``youth_reminded`` where fewer than 3 stand on one
side).
"""

import json
import sqlite3
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from admin.disclosure import FEW_ON_ONE_SIDE, DisclosureTree, Reasons, share_band
from admin.score_table import Group
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE
from storage.reminders import IS_REMINDER
from storage.youth_progress import ERASED_ACTION
from storage.youth_progress import WAVES as FUNNEL_WAVES

STAGES = ("notice_pending", "declined", "in_progress", "completed", "stopped", "erased_by_retention")
ANSWERED_AFTER_REMINDER = "answered_after_reminder"
# Where a group's exact stages would pin a withheld one, ``notice_pending`` is masked before the
# others, then ``in_progress`` (passing states; ``completed`` and the completion rate are what the
# workshop reads, and the items' drop-off, where questionnaires in progress stopped, is published
# only where ``in_progress`` is: ``admin.workshop_items.withhold_drop_off``).
MASKED_FIRST = (STAGES.index("notice_pending"), STAGES.index("in_progress"))
MASKED_COLUMNS = (
    "notice_pending", "declined", "consented", "in_progress", "completed", "stopped", "erased_by_retention",
    "completion_rate", "median_minutes_to_complete", "reminders_sent", "youth_reminded",
    "answered_after_reminder",
)  # fmt: skip
COLUMNS = (
    "level", "group_id", "group_name", "organisation", "wave", "invited", "opened", *MASKED_COLUMNS,
    "bands", "suppressed", "reason",
)  # fmt: skip
# Where a run stands, from its status and the phase its stored conversation state is in (the
# phase it will go back to while paused or asked to confirm a stop). Unknown phases count as
# in progress: the youth is somewhere inside the questionnaire.
_STAGE_QUERY = """
SELECT coalesce(runs.structure_id, youth.structure_id), runs.wave, CASE
    WHEN runs.status = 'completed' THEN 'completed'
    WHEN runs.status = 'declined' THEN 'declined'
    WHEN NOT json_valid(runs.state) THEN 'in_progress'
    ELSE CASE coalesce(
        CASE WHEN json_extract(runs.state, '$.phase') IN ('paused', 'confirming_stop')
             THEN json_extract(runs.state, '$.resume_phase') END,
        json_extract(runs.state, '$.phase'))
        WHEN 'new' THEN 'notice_pending' WHEN 'consent' THEN 'notice_pending'
        WHEN 'declined' THEN 'declined' WHEN 'completed' THEN 'completed'
        ELSE 'in_progress' END
    END, count(*)
FROM runs JOIN youth ON youth.id = runs.youth_id GROUP BY 1, 2, 3
"""
_DURATION_QUERY = (
    "SELECT coalesce(runs.structure_id, youth.structure_id), runs.wave, "
    "unixepoch(runs.completed_at) - unixepoch(runs.started_at) "
    "FROM runs JOIN youth ON youth.id = runs.youth_id "
    "WHERE runs.status = 'completed' AND unixepoch(runs.completed_at) IS NOT NULL "
    "AND unixepoch(runs.started_at) IS NOT NULL"  # times the bot did not write are left out
)
_REMINDER_QUERY = f"""
SELECT coalesce(runs.structure_id, youth.structure_id), runs.wave, sum(reminded.sent), count(*),
    sum(EXISTS (SELECT 1 FROM answers
                WHERE answers.run_id = runs.id AND answers.answered_at > reminded.first))
FROM (SELECT youth_id, wave, count(*) AS sent, min(sent_at) AS first FROM scheduled_messages
      WHERE {IS_REMINDER} AND sent_at IS NOT NULL GROUP BY youth_id, wave) AS reminded
JOIN runs ON runs.youth_id = reminded.youth_id AND runs.wave = reminded.wave
JOIN youth ON youth.id = runs.youth_id
GROUP BY 1, 2
"""


@dataclass(frozen=True)
class FunnelRow:
    """One group at one wave; ``figures`` maps each of ``MASKED_COLUMNS`` to its value (None if masked)."""

    group: Group
    wave: str
    invited: int
    opened: int
    figures: dict[str, float | int | None]
    reason: str | None
    bands: dict[str, str] | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the row with the documented JSON keys, in order."""
        group = self.group
        return {
            "level": group.level,
            "group_id": group.id,
            "group_name": group.name,
            "organisation": group.organisation,
            "wave": self.wave,
            "invited": self.invited,
            "opened": self.opened,
            **self.figures,
            "bands": self.bands or {},
            "suppressed": self.reason is not None,
            "reason": self.reason,
        }


@dataclass
class _Counts:
    """What is counted per structure and wave, before groups are summed."""

    counts: Counter[str]
    durations: list[int]


def participation_funnel(
    connection: sqlite3.Connection,
    groups: Sequence[Group],
    shown: Sequence[int],
    minimum_group_size: int,
    waves: Sequence[str] = FUNNEL_WAVES,
    minimum_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
) -> list[FunnelRow]:
    """Return the funnel rows of the groups at positions ``shown``, wave by wave, masked on the whole tree."""
    per_structure = _structure_counts(connection)
    tree = DisclosureTree([(group.key, group.parent) for group in groups])
    position = {group.key: index for index, group in enumerate(groups)}
    parts: list[list[int]] = [[] for _ in groups]
    for index, group in enumerate(groups):
        if group.parent is not None:
            parts[position[group.parent]].append(index)
    rows_of: dict[int, list[FunnelRow]] = {index: [] for index in shown}
    for wave in waves:
        # Groups come parents first (export order): summed from the last, each from its parts.
        totals = [_Counts(Counter(), []) for _ in groups]
        for index in reversed(range(len(groups))):
            group = groups[index]
            if group.level == "structure":
                totals[index] = per_structure.get((group.id, wave), totals[index])  # type: ignore[arg-type]
            else:
                totals[index] = _sum([totals[part] for part in parts[index]])
        if not any(
            any(totals[index].counts.values()) for index, group in enumerate(groups) if group.parent is None
        ):
            continue  # nobody invited at that wave anywhere (no exit questionnaire yet): no rows
        opened = [total.counts["opened"] for total in totals]
        chosen = [[total.counts[stage] for total in totals] for stage in STAGES]
        reasons, stages = decide_stages((tree, parts), opened, chosen, (minimum_group_size, minimum_side))
        # Answering after a reminder is each reminded youth's own doing, as a stage is: a share of
        # those reminded (« relancés 7, ont répondu après 6 » told who had not).
        answered_after = tree.decide_sides(
            [total.counts["youth_reminded"] for total in totals],
            [total.counts["answered_after_reminder"] for total in totals],
            reasons,
            minimum_side,
        )
        for index in shown:
            withheld = {stage: stages[place][index] for place, stage in enumerate(STAGES)}
            withheld[ANSWERED_AFTER_REMINDER] = answered_after[index]
            rows_of[index].append(
                _row(groups[index], wave, totals[index], reasons[index], withheld, minimum_side)
            )
    return [row for index in shown for row in rows_of[index]]


def decide_stages(
    tree_and_parts: tuple[DisclosureTree, Sequence[Sequence[int]]],
    opened: Sequence[int],
    chosen: Sequence[Sequence[int]],
    limits: tuple[int, int],
) -> tuple[Reasons, list[Reasons]]:
    """Every group's decisions at one wave: its own (``opened`` by the group-size rule) and, per
    stage, its stage's (``chosen[stage][group]``). ``limits``: k and ``minimum_side``."""
    tree, parts = tree_and_parts
    minimum_group_size, minimum_side = limits
    reasons = tree.decide(opened, minimum_group_size)
    stages = [tree.decide_sides(opened, counts, reasons, minimum_side) for counts in chosen]
    # The stages add up to the youth who opened, like a question's options.
    tree.settle_options(
        parts, (opened, opened), chosen, (reasons, stages), (minimum_side, None), MASKED_FIRST
    )
    return reasons, stages


def _structure_counts(connection: sqlite3.Connection) -> dict[tuple[int, str], _Counts]:
    """Every count of the funnel per (structure, wave), read in a few grouped queries."""
    found: dict[tuple[int, str], _Counts] = {}

    def counts(structure_id: int, wave: str) -> _Counts:
        counted = found.get((structure_id, wave))
        if counted is None:  # not made for every row looked up: 100,000 durations at 3 million answers
            counted = found[(structure_id, wave)] = _Counts(Counter(), [])
        return counted

    for structure_id, wave, number in connection.execute(
        # Not an invitation withdrawn before anyone saw it (a staff reply that never arrived, QR
        # cards that could not be written).
        "SELECT structure_id, wave, count(*) FROM invitations WHERE NOT withdrawn_unseen GROUP BY 1, 2"
    ):
        counts(structure_id, wave).counts["invited"] += number
    for structure_id, wave, stage, number in connection.execute(_STAGE_QUERY):
        counts(structure_id, wave).counts[stage] += number
    durations: dict[tuple[int, str], list[int]] = {}
    for structure_id, wave, seconds in connection.execute(_DURATION_QUERY):
        durations_here = durations.get((structure_id, wave))
        if durations_here is None:
            durations_here = durations[(structure_id, wave)] = counts(structure_id, wave).durations
        durations_here.append(seconds)
    for structure_id, wave, sent, reminded, answered in connection.execute(_REMINDER_QUERY):
        counted = counts(structure_id, wave).counts
        counted.update(
            {"reminders_sent": sent, "youth_reminded": reminded, "answered_after_reminder": answered}
        )
    for actor, details in connection.execute(
        "SELECT actor, details FROM audit_log WHERE action = ?", (ERASED_ACTION,)
    ):
        _count_erasure(counts, actor, details)
    for structure_counts in found.values():
        structure_counts.counts["opened"] = sum(structure_counts.counts[stage] for stage in STAGES)
    return found


def _count_erasure(counts: Callable[[int, str], _Counts], actor: str, details: str) -> None:
    """Count one erased youth: stopped (or erased by retention) in the wave they were in, and, if
    that is a later wave, completed in the first one (a later wave opens only after it). Entries
    written before erasures named their wave count in the first wave."""
    try:
        described = json.loads(details)
    except ValueError:
        return
    structure_id = described.get("structure_id") if isinstance(described, dict) else None
    if not isinstance(structure_id, int):
        return
    first = FUNNEL_WAVES[0]
    wave = described.get("wave")
    wave = wave if wave in FUNNEL_WAVES else first
    counts(structure_id, wave).counts["stopped" if actor == "youth" else "erased_by_retention"] += 1
    if wave != first:
        counts(structure_id, first).counts["completed"] += 1


def _sum(parts: list[_Counts]) -> _Counts:
    """The counts of a group: the sum of its parts'."""
    total = _Counts(Counter(), [])
    for part in parts:
        total.counts.update(part.counts)
        total.durations.extend(part.durations)
    return total


def _row(
    group: Group,
    wave: str,
    total: _Counts,
    reason: str | None,
    withheld: dict[str, str | None],
    minimum_side: int,
) -> FunnelRow:
    """One funnel row; every figure but invited and opened empty if the group is masked, and a
    withheld stage empty (with its band, if it has one)."""
    counts = total.counts
    opened = counts["opened"]
    if reason is not None:
        return FunnelRow(group, wave, counts["invited"], opened, dict.fromkeys(MASKED_COLUMNS), reason)
    figures: dict[str, float | int | None] = {column: counts[column] for column in MASKED_COLUMNS[:7]}
    bands: dict[str, str] = {}
    for stage, stage_reason in withheld.items():
        if stage_reason is not None and stage in STAGES:
            figures[stage] = None
            band = (
                share_band(opened, counts[stage], minimum_side) if stage_reason == FEW_ON_ONE_SIDE else None
            )
            if band is not None:
                bands[stage] = band
    agreed = ("in_progress", "completed")
    figures["consented"] = (
        None if any(withheld[stage] for stage in agreed) else counts["in_progress"] + counts["completed"]
    )
    figures["completion_rate"] = (
        None if withheld["completed"] else round(100 * counts["completed"] / opened, 1)
    )
    if "completed" in bands:
        bands["completion_rate"] = bands["completed"]
    figures["median_minutes_to_complete"] = (
        round(statistics.median(total.durations) / 60, 1) if total.durations else None
    )
    figures["reminders_sent"], figures["youth_reminded"] = counts["reminders_sent"], counts["youth_reminded"]
    figures[ANSWERED_AFTER_REMINDER] = (
        None if withheld[ANSWERED_AFTER_REMINDER] else counts[ANSWERED_AFTER_REMINDER]
    )
    if withheld[ANSWERED_AFTER_REMINDER] == FEW_ON_ONE_SIDE:
        band = share_band(counts["youth_reminded"], counts[ANSWERED_AFTER_REMINDER], minimum_side)
        if band is not None:
            bands[ANSWERED_AFTER_REMINDER] = band
    return FunnelRow(group, wave, counts["invited"], opened, figures, None, bands)
