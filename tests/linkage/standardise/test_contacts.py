import pytest

from linkage.standardise.contacts import standardise_phone, standardise_sex


@pytest.mark.parametrize(
    "raw", ["+86 138-0013-8000", "138 0013 8000", "8613800138000", "0086 13800138000", "13800138000"]
)
def test_mobiles(raw):
    assert standardise_phone(raw) == ("13800138000", None)


def test_landline_keeps_area_code_and_junk_is_reported():
    assert standardise_phone("0375-2345678") == ("03752345678", None)
    value, problem = standardise_phone("12345")
    assert value is None and problem


@pytest.mark.parametrize("raw, sex", [("男", "M"), ("女", "F"), ("1", "M"), ("2", "F"), ("0", None), ("9", None)])
def test_sex_codes(raw, sex):
    assert standardise_sex(raw) == (sex, None)


def test_unknown_sex_code_is_reported():
    assert standardise_sex("X")[1]
