"""Item statistics of the workshop pack: how each question behaved, per wave and référentiel version.

For the pack's group (the sector, an organisation or a structure), per question:

* ``shown`` — runs in which it was asked (answered or skipped); ``answered``, ``skipped`` and
  ``skip_rate`` ("je préfère ne pas répondre" among those asked);
* ``stopped_here`` and ``drop_off_rate`` — unfinished questionnaires whose conversation is on
  this question, among those that reached it (shown + stopped here);
* ``distribution`` — each option's count and share of the answers (for a multiple choice, of
  the youth who answered; they may pick several); numbers by value (every value answered in the
  sector); never free text. An option chosen by fewer than ``minimum_side`` youth, or by all but
  fewer, gets a band instead; more are withheld where the others would give one back, within
  the group or between levels: decided on the whole tree, the same in every pack
  (``admin.workshop_options``);
* ``floor_share`` and ``ceiling_share`` — answers at the lowest and highest value of a scale or
  number, where the answers are ordered (withheld with their option);
* ``median_seconds`` — time between the previous answer of the run and this one (a run's first
  answer has no previous one and is not counted; pauses are, hence the median);
* ``flags`` — each with its reason: more than 30 % skipped, more than 80 % in one option (and,
  added by reliability, an item that lowers its score's α).

A question's figures are published only if the group is, for that question, under the score
export's rule applied on the whole tree with the runs shown the question as ``n``
(``admin.disclosure``); ``shown`` is always given, as ``n`` is, except for a question asked only
after some answers to an earlier one: masked, its ``shown`` would count those answers
(``admin.workshop_options.condition_withheld``).
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy

from admin.disclosure import share_band
from admin.option_decisions import FLAGGED_TYPES, ONE_OPTION
from admin.report_text import count_text
from admin.workshop_collection import WaveObservations
from admin.workshop_options import GroupOptions
from referentiel.aggregation import DEFAULT_MINIMUM_YOUTH_PER_SIDE
from referentiel.models import Question, Referentiel

MANY_SKIPPED = 0.30
FLAG_TEXTS = {
    "many_skipped": "plus de 30 % des jeunes à qui elle est posée ne répondent pas ({share})",
    "one_option": "plus de 80 % des réponses dans une seule option : « {option} » ({share})",
    "lowers_alpha": "sans cette question, l’α du score {indicator} passerait de {alpha} à {without}",
    "low_alpha": "α = {alpha} < 0,6 : les questions du score ne mesurent pas assez la même chose",
}
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
    shown: int | None
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


def item_rows(
    referentiel: Referentiel,
    where: tuple[str, str],
    observations: WaveObservations,
    reasons: dict[str, str | None],
    options: dict[str, GroupOptions],
    minimum_side: int = DEFAULT_MINIMUM_YOUTH_PER_SIDE,
) -> list[ItemRow]:
    """The statistics of every question of one version at one wave (``where``: version's label,
    wave), in questionnaire order; ``options``: the group's answers and what the tree withholds."""
    seconds_of: dict[str, list[tuple[int, int]]] = {}
    for (rank, seconds), count in observations.seconds.items():
        if rank < len(referentiel.questions):
            seconds_of.setdefault(referentiel.questions[rank].id, []).append((seconds, count))
    return [
        _item_row(
            referentiel,
            where,
            question,
            (options[question.id], seconds_of.get(question.id, [])),
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
    counted: tuple[GroupOptions, list[tuple[int, int]]],
    stopped: int,
    reason: str | None,
    minimum_side: int,
) -> ItemRow:
    """One question's row from its answers and options, its times and the runs stopped on it."""
    options, seconds = counted
    shown, answered, chosen, withheld = options.shown, options.answered, options.chosen, options.withheld
    row = ItemRow(
        *where, question.dimension, question.id, question.type, question.text[referentiel.default_language],
        shown, dict.fromkeys(MASKED_FIGURES), [], [], reason,
    )  # fmt: skip
    if row.reason is not None:
        if question.condition is not None:
            row.shown = None  # asked to those who gave some earlier answers: it would count them
        return row
    skipped = shown - answered
    row.figures.update(
        answered=answered,
        skipped=skipped,
        skip_rate=_percent(skipped, shown),
        stopped_here=stopped,
        drop_off_rate=_percent(stopped, shown + stopped),
        median_seconds=_median(seconds),
    )
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
            # The share at the end of the scale is an option's share: withheld with it (a number
            # nobody gave anywhere is no option: its 0 % would say so of everyone).
            hidden = not at_end or any(position in withheld for position in at_end)
            row.figures[name] = None if hidden else _percent(count, answered)
    skip_rate = row.figures["skip_rate"]
    if shown and skipped / shown > MANY_SKIPPED:
        row.flags.append(
            flag("many_skipped", share="masqué" if skip_rate is None else f"{french_number(skip_rate)} %")
        )
    if answered and question.type in FLAGGED_TYPES and chosen:
        position, (_, name, count) = max(enumerate(chosen), key=lambda item: item[1][2])
        if count / answered > ONE_OPTION:
            share = (
                share_band(answered, count, minimum_side) or "masqué"
                if position in withheld
                else f"{french_number(_percent(count, answered))} %"
            )
            row.flags.append(flag("one_option", option=name, share=share))
    return row


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


def withhold_drop_off(items: Sequence[ItemRow], in_progress: dict[str, float | int | None]) -> None:
    """Leave a question's ``stopped_here`` and ``drop_off_rate`` empty at a wave where the
    group's funnel withholds ``in_progress`` (``in_progress``: per wave, the pack's group's, None
    if withheld), in place. The questions' stops add up to the questionnaires in progress on a
    question: where the funnel withholds that stage, their sum would bound it, and through it
    the stages banded beside it (the golden data's sector: 11 stopped, so « notice pending »,
    « stopped » and « erased » held 3 youth at most together, each published as « < 10 % »)."""
    for item in items:
        if in_progress.get(item.wave) is None:
            item.figures["stopped_here"] = item.figures["drop_off_rate"] = None


def french_number(number: object) -> str:
    """A number as French writes it: a decimal comma, a thin space between thousands (« 1 534 »,
    as the score report writes counts), and a minus sign (−), not a hyphen."""
    text = str(number)
    sign = "\u2212" if text.startswith("-") else ""
    whole, point, fraction = text.removeprefix("-").partition(".")
    if whole.isdigit():
        whole = count_text(int(whole))  # the score report's thousands
    return f"{sign}{whole}{',' if point else ''}{fraction}"
