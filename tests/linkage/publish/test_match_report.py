import os
import re
import shutil
import subprocess

import pandas as pd
import pytest

from linkage.pipeline import for_outputs
from linkage.publish.match_report import (
    borderline_pairs,
    certificate_note,
    outcome_frame,
    register_outcome,
    render_report,
)
from tests.conftest import AS_OF

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(checked, built, config):
    return render_report(checked, built, config, AS_OF)


def test_report_masks_every_id_and_phone(report, built, checked):
    ids = set(checked.standardised["id_number"].dropna()) | set(checked.standardised["id_text"].dropna())
    phones = set(checked.standardised["guardian_phone"].dropna())
    assert ids and phones
    leaked = [v for v in ids | phones if len(v) >= 11 and v in report]
    assert not leaked


def test_report_is_self_contained(report):
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", report)
    assert "vegaEmbed" in report and "cdn.jsdelivr" not in report.split("</script>")[-1]


def test_report_has_every_section_in_chinese_with_how_to_read_it(report):
    for heading in (
        "各部门数据行数",
        "隔离原因",
        "置空的字段",
        "数据校验结果",
        "各部门数据的重叠",
        "每名儿童的记录数",
        "模型：匹配权重（match weight）",
        "模型：m 和 u 概率",
        "阈值的影响",
        "规则与阈值不一致的记录对",
        "临界记录对",
    ):
        section = report.split(f"<h2>{heading}", 1)[1]
        assert section.split("</h2>", 1)[1].startswith("<p class='note'>"), heading  # one sentence first


def test_borderline_pairs_are_those_nearest_the_threshold(built, config):
    pairs = borderline_pairs(built.pairs, config.model.match_threshold, n=5)
    assert len(pairs) == 5
    others = built.pairs.frame(["match_weight"]).drop(pairs.index)
    import math

    w = math.log2(config.model.match_threshold / (1 - config.model.match_threshold))
    assert (pairs["match_weight"] - w).abs().max() <= (others["match_weight"] - w).abs().min()


def _chromium(tmp_path, page, *extra):
    if CHROMIUM is None:
        if os.environ.get("CHILDREG_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (CHILDREG_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("chromium not installed (apt-get install chromium); .ci/run installs it")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1366,900",
        "--virtual-time-budget=20000",
    ]
    result = subprocess.run([CHROMIUM, *flags, *extra, page.as_uri()], capture_output=True, text=True, timeout=120)
    return result.stdout


def test_report_renders_in_headless_chromium_without_script_errors(report, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    dom = _chromium(tmp_path, page, "--dump-dom")
    expected = re.search(r'data-charts-expected="(\d+)"', dom).group(1)
    rendered = re.search(r'data-charts-rendered="(\d+)"', dom)
    errors = re.search(r'<pre id="script-errors">(.*?)</pre>', dom, re.S).group(1)
    assert errors.strip() == ""
    assert rendered and rendered.group(1) == expected and int(expected) >= 5
    assert dom.count("<svg") + dom.count("<canvas") >= int(expected)
    width = re.search(r'data-page-width="(\d+)"', dom)
    assert width and int(width.group(1)) <= 1366  # no table scrolls sideways on a 1366-pixel screen


def test_chinese_renders_in_the_report_font_not_as_boxes(tmp_path):
    """Two different Chinese texts drawn in the report's font stack: where no CJK font is found,
    both come out as the same row of boxes."""
    from linkage.publish.match_report import STYLE

    page = tmp_path / "glyphs.html"
    page.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>{STYLE}</style></head><body><canvas id='c'>"
        "</canvas><script>const font = '32px ' + getComputedStyle(document.body).fontFamily;"
        "function draw(text) { const c = document.createElement('canvas'); c.width = 200; c.height = 50;"
        " const g = c.getContext('2d'); g.font = font; g.fillText(text, 0, 40);"
        " return Array.from(g.getImageData(0, 0, 200, 50).data).join(','); }"
        "document.fonts.ready.then(() => { document.body.dataset.distinct ="
        " String(draw('流动儿童') !== draw('台账汇总')); });</script></body></html>",
        encoding="utf-8",
    )
    dom = _chromium(tmp_path, page, "--dump-dom")
    assert 'data-distinct="true"' in dom, "Chinese renders as boxes: install a CJK font (fonts-noto-cjk)"


def test_each_pair_says_what_the_register_made_of_it_and_by_which_rule():
    import pandas as pd

    from linkage.publish.match_report import register_outcome

    pairs = pd.DataFrame(
        {
            "unique_id_l": ["a", "a", "c", "e"],
            "unique_id_r": ["b", "c", "d", "f"],
            "match_probability": [0.99, 0.955, 0.97, 0.4],
            "id_number_l": [None, None, "410402200901010011", None],
            "id_number_r": [None, None, "410402201901010027", None],
        }
    )
    members = pd.DataFrame({"unique_id": list("abcdef"), "master_id": ["A", "A", "C", "D", "E", "E"]})
    outcome = register_outcome(pairs, members, 0.95).tolist()
    assert outcome[0] == "同一儿童"
    assert outcome[1].startswith("分开：高于阈值") and "双胞胎和兄弟姐妹规则" in outcome[1]
    assert "两个不同的有效身份证号" in outcome[2]
    assert outcome[3].startswith("同一儿童：低于阈值")


def test_a_pair_joined_below_the_threshold_by_its_name_birth_and_sex_says_so():
    import pandas as pd

    from linkage.publish.match_report import register_outcome

    pairs = pd.DataFrame(
        {
            "unique_id_l": ["a", "c"],
            "unique_id_r": ["b", "d"],
            "match_probability": [0.947, 0.9],
            "id_number_l": [None, None],
            "id_number_r": [None, None],
            "name_l": ["郑菲阳", "郭羽"],
            "name_r": ["郑菲阳", "郭雨"],
            "name_pinyin_l": ["zheng fei yang", "guo yu"],
            "name_pinyin_r": ["zheng fei yang", "guo yu"],
            "name_shape_l": ["郑菲阳", "郭羽"],
            "name_shape_r": ["郑菲阳", "郭雨"],
            "surname_pinyin_l": ["zheng", "guo"],
            "surname_pinyin_r": ["zheng", "guo"],
            "given_sorted_l": ["菲阳", "羽"],
            "given_sorted_r": ["菲阳", "雨"],
            "birth_date_l": ["2012-07-12", "2020-07-10"],
            "birth_date_r": ["2012-07-12", "2020-09-25"],
            "sex_l": ["M", "F"],
            "sex_r": ["M", "F"],
            "id_text_l": [None, None],
            "id_text_r": [None, None],
        }
    )
    members = pd.DataFrame({"unique_id": list("abcd"), "master_id": ["A", "A", "C", "C"]})
    corroborated, through_others = register_outcome(pairs, members, 0.95, corroborated_above=0.5).tolist()
    assert "佐证规则" in corroborated
    assert through_others.startswith("同一儿童：低于阈值") and "佐证规则" not in through_others
    # 范玲之女 beside 郭羽: the surname a placeholder's parent bears is the named child's, or not
    for surnames, by_rule in ((["郭"], True), (["范"], False)):
        baby = pairs.assign(
            name_l=[None, None],
            name_pinyin_l=[None, None],
            name_shape_l=[None, None],
            surname_pinyin_l=[None, None],
            given_sorted_l=[None, None],
            birth_date_l=pairs["birth_date_r"],
            is_placeholder_l=[True, True],
            is_placeholder_r=[False, False],
            family_surnames_l=[surnames, surnames],
            family_surnames_r=[None, None],
            surname_l=[None, None],
            surname_r=["郭", "郭"],
        )
        outcome = register_outcome(baby, members, 0.95, corroborated_above=0.5).tolist()
        assert ("佐证规则" in outcome[1]) is by_rule


def test_a_placeholder_kept_apart_between_twins_says_so():
    import pandas as pd

    from linkage.publish.match_report import register_outcome

    pairs = pd.DataFrame(
        {
            "unique_id_l": ["a", "b"],
            "unique_id_r": ["m", "m"],
            "match_probability": [0.999, 0.999],
            "id_number_l": [None, None],
            "id_number_r": [None, None],
        }
    )
    members = pd.DataFrame(
        {"unique_id": ["a", "b", "m"], "master_id": ["A", "B", "M"], "verification": [None, None, "twins?"]}
    )
    outcome = register_outcome(pairs, members, 0.95).tolist()
    assert all("同性别双胞胎规则" in o and "待实地核实" in o for o in outcome)


def _a_with_b_and_c():
    """Two strong pairs without IDs: record a with b, and a with c."""
    import pandas as pd

    return pd.DataFrame(
        {
            "unique_id_l": ["a", "a"],
            "unique_id_r": ["b", "c"],
            "match_probability": [0.999, 0.999],
            "match_weight": [10.0, 10.0],
            "id_number_l": [None, None],
            "id_number_r": [None, None],
        }
    )


def test_a_pair_joined_as_one_renamed_child_says_so_and_goes_to_review():
    import pandas as pd

    from linkage.publish.match_report import register_outcome
    from linkage.review import uncertain_pairs

    pairs = _a_with_b_and_c()
    members = pd.DataFrame(
        {"unique_id": ["a", "b", "c"], "master_id": ["A", "A", "A"], "renamed_with": ["b", "a", None]}
    )
    renamed, plain = register_outcome(pairs, members, 0.95).tolist()
    assert "按改名归并" in renamed and "双胞胎" in renamed and plain == "同一儿童"
    assert uncertain_pairs(pairs, members, 0.95, 0.5)[["unique_id_l", "unique_id_r"]].values.tolist() == [["a", "b"]]


def test_a_pair_not_joined_because_twins_are_as_likely_says_so_and_goes_to_review():
    import pandas as pd

    from linkage.publish.match_report import register_outcome
    from linkage.review import uncertain_pairs

    pairs = _a_with_b_and_c()
    members = pd.DataFrame(
        {
            "unique_id": ["a", "b", "c"],
            "master_id": ["A", "B", "C"],
            "renamed_with": [None, None, None],
            "maybe_renamed_with": ["b", "a", None],
        }
    )
    maybe, twins = register_outcome(pairs, members, 0.95).tolist()
    assert maybe.startswith("分开") and "改名" in maybe and "双胞胎" in maybe and "未归并" in maybe
    assert "双胞胎和兄弟姐妹规则" in twins
    assert len(uncertain_pairs(pairs, members, 0.95, 0.5)) == 2


def test_the_rows_table_names_the_departments_in_chinese(report, config):
    from linkage.config import FEEDS

    rows = report.split("<h2>各部门数据行数", 1)[1].split("<h2>", 1)[0]
    for feed in FEEDS:
        assert f"<td>{config.texts.feeds[feed]}</td>" in rows and f"<td>{feed}</td>" not in rows


def test_outcomes_from_the_lean_frame_are_those_from_every_column(built, config):
    threshold, floor = config.model.match_threshold, 0.3
    lean = outcome_frame(built.pairs, threshold, floor)
    assert lean["name_l"].notna().sum() < len(lean)  # names only for the pairs the rule looks at
    pd.testing.assert_series_equal(
        register_outcome(lean, built.members, threshold, floor),
        register_outcome(built.pairs.frame(), built.members, threshold, floor),
    )


def test_the_report_says_whether_birth_certificates_told_children_apart(built, checked, config):
    used = int(built.records["birth_certificate"].notna().sum())
    # As a run writes it: from the standardised columns kept for the outputs.
    report = render_report(for_outputs(checked), built, config, AS_OF)
    assert used and f"{used} 条记录的出生医学证明编号用于区分儿童" in report
    unused = built.records.assign(birth_certificate=None)
    assert certificate_note(unused, checked.standardised).startswith("出生医学证明编号未用于区分儿童")
    assert certificate_note(unused, checked.standardised.assign(birth_certificate=None)) == ""
    # Numbers that are all malformed were not left out for not being the child's.
    assert certificate_note(unused, checked.standardised.assign(birth_certificate="N41")) == ""
