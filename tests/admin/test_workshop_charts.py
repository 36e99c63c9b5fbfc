"""The pack's charts as a participant reads them: the participation chart draws the stages it
withholds as one part, never leaves them out (an all-green bar would tell that nobody refused or
stopped); names are titles on up to three lines, what they end with in parentheses kept whole."""

from admin.workshop_charts import (
    CHARACTER_WIDTH,
    FONT_SIZE,
    LABEL_WIDTH,
    LINE_HEIGHT,
    LOWER_IS_BETTER,
    MASKED_WORDS,
    ROW_HEIGHT,
    VALUE_WIDTH,
    WIDTH,
    _bars,
    alpha_chart,
    funnel_chart,
    label_lines,
)

FITS = int((LABEL_WIDTH - 8) / (FONT_SIZE * CHARACTER_WIDTH))

STAGES = {"completed": 15, "in_progress": None, "notice_pending": None, "declined": None, "stopped": None}


def funnel(**stages):
    return {
        "group_name": "Foyer",
        "wave": "T0",
        "opened": 20,
        "suppressed": False,
        "erased_by_retention": 0,
        **stages,
    }


def test_withheld_stages_are_drawn_together_after_the_published_ones():
    chart = funnel_chart([funnel(**STAGES)])
    span = WIDTH - LABEL_WIDTH - 20
    assert f'x="{LABEL_WIDTH + span * 15 / 20:.1f}" y="4" width="{span * 5 / 20:.1f}"' in chart
    assert chart.count('stroke-dasharray="3,2"') == 1
    assert MASKED_WORDS in chart and "pointillés" in chart
    assert "<figcaption>Foyer : ce que sont devenus" in chart  # which group it shows


def test_a_funnel_with_every_stage_published_has_no_withheld_part():
    chart = funnel_chart([funnel(completed=15, in_progress=2, notice_pending=0, declined=3, stopped=0)])
    assert "stroke-dasharray" not in chart and MASKED_WORDS not in chart and "pointillés" not in chart


def test_a_short_name_stays_on_one_line():
    assert label_lines("Score de sécurité (T0, v1)") == ["Score de sécurité (T0, v1)"]


def test_a_long_title_is_cut_at_spaces_and_keeps_its_marker_whole():
    lines = label_lines(f"Jeunes sans école ni formation (contexte){LOWER_IS_BETTER}")
    assert lines == ["Jeunes sans école ni", "formation (contexte)", LOWER_IS_BETTER.strip()]
    assert all(len(line) <= FITS for line in lines)


def test_a_name_too_long_for_three_lines_is_shortened_before_its_wave():
    lines = label_lines(
        "Jeunes qui savent à qui dire s’ils sont maltraités et encore bien plus de mots (T0, v2)"
    )
    assert lines[-1].endswith("… (T0, v2)") and len(lines) == 3
    assert all(len(line) <= FITS for line in lines)


def test_a_row_whose_name_takes_two_lines_is_a_line_taller():
    one = _bars([("Court", 10.0, 5.0, 15.0)], 0, 100)
    two = _bars(
        [
            ("Court", 10.0, 5.0, 15.0),
            ("Jeunes qui savent à qui le dire si on leur fait du mal", None, None, None),
        ],
        0,
        100,
    )
    height = int(one.split('height="')[1].split('"')[0])
    assert int(two.split('height="')[1].split('"')[0]) == height + ROW_HEIGHT + LINE_HEIGHT
    assert two.count("<tspan") == 3 and "masqué" in two


def reliability(alpha, low, high):
    return {"referentiel_version": "voix-mecs/1", "wave": "T0", "indicator": "safety_score",
            "alpha": alpha, "alpha_ci_low": low, "alpha_ci_high": high}  # fmt: skip


def test_an_alpha_below_zero_is_explained_under_the_chart():
    assert "Sous 0" not in alpha_chart([reliability(0.72, 0.61, 0.8)])
    assert "Sous 0" in alpha_chart([reliability(0.31, -1.0, 0.55)])


def test_the_axis_says_where_zero_and_the_red_line_are():
    chart = alpha_chart([reliability(0.72, 0.61, 0.8)])
    ticks = [text.split(">")[1] for text in chart.split("<text")[1:] if 'text-anchor="middle"' in text]
    assert ticks == ["\u22121</text", "1</text", "0,6</text", "0</text"]


def test_a_charts_values_have_as_many_decimals_as_its_most_precise():
    # A reviewer read « 4 » beside « 3,1 » in the skipped answers' chart: « 4,0 » now.
    chart = _bars([("a", 4.0, None, None), ("b", 3.1, None, None), ("c", -0.0, None, None)], 0.0, 10.0)
    right = f'<text x="{WIDTH - VALUE_WIDTH + 8}"'
    values = [text.split(">")[1].split("<")[0] for text in chart.split(right)[1:]]
    assert values == ["4,0", "3,1", "0,0"]
