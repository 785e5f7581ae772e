import pandas as pd
import pytest

from linkage.standardise.divisions import division_table
from linkage.standardise.places import (
    address_prefixes,
    county_code_from_name,
    household_county,
    legal_counties_shared_by_code,
    legal_county,
    normalise_address,
)


@pytest.fixture(scope="module")
def table(config):
    return division_table(config)


@pytest.mark.parametrize(
    "text, code",
    [
        ("河南省南阳市宛城区", "411302"),
        ("南阳市宛城区", "411302"),
        ("河南省南阳市宛城区仲景街道建设路12号", "411302"),
        ("石家庄市新华区", "130105"),
        ("河北省石家庄市新华区", "130105"),
        ("河北省沧州市新华区", "130902"),
        ("新华区", "410402"),
        ("河北石家庄市新华区", "130105"),
        ("郑州市金水区新华路8号", "410105"),
        ("天津市河北区", "120105"),
        ("安徽省阜阳市临泉县", "341221"),
    ],
)
def test_county_from_text(table, text, code):
    assert table.county_from_text(text) == code


def test_historic_codes_map_to_today(table):
    assert table.current_code("410424") == "410482"
    assert table.current_code("999999") is None


def test_household_source_order(table, config):
    assert household_county("411302", "安徽省阜阳市临泉县", None, table, config.policy)[:2] == ("411302", "code")
    assert household_county(None, "临泉县", None, table, config.policy)[:2] == ("341221", "text")
    assert household_county(None, None, "41042420150101001X", table, config.policy)[:2] == ("410482", "id_prefix")


@pytest.mark.parametrize(
    "text, region",
    [
        ("湖北省武汉市", "420100"),
        ("南阳市", "411300"),
        ("河南省南阳市宛成区", "411300"),  # the county mistyped: its prefecture is still known
        ("吉林省吉林市", "220200"),
        ("吉林市", "220200"),
        ("湖北省", "420000"),
        ("北京市", "110000"),
        ("平顶山市", None),  # the city's own prefecture: could be any of its counties
        ("河南省", None),  # the city's own province: could be one of the city's counties too
        ("河南省平顶山市叶具", None),
        ("建设路12号", None),
    ],
)
def test_a_household_named_only_to_a_prefecture_or_province_outside_the_city(table, config, text, region):
    found = household_county(None, text, None, table, config.policy)
    assert found[:2] == ((region, "region") if region else (None, None))


def test_a_county_from_the_id_comes_before_a_region(table, config):
    from linkage.standardise.places import standardise_places

    raw = pd.DataFrame({"household_text": ["湖北省武汉市", "湖北省武汉市", "湖北省武汉市江岸区"]})
    ids = pd.Series(["411302201501010015", None, "411302201501010015"])
    places, _ = standardise_places(raw, ids, table, config.policy, config.divisions, township_from_key=False)
    assert places["household_county"].tolist() == ["411302", "420100", "420102"]
    assert places["household_county_source"].tolist() == ["id_prefix", "region", "text"]


def test_a_code_typed_where_the_household_text_goes_is_read_as_the_code(table, config):
    assert household_county(None, "411302", None, table, config.policy)[:2] == ("411302", "code")
    assert household_county(None, "410422000000", None, table, config.policy)[:2] == ("410422", "code")


def test_zone_township_belongs_to_its_legal_county(config):
    assert legal_county("410472", "410472002", config.policy, config.divisions) == "410422"
    assert legal_county("410472", "410472999", config.policy, config.divisions) is None
    assert legal_county("410403", "410403001", config.policy, config.divisions) == "410403"


def test_school_county_names(config):
    assert county_code_from_name("卫东区", config.policy) == "410403"
    assert county_code_from_name("高新区", config.policy) == "410471"


@pytest.mark.parametrize(
    "written, code", [("卫东", "410403"), ("汝州", "410482"), ("平顶山卫东区", "410403"), ("河南平顶山叶县", "410422")]
)
def test_a_county_field_may_leave_out_the_city_or_the_units_suffix(config, written, code):
    assert county_code_from_name(written, config.policy) == code
    assert county_code_from_name("卫东区教育局", config.policy) is None


def test_addresses_compare_equal_across_spellings():
    a = normalise_address("河南省平顶山市建设路１２号 幸福里小区3号楼2单元", ("河南省", "平顶山市"))
    b = normalise_address("建设路12号幸福里小区3栋2单元", ("河南省", "平顶山市"))
    assert a == b


@pytest.mark.parametrize(
    "written, same_as",
    [
        ("建设路十二号三单元", "建设路12号3单元"),
        ("建设路12号（租住）", "建设路12号"),
        ("建设路-12号", "建设路12号"),
        ("建设路一百二十号", "建设路一百二十号"),
    ],
)
def test_notes_and_numbers_in_chinese_are_read_as_the_same_address(written, same_as):
    assert normalise_address(written) == normalise_address(same_as)


def test_a_dash_between_two_numbers_is_kept():
    assert normalise_address("建设路12-1号") != normalise_address("建设路121号")


@pytest.mark.parametrize(
    "written",
    [
        "平顶山市新华区建设路12号",
        "河南省平顶山市新华区曙光街街道建设路12号",
        "新华区湖滨路街道办事处建设路12号",
        "平顶山市城乡一体化示范区滍阳镇建设路12号",
        "高新区建设路12号",
    ],
)
def test_county_and_township_before_an_address_are_left_out(config, written):
    assert normalise_address(written, address_prefixes(config.policy)) == "建设路12号"


@pytest.mark.parametrize("street", ["新华路87号", "新镇路3号", "水乡路1号", "李庄镇村北", "城关镇"])
def test_a_street_or_place_that_begins_like_a_county_or_township_is_kept(config, street):
    assert normalise_address(street, address_prefixes(config.policy)) == street


def test_an_address_names_its_county_only_where_it_begins_with_it(config):
    import pandas as pd

    from linkage.standardise.places import counties_named_in_addresses

    addresses = {
        "河南省平顶山市湛河区曹镇乡1号": "410411",
        "平顶山市 新华区建设路": "410402",
        "舞钢市垭口街道": "410481",
        "平顶山高新技术产业开发区遵化店镇": "410471",
        "高新区遵化店镇": "410471",
        "新华路12号": None,  # a street, not 新华区
        "郑州市金水区": None,  # another city
        "中兴路174号": None,
    }
    found = counties_named_in_addresses(pd.Series(list(addresses), index=range(5, 13)), config.policy)
    assert found.tolist() == list(addresses.values()) and list(found.index) == list(range(5, 13))


def test_the_residence_county_is_the_code_then_the_address_then_the_school(config, table):
    import pandas as pd

    from linkage.standardise.places import standardise_places

    raw = pd.DataFrame(
        {
            "residence_county_code": ["410421", None, None, None],
            "residence_address": ["湛河区建设路1号", "湛河区建设路1号", "中兴路2号", "湛河区建设路1号"],
            "residence_county_name": [None, None, "新华区", "新华区"],
        }
    )
    places, problems = standardise_places(
        raw, pd.Series([None] * 4), table, config.policy, config.divisions, township_from_key=False
    )
    # A code wins over the address; without one, the address names the home's county, and only
    # without that does a school roster's school county stand for it.
    assert places["residence_county"].tolist() == ["410421", "410411", "410402", "410411"]
    assert problems["residence_county"].isna().all()


def test_a_record_without_a_township_takes_the_one_its_address_begins_with(config, table):
    from linkage.standardise.places import standardise_places, township_named_in_address

    prefixes = address_prefixes(config.policy)
    assert township_named_in_address("平顶山市新华区曙光街街道建设路12号", prefixes) == "曙光街街道"
    assert township_named_in_address("新镇路3号", prefixes) is None
    raw = pd.DataFrame(
        {
            "residence_township_code": [None, "410402003", None],
            "residence_county_code": ["410421", None, "410421"],
            "residence_address": ["城关镇人民路1号", "东安路街道建设路1号", "人民路1号"],
        }
    )
    places, _ = standardise_places(raw, pd.Series([None] * 3), table, config.policy, config.divisions, False)
    # The address names a township only where the record has none: a code is not overruled.
    assert places["residence_township_name"].tolist()[0] == "城关镇"
    assert places["residence_township_name"].isna().tolist()[1:] == [True, True]


def test_a_school_county_written_as_its_code_is_read(config, table):
    from linkage.standardise.places import standardise_places

    raw = pd.DataFrame({"residence_address": ["中兴路2号"] * 2, "residence_county_name": ["410403", "999999"]})
    places, problems = standardise_places(
        raw, pd.Series([None] * 2), table, config.policy, config.divisions, township_from_key=False
    )
    assert places["residence_county"].iloc[0] == "410403" and pd.isna(places["residence_county"].iloc[1])
    assert pd.isna(problems["residence_county"].iloc[0]) and "999999" in problems["residence_county"].iloc[1]


def test_a_zone_township_whose_code_is_not_listed_is_found_by_its_name(config):
    rules, policy = config.divisions, config.policy
    assert legal_county("410471", "410471100", policy, rules, "遵化店镇") == "410422"
    assert legal_county("410471", "410471400", policy, rules, None, "平顶山市高新区皇台街道办事处黄河路9号") == "410403"
    assert legal_county("410472", "410472101", policy, rules, "滍阳") == "410402"
    assert legal_county("410471", "410471100", policy, rules, "东安街道") is None
    assert legal_county("410471", "410471100", policy, rules, "遵化店镇", "皇台街道") is None  # names two
    assert legal_county("410472", "410472002", policy, rules, "遵化店镇") == "410422"  # the code decides first


def test_a_zone_townships_legal_county_is_shared_by_the_records_of_its_code():
    records = pd.DataFrame(
        {
            "residence_county": ["410471", "410471", "410471", "410472", "410472", "410472", "410402"],
            "residence_township": ["410471100", "410471100", "410471555", "410472101", "410472101", "410472101", None],
            "residence_legal_county": ["410422", None, None, "410402", "410403", None, "410402"],
        }
    )
    legal = legal_counties_shared_by_code(records, frozenset({"410471", "410472"}))
    # the police record of 410471100 takes 叶县 from the health record that names 遵化店镇; a code
    # no record names, or one named as two counties, stays unknown
    assert legal.tolist()[:2] == ["410422", "410422"] and pd.isna(legal[2])
    assert pd.isna(legal[5]) and legal[6] == "410402"
