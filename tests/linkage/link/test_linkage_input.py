"""What the model compares of each record: the date of birth a valid ID vouches for."""

import datetime as dt

from linkage.link.linkage_input import linkage_input, shape_key


def _with(checked, rows: dict) -> object:
    """The first few standardised records, with `rows` (column -> values) put in."""
    s = checked.standardised.head(len(next(iter(rows.values())))).copy()
    for column, values in rows.items():
        s[column] = values
    return s


def test_a_typed_date_a_slip_from_the_valid_ids_is_taken_from_the_id(checked, config):
    the_id, its_birth = "411302202004155301", dt.date(2020, 4, 15)
    s = _with(
        checked,
        {
            "id_number": [the_id, the_id, None, the_id],
            "id_birth_date": [its_birth, its_birth, its_birth, dt.date(1985, 4, 15)],
            "birth_date": [dt.date(2020, 5, 15), None, dt.date(2020, 5, 15), dt.date(2020, 5, 15)],
        },
    )
    births = linkage_input(s, config.model.lookalike_groups)["birth_date"].tolist()
    # A slip of the ID's date, and a missing date: the ID's. No valid ID: as typed. An ID decades
    # from the typed date (a parent's, in the child's field): as typed.
    assert births == ["2020-04-15", "2020-04-15", "2020-05-15", "2020-05-15"]


def test_records_whose_typed_dates_all_agree_with_their_ids_keep_them(checked, config):
    # Nothing to take from an ID (a clean export, or one without IDs): the dates as typed.
    the_id, its_birth = "411302202004155301", dt.date(2020, 4, 15)
    s = _with(
        checked,
        {
            "id_number": [the_id, None],
            "id_birth_date": [its_birth, None],
            "birth_date": [its_birth, dt.date(2019, 1, 2)],
        },
    )
    assert linkage_input(s, config.model.lookalike_groups)["birth_date"].tolist() == ["2020-04-15", "2019-01-02"]


def test_a_date_of_birth_after_the_records_own_local_date_is_flagged(checked, config):
    the_id = "411302202004155301"
    local = dt.date(2020, 4, 20)
    s = _with(
        checked,
        {
            "id_number": [None, None, the_id, None],
            "id_birth_date": [None, None, dt.date(2020, 4, 15), None],
            "birth_date": [dt.date(2020, 5, 15), dt.date(2020, 4, 15), dt.date(2020, 5, 15), dt.date(2020, 5, 15)],
            "local_date": [local, local, local, None],
        },
    )
    flags = linkage_input(s, config.model.lookalike_groups)["birth_after_local"].tolist()
    # Born after registering: flagged. Before: not. The valid ID's date, a slip from the typed
    # one, is the record's: not. No local date: not.
    assert flags == [True, False, False, False]


def test_birth_certificates_are_compared_where_the_export_bears_them_out(checked, config, caplog):
    names = [name for name in ["李子涵", "李欣然", "王浩", "赵一", "钱二", "孙三"] for _ in range(2)]
    s = _with(
        checked,
        {
            "name": names,
            "name_is_placeholder": [False] * 12,
            "birth_date": [dt.date(2020, 1, 1 + i // 2) for i in range(12)],
            "id_number": [None] * 12,
            "id_birth_date": [None] * 12,
            "sex": ["F"] * 12,
            "birth_certificate": [f"N41000000{i // 2}" for i in range(11)] + ["N41000"],
        },
    )
    got = linkage_input(s, config.model.lookalike_groups)["birth_certificate"].tolist()
    assert got[:11] == [f"N41000000{i // 2}" for i in range(11)] and got[11] != got[11]  # malformed: none
    # Numbers drawn per record: each child's two records carry two. None is used, and the log
    # says why in counts, without a name.
    drawn = s.assign(birth_certificate=[f"N4100000{i:02d}" for i in range(12)])
    assert linkage_input(drawn, config.model.lookalike_groups)["birth_certificate"].isna().all()
    assert "6 of 6 children" in caplog.text and "李" not in caplog.text


def test_names_apart_by_a_look_alike_character_share_their_shape(config):
    """Look-alikes that do not sound alike (田/由, 明/朋, 宣/宜): only the shape brings them together."""
    groups = config.model.lookalike_groups
    for a, b in [("田梓涵", "由梓涵"), ("李明轩", "李朋轩"), ("王宣怡", "王宜怡"), ("曹雨", "曾雨")]:
        assert shape_key(a, groups) == shape_key(b, groups), (a, b)
    assert shape_key("李明轩", groups) != shape_key("李明宇", groups)


def test_a_given_names_sounds_are_its_syllables_in_order(checked, config):
    s = _with(checked, {"given_pinyin": ["yu ming", "ming yu", None], "name_is_placeholder": [False, False, False]})
    sounds = linkage_input(s, config.model.lookalike_groups)["given_sounds"].tolist()
    assert sounds[0] == sounds[1] == "ming yu" and sounds[2] != sounds[2]  # NaN where no given name


def test_the_family_surnames_are_read_from_every_parent_a_record_names(checked, config):
    s = _with(
        checked,
        {
            "guardian_name": ["欧阳明", None, None],
            "mother_name": ["范玲", None, None],
            "father_name": [None, None, None],
            "placeholder_parent": [None, "林红静", None],
        },
    )
    got = linkage_input(s, config.model.lookalike_groups, compound_surnames=config.names.compound_surnames)
    assert [list(f) if f is not None else None for f in got["family_surnames"]] == [["欧阳", "范"], ["林"], None]
