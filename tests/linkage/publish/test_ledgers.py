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
