"""The workshop pack's HTML in Chromium: charts drawn, nothing past A4, text readable, charts kept whole."""

from admin.workshop_formats import PackHeader
from admin.workshop_html import NOTHING_PUBLISHED, pack_html
from admin.workshop_pack import WorkshopRequest, build_workshop_pack
from bench.synthetic_dataset import DatasetShape, fill_database
from bench.synthetic_participation import add_participation
from referentiel.loading import find_referentiel
from storage.database import open_sync_connection
from storage.migrations import apply_migrations
from tests.support.browser import describe, problems, split_blocks


def test_the_pack_prints_on_a4_with_readable_whole_charts(render_report, tmp_path):
    connection = open_sync_connection(tmp_path / "voix.db", create=True)
    apply_migrations(connection)
    fill_database(connection, find_referentiel("voix-mecs", 1), DatasetShape(3, 8, 400, 0.8, 3))
    add_participation(connection)
    pack = build_workshop_pack(connection, WorkshopRequest(minimum_group_size=10))
    connection.close()
    html = pack_html(pack, PackHeader("2026-11-26T10:00:00+00:00", "export workshop --format html"))
    rendered = render_report(html, name="workshop")
    for layout in (rendered.screen, rendered.printed):
        found = problems(layout)
        assert found == {}, (describe(rendered), {name: items[:3] for name, items in found.items()})
    # Funnel, skipped answers, α and the sector's change (published: T1 pays across waves).
    assert len(rendered.printed.charts) == 4, describe(rendered)
    assert NOTHING_PUBLISHED not in html
    assert len(rendered.printed.blocks) == 4  # each chart with its sentence, kept on one page
    assert split_blocks(rendered.printed) == []
    assert rendered.pdf_pages <= 20, describe(rendered)
