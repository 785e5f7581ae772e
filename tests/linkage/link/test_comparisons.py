"""Every comparison level's SQL, case by case: a left value, a right value and the level expected,
run on a one-row DuckDB table (as Splink's own comparison-level tests do)."""

from __future__ import annotations

from functools import partial

import duckdb
import pandas as pd
import pytest

from linkage.link import comparisons as C
from linkage.link.same_child import heard_forms
from tests.linkage.link.records import READINGS


def _case_sql(comparison: dict) -> str:
    whens = []
    for level in comparison["comparison_levels"]:
        sql = level["sql_condition"]
        label = level["label_for_charts"].replace("'", "''")
        whens.append(f"ELSE '{label}'" if sql == "ELSE" else f"WHEN {sql} THEN '{label}'")
    return f"SELECT CASE {' '.join(whens)} END AS level FROM pair"


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark")
    from linkage.config import EngineConfig
    from linkage.link.engine import spark_session

    return spark_session(EngineConfig(backend="spark", spark_master="local[1]", spark_shuffle_partitions=1))


@pytest.fixture(params=["duckdb", "spark"])
def engine(request):
    """Each case runs on DuckDB and, where pyspark is installed, on Spark: the same level on both."""
    return request.param if request.param == "duckdb" else request.getfixturevalue("spark")


def level_of(make, left: dict, right: dict, engine="duckdb") -> str:
    """The label of the first level whose SQL holds for this pair, as Splink evaluates them, on
    DuckDB or on a Spark session. `make(dialect)` gives the comparison."""
    row = {f"{k}_l": v for k, v in left.items()} | {f"{k}_r": v for k, v in right.items()}
    if engine == "duckdb":
        pair = pd.DataFrame({k: [v] for k, v in row.items()})  # noqa: F841 - read by DuckDB's replacement scan
        return duckdb.sql(_case_sql(make(C.DUCKDB))).fetchall()[0][0]
    from pyspark.sql.types import ArrayType, BooleanType, StringType, StructField, StructType

    lists = ("family", "name_sounds")

    def spark_type(column: str):
        if column.startswith(lists):
            return ArrayType(StringType())
        return BooleanType() if column.startswith("is_") else StringType()

    schema = StructType([StructField(k, spark_type(k)) for k in row])
    engine.createDataFrame([tuple(row.values())], schema).createOrReplaceTempView("pair")
    return engine.sql(_case_sql(make(C.SPARK))).collect()[0][0]


VALID_A, VALID_B = "410402202001010011", "410402202001010027"


def _id(id_number, id_text=None):
    return {"id_number": id_number, "id_text": id_text if id_text is not None else id_number}


@pytest.mark.parametrize(
    "left, right, expected",
    [
        (_id(None, None), _id(VALID_A), "missing"),
        (_id(VALID_A), _id(VALID_A), "exact"),
        (_id(None, "410402202001010012"), _id(VALID_A), "typo: one character apart"),
        (_id(None, "410402202001010099"), _id(VALID_A), "all other"),
        (_id(VALID_A), _id(VALID_B), "two different valid IDs"),
    ],
)
def test_id_levels(left, right, expected, engine):
    assert level_of(C.id_comparison, left, right, engine) == expected


def _name(name, pinyin, shape=None, surname=None, given_sorted=None):
    return {
        "name": name,
        "name_pinyin": pinyin,
        "name_shape": shape or name,
        "surname_pinyin": surname or (pinyin.split()[0] if pinyin else None),
        "given_sorted": given_sorted,
        # The given name's syllables in order, as linkage_input gives them.
        "given_sounds": " ".join(sorted(pinyin.split()[1:])) if pinyin else None,
        "name_sounds": heard_forms(name, READINGS),
    }


@pytest.mark.parametrize(
    "left, right, expected",
    [
        (_name(None, None), _name("李子涵", "li zi han"), "missing"),
        (_name("李子涵", "li zi han"), _name("李子涵", "li zi han"), "exact"),
        (_name("李子涵", "li zi han"), _name("李梓涵", "li zi han"), "same pinyin (homophone)"),
        (_name("王己", "wang ji", "王己"), _name("王已", "wang yi", "王己"), "look-alike character"),
        (
            _name("黄晨轩", "huang chen xuan", given_sorted="晨轩"),
            _name("黄轩晨", "huang xuan chen", given_sorted="晨轩"),
            "given-name characters swapped",
        ),
        (
            # Swapped and written with a homophone (名 / 鸣): the characters differ, the sounds not.
            _name("莫羽名", "mo yu ming", given_sorted="名羽"),
            _name("莫鸣羽", "mo ming yu", given_sorted="羽鸣"),
            "given-name characters swapped",
        ),
        # 柏 is read bai (the reading pinyin gives first) or bo; yu and yun are not one sound.
        (_name("段柏菲", "duan bai fei"), _name("段博菲", "duan bo fei"), "heard alike (多音字, 模糊音)"),
        (_name("张浩宇", "zhang hao yu"), _name("张浩云", "zhang hao yun"), "pinyin similar"),
        (
            _name("李子涵", "li zi han", given_sorted="子涵"),
            _name("王子涵", "wang zi han", given_sorted="子涵"),
            "same given name, other surname",
        ),
        (_name("张伟", "zhang wei"), _name("张丽娜", "zhang li na"), "surname only"),
        (_name("张伟", "zhang wei"), _name("刘洋", "liu yang"), "all other"),
    ],
)
def test_name_levels(left, right, expected, engine):
    assert level_of(C.name_comparison, left, right, engine) == expected


@pytest.mark.parametrize(
    "left, right, expected",
    [
        (None, "2020-03-05", "missing"),
        ("2020-03-05", "2020-03-05", "exact"),
        ("2020-03-05", "2020-05-03", "month and day swapped"),
        ("2020-03-05", "2020-03-06", "one digit off"),
        ("2020-03-05", "2021-03-05", "one digit off"),
        ("2020-03-05", "2019-03-05", "year off by one"),  # 2019 for 2020: two characters apart
        ("2020-03-05", "2018-03-05", "all other"),
        ("2020-03-28", "2020-04-12", "within a month"),
        ("2020-03-05", "2020-09-17", "all other"),
        # A school's student number without an ID (J41040220200305…) gives the date too.
        (("2020-04-05", "2020-03-05"), "2020-03-05", "exact"),
        ("2020-03-05", ("2020-04-05", "2020-03-05"), "exact"),
        (("2020-04-05", "2020-03-06"), "2020-03-05", "one digit off"),
    ],
)
def test_birth_date_levels(left, right, expected, engine):
    def record(value):
        typed, number = value if isinstance(value, tuple) else (value, None)
        return {"birth_date": typed, "number_birth_date": number}

    assert level_of(C.birth_date_comparison, record(left), record(right), engine) == expected


@pytest.mark.parametrize(
    "left, right, expected",
    [(None, "M", "missing"), ("M", "M", "exact"), ("M", "F", "all other")],
)
def test_exact_levels(left, right, expected, engine):
    sex = partial(C.exact_comparison, "sex", "sex")
    assert level_of(lambda d: sex(d=d), {"sex": left}, {"sex": right}, engine) == expected


@pytest.mark.parametrize(
    "left, right, expected",
    [
        (None, ["王芳"], "missing"),
        (["王芳", "李强"], ["李强"], "a parent in common"),
        (["王芳"], ["刘敏"], "all other"),
    ],
)
def test_family_names_levels(left, right, expected, engine):
    family = C.family_names_comparison
    assert level_of(family, {"family_names": left}, {"family_names": right}, engine) == expected


def _family(placeholder, family, surname=None):
    """A record's family names, and whether it is a placeholder (its surname then unknown)."""
    surnames = sorted({n[0] for n in family}) if family else None
    return {
        "is_placeholder": placeholder,
        "family_names": family,
        "family_surnames": surnames,
        "surname": surname,
    }


BABY_OF_FAN_LING = _family(True, ["范玲"])  # 范玲之女


@pytest.mark.parametrize(
    "left, right, expected",
    [
        (BABY_OF_FAN_LING, _family(False, ["林红静"], "范"), "surname borne by a parent"),
        (_family(False, ["林红静"], "范"), BABY_OF_FAN_LING, "surname borne by a parent"),
        (BABY_OF_FAN_LING, _family(False, ["林红静"], "林"), "all other"),
        (BABY_OF_FAN_LING, _family(False, None, "范"), "surname borne by a parent"),
        # a parent in common is the family comparison's; two names, the name comparison's
        (BABY_OF_FAN_LING, _family(False, ["范玲"], "范"), "not compared"),
        (_family(False, ["范玲"], "范"), _family(False, ["李强"], "范"), "not compared"),
        (BABY_OF_FAN_LING, _family(True, ["林红静"]), "not compared"),
        (_family(True, None), _family(False, ["林红静"], "范"), "not compared"),
        (BABY_OF_FAN_LING, _family(False, ["林红静"], None), "not compared"),
    ],
)
def test_family_surname_levels(left, right, expected, engine):
    assert level_of(C.family_surname_comparison, left, right, engine) == expected


def _home(county, township):
    return {"residence_county": county, "residence_township": township}


@pytest.mark.parametrize(
    "left, right, expected",
    [
        (_home(None, None), _home("410402", "410402001"), "missing"),
        (_home("410402", "410402001"), _home("410402", "410402001"), "same township"),
        (_home("410402", "410402001"), _home("410402", "410402003"), "same county"),
        (_home("410402", None), _home("410402", "410402003"), "same county"),
        (_home("410402", "410402001"), _home("410421", "410421001"), "all other"),
    ],
)
def test_residence_levels(left, right, expected, engine):
    assert level_of(C.residence_comparison, left, right, engine) == expected


@pytest.mark.parametrize(
    "left, right, expected",
    [
        (None, "建设路1号", "missing"),
        ("建设路1号院3号楼", "建设路1号院3号楼", "exact"),
        ("建设路1号院3号楼201", "建设路1号院3号楼202", "very similar"),
        ("建设路1号院3号楼201", "建设路1号院5号楼", "very similar"),
        ("建设路1号院3号楼201", "建设路12号", "similar"),
        ("中兴路22号院", "建设路22号院", "similar"),
        ("建设路1号院3号楼", "矿工路88号", "all other"),
    ],
)
def test_address_levels(left, right, expected, engine):
    address = {"residence_address": left}, {"residence_address": right}
    assert level_of(C.address_comparison, *address, engine) == expected


def test_every_level_of_every_comparison_is_exercised_above():
    """A level added without a case here shows as a failure, not as untested SQL."""
    tested = {
        "id": {"missing", "exact", "typo: one character apart", "two different valid IDs", "all other"},
        "name": {
            "missing",
            "exact",
            "same pinyin (homophone)",
            "heard alike (多音字, 模糊音)",
            "look-alike character",
            "given-name characters swapped",
            "pinyin similar",
            "same given name, other surname",
            "surname only",
            "all other",
        },
        "birth_date": {
            "missing",
            "exact",
            "month and day swapped",
            "one digit off",
            "year off by one",
            "within a month",
            "all other",
        },
        "family_names": {"missing", "a parent in common", "all other"},
        "family_surname": {"not compared", "surname borne by a parent", "all other"},
        "residence": {"missing", "same township", "same county", "all other"},
        "residence_address": {"missing", "exact", "very similar", "similar", "all other"},
    }
    exact_only = {"missing", "exact", "all other"}
    for comparison in C.all_comparisons():
        labels = {level["label_for_charts"] for level in comparison["comparison_levels"]}
        assert labels == tested.get(comparison["output_column_name"], exact_only), comparison["output_column_name"]
