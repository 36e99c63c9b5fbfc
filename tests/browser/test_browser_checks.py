"""The browser checks themselves: each finds the fault it is named after, and nothing on a sound page."""

from tests.support.browser import (
    PRINT_HEIGHT,
    empty_charts,
    intervals_outside_axis,
    overflowing,
    overlapping_texts,
    problems,
    small_texts,
    split_blocks,
    texts_crossed_by_grid_lines,
)

SOUND_CHART = """
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 60" width="400" height="60" aria-label="sound">
<rect class="axis" x="100" y="20" width="200" height="36" fill="none"/>
<line class="grid-line" x1="100" x2="100" y1="20" y2="58" stroke="#999"/>
<text x="100" y="14" text-anchor="middle" font-size="12">0</text>
<line class="grid-line" x1="300" x2="300" y1="20" y2="58" stroke="#999"/>
<text x="300" y="14" text-anchor="middle" font-size="12">100</text>
<text x="96" y="36" text-anchor="end" font-size="12">Groupe</text>
<rect class="bar" x="100" y="27" width="120" height="10" fill="#1b4f72"/>
<path class="interval" d="M180 32H260M180 28V36M260 28V36" stroke="#000"/>
<text x="308" y="36" font-size="12">60,0 %</text>
</svg>
"""


def page(body: str, style: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>@page { size: A4; margin: 15mm; } '
        f"body {{ margin: 0; font-size: 12pt; }} figure {{ break-inside: avoid; }} {style}</style></head>"
        f"<body>{body}</body></html>"
    )


def test_a_sound_chart_passes_every_check(render_report):
    rendered = render_report(page(f"<figure><h4>Titre</h4>{SOUND_CHART}</figure>"))
    for layout in (rendered.screen, rendered.printed):
        assert problems(layout) == {}
        assert split_blocks(layout) == []
    assert rendered.pdf_pages == 1


def test_a_grid_line_through_a_text_is_found(render_report):
    crossed = SOUND_CHART.replace('<text x="308" y="36"', '<text x="280" y="36"')
    found = texts_crossed_by_grid_lines(render_report(page(crossed)).screen)
    assert len(found) == 1 and found[0].startswith("sound: '60,0 %' crossed at x = ")


def test_an_interval_past_the_axis_is_found(render_report):
    cut = SOUND_CHART.replace("M180 32H260M180 28V36M260 28V36", "M180 32H330M180 28V36M330 28V36")
    found = intervals_outside_axis(render_report(page(cut)).screen)
    assert len(found) == 1 and found[0].startswith("sound: interval from")


def test_small_text_is_found_including_a_shrunk_chart(render_report):
    rendered = render_report(
        page(
            f'<p style="font-size: 7pt">petit</p><div style="width: 200px">{SOUND_CHART}</div>',
            "svg { max-width: 100%; height: auto; }",
        )
    )
    found = small_texts(rendered.screen)
    assert "'petit': 7.0 pt" in found
    # The 400-wide chart drawn 200 wide: its 12 px texts are 4.5 pt.
    assert "'Groupe': 4.5 pt" in found


def test_an_empty_chart_and_a_flat_bar_are_found(render_report):
    empty = '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40" aria-label="vide"></svg>'
    flat = SOUND_CHART.replace('width="120" height="10"', 'width="0" height="10"')
    found = empty_charts(render_report(page(empty + flat)).screen)
    assert found[0] == "vide" and "flat bar" in found[1]


def test_overflow_is_found(render_report):
    rendered = render_report(page('<div style="width: 2000px">large</div>'))
    assert overflowing(rendered.screen)[0].startswith("page scrolls sideways")
    assert overflowing(rendered.printed)


def test_a_block_taller_than_a_page_or_breakable_is_found(render_report):
    tall = f'<figure style="height: {PRINT_HEIGHT + 50}px"><h4>Haut</h4></figure>'
    loose = '<figure style="break-inside: auto"><h4>Libre</h4></figure>'
    found = split_blocks(render_report(page(tall + loose)).printed)
    assert [problem.split(":")[0] for problem in found] == ["Haut", "Libre"]


def test_texts_over_each_other_are_found(render_report):
    long_name = SOUND_CHART.replace(
        ">Groupe<", ">Un nom de groupe vraiment beaucoup trop long pour la colonne des noms<"
    ).replace('x="96" y="36" text-anchor="end"', 'x="4" y="36"')
    found = overlapping_texts(render_report(page(long_name)).screen)
    assert found and "overlaps '60,0 %'" in found[0]


def test_a_word_cut_across_lines_in_a_table_is_found_and_a_hyphenated_one_is_not(render_report):
    cell = '<table style="width: 60px"><tr><td style="overflow-wrap: anywhere">{}</td></tr></table>'
    cut = render_report(page(cell.format("Invitations"))).screen
    assert cut.broken_words == ['Invitations (in td "Invitations")']
    hyphenated = render_report(page(cell.format("In\u00advi\u00adta\u00adtions et re\u00adlances"))).screen
    assert hyphenated.broken_words == []
    assert hyphenated.texts[0].box.height > 40  # it did break: three lines or more, at its soft hyphens
