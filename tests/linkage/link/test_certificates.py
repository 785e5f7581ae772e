"""Which of an export's birth certificate numbers the rules may trust."""

import pandas as pd

from linkage.link.certificates import numbers_not_the_childs, well_formed_certificates
from linkage.link.same_child import heard_forms

NAMES = [("李子涵", "li zi han"), ("王浩然", "wang hao ran"), ("赵一鸣", "zhao yi ming"), ("钱多多", "qian duo duo")]
NAMES += [("孙小雨", "sun xiao yu"), ("周晓东", "zhou xiao dong")]


def _records(rows):
    """Linkage-input records from (name, pinyin, date of birth, certificate)."""
    return pd.DataFrame(
        [
            {
                "birth_certificate": certificate,
                "name": name,
                "name_pinyin": pinyin,
                "name_shape": name,
                "name_sounds": heard_forms(name),
                "surname_pinyin": pinyin.split()[0] if pinyin else None,
                "given_sorted": "".join(sorted(name[1:])) if name else None,
                "birth_date": birth,
                "sex": "F",
            }
            for name, pinyin, birth, certificate in rows
        ]
    )


def _held_twice(numbers, second=None, births=None):
    """Each of six children held twice: (first record's number, second record's number)."""
    second = second or numbers
    births = births or ["2020-01-0" + str(1 + i) for i in range(6)]
    rows = []
    for i, (name, pinyin) in enumerate(NAMES):
        rows.append((name, pinyin, births[i], numbers[i]))
        rows.append((name, pinyin, births[i], second[i]))
    return _records(rows)


def test_well_formed_numbers_are_a_letter_and_nine_digits():
    got = well_formed_certificates(pd.Series(["N410000001", "N41000", "4100000001", None]))
    assert got.iloc[0] == "N410000001" and got.iloc[1:].isna().all()


def test_the_childs_own_numbers_are_trusted():
    numbers = [f"N41000000{i}" for i in range(6)]
    assert numbers_not_the_childs(_held_twice(numbers)) is None
    # One typed wrong is a slip, not a sign.
    slipped = [*numbers[:5], "N410300005"]
    assert numbers_not_the_childs(_held_twice(numbers, slipped)) is None


def test_numbers_drawn_per_record_are_not_the_childs():
    first = [f"N41000000{i}" for i in range(6)]
    second = [f"N41000010{i}" for i in range(6)]
    assert numbers_not_the_childs(_held_twice(first, second)).startswith("6 of 6 children")


FAMILIES = [
    (("李子涵", "li zi han"), ("李浩然", "li hao ran")),
    (("王一鸣", "wang yi ming"), ("王多多", "wang duo duo")),
    (("赵小雨", "zhao xiao yu"), ("赵晓东", "zhao xiao dong")),
    (("钱思远", "qian si yuan"), ("钱佳怡", "qian jia yi")),
    (("孙梓萱", "sun zi xuan"), ("孙雨泽", "sun yu ze")),
    (("周欣怡", "zhou xin yi"), ("周宇航", "zhou yu hang")),
]


def test_a_familys_number_copied_to_siblings_and_twins_is_not_the_childs():
    def family_numbers(births):
        return _records(
            [
                (name, pinyin, birth, f"N41000000{i}")
                for i, children in enumerate(FAMILIES)
                for (name, pinyin), birth in zip(children, births, strict=True)
            ]
        )

    # Siblings born years apart, or twins under two names: each family's children, one number.
    assert "held by two children" in numbers_not_the_childs(family_numbers(["2016-01-01", "2019-05-01"]))
    assert "held by two children" in numbers_not_the_childs(family_numbers(["2020-01-01", "2020-01-01"]))
