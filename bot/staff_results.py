"""``/resultats``: a coordinator's summary per dimension, then the XLSX export and the HTML report as files.

The scope is the coordinator's own, as stored (their organisation, or the whole sector): no
button carries it, so no button can widen it. The numbers come from the export's own table and
disclosure rule, through a ``ScoreReports`` the command root injects (``admin.staff_reports``;
``bot/`` may not import ``admin/``): a masked group shows as masked here as in every export.
Buttons choose the level of detail and the wave; each document sent is audited with the
coordinator's staff id.
"""

import copy
import logging
import re
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import Any, Protocol

from babel import Locale
from babel.numbers import format_decimal, format_percent

from bot.errors import ResultsUnavailable
from bot.staff_callback_data import StaffButton, Step, build
from bot.staff_requests import Document, StaffOutput, StaffRequest, cut_lines
from bot.staff_texts import CANCEL
from conversations.context import N_
from conversations.outputs import Button, Keyboard, Notice, Send
from referentiel.errors import ReferentielError
from referentiel.loading import find_referentiel
from referentiel.models import Referentiel
from storage.authorization import SECTOR, Action, NotAllowed, Scope, require
from storage.staff import StaffScope

logger = logging.getLogger(__name__)

SUMMARY_WAVES = ("T0", "T1")
LEVELS = ("structure", "organisation", "sector")
WAVE_CHOICES = ("T0", "T1", "change", "all")

UNAVAILABLE = N_("Results cannot be computed by this bot: ask your administrator for the export.")
# What a button's answer shows of it (Telegram: 200 characters at most).
RESULTS_FAILED_NOTICE = N_("Results cannot be computed right now.")
RESULTS_FAILED = N_(
    "Results cannot be computed right now: the database holds an answer that cannot be read. Your "
    "administrator will find which one with the command voix admin export scores."
)
SUMMARY_TITLE = N_("Results for {scope} (a group of fewer than {minimum} young people is never shown):")
# Nothing kept may mean nothing answered yet or everything erased (a youth's request, the retention purge).
NO_RESULTS = N_(
    "No results for {scope}: no answer to the T0 or T1 questionnaire is kept (none given yet, or all "
    "erased, at the young people's request or at the end of the retention period)."
)
MASKED = N_("masked")
# Why, in the words of the export's Lisez-moi: too few youth, or another group given away by subtraction.
MASKED_SMALL_GROUP = N_("masked (fewer than {minimum} young people)")
MASKED_SECONDARY = N_("masked (else a hidden figure could be worked out)")
MASKED_BY_REASON = {"small_group": MASKED_SMALL_GROUP, "secondary": MASKED_SECONDARY}
CHOOSE_LEVEL = N_("For the Excel export and the report, which level of detail?")
CHOOSE_WAVE = N_("Which questionnaire?")
LEVEL_STRUCTURE = N_("By structure")
LEVEL_ORGANISATION = N_("By organisation")
LEVEL_SECTOR = N_("Sector only")
WAVE_CHANGE = N_("Change T0 → T1")
INDICATOR_LINE = N_("• {indicator}: {values}")
DIMENSION_OF_VERSION = N_("{dimension} (version {version} of the questionnaire)")
DISTRIBUTIONS_IN_DOCUMENTS = N_(
    "How young people say things changed since they arrived (the share of each answer) is in the "
    "Excel export and the report."
)
WAVE_ALL = N_("All")
XLSX_CAPTION = N_("Excel export: {scope}, {level}, {wave}.")
HTML_CAPTION = N_("Report to open in a browser: {scope}, {level}, {wave}.")
LEVEL_WORDS = {"structure": LEVEL_STRUCTURE, "organisation": LEVEL_ORGANISATION, "sector": LEVEL_SECTOR}
WAVE_WORDS = {"change": WAVE_CHANGE, "all": WAVE_ALL}
# A share's band as the export writes it ("< 10 %", ``admin.disclosure.share_band``).
_BAND = re.compile(r"([<>]) (\d+) %")


class ResultRow(Protocol):
    """One row of the export's table (``admin.score_table.ScoreRow``, whose fields are read-only),
    as the summary here and ``voix demo``'s table read it."""

    @property
    def level(self) -> str: ...
    @property
    def group_id(self) -> int | None: ...
    @property
    def group_name(self) -> str: ...
    @property
    def wave(self) -> str: ...
    @property
    def referentiel_version(self) -> str: ...
    @property
    def dimension(self) -> str: ...
    @property
    def indicator(self) -> str: ...
    @property
    def n(self) -> int | None: ...
    @property
    def value(self) -> float | None: ...
    @property
    def ci_low(self) -> float | None: ...
    @property
    def ci_high(self) -> float | None: ...
    @property
    def unit(self) -> str: ...
    @property
    def suppressed(self) -> bool: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def band(self) -> str | None: ...


class ScoreReports(Protocol):
    """What the bot needs of the export (``admin.staff_reports.ExportScoreReports``, given through
    ``voix.bot_results``): both methods raise ``ResultsUnavailable`` where the stored data cannot
    be exported."""

    def rows(
        self,
        connection: sqlite3.Connection,
        minimum_group_size: int,
        levels: Sequence[str],
        waves: Sequence[str],
        organisation_id: int | None,
        minimum_youth_per_side: int = ...,
    ) -> Sequence[ResultRow]:
        """The masked rows of these levels and waves, for an organisation (None: the whole sector)."""
        ...

    def document(
        self,
        connection: sqlite3.Connection,
        document_format: str,
        by: str,
        wave: str,
        organisation_id: int | None,
        minimum_group_size: int,
        time_zone: tzinfo,
        now: datetime,
        command: str,
        audit_details: Mapping[str, Any],
        minimum_youth_per_side: int = ...,
    ) -> bytes:
        """The XLSX export or the HTML report, audited."""
        ...


async def command(request: StaffRequest, argument: str) -> list[StaffOutput]:
    """``/resultats``: the summary of the coordinator's scope, then the choice of level."""
    reports = _reports(request)
    scope = _own_scope(request)
    require(request.actor, Action.VIEW_RESULTS, scope)
    words = await request.scope_words()
    if reports is None:
        return [Send(request.text(UNAVAILABLE))]
    level = "sector" if scope.is_sector else "organisation"
    k = request.services.minimum_group_size
    side = request.services.minimum_youth_per_side
    try:
        rows = await request.storage(reports.rows, k, (level,), SUMMARY_WAVES, scope.organisation_id, side)
    except ResultsUnavailable:
        logger.warning("coordinator results unavailable: the export refused the stored data")
        return [Send(request.text(RESULTS_FAILED))]
    top = [row for row in rows if row.level == level]
    await request.audit("results viewed", {"scope": _scope_description(scope), "rows": len(top)})
    levels = [Button(request.text(LEVEL_WORDS[name]), build(Step.RESULTS_LEVEL, name)) for name in LEVELS]
    cancel = Button(request.text(CANCEL), build(Step.CANCEL))
    choose = Send(request.text(CHOOSE_LEVEL), Keyboard((*((button,) for button in levels), (cancel,))))
    if not top:
        return [Send(request.text(NO_RESULTS, scope=words)), choose]
    title = request.text(SUMMARY_TITLE, scope=words, minimum=k)
    return [*(Send(text) for text in cut_lines([title, *_summary_lines(request, top, k)])), choose]


async def button(request: StaffRequest, pressed: StaffButton) -> list[StaffOutput]:
    """A level chosen (then the wave is asked), or both chosen: the two documents."""
    scope = _own_scope(request)
    require(request.actor, Action.VIEW_RESULTS, scope)
    level = pressed.value or ""
    if level not in LEVELS:
        raise NotAllowed("no such level")
    if pressed.step is Step.RESULTS_LEVEL:
        waves = [
            Button(request.text(WAVE_WORDS.get(name, name)), build(Step.RESULTS_DOCUMENTS, level, name))
            for name in WAVE_CHOICES
        ]
        cancel = Button(request.text(CANCEL), build(Step.CANCEL))
        return [Send(request.text(CHOOSE_WAVE), Keyboard((tuple(waves), (cancel,))))]
    wave = pressed.wave or ""
    reports = _reports(request)
    if wave not in WAVE_CHOICES or reports is None:
        raise NotAllowed("no such wave")
    words = {
        "scope": await request.scope_words(),
        "level": request.text(LEVEL_WORDS[level]),
        "wave": request.text(WAVE_WORDS.get(wave, wave)),
    }
    documents: list[StaffOutput] = []
    for document_format, caption in (("xlsx", XLSX_CAPTION), ("html", HTML_CAPTION)):
        try:
            content = await request.storage(
                reports.document,
                document_format,
                level,
                wave,
                scope.organisation_id,
                request.services.minimum_group_size,
                request.services.reminder_policy.zone,
                request.now,
                f"/resultats --by {level} --wave {wave} --format {document_format}",
                {"staff_id": request.member.id},
                request.services.minimum_youth_per_side,
            )
        except ResultsUnavailable:
            logger.warning("coordinator documents unavailable: the export refused the stored data")
            return [Notice(request.text(RESULTS_FAILED_NOTICE)), Send(request.text(RESULTS_FAILED))]
        name = f"voix-resultats_{level}_{wave}.{document_format}"
        documents.append(Document(content, name, request.text(caption, **words)))
    return documents


def _reports(request: StaffRequest) -> ScoreReports | None:
    reports: ScoreReports | None = request.services.score_reports
    return reports


def _own_scope(request: StaffRequest) -> Scope:
    """The coordinator's scope as stored: their organisation, or the whole sector."""
    member = request.member
    if member.scope is StaffScope.SECTOR:
        return SECTOR
    if member.scope is StaffScope.ORGANISATION and member.organisation_id is not None:
        return Scope.organisation(member.organisation_id)
    raise NotAllowed("not a coordinator")


def _scope_description(scope: Scope) -> str:
    """How the audit log names the scope: by id, as the export does."""
    return "tout" if scope.is_sector else f"organisation n° {scope.organisation_id}"  # as the CLI writes it


def _summary_lines(request: StaffRequest, rows: Sequence[ResultRow], minimum: int) -> list[str]:
    """Per dimension, each indicator's T0 and T1 values (or "masked"), in the référentiel's order.

    Kept short: the shares of each answer of a perceived change (a distribution, one row per
    option) are left to the documents, and one line says so.
    """
    lines: list[str] = []
    by_indicator: dict[tuple[str, str, str], list[ResultRow]] = {}
    distributions = False
    for row in rows:
        if _is_distribution_part(_referentiel(row.referentiel_version), row.indicator):
            distributions = True
            continue
        by_indicator.setdefault((row.referentiel_version, row.dimension, row.indicator), []).append(row)
    # Rows of several versions of the référentiel (the workshop adjusted it between the waves):
    # each dimension's heading says which version its lines are of.
    several_versions = len({row.referentiel_version for row in rows}) > 1
    current_dimension = None
    for (version, dimension, indicator), cells in by_indicator.items():
        referentiel = _referentiel(version)
        if (version, dimension) != current_dimension:
            current_dimension = (version, dimension)
            heading = _title_of(request, referentiel, "dimension", dimension)
            if several_versions:
                heading = request.text(
                    DIMENSION_OF_VERSION, dimension=heading, version=version.rpartition("/")[2]
                )
            lines.append(heading)
        values = " · ".join(f"{cell.wave} {_value(request, cell, minimum)}" for cell in cells)
        title = _title_of(request, referentiel, "indicator", indicator)
        lines.append(request.text(INDICATOR_LINE, indicator=title, values=values))
    return [*lines, request.text(DISTRIBUTIONS_IN_DOCUMENTS)] if distributions else lines


def _is_distribution_part(referentiel: Referentiel | None, indicator_id: str) -> bool:
    if referentiel is None:
        return False
    try:
        return referentiel.indicator(indicator_id).distribution_of is not None
    except KeyError:
        return False


def _value(request: StaffRequest, row: ResultRow, minimum: int) -> str:
    if row.band:  # a share with fewer than 3 youth on one side: its band, never the number
        return f"{_band(row.band, request.language)} (n = {row.n})"
    if row.suppressed or row.value is None:
        return request.text(MASKED_BY_REASON.get(row.reason or "", MASKED), minimum=minimum)
    if row.unit == "percent":
        return f"{_percent(row.value, request.language)} (n = {row.n})"
    number = format_decimal(row.value, "#,##0.0", locale=request.language)
    return f"{number}{'/100' if row.unit == 'score_0_100' else ''} (n = {row.n})"


def _percent(value: float, language: str) -> str:
    """A percentage with one decimal as the language writes it: "57,5 %" in French, "57.5%" in
    English (as /suivi writes its whole percentages)."""
    locale = Locale.parse(language)
    pattern = copy.copy(locale.percent_formats[None])
    pattern.frac_prec = (1, 1)
    written: str = pattern.apply(value / 100, locale)
    return written


def _band(band: str, language: str) -> str:
    """A band ("< 10 %", as every export writes it) as the language writes a percentage."""
    found = _BAND.fullmatch(band)
    if found is None:
        return band
    return f"{found[1]} {format_percent(int(found[2]) / 100, locale=language)}"


def _referentiel(label: str) -> Referentiel | None:
    identifier, _, version = label.rpartition("/")
    try:
        return find_referentiel(identifier, int(version))
    except (ReferentielError, ValueError):
        return None


def _title_of(request: StaffRequest, referentiel: Referentiel | None, kind: str, identifier: str) -> str:
    """A dimension's or indicator's title in the staff member's language (its id if unknown)."""
    if referentiel is None:
        return identifier
    items = referentiel.dimensions if kind == "dimension" else referentiel.indicators
    for item in items:
        if item.id == identifier:
            return item.title.get(request.language) or item.title[referentiel.default_language]
    return identifier
