"""Comparisons for Chinese children's records, as Splink comparison dictionaries.

Splink's library comparisons were built for Latin names and UK postcodes; these are written for
this data: IDs with typos, homophones and look-alike characters, swapped given-name characters,
dates with swapped month and day, parents named in different roles across feeds. Each function
returns a plain dict (pure, testable) in Splink's settings format.
"""

from __future__ import annotations

from typing import Any


def _null(*columns: str) -> dict:
    condition = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return {"sql_condition": condition, "label_for_charts": "missing", "is_null_level": True}


def _level(sql: str, label: str, **extra) -> dict:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


_ELSE = _level("ELSE", "all other")


def id_comparison() -> dict:
    """Exact ID; one character apart where one side fails its check digit (a typo); two different
    valid IDs, which is what keeps twins apart; else."""
    return {
        "output_column_name": "id",
        "comparison_description": "resident ID number",
        "comparison_levels": [
            _null("id_text"),
            _level('"id_text_l" = "id_text_r"', "exact"),
            _level(
                '("id_number_l" IS NULL OR "id_number_r" IS NULL) AND levenshtein("id_text_l", "id_text_r") <= 1',
                "typo: one character apart",
            ),
            # Fixed, not trained: EM would otherwise learn from twins that look alike in all else.
            _level(
                '"id_number_l" IS NOT NULL AND "id_number_r" IS NOT NULL',
                "two different valid IDs",
                m_probability=0.001,
                fix_m_probability=True,
            ),
            _ELSE,
        ],
    }


def name_comparison() -> dict:
    """Exact name (term-frequency adjusted: 子涵 is common); same pinyin (homophones); same up to
    look-alike characters; given-name characters swapped; surname and pinyin close; surname only."""
    return {
        "output_column_name": "name",
        "comparison_description": "child's name",
        "comparison_levels": [
            _null("name"),
            _level('"name_l" = "name_r"', "exact", tf_adjustment_column="name", tf_adjustment_weight=1.0),
            _level('"name_pinyin_l" = "name_pinyin_r"', "same pinyin (homophone)"),
            _level('"name_shape_l" = "name_shape_r"', "look-alike character"),
            _level(
                '"surname_pinyin_l" = "surname_pinyin_r" AND "given_sorted_l" = "given_sorted_r"',
                "given-name characters swapped",
            ),
            _level('jaro_winkler_similarity("name_pinyin_l", "name_pinyin_r") >= 0.92', "pinyin similar"),
            _level('"given_sorted_l" = "given_sorted_r"', "same given name, other surname"),
            _level('"surname_pinyin_l" = "surname_pinyin_r"', "surname only"),
            _ELSE,
        ],
    }


def birth_date_comparison() -> dict:
    """Exact; month and day swapped; one digit off; within 31 days; else."""
    swapped = (
        'substr("birth_date_l", 1, 4) = substr("birth_date_r", 1, 4) AND '
        'substr("birth_date_l", 6, 2) = substr("birth_date_r", 9, 2) AND '
        'substr("birth_date_l", 9, 2) = substr("birth_date_r", 6, 2)'
    )
    return {
        "output_column_name": "birth_date",
        "comparison_description": "date of birth",
        "comparison_levels": [
            _null("birth_date"),
            _level('"birth_date_l" = "birth_date_r"', "exact"),
            _level(swapped, "month and day swapped"),
            _level('levenshtein("birth_date_l", "birth_date_r") = 1', "one digit off"),
            _level(
                'substr("birth_date_l", 5) = substr("birth_date_r", 5) AND '
                'abs(CAST(substr("birth_date_l", 1, 4) AS INTEGER) '
                '- CAST(substr("birth_date_r", 1, 4) AS INTEGER)) = 1',
                "year off by one",
            ),
            _level(
                'abs(date_diff(\'day\', CAST("birth_date_l" AS DATE), CAST("birth_date_r" AS DATE))) <= 31',
                "within a month",
            ),
            _ELSE,
        ],
    }


def exact_comparison(column: str, description: str, tf: bool = False) -> dict:
    """Exact match or not, with an optional term-frequency adjustment."""
    exact = _level(f'"{column}_l" = "{column}_r"', "exact")
    if tf:
        exact.update(tf_adjustment_column=column, tf_adjustment_weight=1.0)
    return {
        "output_column_name": column,
        "comparison_description": description,
        "comparison_levels": [_null(column), exact, _ELSE],
    }


def family_names_comparison() -> dict:
    """Any parent or guardian named in both records: the father in one feed and the mother in
    another still share a name when both parents are listed anywhere."""
    return {
        "output_column_name": "family_names",
        "comparison_description": "parents' and guardians' names",
        "comparison_levels": [
            _null("family_names"),
            _level('len(list_intersect("family_names_l", "family_names_r")) >= 1', "a parent in common"),
            _ELSE,
        ],
    }


def residence_comparison() -> dict:
    """Same township; same county; else. Households move within the city, so this is weak."""
    return {
        "output_column_name": "residence",
        "comparison_description": "county and township of residence",
        "comparison_levels": [
            _null("residence_county"),
            _level('"residence_township_l" = "residence_township_r"', "same township"),
            _level('"residence_county_l" = "residence_county_r"', "same county"),
            _ELSE,
        ],
    }


def address_comparison() -> dict:
    """Normalised residence address: exact; very similar; similar; else."""
    return {
        "output_column_name": "residence_address",
        "comparison_description": "residence address",
        "comparison_levels": [
            _null("residence_address"),
            _level('"residence_address_l" = "residence_address_r"', "exact"),
            _level('jaro_winkler_similarity("residence_address_l", "residence_address_r") >= 0.9', "very similar"),
            _level('jaro_winkler_similarity("residence_address_l", "residence_address_r") >= 0.75', "similar"),
            _ELSE,
        ],
    }


def all_comparisons() -> list[dict[str, Any]]:
    """The model's comparisons, in the order the charts show them."""
    return [
        id_comparison(),
        name_comparison(),
        birth_date_comparison(),
        exact_comparison("sex", "sex"),
        exact_comparison("guardian_phone", "guardian's phone"),
        family_names_comparison(),
        exact_comparison("household_county", "county of household registration"),
        residence_comparison(),
        address_comparison(),
    ]
