"""Item statistics of the workshop pack: how each question behaved, per wave and référentiel version.

For the pack's group (the sector, an organisation or a structure), per question:

* ``shown`` — runs in which it was asked (answered or skipped); ``answered``, ``skipped`` and
  ``skip_rate`` ("je préfère ne pas répondre" among those asked);
* ``stopped_here`` and ``drop_off_rate`` — unfinished questionnaires whose conversation is on
  this question, among those that reached it (shown + stopped here);
* ``distribution`` — each option's count and share of the answers (for a multiple choice, of
  the youth who answered; they may pick several); numbers by value; never free text;
* ``floor_share`` and ``ceiling_share`` — answers at the lowest and highest value of a scale or
  number, where the answers are ordered;
* ``median_seconds`` — time between the previous answer of the run and this one (a run's first
  answer has no previous one and is not counted; pauses are, hence the median);
* ``flags`` — each with its reason: more than 30 % skipped, more than 80 % in one option (and,
  added by reliability, an item that lowers its score's α).

A question's figures are published only if the group is, for that question, under the score
export's rule applied on the whole tree with the runs shown the question as ``n``
(``admin.disclosure``); ``shown`` is always given, as ``n`` is.
"""

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy

from admin.disclosure import FEW_ON_ONE_SIDE, DisclosureTree, share_band
from admin.score_collection import ReferentielKey
from admin.workshop_collection import WaveObservations
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE
from referentiel.models import Question, Referentiel

MANY_SKIPPED = 0.30
ONE_OPTION = 0.80
FLAG_TEXTS = {
    "many_skipped": "plus de 30 % des jeunes à qui elle est posée ne répondent pas ({share} %)",
    "one_option": "plus de 80 % des réponses dans une seule option : « {option} » ({share} %)",
    "lowers_alpha": "sans cette question, l’α du score {indicator} passerait de {alpha} à {without}",
    "low_alpha": "α = {alpha} < 0,6 : les questions du score ne mesurent pas assez la même chose",
}
# The decisions within one group (its options add up to its answers) need no tree above it.
GROUP_ALONE = DisclosureTree([("group", None)])
MASKED_FIGURES = (
    "answered", "skipped", "skip_rate", "stopped_here", "drop_off_rate", "floor_share", "ceiling_share",
    "median_seconds",
)  # fmt: skip


@dataclass(frozen=True)
class Flag:
    """Why the workshop should look at something: a code and a sentence in French."""

    flag: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """Return the flag as JSON."""
        return {"flag": self.flag, "reason": self.reason}


def flag(code: str, **details: object) -> Flag:
    """Return a flag with its reason written out."""
    return Flag(code, FLAG_TEXTS[code].format(**details))


@dataclass
class ItemRow:
    """One question at one wave: figures (None when masked), its distribution and flags."""

    referentiel_version: str
    wave: str
    dimension: str | None
    question: str
    type: str
    text: str
    shown: int
    figures: dict[str, float | int | None]
    distribution: list[dict[str, object]]
    flags: list[Flag]
    reason: str | None

    def as_dict(self) -> dict[str, object]:
        """Return the row with the documented JSON keys, in order."""
        return {
            "referentiel_version": self.referentiel_version,
            "wave": self.wave,
            "dimension": self.dimension,
            "question": self.question,
            "type": self.type,
            "text": self.text,
            "shown": self.shown,
            **self.figures,
            "distribution": self.distribution,
            "flags": [found.as_dict() for found in self.flags],
            "suppressed": self.reason is not None,
            "reason": self.reason,
        }


def row_with_suppressed(row: Any) -> dict[str, object]:
    """A row dataclass as JSON: its fields in order, ``reason`` preceded by ``suppressed``."""
    cells = {column.name: getattr(row, column.name) for column in fields(row) if column.name != "reason"}
    return {**cells, "suppressed": row.reason is not None, "reason": row.reason}


def question_decisions(
    tree: DisclosureTree,
    members: Sequence[Sequence[int]],
    shown: dict[tuple[int, str, ReferentielKey], Counter[str]],
    wave: str,
    key: ReferentielKey,
    referentiel: Referentiel,
    minimum_group_size: int,
) -> dict[str, list[str | None]]:
    """For each question, the disclosure decision of every group, with the runs shown it as n."""
    decided: dict[tuple[int, ...], list[str | None]] = {}
    decisions = {}
    empty: Counter[str] = Counter()
    shown_by_group = [
        [shown.get((structure, wave, key), empty) for structure in structures] for structures in members
    ]
    for question in referentiel.questions:
        counts = tuple(
            sum(counted.get(question.id, 0) for counted in shown_in) for shown_in in shown_by_group
        )
        if counts not in decided:
            decided[counts] = tree.decide(counts, minimum_group_size)
        decisions[question.id] = decided[counts]
    return decisions


def item_rows(
    referentiel: Referentiel,
    label: str,
    wave: str,
    observations: WaveObservations,
    reasons: dict[str, str | None],
    minimum_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
) -> list[ItemRow]:
    """The statistics of every question of one version at one wave, in questionnaire order."""
    texts_of: dict[str, Counter[str]] = {}
    for (question_id, text), count in observations.distribution.items():
        texts_of.setdefault(question_id, Counter())[text] = count
    seconds_of: dict[str, list[tuple[int, int]]] = {}
    for (rank, seconds), count in observations.seconds.items():
        if rank < len(referentiel.questions):
            seconds_of.setdefault(referentiel.questions[rank].id, []).append((seconds, count))
    return [
        _item_row(
            referentiel,
            (label, wave),
            question,
            (texts_of.get(question.id, Counter()), seconds_of.get(question.id, [])),
            observations.stopped_at.get(question.id, 0),
            reasons.get(question.id, "small_group"),
            minimum_side,
        )
        for question in referentiel.questions
    ]


def _item_row(
    referentiel: Referentiel,
    where: tuple[str, str],
    question: Question,
    counted: tuple[Counter[str], list[tuple[int, int]]],
    stopped: int,
    reason: str | None,
    minimum_side: int,
) -> ItemRow:
    """One question's row from its stored texts counted, its times and the runs stopped on it."""
    texts, seconds = counted
    shown = sum(texts.values())
    row = ItemRow(
        *where, question.dimension, question.id, question.type, question.text[referentiel.default_language],
        shown, dict.fromkeys(MASKED_FIGURES), [], [], reason,
    )  # fmt: skip
    if row.reason is not None:
        return row
    skipped = texts.get("", 0)
    answered = shown - skipped
    row.figures.update(
        answered=answered,
        skipped=skipped,
        skip_rate=_percent(skipped, shown),
        stopped_here=stopped,
        drop_off_rate=_percent(stopped, shown + stopped),
        median_seconds=_median(seconds),
    )
    chosen = _chosen(question, texts)
    withheld = withheld_options(question, [count for _, _, count in chosen], answered, minimum_side)
    if question.type != "short_text":
        row.distribution = [
            _option_entry(option, name, count, answered, withheld.get(position), minimum_side)
            for position, (option, name, count) in enumerate(chosen)
        ]
    ordered = _ordered_values(question)
    if ordered and answered:
        value_of = dict(ordered)
        lowest, highest = min(value_of.values()), max(value_of.values())
        for name, end in (("floor_share", lowest), ("ceiling_share", highest)):
            at_end = [
                position for position, (option, _, _) in enumerate(chosen) if value_of.get(option) == end
            ]
            count = sum(chosen[position][2] for position in at_end)
            # The share at the end of the scale is an option's share: withheld with it.
            row.figures[name] = (
                None if any(position in withheld for position in at_end) else _percent(count, answered)
            )
    skip_rate = row.figures["skip_rate"]
    if shown and skipped / shown > MANY_SKIPPED:
        row.flags.append(flag("many_skipped", share=french_number(skip_rate)))
    if answered and question.type in ("scale", "yes_no", "single_choice") and chosen:
        position, (_, name, count) = max(enumerate(chosen), key=lambda item: item[1][2])
        if count / answered > ONE_OPTION:
            share = (
                share_band(answered, count, minimum_side) or "masqué"
                if position in withheld
                else french_number(_percent(count, answered))
            )
            row.flags.append(flag("one_option", option=name, share=share))
    return row


def withheld_options(
    question: Question, counts: list[int], answered: int, minimum_side: int
) -> dict[int, bool]:
    """The options whose count and share a group's pack withholds: {position: banded?}.

    An option chosen by fewer than ``minimum_side`` youth, or by all but fewer than that, gets a
    band (``admin.disclosure.share_band``). The options of a single answer add up to the
    answers, so more are withheld where the published ones would pin a banded one
    (``DisclosureTree.decide_options``); several answers (a multiple choice) do not add up.
    """
    if not answered:
        return {}
    reasons: list[list[str | None]] = [
        [FEW_ON_ONE_SIDE if min(count, answered - count) < minimum_side else None] for count in counts
    ]
    if question.type != "multiple_choice":
        GROUP_ALONE.decide_options([answered], [[count] for count in counts], reasons, minimum_side)
    return {
        position: option_reasons[0] == FEW_ON_ONE_SIDE
        for position, option_reasons in enumerate(reasons)
        if option_reasons[0] is not None
    }


def _option_entry(
    option: str, name: str, count: int, answered: int, withheld: bool | None, minimum_side: int
) -> dict[str, object]:
    """One option: its count and share; withheld, its band (``withheld`` True) or nothing."""
    if withheld is None:
        return {
            "option": option,
            "label": name,
            "count": count,
            "share": _percent(count, answered),
            "band": None,
        }
    band = share_band(answered, count, minimum_side) if withheld else None
    return {"option": option, "label": name, "count": None, "share": None, "band": band}


def _chosen(question: Question, texts: Counter[str]) -> list[tuple[str, str, int]]:
    """(option id or number, label, how many answers chose it), options in their order."""
    counted: Counter[str] = Counter()
    for text, count in texts.items():
        if text == "" or question.type == "short_text":
            continue
        value = json.loads(text)
        for chosen in value if isinstance(value, list) else [value]:
            counted[str(chosen)] += count
    if question.options:
        return [
            (option.id, option.label.get("fr", option.id), counted[option.id]) for option in question.options
        ]
    return [(value, value, counted[value]) for value in sorted(counted, key=float)]


def _ordered_values(question: Question) -> list[tuple[str, float]]:
    """(option or number, value) for questions whose answers are ordered: scales and numbers."""
    if question.type == "scale":
        return [(option.id, float(option.value)) for option in question.options if option.value is not None]
    if question.type == "number" and question.minimum is not None and question.maximum is not None:
        return [(str(number), float(number)) for number in range(question.minimum, question.maximum + 1)]
    return []


def _median(histogram: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times)."""
    if not histogram:
        return None
    values, counts = zip(*histogram, strict=True)
    return float(numpy.median(numpy.repeat(numpy.array(values), numpy.array(counts))))


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def french_number(number: object) -> str:
    """A number as French writes it (decimal comma), for the flags' sentences."""
    return str(number).replace(".", ",")
