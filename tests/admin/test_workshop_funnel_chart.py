"""The participation chart draws the stages it withholds as one part, never leaves them out: an
all-green bar would tell a participant that nobody refused or stopped (issue 11)."""

from admin.workshop_html import LABEL_WIDTH, MASKED_WORDS, WIDTH, _funnel_chart

STAGES = {"completed": 15, "in_progress": None, "notice_pending": None, "declined": None, "stopped": None}


def funnel(**stages):
    return {"wave": "T0", "opened": 20, "suppressed": False, "erased_by_retention": 0, **stages}


def test_withheld_stages_are_drawn_together_after_the_published_ones():
    chart = _funnel_chart([funnel(**STAGES)])
    span = WIDTH - LABEL_WIDTH - 20
    assert f'x="{LABEL_WIDTH + span * 15 / 20:.1f}" y="4" width="{span * 5 / 20:.1f}"' in chart
    assert chart.count('stroke-dasharray="3,2"') == 1
    assert MASKED_WORDS in chart and "pointillés" in chart


def test_a_funnel_with_every_stage_published_has_no_withheld_part():
    chart = _funnel_chart([funnel(completed=15, in_progress=2, notice_pending=0, declined=3, stopped=0)])
    assert "stroke-dasharray" not in chart and MASKED_WORDS not in chart and "pointillés" not in chart
