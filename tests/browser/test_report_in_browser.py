"""The HTML report as a person sees it in Chromium: on screen, and printed on A4 by the browser.

The data: 2,400 synthetic youth in 24 structures of 3 organisations, both waves, 5 % of items
skipped, answering the current référentiel (v2, with its distributions); one structure renamed
with a long name, one with markup characters, and a structure of 4 youth (under the group size)
carved out of another. One structure's report is also rendered from a smaller sector answering
v1 (6 structures of about as many youth each: that report shows one structure, its organisation
and the sector, whatever the sector's size).
"""

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from admin.export_commands import ExportRequest, export_scores
from bench.synthetic_dataset import DatasetShape, fill_database
from referentiel.loading import current_referentiel, find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations
from tests.support.browser import (
    A4_POINTS,
    SCREEN_SIZE,
    describe,
    png_size,
    problems,
    render_page,
    split_blocks,
)

DATA_VERSION = current_referentiel()
EARLIER_VERSION = find_referentiel("voix-mecs", 1)
SHAPE = DatasetShape(organisations=3, structures=24, youth=2_400, second_wave_share=1.0, seed=11)
EARLIER_SHAPE = DatasetShape(organisations=3, structures=6, youth=600, second_wave_share=1.0, seed=11)
LONG_NAME = "Maison d'enfants à caractère social Les Tilleuls — pavillon des grands"
MARKUP_NAME = "Foyer <Les Lilas> & « Cie »"
SMALL = 25  # the structure of 4 youth, added below
ORGANISATION = 3  # 10 structures, as large as the benchmark's largest
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
REPORTS = {
    "structure": (ExportRequest(structure_scope=[2], scope_description="structure n° 2"), 12),
    "small structure": (ExportRequest(structure_scope=[SMALL], scope_description=f"structures {SMALL}"), 12),
    "organisation": (None, 30),
    "sector": (ExportRequest(levels=("sector",), scope_description="tout"), 12),
    # Every structure: charts of many groups are cut into several, each printed whole.
    "every structure": (ExportRequest(scope_description="tout"), 60),
    # The same structure when its youth answered v1 (no distributions).
    "structure v1": (ExportRequest(structure_scope=[2], scope_description="structure n° 2"), 12),
}


def filled_database(tmp_path_factory, version, shape=SHAPE):
    path = tmp_path_factory.mktemp("browser") / "voix.db"
    connection = open_sync_connection(path, create=True)
    apply_migrations(connection)
    fill_database(connection, version, shape)
    with connection:
        connection.execute("UPDATE structures SET name = ? WHERE id = 2", (LONG_NAME,))
        connection.execute("UPDATE structures SET name = ? WHERE id = 3", (MARKUP_NAME,))
        connection.execute(
            "INSERT INTO structures (id, organisation_id, name, kind, created_at) "
            "VALUES (?, 1, 'Petit foyer', 'MECS', '2026-01-05T09:00:00+00:00')",
            (SMALL,),
        )
        connection.execute(
            "UPDATE youth SET structure_id = ? WHERE id IN "
            "(SELECT id FROM youth WHERE structure_id = 10 ORDER BY id LIMIT 4)",
            (SMALL,),
        )
    return connection


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    connection = filled_database(tmp_path_factory, DATA_VERSION)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def earlier_database(tmp_path_factory):
    connection = filled_database(tmp_path_factory, EARLIER_VERSION, EARLIER_SHAPE)
    yield connection
    connection.close()


def report_html(connection, name: str) -> str:
    request, _ = REPORTS[name]
    if request is None:
        structures = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM structures WHERE organisation_id = ?", (ORGANISATION,)
            )
        ]
        request = ExportRequest(structure_scope=structures, scope_description=f"organisations {ORGANISATION}")
    request = ExportRequest(**{**request.__dict__, "format": "html", "time_zone": ZoneInfo("Europe/Paris")})
    stream = io.StringIO()
    export_scores(connection, request, NOW, stream, "export scores --format html")
    return stream.getvalue()


@pytest.fixture(scope="module")
def html(database, earlier_database):
    """Each report exported once for all the tests of this module."""
    databases = {name: earlier_database if name.endswith("v1") else database for name in REPORTS}
    return {name: report_html(databases[name], name) for name in REPORTS}


@pytest.fixture(scope="module")
def rendered(html, chromium):
    """Each report rendered once for all the tests of this module."""
    return {name: render_page(chromium, html[name], name) for name in REPORTS}


@pytest.mark.parametrize("name", REPORTS)
def test_the_report_prints_on_a4_in_few_well_filled_pages(rendered, name):
    report = rendered[name]
    assert report.page_size == pytest.approx(A4_POINTS, abs=1), describe(report)
    assert report.pdf_pages <= REPORTS[name][1], describe(report)
    # Half-empty pages were the old report's waste: printed content fills most of the paper.
    assert report.fill >= 0.6, describe(report)


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("layout", ["screen", "printed"])
def test_charts_are_drawn_readable_and_inside_the_page(rendered, name, layout):
    measured = getattr(rendered[name], layout)
    assert measured.charts, "no chart drawn"
    assert problems(measured) == {}


@pytest.mark.parametrize("name", REPORTS)
def test_every_indicator_is_kept_whole_with_its_heading_on_one_page(rendered, name):
    report = rendered[name]
    assert [block.label for block in report.printed.blocks if block.label.endswith(")")], (
        "no indicator measured"
    )
    assert split_blocks(report.printed) == []


@pytest.mark.parametrize("name", ["structure", "organisation", "sector", "structure v1"])
def test_the_first_page_gives_each_dimension_at_a_glance(rendered, name):
    first = " ".join(rendered[name].page_texts[0].split())
    assert "dimensions en un coup d’œil" in first
    version = EARLIER_VERSION if name.endswith("v1") else DATA_VERSION
    for dimension in version.dimensions:
        assert f"{dimension.title['fr']}." in first, dimension.id
    assert "Annexe" not in first


def test_a_scope_under_the_group_size_says_so_once_instead_of_pages_of_masked(rendered):
    report = rendered["small structure"]
    first = " ".join(report.page_texts[0].split())
    assert "Petit foyer (au plus 4 jeunes) : moins de 10 jeunes y ont répondu." in first
    every_page = " ".join(report.page_texts)
    # Title, scope, message, and the first page's « has no published result yet »: in no chart.
    assert every_page.count("Petit foyer") == 4
    assert "Petit foyer n’a encore aucun résultat publiable (trop peu de jeunes)" in first
    assert "masqué : 4" not in every_page


def test_the_screenshot_shows_the_glance_chart_on_the_first_screen(rendered):
    report = rendered["structure"]
    assert png_size(report.screenshot) == (SCREEN_SIZE["width"], SCREEN_SIZE["height"])
    first_chart = report.screen.charts[0]
    assert "en un coup d’œil" in first_chart.title
    assert first_chart.box.bottom < SCREEN_SIZE["height"]


def test_long_and_markup_names_stay_inside_their_column(rendered, html):
    organisation = html["organisation"]
    assert "Foyer &lt;Les Lilas&gt; &amp; « Cie »" in organisation and MARKUP_NAME not in organisation
    structure = rendered["structure"]
    labels = [text.text for chart in structure.printed.charts for text in chart.texts]
    assert "Maison d'enfants à" in labels and any(label.endswith("…") for label in labels)


def test_a_distribution_is_one_chart_of_stacked_shares_and_never_a_change(rendered):
    report = rendered["structure"]
    distributions = [chart for chart in report.printed.charts if chart.title.startswith("Sécurité depuis")]
    [chart] = distributions
    # Sector, organisation and structure, T0 and T1: six stacked bars of five shares each.
    assert len(chart.bars) == 6 * 5
    every_page = " ".join(report.page_texts)
    assert "Sécurité depuis l’arrivée : Beaucoup mieux" not in every_page
    assert "Évolution T0 → T1, mêmes jeunes — " in every_page
    assert not [
        chart.title for chart in report.printed.charts if "depuis" in chart.title and "→" in chart.title
    ]
