"""The pack page's numbers as a participant's trial asked: one number of decimals per column and
unit (« 0,250 » above « 0,294 », not « 0,25 »), and a minus sign, not a hyphen."""

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
