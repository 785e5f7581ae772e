"""What the ledgers ask staff to check, worded from the register's conflicts."""

import pandas as pd

from linkage.publish.ledgers import _conflict_checks


def test_the_residence_check_names_the_county_each_department_gives(config):
    names = config.policy.counties
    rows = pd.DataFrame(
        {
            "conflicts": ["names differ; residence counties differ", "residence counties differ", None],
            "residence_counties_by_feed": ["police:410421,health:410402,health:410403", None, None],
        }
    )
    checks = _conflict_checks(rows, config.ledger.conflict_checks, lambda c: names.get(c, c)).tolist()
    residence = config.ledger.conflict_checks["residence counties differ"]
    assert checks[0] == (
        config.ledger.conflict_checks["names differ"] + "；" + residence + "（公安：宝丰县；卫健：新华区、卫东区）"
    )
    assert checks[1] == residence  # no counties given: the wording alone
    assert checks[2] == ""


def test_a_household_known_only_to_its_prefecture_is_to_be_verified(config):
    from linkage.publish.ledgers import _checks

    rows = pd.DataFrame(
        {
            "conflicts": [None, None],
            "residence_counties_by_feed": [None, None],
            "uncertain_links": [0, 0],
            "records_to_verify": [0, 0],
            "renamed_joins": ["", ""],
            "household_county": ["420100", "420102"],  # 武汉市 without its county; 江岸区
            "name_is_placeholder": [False, False],
            "status": ["migrant", "migrant"],
            "status_reason": ["", ""],
        }
    )
    checks = _checks(rows, config.ledger.conflict_checks, lambda c: c).tolist()
    assert "请核实户籍县区" in checks[0] and checks[1] == ""
