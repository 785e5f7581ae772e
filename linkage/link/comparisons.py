"""Comparisons for Chinese children's records, as Splink comparison dictionaries.

Splink's library comparisons were built for Latin names and UK postcodes; these are written for
this data: IDs with typos, homophones and look-alike characters, swapped given-name characters,
dates with swapped month and day, parents named in different roles across feeds. Each function
returns a plain dict (pure, testable) in Splink's settings format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dialect:
    """What differs between the SQL engines Splink runs on: how a column is quoted, the name of
    the Jaro-Winkler function, how two lists' overlap, a list holding a value and two dates'
    distance in days are written."""

    name: str
    quote: str
    jaro_winkler: str
    overlap: Callable[[str, str], str]
    contains: Callable[[str, str], str]
    days_apart: Callable[[str, str], str]

    def col(self, column: str) -> str:
        """A quoted column name."""
        return f"{self.quote}{column}{self.quote}"


DUCKDB = Dialect(
    "duckdb",
    '"',
    "jaro_winkler_similarity",
    lambda a, b: f"len(list_intersect({a}, {b}))",
    lambda values, value: f"list_contains({values}, {value})",
    lambda a, b: f"abs(date_diff('day', CAST({a} AS DATE), CAST({b} AS DATE)))",
)
# Spark SQL: Splink registers jaro_winkler from its jar; datediff(end, start) counts days.
SPARK = Dialect(
    "spark",
    "`",
    "jaro_winkler",
    lambda a, b: f"size(array_intersect({a}, {b}))",
    lambda values, value: f"array_contains({values}, {value})",
    lambda a, b: f"abs(datediff(CAST({b} AS DATE), CAST({a} AS DATE)))",
)
DIALECTS = {d.name: d for d in (DUCKDB, SPARK)}


def _null(d: Dialect, *columns: str) -> dict:
    condition = " OR ".join(f"{d.col(c + '_l')} IS NULL OR {d.col(c + '_r')} IS NULL" for c in columns)
    return {"sql_condition": condition, "label_for_charts": "missing", "is_null_level": True}


def _eq(d: Dialect, column: str) -> str:
    return f"{d.col(column + '_l')} = {d.col(column + '_r')}"


def _lr(d: Dialect, column: str) -> tuple[str, str]:
    return d.col(column + "_l"), d.col(column + "_r")


def _level(sql: str, label: str, **extra) -> dict:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


_ELSE = _level("ELSE", "all other")


def id_comparison(d: Dialect = DUCKDB) -> dict:
    """Exact ID; one character apart where one side fails its check digit (a typo); two different
    valid IDs, which is what keeps twins apart; else."""
    id_l, id_r = _lr(d, "id_number")
    text_l, text_r = _lr(d, "id_text")
    return {
        "output_column_name": "id",
        "comparison_description": "resident ID number",
        "comparison_levels": [
            _null(d, "id_text"),
            _level(_eq(d, "id_text"), "exact"),
            _level(
                f"({id_l} IS NULL OR {id_r} IS NULL) AND levenshtein({text_l}, {text_r}) <= 1",
                "typo: one character apart",
            ),
            # Fixed, not trained: EM would otherwise learn from twins that look alike in all else.
            _level(
                f"{id_l} IS NOT NULL AND {id_r} IS NOT NULL",
                "two different valid IDs",
                m_probability=0.001,
                fix_m_probability=True,
            ),
            _ELSE,
        ],
    }


def _same_given(d: Dialect) -> str:
    """One given name in any order of its characters, as written or as heard."""
    return f"({_eq(d, 'given_sorted')} OR {_eq(d, 'given_sounds')})"


def name_comparison(d: Dialect = DUCKDB) -> dict:
    """Exact name (term-frequency adjusted: 子涵 is common); same pinyin (homophones); heard alike
    through a character of several readings or a sound many do not tell apart; same up to
    look-alike characters; given-name characters swapped (as written or heard); surname and pinyin
    close; the given name under another surname; surname only."""
    return {
        "output_column_name": "name",
        "comparison_description": "child's name",
        "comparison_levels": [
            _null(d, "name"),
            _level(_eq(d, "name"), "exact", tf_adjustment_column="name", tf_adjustment_weight=1.0),
            _level(_eq(d, "name_pinyin"), "same pinyin (homophone)"),
            _level(f"{d.overlap(*_lr(d, 'name_sounds'))} >= 1", "heard alike (多音字, 模糊音)"),
            _level(_eq(d, "name_shape"), "look-alike character"),
            _level(f"{_eq(d, 'surname_pinyin')} AND {_same_given(d)}", "given-name characters swapped"),
            _level(f"{d.jaro_winkler}({', '.join(_lr(d, 'name_pinyin'))}) >= 0.92", "pinyin similar"),
            _level(_same_given(d), "same given name, other surname"),
            _level(_eq(d, "surname_pinyin"), "surname only"),
            _ELSE,
        ],
    }


def birth_date_comparison(d: Dialect = DUCKDB) -> dict:
    """Exact; month and day swapped; one digit off; the year one off; within 31 days; else."""
    left, right = _lr(d, "birth_date")
    swapped = (
        f"substr({left}, 1, 4) = substr({right}, 1, 4) AND "
        f"substr({left}, 6, 2) = substr({right}, 9, 2) AND "
        f"substr({left}, 9, 2) = substr({right}, 6, 2)"
    )
    return {
        "output_column_name": "birth_date",
        "comparison_description": "date of birth",
        "comparison_levels": [
            _null(d, "birth_date"),
            _level(_same_birth_date(d), "exact"),
            _level(swapped, "month and day swapped"),
            _level(f"levenshtein({left}, {right}) = 1", "one digit off"),
            _level(
                f"substr({left}, 5) = substr({right}, 5) AND "
                f"abs(CAST(substr({left}, 1, 4) AS INTEGER) - CAST(substr({right}, 1, 4) AS INTEGER)) = 1",
                "year off by one",
            ),
            _level(f"{d.days_apart(left, right)} <= 31", "within a month"),
            _ELSE,
        ],
    }


def _same_birth_date(d: Dialect) -> str:
    """The two dates of birth are one, as typed or as one record's student number gives it (a
    school's number without an ID carries the date: J41032720140601…) against the other's."""
    (left, right), (number_l, number_r) = _lr(d, "birth_date"), _lr(d, "number_birth_date")
    return f"({left} = {right} OR {number_l} = {right} OR {left} = {number_r})"


def exact_comparison(column: str, description: str, tf: bool = False, d: Dialect = DUCKDB) -> dict:
    """Exact match or not, with an optional term-frequency adjustment."""
    exact = _level(_eq(d, column), "exact")
    if tf:
        exact.update(tf_adjustment_column=column, tf_adjustment_weight=1.0)
    return {
        "output_column_name": column,
        "comparison_description": description,
        "comparison_levels": [_null(d, column), exact, _ELSE],
    }


def family_names_comparison(d: Dialect = DUCKDB) -> dict:
    """Any parent or guardian named in both records: the father in one feed and the mother in
    another still share a name when both parents are listed anywhere."""
    return {
        "output_column_name": "family_names",
        "comparison_description": "parents' and guardians' names",
        "comparison_levels": [
            _null(d, "family_names"),
            _level(f"{d.overlap(*_lr(d, 'family_names'))} >= 1", "a parent in common"),
            _ELSE,
        ],
    }


def family_surname_comparison(d: Dialect = DUCKDB) -> dict:
    """A placeholder record (李丽之子, 婴儿) beside a named one that shares no parent with it (the
    mother named in one, the father in the other): does a parent the placeholder names bear the
    named child's surname? The name comparison cannot say, a placeholder has no name; a child
    most often bears a parent's surname. Other pairs are not compared here: between two names
    the name comparison weighs the surname, and a parent in common is the family comparison's."""
    placeholder_l, placeholder_r = _lr(d, "is_placeholder")
    surnames_l, surnames_r = _lr(d, "family_surnames")
    surname_l, surname_r = _lr(d, "surname")
    family = f"coalesce({d.overlap(*_lr(d, 'family_names'))}, 0) >= 1"
    borne = " OR ".join(
        f"coalesce({d.contains(surnames, surname)}, false)"
        for surnames, surname in ((surnames_l, surname_r), (surnames_r, surname_l))
    )
    compared = (
        f"(({placeholder_l} AND NOT {placeholder_r} AND {surnames_l} IS NOT NULL AND {surname_r} IS NOT NULL) "
        f"OR ({placeholder_r} AND NOT {placeholder_l} AND {surnames_r} IS NOT NULL AND {surname_l} IS NOT NULL))"
    )
    return {
        "output_column_name": "family_surname",
        "comparison_description": "a placeholder's parent's surname and the named child's",
        "comparison_levels": [
            {"sql_condition": f"NOT {compared} OR {family}", "label_for_charts": "not compared", "is_null_level": True},
            _level(borne, "surname borne by a parent"),
            _ELSE,
        ],
    }


def residence_comparison(d: Dialect = DUCKDB) -> dict:
    """Same township; same county; else. Households move within the city, so this is weak."""
    return {
        "output_column_name": "residence",
        "comparison_description": "county and township of residence",
        "comparison_levels": [
            _null(d, "residence_county"),
            _level(_eq(d, "residence_township"), "same township"),
            _level(_eq(d, "residence_county"), "same county"),
            _ELSE,
        ],
    }


def address_comparison(d: Dialect = DUCKDB) -> dict:
    """Normalised residence address: exact; very similar; similar; else."""
    pair = ", ".join(_lr(d, "residence_address"))
    return {
        "output_column_name": "residence_address",
        "comparison_description": "residence address",
        "comparison_levels": [
            _null(d, "residence_address"),
            _level(_eq(d, "residence_address"), "exact"),
            _level(f"{d.jaro_winkler}({pair}) >= 0.9", "very similar"),
            _level(f"{d.jaro_winkler}({pair}) >= 0.75", "similar"),
            _ELSE,
        ],
    }


def all_comparisons(d: Dialect = DUCKDB) -> list[dict[str, Any]]:
    """The model's comparisons, in the order the charts show them, in dialect `d`'s SQL."""
    return [
        id_comparison(d),
        name_comparison(d),
        birth_date_comparison(d),
        exact_comparison("sex", "sex", d=d),
        exact_comparison("guardian_phone", "guardian's phone", d=d),
        family_names_comparison(d),
        family_surname_comparison(d),
        exact_comparison("household_county", "county of household registration", d=d),
        residence_comparison(d),
        address_comparison(d),
    ]


def in_dialect(settings: dict, d: Dialect) -> dict:
    """A trained model's settings with every comparison level's SQL written for dialect `d`
    (a model trained on DuckDB, run on Spark): the levels and their parameters are unchanged."""
    fresh = {c["output_column_name"]: c for c in all_comparisons(d)}
    out = {**settings, "sql_dialect": d.name, "comparisons": []}
    for comparison in settings["comparisons"]:
        levels = fresh[comparison["output_column_name"]]["comparison_levels"]
        out["comparisons"].append(
            {
                **comparison,
                "comparison_levels": [
                    {**level, "sql_condition": new["sql_condition"]}
                    for level, new in zip(comparison["comparison_levels"], levels, strict=True)
                ],
            }
        )
    return out
