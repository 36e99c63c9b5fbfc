"""What the HTML report shows, worked out from a score table: its groups, its cells, its main group.

The report describes its scope by the groups it shows (names, never ids), leaves out of the
charts a group with no published figure at all (one message says why, instead of a page of
"masqué"), and speaks first of one main group: the structure or the organisation it is about,
else the sector.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from admin.disclosure import SMALL_GROUP
from admin.score_collection import CHANGE
from admin.score_table import ScoreRow, ScoreTable, referentiel_label
from referentiel.models import Indicator, Referentiel

IMPROVED_UNIT = "percent_improved"
GroupKey = tuple[str, int | None]


@dataclass(frozen=True)
class ShownGroup:
    """A group the report shows: its level, name and organisation, and whether any figure is published."""

    key: GroupKey
    name: str
    organisation: str | None
    published: bool
    largest_n: int
    only_small: bool

    @property
    def level(self) -> str:
        """sector, organisation or structure."""
        return self.key[0]


@dataclass(frozen=True)
class IndicatorCells:
    """The rows of one indicator, by wave, then by group; the change split into mean and improved."""

    levels: dict[str, dict[GroupKey, ScoreRow]] = field(default_factory=dict)
    change: dict[GroupKey, ScoreRow] = field(default_factory=dict)
    improved: dict[GroupKey, ScoreRow] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """No row at all: the indicator has no data in this export."""
        return not (any(self.levels.values()) or self.change or self.improved)


@dataclass(frozen=True)
class Distribution:
    """A distribution indicator (a perceived change): its per-option shares, shown together, never paired."""

    id: str
    dimension: str
    title: str
    description: str
    options: list[str]
    parts: list[Indicator]


@dataclass(frozen=True)
class ReportContent:
    """The table seen as the report needs it."""

    table: ScoreTable
    groups: list[ShownGroup]
    cells: dict[tuple[str, str], IndicatorCells]

    @classmethod
    def of(cls, table: ScoreTable) -> "ReportContent":
        """Index the rows: groups in table order, cells by (version, indicator).

        A change row of an indicator that is never paired (a distribution's share) is left out:
        its n is always 0, and "masqué" there would only say that a perceived change is not compared.
        """
        unpaired = {
            (referentiel_label(key), indicator.id)
            for key, model in table.referentiel_models.items()
            for indicator in model.indicators
            if not indicator.paired
        }
        rows_of: dict[GroupKey, list[ScoreRow]] = {}
        names: dict[GroupKey, tuple[str, str | None]] = {}
        cells: dict[tuple[str, str], IndicatorCells] = {}
        for row in table.rows:
            if row.wave == CHANGE and (row.referentiel_version, row.indicator) in unpaired:
                continue
            key = (row.level, row.group_id)
            rows_of.setdefault(key, []).append(row)
            names.setdefault(key, (row.group_name, row.organisation))
            indicator = cells.setdefault((row.referentiel_version, row.indicator), IndicatorCells())
            if row.wave != CHANGE:
                indicator.levels.setdefault(row.wave, {})[key] = row
            elif row.unit == IMPROVED_UNIT:
                indicator.improved[key] = row
            else:
                indicator.change[key] = row
        groups = [
            ShownGroup(
                key,
                names[key][0],
                names[key][1],
                any(not row.suppressed for row in rows),
                max(row.n or 0 for row in rows),
                # (A row with no n, of an indicator asked after some earlier answers, tells nothing.)
                all(
                    row.reason == SMALL_GROUP or row.n == 0
                    for row in rows
                    if row.suppressed and row.n is not None
                ),
            )
            for key, rows in rows_of.items()
        ]
        return cls(table, groups, cells)

    @property
    def charted(self) -> list[ShownGroup]:
        """The groups drawn in the charts: those with at least one published figure."""
        return [group for group in self.groups if group.published]

    @property
    def absent(self) -> list[ShownGroup]:
        """The groups left out of the charts: not one of their figures is published."""
        return [group for group in self.groups if not group.published]

    def of_level(self, level: str) -> list[ShownGroup]:
        """The groups of one level, in table order."""
        return [group for group in self.groups if group.level == level]

    def subject(self, everything: bool) -> str:
        """What the report is about, in a few words: a structure's or organisation's name, or the sector."""
        structures, organisations = self.of_level("structure"), self.of_level("organisation")
        if not everything and len(structures) == 1:
            return structures[0].name
        if not everything and len(organisations) == 1:
            return organisations[0].name
        return "Tout le secteur" if everything else f"{len(organisations)} organisations"

    def main_group(self) -> ShownGroup | None:
        """The group the first page speaks of: the one structure, else the one organisation, else the
        sector; a group without any published figure gives way to the next (``given_way``)."""
        return next((group for group in self._candidates() if group.published), None)

    def given_way(self) -> ShownGroup | None:
        """The group the report is about when it has no published figure and the first page speaks
        of the next one: its readers must be told the figures are not their own."""
        first = next(iter(self._candidates()), None)
        return first if first is not None and not first.published else None

    def _candidates(self) -> list[ShownGroup]:
        return [
            *(groups if len(groups := self.of_level("structure")) == 1 else []),
            *(groups if len(groups := self.of_level("organisation")) == 1 else []),
            *self.of_level("sector"),
        ]

    def scope_lines(self, everything: bool) -> list[str]:
        """The scope in names: each organisation with the structures shown, or the whole sector."""
        structures, organisations = self.of_level("structure"), self.of_level("organisation")
        if everything:
            counts = [
                f"{len(groups)} {word}{'s' if len(groups) > 1 else ''}"
                for groups, word in ((organisations, "organisation"), (structures, "structure"))
                if groups
            ]
            return ["Tout le secteur" + (f" ({', '.join(counts)})" if counts else "")]
        lines = []
        for organisation in organisations:
            own = [group.name for group in structures if group.organisation == organisation.name]
            lines.append(organisation.name + (f" : {', '.join(own)}" if own else ""))
        return lines or ["Secteur"]

    def referentiel_indicators(self) -> list[tuple[str, Referentiel, list[Indicator | Distribution]]]:
        """Per référentiel version of the table: its label, model and the indicators with rows, a
        distribution's shares gathered into one ``Distribution``."""
        result = []
        for key in self.table.referentiels:
            label = referentiel_label(key)
            referentiel = self.table.referentiel_models[key]
            items: list[Indicator | Distribution] = []
            declared = {indicator.id: indicator for indicator in referentiel.declared_indicators}
            for indicator in referentiel.indicators:
                if self.cells.get((label, indicator.id), IndicatorCells()).is_empty():
                    continue
                whole = indicator.distribution_of
                if whole is None:
                    items.append(indicator)
                    continue
                last = items[-1] if items else None
                if not isinstance(last, Distribution) or last.id != whole:
                    source = declared[whole]
                    last = Distribution(
                        whole,
                        source.dimension,
                        source.title.get("fr", whole),
                        source.description.get("fr", ""),
                        [],
                        [],
                    )
                    items.append(last)
                question = referentiel.question(indicator.questions[0])
                option = question.option(indicator.favourable[0])
                last.options.append(whole if option is None else option.label.get("fr", option.id))
                last.parts.append(indicator)
            result.append((label, referentiel, items))
        return result

    def rows_for(self, group: ShownGroup, cells: IndicatorCells, waves: Sequence[str]) -> dict[str, ScoreRow]:
        """A group's rows of one indicator: each level wave, "change" and "improved"."""
        found = {
            wave: cells.levels[wave][group.key] for wave in waves if group.key in cells.levels.get(wave, {})
        }
        if group.key in cells.change:
            found[CHANGE] = cells.change[group.key]
        if group.key in cells.improved:
            found[IMPROVED_UNIT] = cells.improved[group.key]
        return found
