"""CSV cells: text a spreadsheet would run as a formula is defused; numbers stay numbers."""

from decimal import Decimal

from common.csv_export import csv_text


def test_formula_text_is_defused_and_negative_numbers_are_left_as_numbers():
    content = csv_text(["a", "b", "c", "d", "e"], [["=SUM(A1)", "-1+2", -0.5, Decimal("-3.10"), None]])
    assert content.splitlines()[1] == "'=SUM(A1),'-1+2,-0.5,-3.10,"
