"""The workshop pack's HTML in Chromium: charts drawn, nothing past A4, text readable, charts kept whole."""

import re
from html import escape
from pathlib import Path

from admin.workshop_charts import LOWER_IS_BETTER, NOTHING_PUBLISHED, label_lines
from admin.workshop_formats import PART_TITLES, PackHeader
from admin.workshop_html import pack_html
from admin.workshop_pack import WorkshopRequest, build_workshop_pack
from bench.synthetic_dataset import DatasetShape, fill_database
from bench.synthetic_participation import add_participation
from referentiel.loading import find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations
from tests.admin.test_versions_between_waves import answered_t1_under_the_later_version
from tests.support.browser import RenderedReport, describe, problems, split_blocks

LONG_NAME = "Foyer n°0123456789012345678901234"


def pack_page(path: Path, t1_under_version_2: bool = False) -> str:
    """The sector's pack of a 400-youth dataset with a history, as HTML; its T1 answered under
    version 2 of the référentiel if asked (the workshop adjusted it between the waves)."""
    connection = open_sync_connection(path, create=True)
    apply_migrations(connection)
    fill_database(connection, find_referentiel("voix-mecs", 1), DatasetShape(3, 8, 400, 0.8, 3))
    add_participation(connection)
    # A name with nowhere to break (a number kept whole) still leaves the tables within the page.
    with connection:
        connection.execute("UPDATE structures SET name = ? WHERE id = 1", (LONG_NAME,))
    connection.close()
    if t1_under_version_2:
        answered_t1_under_the_later_version(path)
    connection = open_sync_connection(path)
    pack = build_workshop_pack(connection, WorkshopRequest(minimum_group_size=10))
    connection.close()
    return pack_html(pack, PackHeader("2026-11-26T10:00:00+00:00", "export workshop --format html"))


def chart_name(name: str) -> re.Pattern[str]:
    """A name as a chart writes it: its lines (``label_lines``), each a tspan, one after the other."""
    return re.compile("<tspan[^>]*>".join(re.escape(f"{escape(line)}</tspan>") for line in label_lines(name)))


def assert_no_problem(rendered: RenderedReport) -> None:
    for layout in (rendered.screen, rendered.printed):
        found = problems(layout)
        assert found == {}, (describe(rendered), {name: items[:3] for name, items in found.items()})


def test_the_pack_prints_on_a4_with_readable_whole_charts(render_report, tmp_path):
    html = pack_page(tmp_path / "voix.db")
    rendered = render_report(html, name="workshop")
    assert_no_problem(rendered)
    assert "Foyer n°0123456789<wbr>012345678901<wbr>234" in html
    # The annex says what the identifiers of the tables and charts stand for.
    assert "<td>feel_<wbr>safe</td><td>Jeunes qui se sentent en sécurité</td></tr>" in html
    # Funnel, skipped answers, α and the sector's change (published: T1 pays across waves).
    assert len(rendered.printed.charts) == 4, describe(rendered)
    assert NOTHING_PUBLISHED not in html
    # Each chart with its sentence kept on one page, and each part's heading with its
    # explanation and chart (one was left at the foot of a page, its chart on the next).
    blocks = rendered.printed.blocks
    assert len([block for block in blocks if block.kind != "opening"]) == 4
    # Participation, change, questions, reliability, correlations (the breakdowns: tables only).
    assert len([block for block in blocks if block.kind == "opening"]) == 5
    assert split_blocks(rendered.printed) == []
    assert rendered.pdf_pages <= 20, describe(rendered)
    # What a participant's trial asked for: the change right after the participation, every
    # table's header repeated on each printed page, the date in words, no « -0,0 », the change of
    # an indicator whose fall is progress said so, and only the breakdowns' published cells.
    assert html.index(f"<h2>{PART_TITLES['change']}") < html.index(f"<h2>{PART_TITLES['items']}")
    assert html.count("<table>") == html.count("<table><thead>") > 3
    # The rule in four lines of the tables' words on the first page; the whole of it at the end.
    assert "<li>un groupe de moins de 10 jeunes ne montre aucun chiffre" in html.split("<h2>")[0]
    assert "small_group" not in html.split("<h2>")[0] and "small_group" in html.split("<h2>")[-1]
    assert "Généré le 26 novembre 2026 à 10:00" in html and not re.search(r">-0(,0+)?<", html)
    assert chart_name(f"Jeunes sans école ni formation (contexte){LOWER_IS_BETTER}").search(html)
    # A withheld count of the participation says so, where it was a blank cell.
    participation = html.split(f"<h2>{PART_TITLES['participation']}</h2>")[1].split("<h2>")[0]
    words = participation.replace("\u00ad", "").replace("<wbr>", "")
    assert "<td>masqué</td>" in words
    # Refusals, and whom « ont répondu après une relance » is a share of, beside it.
    assert "<th>Refus</th>" in words and "<th>Jeunes relancés</th>" in words
    assert "Accord donné (en cours ou terminé)" in words
    breakdowns = html.split(f"<h2>{PART_TITLES['breakdowns']}</h2>")[1].split("<h2>")[0]
    # One row per indicator and wave, the context question's answers as columns; no row of
    # masked cells only.
    assert "<h3>Selon « Depuis combien de temps tu vis ici ? »</h3>" in breakdowns
    assert "<th>Moins de 3 mois</th>" in breakdowns.replace("\u00ad", "")
    assert "<td>feel_<wbr>safe (%)</td>" in breakdowns
    for row in (row for body in breakdowns.split("<tbody>")[1:] for row in body.split("<tr>")[1:]):
        assert row.count("masqué") < row.count("<td") - 2, row


def test_a_pack_of_two_versions_names_them_and_still_fits_a4(render_report, tmp_path):
    html = pack_page(tmp_path / "voix.db", t1_under_version_2=True)
    rendered = render_report(html, name="workshop-two-versions")
    assert_no_problem(rendered)
    # The skipped answers of version 2, where it was asked (T1); the tables and the α chart say
    # which version a row is of.
    assert "question par question (T1, voix-mecs/2)" in html
    words = html.replace("\u00ad", "")  # French hyphenation points, where a heading may break
    assert "<th>Version</th>" in words and "<td>v1</td>" in words and "<td>v2</td>" in words
    title = find_referentiel("voix-mecs", 1).indicator("safety_score").title["fr"]
    assert chart_name(f"{title} (T0, v1)").search(html) and chart_name(f"{title} (T1, v2)").search(html)
    assert "<td>feel_<wbr>safe</td><td>Jeunes qui se sentent en sécurité</td><td>v1, v2</td>" in html
