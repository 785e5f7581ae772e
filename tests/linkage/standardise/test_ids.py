import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from linkage.standardise.ids import check_digit, classify_id, id_sex, standardise_ids, upgrade_15_to_18

VALID = "11010519491231002X"  # the GB 11643 example


def test_check_digit_of_standard_example():
    assert check_digit(VALID[:17]) == "X"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_body_with_its_check_digit_is_accepted_or_fails_only_on_date(body):
    usable, status, _ = classify_id(body + check_digit(body))
    assert status in ("valid", "bad_date")
    assert (usable is not None) == (status == "valid")


@given(st.integers(0, 16), st.integers(1, 9))
def test_one_mistyped_digit_is_caught(position, shift):
    digit = str((int(VALID[position]) + shift) % 10)
    typo = VALID[:position] + digit + VALID[position + 1 :]
    usable, status, text = classify_id(typo)
    assert usable is None
    assert status in ("bad_check_digit", "bad_date")
    assert text == typo  # kept for character-level comparison


def test_lower_case_x_spaces_and_full_width_are_cleaned():
    assert classify_id(" 11010519491231002x ")[0] == VALID
    assert classify_id("１１０１０５１９４９１２３１００２Ｘ")[0] == VALID


def test_15_digit_id_is_upgraded():
    upgraded = upgrade_15_to_18("110105491231002")
    assert upgraded == VALID
    assert classify_id("110105491231002") == (VALID, "upgraded_15", VALID)


def test_excel_destroyed_ids_are_never_used():
    assert classify_id("1.10105E+17")[1] == "excel_destroyed"
    assert classify_id("110105194912310000")[1] == "excel_destroyed"
    # A perfect ID that arrived as a number cell is still destroyed: its digits cannot be trusted.
    assert classify_id(VALID[:17] + "0", was_number=True)[0] is None


def test_blank_and_malformed():
    assert classify_id(None)[1] == "blank"
    assert classify_id("   ")[1] == "blank"
    assert classify_id("1234")[1] == "bad_format"


def test_sex_and_birth_date_from_id():
    frame = standardise_ids(pd.Series([VALID, None]))
    assert str(frame.loc[0, "id_birth_date"]) == "1949-12-31"
    assert id_sex(VALID) == "F"  # 17th digit 2 is even
    assert frame.loc[1, "id_status"] == "blank"


_ID_CHARS = st.sampled_from(list("0123456789X x-１２０"))


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(_ID_CHARS, min_size=0, max_size=20),
            st.text(alphabet="0123456789", min_size=17, max_size=17).map(lambda b: b + check_digit(b)),
        ),
        min_size=1,
        max_size=30,
    ),
    st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_bulk_classification_agrees_with_classify_id_row_by_row(values, flags):
    from linkage.standardise.ids import id_birth_date

    raw = pd.Series(values, dtype=object)
    was_number = pd.Series(flags[: len(values)])
    frame = standardise_ids(raw, was_number)
    for i, value in enumerate(values):
        usable, status, text = classify_id(value, flags[i])
        assert (frame.loc[i, "id_number"], frame.loc[i, "id_status"], frame.loc[i, "id_text"]) == (usable, status, text)
        assert frame.loc[i, "id_birth_date"] == id_birth_date(usable)
        assert frame.loc[i, "id_sex"] == id_sex(usable)
