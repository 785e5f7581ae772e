import os
import re
import shutil
import subprocess

import pytest

from linkage.publish.match_report import borderline_pairs, render_report
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


def test_report_has_every_section(report):
    for heading in (
        "Rows per feed",
        "Quarantine by reason",
        "Validation results",
        "How the feeds overlap",
        "Cluster sizes",
        "match weights",
        "m and u",
        "Effect of the threshold",
        "Borderline pairs",
    ):
        assert heading in report


def test_borderline_pairs_are_those_nearest_the_threshold(built, config):
    pairs = borderline_pairs(built.pairs, config.model.match_threshold, n=5)
    assert len(pairs) == 5
    others = built.pairs.drop(pairs.index)
    import math

    w = math.log2(config.model.match_threshold / (1 - config.model.match_threshold))
    assert (pairs["match_weight"] - w).abs().max() <= (others["match_weight"] - w).abs().min()


def test_report_renders_in_headless_chromium_without_script_errors(report, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CHILDREG_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (CHILDREG_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("chromium not installed (apt-get install chromium); .ci/run installs it")
    page = tmp_path / "report.html"
    page.write_text(report, encoding="utf-8")
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=20000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = result.stdout
    expected = re.search(r'data-charts-expected="(\d+)"', dom).group(1)
    rendered = re.search(r'data-charts-rendered="(\d+)"', dom)
    errors = re.search(r'<pre id="script-errors">(.*?)</pre>', dom, re.S).group(1)
    assert errors.strip() == ""
    assert rendered and rendered.group(1) == expected and int(expected) >= 5
    assert dom.count("<svg") + dom.count("<canvas") >= int(expected)
