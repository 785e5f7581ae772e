import pandas as pd

from linkage.publish.masking import mask_id, mask_phone, masked


def test_id_keeps_area_and_last_four():
    assert mask_id("41040220150101123X") == "410402********123X"
    assert mask_id(None) is None


def test_phone_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("03752345678") == "037****5678"


def test_masked_covers_plain_and_pair_columns():
    frame = pd.DataFrame(
        {
            "id_number_l": ["41040220150101123X"],
            "id_text_r": ["411302201001011234"],
            "guardian_phone": ["13812345678"],
            "name_l": ["李梓涵"],
        }
    )
    out = masked(frame)
    assert out.loc[0, "id_number_l"] == "410402********123X"
    assert out.loc[0, "id_text_r"].count("*") == 8
    assert out.loc[0, "guardian_phone"] == "138****5678"
    assert out.loc[0, "name_l"] == "李梓涵" and frame.loc[0, "id_number_l"] == "41040220150101123X"
