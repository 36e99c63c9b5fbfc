"""The pack page's breakdown tables as a participant's trial asked: a column per answer, « non
posée » where the question is not asked after that answer, the row of an indicator never broken
down kept with why, and a table of masked cells only not called « nothing to report »."""

from admin.workshop_breakdown_table import NOT_ASKED, NOT_BROKEN_DOWN, breakdown_tables

TIME_HERE = {"under_3m": "Moins de 3 mois", "3_to_12m": "De 3 mois à 1 an", "over_1y": "Plus d’un an"}


def cells(indicator, unit="percent", **reasons):
    """One indicator's T0 cells by time here: published (value 50, n 20) unless given a reason."""
    return [
        {
            "referentiel_version": "voix-mecs/2", "wave": "T0", "indicator": indicator,
            "question": "time_here", "option": option, "option_label": label,
            "n": None if reasons.get(option) else 20, "value": None if reasons.get(option) else 50.0,
            "ci_low": None if reasons.get(option) else 30.0, "ci_high": None if reasons.get(option) else 70.0,
            "unit": unit, "band": None, "reason": reasons.get(option),
        }
        for option, label in TIME_HERE.items()
    ]  # fmt: skip


def test_a_row_reads_across_the_answers_with_value_interval_and_n():
    html = breakdown_tables(cells("feel_safe"), several_versions=False)
    assert "<h3>Selon « Depuis combien de temps tu vis ici ? »</h3>" in html
    assert html.count("<th>") == 2 + len(TIME_HERE)
    assert html.count('<td class="number">50,0<br>30,0–70,0 ; n\u00a020</td>') == 3


def test_a_question_not_asked_after_an_answer_says_so_rather_than_masked():
    # « Par rapport à ton arrivée… » is asked only after 3 months here.
    rows = cells("feel_safe") + cells("felt_safety_change_same", under_3m="not_asked")
    html = breakdown_tables(rows, several_versions=False)
    row = html.split("felt_<wbr>safety_<wbr>change_<wbr>same")[1].split("</tr>")[0]
    assert row.count(NOT_ASKED) == 1 and "masqué" not in row


def test_an_indicator_never_broken_down_keeps_its_row_and_says_why():
    rows = cells("feel_safe") + cells(
        "path_fits_plans", under_3m="secondary", **{"3_to_12m": "secondary", "over_1y": "secondary"}
    )
    html = breakdown_tables(rows, several_versions=False)
    assert "path_<wbr>fits_<wbr>plans" in html and NOT_BROKEN_DOWN in html


def test_masked_cells_only_are_not_nothing_to_report():
    masked = cells("feel_safe", under_3m="small_group", **{"3_to_12m": "small_group", "over_1y": "secondary"})
    html = breakdown_tables(masked, several_versions=False)
    assert "masquées" in html and "Rien à signaler" not in html


def test_a_question_whose_cells_are_all_masked_keeps_its_heading_beside_another_table():
    masked = cells("feel_safe", under_3m="small_group", **{"3_to_12m": "small_group", "over_1y": "secondary"})
    age = [
        {**cell, "question": "age_band", "option": option, "option_label": option}
        for cell, option in zip(masked, ("13_14", "15_16", "17_plus"), strict=True)
    ]
    html = breakdown_tables(cells("feel_safe") + age, several_versions=False)
    assert "<h3>Selon « Depuis combien de temps tu vis ici ? »</h3><table>" in html
    masked = html.split("<h3>Selon « Tu as quel âge ? »</h3>")[1]
    assert masked.startswith("<p>Toutes les cases sont masquées") and "<table>" not in masked
