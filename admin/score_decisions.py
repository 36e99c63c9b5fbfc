"""Which cells of the indicator table are published: the counts ``admin.disclosure`` decides from.

Per référentiel version and indicator, every group's counts at T0, at T1 and in pairs — n, the
youth with a favourable answer, the paired youth whose value rose and fell — are read from the
structures' summaries and added up the tree, in one pass per wave. ``admin.disclosure`` then
decides the three waves together: the group sizes (``decide_waves``), then the shares' sides
(``decide_shares``, and ``decide_options`` for the options of a distribution). The table
(``admin.score_table``) only asks; it decides nothing.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy

from admin import score_collection
from admin.context_questions import counting_conditions
from admin.counted_decisions import CountedInputs, decide_counted
from admin.disclosure import DisclosureTree, ShareCounts, ShareSides, WaveDecisions
from admin.earlier_answers import EarlierAnswers
from admin.score_collection import CHANGE, Collection, ReferentielKey
from admin.shared_tasks import map_on_two_cores
from referentiel.models import Indicator
from referentiel.summaries import ValueSummary

SHARE_IMPROVED_UNIT = "percent_improved"
# The units of a share: a level in percent, and the change's share of youth who improved.
SHARE_UNITS = ("percent", SHARE_IMPROVED_UNIT)


@dataclass(frozen=True)
class GroupLayout:
    """The export's tree of groups, numbered once: each group's parts, the structures, the rest.

    ``above`` lists the groups above the structures children before parents, so that summing
    them in that order finds every part already summed.
    """

    keys_and_parents: list[tuple[Hashable, Hashable | None]]
    parts: list[list[int]]
    structures: list[tuple[int, int]]
    above: list[int]

    @classmethod
    def of(cls, groups: Sequence[tuple[Hashable, Hashable | None, int | None]]) -> "GroupLayout":
        """From (key, parent key, structure id or None) per group, parents before children."""
        position = {key: index for index, (key, _, _) in enumerate(groups)}
        parts: list[list[int]] = [[] for _ in groups]
        for index, (_, parent, _) in enumerate(groups):
            if parent is not None:
                parts[position[parent]].append(index)
        return cls(
            [(key, parent) for key, parent, _ in groups],
            parts,
            [(index, structure) for index, (_, _, structure) in enumerate(groups) if structure is not None],
            [index for index in reversed(range(len(groups))) if groups[index][2] is None],
        )

    def add_up(self, *arrays: numpy.ndarray) -> None:
        """Give each group above the structures its parts' sum, along the arrays' last axis (the
        groups), in place: the structures' counts added up the tree."""
        for index in self.above:
            for array in arrays:
                array[..., index] = array[..., self.parts[index]].sum(axis=-1)


class GroupCounts(NamedTuple):
    """Every group's counts of one indicator at one wave (lists in the order of the groups)."""

    n: list[int]
    favourable: list[int]
    rose: list[int]
    fell: list[int]
    # Of the pairs, who were favourable at T0 (the last check's true counts, never published).
    earlier: list[int]


def improved_youth(indicator: Indicator, summary: ValueSummary) -> int:
    """The paired youth who improved (as ``aggregate_share_improved_summary`` counts them)."""
    return summary.positive if indicator.better == "higher" else summary.negative


def counted_youth(indicator: Indicator, summary: ValueSummary, unit: str) -> int:
    """The youth a share of this unit is about: who improved, or who answered favourably."""
    return improved_youth(indicator, summary) if unit == SHARE_IMPROVED_UNIT else summary.favourable


class TableDecisions:
    """The decisions of one export, per version, kept for its other waves once made."""

    def __init__(
        self,
        layout: GroupLayout,
        collection: Collection,
        minimum_group_size: int,
        minimum_youth_per_side: int,
        second_core: bool = True,
    ) -> None:
        self.layout = layout
        self.collection = collection
        self.minimum_group_size = minimum_group_size
        self.minimum_youth_per_side = minimum_youth_per_side
        # Whether a big export may decide its indicators on a forked second process too.
        self.second_core = second_core
        self.tree = DisclosureTree(layout.keys_and_parents)
        self._decided: dict[ReferentielKey, list[WaveDecisions]] = {}
        # Per version, the columns whose n counts some earlier answers (``counting_conditions``):
        # their masked rows show neither n nor a band (whose width depends on n).
        self.counting: dict[ReferentielKey, frozenset[int]] = {}

    def of_version(self, key: ReferentielKey) -> list[WaveDecisions]:
        """The decisions of every indicator of a version, each for its three waves at once."""
        found = self._decided.get(key)
        if found is None:
            found = self._decided[key] = self._decide(key)
        return found

    def _decide(self, key: ReferentielKey) -> list[WaveDecisions]:
        indicators = self.collection.referentiels[key].indicators
        first, second, pairs = (self._counts(wave, key) for wave in ("T0", "T1", CHANGE))
        side = self.minimum_youth_per_side

        def decide(column: int) -> WaveDecisions:
            indicator, at_first, at_second, paired = (
                indicators[column],
                first[column],
                second[column],
                pairs[column],
            )
            decisions = self.tree.decide_waves(at_first.n, at_second.n, paired.n, self.minimum_group_size)
            share = indicator.unit in SHARE_UNITS
            improved = paired.rose if indicator.better == "higher" else paired.fell
            sides = ShareSides(
                at_first.favourable if share else None,
                at_second.favourable if share else None,
                improved if indicator.paired else None,
                coupled=share and indicator.paired,
                rose=paired.rose,
                fell=paired.fell,
                paired_first=paired.earlier,
            )
            counts = ShareCounts(at_first.n, at_second.n, paired.n)
            return self.tree.decide_shares(decisions, counts, sides, side)

        # Each indicator is decided alone (most of a big export's time after the pass): on both
        # cores where the export is big enough to pay for a fork.
        big = self.collection.runs >= score_collection.PARALLEL_MINIMUM_RUNS
        found = map_on_two_cores(decide, len(indicators), self.second_core and big)
        self._options_together(indicators, first, second, found)
        self._conditions_counted(key, (first, second, pairs), found)
        return found

    def _conditions_counted(
        self,
        key: ReferentielKey,
        counts: tuple[list[GroupCounts], list[GroupCounts], list[GroupCounts]],
        found: list[WaveDecisions],
    ) -> None:
        """The n of the indicators that count other answers, decided once for all those that show
        it (``admin.counted_decisions``); their masked rows show no n (``counting``)."""
        referentiel = self.collection.referentiels[key]
        counting = counting_conditions(referentiel)
        columns = [
            column for column, indicator in enumerate(referentiel.indicators) if indicator.id in counting
        ]
        others = [
            column for column, indicator in enumerate(referentiel.indicators) if indicator.id not in counting
        ]
        self.counting[key] = frozenset(columns)
        if not columns or not others:
            return
        # Per wave, every group's runs that answered each earlier question, were shown each later
        # one and gave each condition's answers (``admin.earlier_answers``).
        width = len(EarlierAnswers(referentiel).counted)
        answered = [self._answered(wave, key, width) for wave in score_collection.SCORED_WAVES]
        n = [[column_counts.n for column_counts in wave] for wave in counts]
        inputs = CountedInputs(n, others, answered, self.layout.parts, self.minimum_group_size)
        decide_counted(self.tree, self.minimum_youth_per_side, referentiel, inputs, columns, found)

    def _answered(self, wave: str, key: ReferentielKey, width: int) -> list[list[int]]:
        """Per earlier question of a version (``earlier_questions``), every group's runs at a wave
        that answered it: structures read, groups above summed."""
        answered = numpy.zeros((width, len(self.layout.keys_and_parents)), dtype=numpy.int64)
        for index, structure_id in self.layout.structures:
            read = self.collection.answered.get((structure_id, wave, key))
            if read is not None:
                answered[:, index] = read
        self.layout.add_up(answered)
        result: list[list[int]] = answered.tolist()
        return result

    def _counts(self, wave: str, key: ReferentielKey) -> list[GroupCounts]:
        """Per indicator, every group's counts at a wave: structures read, groups above summed."""
        per_structure = self.collection.summaries(wave, key)
        width, size = len(self.collection.referentiels[key].indicators), len(self.layout.keys_and_parents)
        counts = [GroupCounts(*([0] * size for _ in GroupCounts._fields)) for _ in range(width)]
        for index, structure_id in self.layout.structures:
            read = per_structure.get(structure_id)
            if read is not None:
                for column, summary in enumerate(read):
                    found = counts[column]
                    found.n[index] = summary.n
                    found.favourable[index] = summary.favourable
                    found.rose[index] = summary.positive
                    found.fell[index] = summary.negative
                    found.earlier[index] = summary.earlier_favourable
        parts = self.layout.parts
        for column_counts in counts:
            for values in column_counts:
                for index in self.layout.above:
                    values[index] = sum(values[part] for part in parts[index])
        return counts

    def _options_together(
        self,
        indicators: Sequence[Indicator],
        first: list[GroupCounts],
        second: list[GroupCounts],
        found: list[WaveDecisions],
    ) -> None:
        """A distribution's options together, as a question's (``DisclosureTree.settle_options``)."""
        options: dict[str, list[int]] = {}
        for column, indicator in enumerate(indicators):
            if indicator.distribution_of is not None:
                options.setdefault(indicator.distribution_of, []).append(column)
        side = self.minimum_youth_per_side
        for columns in options.values():
            for counts, is_first in ((first, True), (second, False)):
                reasons = [found[column].first if is_first else found[column].second for column in columns]
                chosen = [counts[column].favourable for column in columns]
                n = counts[columns[0]].n
                group_reasons = self.tree.decide(n, self.minimum_group_size)
                self.tree.settle_options(
                    self.layout.parts, (n, n), chosen, (group_reasons, reasons), (side, None)
                )
