import pytest

from linkage.standardise.contacts import standardise_phone, standardise_sex


@pytest.mark.parametrize(
    "raw",
    ["+86 138-0013-8000", "138 0013 8000", "8613800138000", "0086 13800138000", "13800138000", "013800138000"],
)
def test_mobiles(raw):
    assert standardise_phone(raw) == ("13800138000", None)


def test_a_mobile_exported_as_a_float_keeps_its_digits_and_excel_notation_is_reported():
    assert standardise_phone("13800138000.0") == ("13800138000", None)
    value, problem = standardise_phone("1.38001E+10")
    assert value is None and "Excel" in problem


def test_landline_keeps_area_code_and_junk_is_reported():
    assert standardise_phone("0375-2345678") == ("03752345678", None)
    value, problem = standardise_phone("12345")
    assert value is None and problem


@pytest.mark.parametrize(
    "raw, sex",
    [
        ("男", "M"),
        ("女", "F"),
        ("1", "M"),
        ("2", "F"),
        ("0", None),
        ("9", None),
        ("男孩", "M"),
        ("女童", "F"),
        ("female", "F"),
        (" Male ", "M"),
    ],
)
def test_sex_codes(raw, sex):
    assert standardise_sex(raw) == (sex, None)


def test_unknown_sex_code_is_reported():
    assert standardise_sex("X")[1]


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000/13900139000",
        "13800138000；13900139000",
        "138 0013 8000 139 0013 9000",
        "+86 13800138000 +86 13900139000",
        "12345/13800138000",
        "138-0013-8000、0375-2345678",
    ],
)
def test_a_field_with_several_numbers_gives_the_first_usable_one_with_a_note(raw):
    value, problem = standardise_phone(raw)
    assert value == "13800138000"
    assert "numbers in one field" in problem


def test_several_unusable_numbers_are_reported_as_unusable():
    value, problem = standardise_phone("1381234567/12")
    assert value is None and "not a mobile or landline" in problem
