import pandas as pd
from pydantic import ValidationError

from linkage.config import ServiceCategory, load_care_rules
from linkage.register.care import care_gaps, service_categories


def _register():
    return pd.DataFrame(
        {
            "master_id": ["A", "B", "C", "D"],
            "age_years": [8, 3, 15, 1],
            "feeds": ["police", "health,vaccination", "education", "police,health"],
            "grade": [None, None, "九年级", None],
        }
    )


def test_school_age_child_on_no_roster_is_a_gap(config):
    gaps = care_gaps(_register(), config.care)
    school = gaps[gaps["gap"].str.contains("义务教育")]
    assert list(school["master_id"]) == ["A"]  # C is on a roster; B and D are too young


def test_under_seven_without_health_or_vaccination_record(config):
    gaps = care_gaps(_register(), config.care)
    assert set(gaps.loc[gaps["gap"].str.contains("健康"), "master_id"]) == set()  # B and D have health records
    assert set(gaps.loc[gaps["gap"].str.contains("接种"), "master_id"]) == {"D"}  # B has one; A is 8
    assert gaps["follow_up"].str.len().gt(0).all()


def test_services_fit_age_and_grade(config):
    services = service_categories(_register(), config.care)
    assert "义务教育" in services[0] and "普通高中教育" not in services[0]
    assert "学前教育" in services[1] and "义务教育" not in services[1]
    assert "普通高中教育" in services[2] and "中等职业教育" in services[2]
    assert "健康和托育（3岁以下）" in services[3]


def test_staff_edit_the_service_list_in_the_file(config, tmp_path):
    text = (config.directory / "care.toml").read_text(encoding="utf-8")
    text += '\n[[services]]\narea = "发展保障"\ncategory = "儿童之家活动"\nmin_age = 6\nmax_age = 12\n'
    (tmp_path / "care.toml").write_text(text, encoding="utf-8")
    rules = load_care_rules(tmp_path / "care.toml")
    assert rules.services[-1] == ServiceCategory(area="发展保障", category="儿童之家活动", min_age=6, max_age=12)
    services = service_categories(_register(), rules)
    assert "儿童之家活动" in services[0] and "儿童之家活动" not in services[2]


def test_a_gap_naming_an_unknown_feed_is_a_config_error(config, tmp_path):
    import pytest

    from linkage.errors import ConfigError

    (tmp_path / "care.toml").write_text(
        '[[gaps]]\nlabel="x"\nmin_age=0\nmax_age=1\nmissing_feed="school"\nfollow_up="y"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="missing_feed"):
        load_care_rules(tmp_path / "care.toml")
    with pytest.raises(ValidationError):
        config.care.gaps = ()  # parsed once, never changed
