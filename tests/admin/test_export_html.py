"""``export scores --format html``: a self-contained French report a workshop reads, from the same rows.

What a reader sees in a browser (sizes, overlaps, pages) is checked in tests/browser/; here, the
words and numbers of the page.
"""

import json
from html import escape
from html.parser import HTMLParser

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from admin.context import AdminContext
from admin.export_readme import rule_lines
from admin.report_charts import change_scale, levels_scale, text_width, wrap
from admin.report_distribution import distribution_line_text
from admin.report_text import glance_sentence
from admin.score_table import ScoreRow
from bench.synthetic_dataset import DatasetShape, fill_database
from referentiel.loading import current_referentiel, find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations
from tests.admin.conftest import GOLDEN_SHAPE
from voix.settings import load_settings

SUFFIXES = {"percent": " %", "score_0_100": " sur 100"}
THIN_SPACE = "\u202f"


class Report(HTMLParser):
    """Collect what a reader sees: texts by element and class, each chart's texts and bars, every tag."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str, str]] = []  # (tag, class, text) of each element, once closed
        self.charts: list[dict] = []  # per svg: its label, texts, bars
        self._open: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag == "svg":
            self.charts.append({"label": attributes["aria-label"], "texts": [], "bars": 0})
        if tag == "rect" and attributes.get("class") == "bar":
            self.charts[-1]["bars"] += 1
        if tag not in ("br", "meta"):
            self._open.append((tag, attributes.get("class") or "", []))

    def handle_endtag(self, tag):
        while self._open:
            opened, kind, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            self.texts.append((opened, kind, text))
            if opened == "text":
                self.charts[-1]["texts"].append(text)
            if self._open and opened != "title":
                self._open[-1][2].append(text)
            if opened == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)

    def of(self, tag: str, kind: str | None = None) -> list[str]:
        return [
            text for opened, found, text in self.texts if opened == tag and (kind is None or found == kind)
        ]

    @property
    def chart_texts(self) -> list[str]:
        return self.of("text")

    @property
    def header(self) -> dict[str, str]:
        return dict(zip(self.of("dt"), self.of("dd"), strict=True))


def french(number: float) -> str:
    return repr(float(number)).replace(".", ",")


def count(number: int) -> str:
    return f"{number:,}".replace(",", THIN_SPACE)


def export(admin, *options: str) -> tuple[Report, str, dict]:
    html = admin("export", "scores", "--format", "html", *options).out
    report = Report()
    report.feed(html)
    return report, html, json.loads(admin("export", "scores", "--format", "json", *options).out)


def charted(rows: list[dict]) -> list[dict]:
    """Rows of the groups the charts show: those with at least one published figure."""
    published = {(row["level"], row["group_id"]) for row in rows if not row["suppressed"]}
    return [row for row in rows if (row["level"], row["group_id"]) in published]


def test_the_report_is_self_contained_french_and_needs_no_network(admin, dataset):
    report, html, _ = export(admin)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    assert not {"script", "link", "img", "iframe", "object"} & set(report.tags)
    assert not [value for name, value in report.attributes if name in ("src", "href")]
    assert "url(" not in html and "@import" not in html
    assert "None" not in html and "nan" not in html


def test_the_scope_is_named_and_the_time_is_the_deployments(admin, dataset, connection):
    with connection:
        connection.execute("UPDATE organisations SET name = 'Association Les Chênes' WHERE id = 2")
        connection.execute("UPDATE structures SET name = 'MECS Les Tilleuls' WHERE id = 3")
    report, _, document = export(admin, "--organisation", "2")
    header = report.header
    structures = sorted({row["group_name"] for row in document["rows"] if row["level"] == "structure"})
    assert header["Périmètre"] == "Association Les Chênes : " + ", ".join(structures)
    assert "MECS Les Tilleuls" in structures
    assert report.of("h1") == ["Indicateurs Voix Association Les Chênes"]
    # The fixed clock says 10:00 UTC on 26 November: 11:00 in Paris, the default time zone.
    assert document["generated_at"] == "2026-11-26T10:00:00+00:00"
    assert header["Généré le"] == "26 novembre 2026 à 11:00 (heure normale d’Europe centrale)"
    assert header["Taille minimale des groupes"] == "10 jeunes"
    # The ids stay where a statistician looks for them: the annex.
    assert header["Périmètre demandé (identifiants)"] == "organisation n° 2"


def test_the_time_follows_the_configured_time_zone(admin_with, database_path, clock, dataset):
    settings = load_settings(db=database_path, bot_username="VoixTestBot", timezone="America/Montreal")
    admin = admin_with(AdminContext(settings=lambda: settings, clock=clock))
    report, _, _ = export(admin, "--structure", "4")
    assert report.header["Généré le"].startswith("26 novembre 2026 à 05:00 (heure normale de l’Est")


def test_the_first_page_gives_each_dimension_in_one_sentence(admin, dataset):
    report, _, document = export(admin, "--organisation", "1")
    rows = {
        (row["level"], row["indicator"], row["wave"]): row
        for row in document["rows"]
        if row["unit"] != "percent_improved"
    }
    referentiel = find_referentiel("voix-mecs", 1)  # the version of the dataset fixture
    sentences = report.of("li")
    assert len(sentences) == len(referentiel.dimensions) == 6
    assert "Les 6 dimensions en un coup d’œil" in report.of("h2")
    for dimension, sentence in zip(referentiel.dimensions, sentences, strict=True):
        headline = next(
            indicator for indicator in referentiel.indicators if indicator.dimension == dimension.id
        )
        # The latest wave with a figure (a value, or the band standing for a share: issue 11).
        wave = next(
            (
                wave
                for wave in ("T1", "T0")
                if (row := rows[("organisation", headline.id, wave)])["value"] is not None or row["band"]
            ),
            None,
        )
        assert sentence.startswith(f"{dimension.title['fr']}. {headline.title['fr']} : "), sentence
        if wave is None:  # withheld at both waves (« Ta formation… » counts who is in school)
            assert "pas de chiffre publié pour Organisation 001 (masqué par précaution)" in sentence
            continue
        own, sector = rows[("organisation", headline.id, wave)], rows[("sector", headline.id, wave)]
        suffix = SUFFIXES[headline.unit]

        def figure(row: dict, suffix: str = suffix) -> str:
            return row["band"] or f"{french(row['value'])}{suffix}"

        moment = {"T1": "à la deuxième vague (T1)", "T0": "à la première vague (T0)"}[wave]
        assert (
            f"{figure(own)} pour Organisation 001 {moment}, "
            f"contre {figure(sector)} dans l’ensemble du secteur" in sentence
        )
    # The glance chart draws the six headlines (a long title wraps onto the T1 line).
    labels = [
        text
        for text in report.charts[0]["texts"]
        if text[:1].isalpha() and text not in ("T0", "T1") and not text.startswith("masqué")
    ]
    assert " ".join(labels) == " ".join(dimension.title["fr"] for dimension in referentiel.dimensions)


def test_masking_is_explained_in_plain_french_and_the_rule_in_an_annex(admin, dataset):
    report, html, _ = export(admin, "--organisation", "1")
    notes = " ".join(report.of("section", "notes"))
    assert "Pourquoi certains chiffres manquent" in notes
    assert "s’il réunit au moins 10 jeunes" in notes and "masqué par précaution" in notes
    for jargon in ("small_group", "secondary", "résidu", "Wilson", "Student", "intervalle de confiance"):
        assert jargon not in notes
    annex = html.index("Annexe : détails techniques")
    assert annex > html.rindex("<svg")
    for line in rule_lines(10):
        assert html.count(escape(line)) == 1
        assert html.index(escape(line)) > annex


def test_every_published_value_is_drawn_and_no_masked_one(admin, dataset):
    report, html, document = export(admin)
    rows = charted(document["rows"])
    improved = {
        (row["level"], row["group_id"], row["indicator"]): row
        for row in rows
        if row["unit"] == "percent_improved"
    }
    texts = report.chart_texts
    drawn = 0
    for row in rows:
        if row["band"] and row["unit"] == "percent":  # written where the bar would be, not drawn
            band = f"{row['band']} (n = {count(row['n'])})"
            assert band in texts or escape(f"{row['group_name']} : {band}") in html, row
        if row["suppressed"] or row["unit"] == "percent_improved":
            continue
        drawn += 1
        if row["wave"] != "change":
            assert (
                f"{french(row['value'])}{SUFFIXES.get(row['unit'], '')} (n = {count(row['n'])})" in texts
            ), row
            continue
        share = improved[(row["level"], row["group_id"], row["indicator"])]
        sign = "+" if row["value"] > 0 else "−" if row["value"] < 0 else ""
        change = f"{sign}{french(abs(row['value']))}{' points' if row['unit'] != 'count' else ''}"
        progressed = share["band"] or f"{french(share['value'])} %"
        assert f"{change} ; {progressed} ont progressé" in texts, row
    # One bar per published figure, none for a masked one; the first chart is the glance's.
    glance, *charts = report.charts
    assert "en un coup d’œil" in glance["label"]
    assert sum(chart["bars"] for chart in charts) == drawn
    assert glance["bars"] == sum(1 for text in glance["texts"] if "(n = " in text) > 0
    assert any(text.startswith(("< ", "> ")) for text in texts)
    masked = [text for text in texts if text.startswith("masqué")]
    assert masked and all(text.startswith(("masqué : ", "masqué par précaution")) for text in masked)


def test_a_group_under_the_group_size_gets_one_message_not_pages_of_masked(admin, dataset):
    # Structure 5 has 9 youth: under k = 10 for every indicator and wave.
    report, _, document = export(admin, "--structure", "5")
    assert all(row["suppressed"] for row in document["rows"] if row["level"] == "structure")
    [message] = report.of("p", "absent")
    assert message.startswith("Structure 0005 (au plus 9 jeunes) : moins de 10 jeunes y ont répondu.")
    assert not [text for text in report.chart_texts if "Structure 0005" in text]
    # The only "masqué : 9" lines are the organisation's own charts of 9 youth (changes of 9 pairs).
    organisation_nines = {
        (row["wave"], row["indicator"])
        for row in document["rows"]
        if row["level"] == "organisation" and row["reason"] == "small_group" and row["n"] == 9
    }
    assert len([text for text in report.chart_texts if text.startswith("masqué : 9")]) == len(
        organisation_nines
    )
    # The first page speaks of its organisation instead, and says so first: a director would take
    # the figures for their own structure's (a reviewer did).
    assert report.of("p", "lead")[0] == (
        "Structure 0005 n’a encore aucun résultat publiable (trop peu de jeunes) : ceux qui suivent "
        "sont ceux d’Organisation 002, qui la comprend."
    )
    assert "pour Organisation 002" in report.of("p", "lead")[1]
    # A structure with its own figures speaks of itself, without that sentence.
    published, _, _ = export(admin, "--structure", "4")
    assert "pour Structure 0004" in published.of("p", "lead")[0]


def test_nothing_publishable_says_so_and_draws_nothing(admin, database_path):
    connection = open_sync_connection(database_path, create=True)
    apply_migrations(connection)
    fill_database(connection, current_referentiel(), DatasetShape(organisations=1, structures=2, youth=8))
    connection.close()
    report, html, _ = export(admin)
    [message] = report.of("p", "absent")
    assert message.startswith("Aucun résultat ne peut encore être publié pour ce périmètre")
    assert "svg" not in report.tags and "article" not in report.tags
    assert "masqué :" not in html


def test_a_report_with_no_answer_kept_says_so(admin, database_path):
    # An organisation before any answer (or once the retention purge erased them).
    connection = open_sync_connection(database_path, create=True)
    apply_migrations(connection)
    connection.execute("INSERT INTO organisations (id, name, created_at) VALUES (1, 'Asso', 'x')")
    connection.close()
    report, html, _ = export(admin)
    assert report.of("p", "absent") == [
        "Aucun résultat : aucune réponse aux questionnaires T0 et T1 n’est conservée (aucune encore, "
        "ou toutes effacées, à la demande des jeunes ou à la fin de la durée de conservation)."
    ]
    assert "svg" not in report.tags
    assert "<dt>Référentiel</dt><dd>aucun (aucune réponse T0 ou T1 conservée : aucune encore" in html


@pytest.mark.parametrize("wave", ["change", "T0"])
def test_one_chart_per_indicator_and_wave_in_scope(admin, dataset, wave):
    report, _, document = export(admin, "--structure", "4", "--wave", wave)
    indicators = {row["indicator"] for row in document["rows"]}
    figures = report.of("figure", "chart")
    assert len(figures) == len(indicators)
    names = {text for text in report.chart_texts}
    assert "Structure 0004" in names and not {"Structure 0001", "Structure 0002", "Structure 0003"} & names
    if wave == "change":
        assert all(figure.startswith("Évolution T0 → T1, mêmes jeunes — ") for figure in figures)


@pytest.fixture
def current_dataset(database_path):
    """The golden dataset's shape answering the current référentiel (v2, with its distributions)."""
    connection = open_sync_connection(database_path, create=True)
    apply_migrations(connection)
    fill_database(connection, current_referentiel(), GOLDEN_SHAPE)
    connection.close()
    return database_path


def test_a_distribution_is_one_chart_of_shares_per_wave_and_never_a_change(admin, current_dataset):
    report, html, document = export(admin)
    referentiel = current_referentiel()
    distributions = [item for item in referentiel.declared_indicators if item.kind == "distribution"]
    assert distributions
    banded = 0
    headings = report.of("h3")
    tooltips = set(report.of("title"))
    articles = [part.split("</article>")[0] for part in html.split('<article class="indicator">')[1:]]
    for distribution in distributions:
        parts = [item for item in referentiel.indicators if item.distribution_of == distribution.id]
        # One article with the distribution's title, none per option.
        assert f"{distribution.title['fr']} ({distribution.id})" in headings
        assert not [heading for heading in headings if any(part.id in heading for part in parts)]
        [article] = [article for article in articles if f"({distribution.id})</small>" in article]
        assert article.count("<svg") == 1 and "Évolution" not in article
        # The table still has (empty) change rows for the options; the report draws none.
        change = [
            row for row in document["rows"] if row["wave"] == "change" and row["indicator"] == parts[0].id
        ]
        assert change and all(row["n"] == 0 and row["suppressed"] for row in change)
        # Every published share is drawn, in its option's segment.
        question = referentiel.question(distribution.questions[0])
        for part, option in zip(parts, question.options, strict=True):
            shares = [
                row
                for row in charted(document["rows"])
                if row["indicator"] == part.id and row["wave"] != "change" and not row["suppressed"]
            ]
            assert shares
            for row in shares:
                # In the line's tooltip (a share of 0 % has no segment to hover).
                share = f"{option.label['fr']} {french(row['value'])} %"
                assert any(
                    tip.startswith(f"{row['group_name']}, {row['wave']} : ") and share in tip
                    for tip in tooltips
                ), row
            # A banded option of a drawn line: its band in the line's tooltip, never a number, and
            # the withheld options drawn together as one segment (issue 11).
            for row in charted(document["rows"]):
                if row["indicator"] == part.id and row["band"] and row["wave"] != "change":
                    banded += 1
                    assert any(
                        tip.startswith(f"{row['group_name']}, {row['wave']} : ")
                        and f"{option.label['fr']} {row['band']}" in tip
                        for tip in tooltips
                    ), row
    # Version 2's perceived changes are asked only after 3 months here: their n counts those
    # youth, so a withheld option shows no band either (its width would give n back).
    assert banded == 0 and 'class="bar withheld"' in html
    assert any("ne sont pas comparées d’une vague à l’autre" in line for line in report.of("p"))


def test_a_distribution_line_writes_the_n_of_its_published_options():
    # An option withheld for its n (a perceived change, asked after 3 months here) shows none;
    # the line's n comes from an option that is published, never « masqué » beside the bar.
    withheld = chart_row("percent", 0, 0, 0)._replace(n=None, value=None, suppressed=True, reason="secondary")
    published = chart_row("percent", 40.0, 20.0, 60.0)._replace(n=25)
    assert distribution_line_text([withheld, published, published]) == "n = 25"
    assert distribution_line_text([withheld, withheld]) == "masqué par précaution"


def test_a_group_without_an_answer_to_a_dimension_is_not_said_to_await_one():
    # Its answers may have been erased (a youth's request, the retention purge): « pas encore de
    # réponse » would then be false; « aucune réponse » is true either way.
    empty = {
        wave: chart_row("percent", 0, 0, 0)._replace(n=0, value=None, wave=wave) for wave in ("T0", "T1")
    }
    sentence = glance_sentence("Sécurité", "MECS Les Tilleuls", empty, {}, 10)
    assert sentence == "Sécurité : aucune réponse pour MECS Les Tilleuls."


def test_a_report_without_distributions_does_not_explain_them(admin, dataset):
    report, _, _ = export(admin)
    assert not any("ne sont pas comparées d’une vague à l’autre" in line for line in report.of("p"))


def chart_row(unit: str, value: float, low: float, high: float) -> ScoreRow:
    return ScoreRow(
        "structure", 1, "S", "O", "T0", "voix-mecs/1", "d", "i", 12, value, low, high, unit, False, None
    )


interval = st.tuples(
    st.floats(-100, 100, allow_nan=False),
    st.floats(0, 60, allow_nan=False),
    st.floats(0, 60, allow_nan=False),
)


@given(st.lists(interval, min_size=1, max_size=12), st.sampled_from(["count", "points", "percentage_points"]))
def test_an_axis_holds_every_value_and_interval_and_ends_on_ticks(intervals, unit):
    rows = [
        chart_row(unit, value, round(value - below, 2), round(value + above, 2))
        for value, below, above in intervals
    ]
    for scale in (change_scale(rows), *([levels_scale(rows)] if unit == "count" else [])):
        ticks = scale.ticks()
        assert ticks[0] == scale.low and ticks[-1] == pytest.approx(scale.high)
        assert 2 <= len(ticks) <= 8
        for row in rows:
            assert scale.low <= row.ci_low and row.ci_high <= scale.high + 1e-9
    change = change_scale(rows)
    assert change.low == -change.high


@given(st.text(st.sampled_from("abcdéf XYZ—'"), max_size=120), st.integers(1, 3))
@example("XXXXXXXXXXXXXXXXXXXXX X", 2)  # a word wider than a line, not on the last line
def test_a_name_is_wrapped_within_its_column_and_shortened_visibly(name, lines):
    wrapped = wrap(name, 150, lines)
    assert 1 <= len(wrapped) <= lines
    assert all(text_width(line) <= 150 for line in wrapped)
    # Nothing is lost silently: a name cut short ends with "…" (a word too long for a line is split).
    if "".join(wrapped).replace(" ", "") != name.replace(" ", ""):
        assert wrapped[-1].endswith("…")


def test_an_indicator_whose_fall_is_progress_says_so_in_its_title(admin, current_dataset):
    # « Jeunes sans école ni formation »: a rise had read as progress beside « ont progressé ».
    report, _, _ = export(admin)
    titles = report.of("h3")
    lower = [
        indicator.title["fr"]
        for indicator in current_referentiel().declared_indicators
        if getattr(indicator, "better", "higher") == "lower"
    ]
    assert lower
    for title in lower:
        [shown] = [text for text in titles if text.startswith(title)]
        assert shown.startswith(f"{title} (baisse = mieux)")  # the parser reads no-break spaces as spaces
    assert sum("baisse = mieux" in text for text in titles) == len(lower)


def test_withheld_options_are_drawn_in_their_place_and_named_on_paper():
    # A reviewer read « 33 / 22 mieux » where the withheld « beaucoup moins bien » and « moins
    # bien » had been drawn at the right, where « mieux » stands, named only in a tooltip.
    from admin.report_charts import PLOT_LEFT
    from admin.report_distribution import PLOT_RIGHT, _segments, legend, option_colours, partly_withheld

    options = ["Beaucoup moins bien", "Moins bien", "Pareil", "Mieux", "Beaucoup mieux"]
    hidden = chart_row("percent", 0, 0, 0)._replace(value=None, suppressed=True, reason="few_on_one_side")
    shown = [chart_row("percent", value, value - 5, value + 5) for value in (40.0, 35.0, 20.0)]
    width = PLOT_RIGHT - PLOT_LEFT

    def boxes(rows):
        parts = _segments(rows, options, option_colours(5), 0, lambda share: share / 100 * width)
        return [part for part in parts if part.startswith("<rect")]

    at_the_left = boxes([hidden, hidden, *shown])
    assert 'class="bar withheld"' in at_the_left[0] and f'x="{float(PLOT_LEFT)}"' in at_the_left[0]
    left_over = round(width - sum(round(value / 100 * width, 1) for value in (40.0, 35.0, 20.0)), 1)
    assert f'width="{left_over}"' in at_the_left[0]  # what the published 95 % leave
    assert f'x="{round(PLOT_LEFT + left_over, 1)}"' in at_the_left[1]  # « Pareil » right after it
    apart = boxes([hidden, shown[0], shown[1], shown[2], hidden])
    assert 'class="bar withheld"' in apart[-1] and 'class="bar withheld"' not in apart[0]
    assert partly_withheld([[hidden, hidden, *shown]]) and not partly_withheld([[hidden] * 5])
    assert "réponses masquées ensemble" in legend(options, withheld=True)
    assert "réponses masquées ensemble" not in legend(options)


def test_the_sentence_that_a_group_has_no_figure_of_its_own_reads_well_at_each_level():
    from admin.report_text import given_way_text

    assert given_way_text("Petit foyer", "organisation", "Association Été").endswith(
        "ceux d’Association Été, qui la comprend."
    )
    assert given_way_text("Petit foyer", "organisation", "Les Tilleuls").endswith(
        "ceux de Les Tilleuls, qui la comprend."
    )
    assert given_way_text("Organisation 7", "sector", "Secteur").endswith("ceux du secteur, qui la comprend.")
