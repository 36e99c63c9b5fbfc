"""The pack page's numbers as a participant's trial asked: one number of decimals per column and
unit (« 0,250 » above « 0,294 », not « 0,25 »), and a minus sign, not a hyphen."""

from admin.workshop_charts import funnel_chart
from admin.workshop_html import _column_digits, _table_cell
from admin.workshop_items import french_number


def test_a_column_writes_its_numbers_with_as_many_decimals():
    rows = [
        {"alpha": 0.25, "value": 12.0, "unit": "percent"},
        {"alpha": 0.294, "value": 12.5, "unit": "percent"},
        {"alpha": -0.1, "value": 1.25, "unit": "count"},
    ]
    digits = _column_digits(rows, ["alpha", "value"])
    assert digits == {
        ("alpha", "percent"): 3,
        ("alpha", "count"): 1,
        ("value", "percent"): 1,
        ("value", "count"): 2,
    }
    cells = [_table_cell(row["alpha"], digits=digits[("alpha", "percent")]) for row in rows[:2]]
    assert cells == ['<td class="number">0,250</td>', '<td class="number">0,294</td>']
    assert _table_cell(-0.0, digits=1) == '<td class="number">0,0</td>'


def test_a_negative_number_has_a_minus_sign():
    assert french_number(-0.019) == "\u22120,019"
    assert french_number("-12.50") == "\u221212,50"
    assert french_number(0.5) == "0,5"


def test_thousands_are_grouped_as_the_score_report_groups_them():
    # The pack had written « 1534 » and « 1500 ouverts » where the score report wrote « 1 229 ».
    assert french_number(1534) == "1\u202f534"
    assert french_number("12345.50") == "12\u202f345,50"
    assert french_number("-1234.5") == "\u22121\u202f234,5"
    assert french_number(999) == "999"
    assert _table_cell(1534) == '<td class="number">1\u202f534</td>'
    opened = funnel_chart([{"group_name": "Secteur", "wave": "T0", "opened": 1500, "suppressed": False,
                            "erased_by_retention": 0, "completed": 1400, "in_progress": 50,
                            "notice_pending": 20, "declined": 20, "stopped": 10}])  # fmt: skip
    assert "T0 : 1\u202f500 ouverts" in opened
