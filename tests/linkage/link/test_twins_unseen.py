import pytest

from linkage.link.twins_unseen import Coverage, renamed_or_twins


def _children(year, *held):
    return [(year, frozenset(feeds), 1) for feeds in held]


def test_children_every_department_holds_always_share_one():
    coverage = Coverage(_children("2020", *[("police", "health")] * 30))
    assert coverage.share_none("2020") == 0.0


def test_children_each_held_by_one_of_four_departments_share_none_three_times_in_four():
    feeds = ["police", "education", "health", "vaccination"] * 10
    coverage = Coverage(_children("2020", *[(feed,) for feed in feeds]))
    assert coverage.share_none("2020") == pytest.approx(0.75)


def test_a_year_with_few_children_borrows_every_years_coverage():
    many = _children("2015", *[("police",), ("education",)] * 20)
    coverage = Coverage([*many, *_children("2020", ("police", "education"))])
    # Its one child, held by both departments, would share one with every child: 0 on its own.
    assert coverage.share_none("2015") == pytest.approx(0.5)
    assert coverage.share_none("2020") == pytest.approx(2 * 20 * 20 / 41**2)


def test_children_may_be_counted_in_groups():
    one_by_one = Coverage(_children("2020", *[("police",)] * 15, *[("health",)] * 15))
    grouped = Coverage([("2020", frozenset({"police"}), 15), ("2020", frozenset({"health"}), 15)])
    assert grouped.share_none("2020") == one_by_one.share_none("2020") == pytest.approx(0.5)


def test_a_year_where_children_seldom_share_a_department_is_capped():
    feeds = [f"feed{i}" for i in range(40)]
    coverage = Coverage(_children("2020", *[(feed,) for feed in feeds]))
    assert coverage.share_none("2020") == 0.9


def test_each_twin_pair_held_together_stands_for_the_odds_of_pairs_held_apart():
    half = Coverage(_children("2020", *[("police",), ("health",)] * 20))  # share none: 1/2
    verdict = renamed_or_twins(5, ["2020", "2020"], half)
    assert verdict.known_twins == 2 and verdict.expected_twins == pytest.approx(2.0)
    assert verdict.join  # 2 of 5 would be twins: more are one child
    assert not renamed_or_twins(4, ["2020", "2020"], half).join  # 2 of 4: as often twins
    full = Coverage(_children("2020", *[("police", "health")] * 40))
    assert renamed_or_twins(1, ["2020"] * 10, full).join
