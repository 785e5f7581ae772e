"""The match report for analysts: one self-contained HTML file that opens offline (the chart
libraries Splink ships are inlined), with ID numbers and phones masked."""

from __future__ import annotations

import datetime as dt
import html
import json
import math

import pandas as pd
from splink.internals.html_utils import json_for_html, load_chart_libraries

from linkage.config import Config
from linkage.publish.masking import masked
from linkage.publish.report_charts import (
    bar_spec,
    m_u_spec,
    match_weights_spec,
    threshold_effect,
    waterfall_spec,
    weight_histogram,
)
from linkage.register.assemble import Register
from linkage.standardise.checked import CheckedFeeds

BORDERLINE_SAMPLE = 12
PAIR_VIEW = [
    "unique_id_l",
    "unique_id_r",
    "match_weight",
    "match_probability",
    "name_l",
    "name_r",
    "birth_date_l",
    "birth_date_r",
    "id_text_l",
    "id_text_r",
    "guardian_phone_l",
    "guardian_phone_r",
    "household_county_l",
    "household_county_r",
    "residence_county_l",
    "residence_county_r",
]

STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2em; max-width: 1200px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
th { background: #eef3f8; } h2 { border-bottom: 2px solid #4a7; padding-bottom: 4px; margin-top: 2em; }
.note { color: #555; font-size: 13px; } .fail { color: #b00; font-weight: bold; }
#script-errors { color: #b00; }
"""


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p class='note'>(none)</p>"
    return frame.to_html(index=False, border=0, na_rep="", escape=True)


def _weight(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def borderline_pairs(pairs: pd.DataFrame, threshold: float, n: int = BORDERLINE_SAMPLE) -> pd.DataFrame:
    """The `n` scored pairs whose match weight lies closest to the threshold's, masked."""
    distance = (pairs["match_weight"] - _weight(threshold)).abs()
    return masked(pairs.loc[distance.nsmallest(n).index].sort_values("match_weight", ascending=False))


def feed_overlap(register: pd.DataFrame) -> pd.DataFrame:
    """Children by the combination of feeds that hold them."""
    combos = register["feeds"].value_counts().rename_axis("feeds").reset_index(name="children")
    return combos.sort_values(["children", "feeds"], ascending=[False, True], ignore_index=True)


def validation_table(checked: CheckedFeeds) -> pd.DataFrame:
    """Every expectation's outcome, per feed and for the standardised table."""
    outcomes = [o for p in checked.prepared for o in p.outcomes] + list(checked.standardised_outcomes)
    return pd.DataFrame(
        [
            {
                "suite": o.suite,
                "column": o.column,
                "expectation": o.expectation,
                "success": o.success,
                "unexpected": o.unexpected_count,
                "rows": o.element_count,
                "on failure": o.action,
                "meaning": o.reason,
            }
            for o in outcomes
        ]
    )


def report_sections(
    checked: CheckedFeeds, register: Register, config: Config, as_of: dt.date
) -> tuple[list[str], list[dict]]:
    """The report's HTML sections, and the chart specs they place (chart N goes in div chart-N)."""
    reg, pairs, threshold = register.register, register.pairs, config.model.match_threshold
    charts: list[dict] = []

    def chart(spec: dict) -> str:
        charts.append(spec)
        return f"<div class='chart' id='chart-{len(charts) - 1}'></div>"

    quarantine = checked.quarantine.groupby(["feed", "reason"]).size().rename("rows").reset_index()
    issues = (
        checked.issues.groupby(["feed", "field", "reason"]).size().rename("rows").reset_index()
        if len(checked.issues)
        else pd.DataFrame()
    )
    statuses = reg["status"].value_counts().rename_axis("status").reset_index(name="children")
    sizes = reg["n_records"].value_counts().sort_index().rename_axis("records").reset_index(name="children")
    effect = threshold_effect(pairs, register.records["unique_id"])
    borderline = borderline_pairs(pairs, threshold)
    uncertain = (register.members["match_probability"] < config.model.uncertain_below).sum()
    validation = validation_table(checked)
    failed = validation[~validation["success"]]
    sections = [
        f"<h1>Match report — reference date {as_of:%Y-%m-%d}</h1>"
        f"<p class='note'>Model version {html.escape(config.model.version)}; clustering threshold {threshold}; "
        f"{len(reg)} children from {len(register.records)} records; {int(reg['is_migrant'].sum())} migrant children; "
        f"{uncertain} records linked with probability below {config.model.uncertain_below}. "
        "ID numbers and phones are masked.</p>",
        "<h2>Rows per feed</h2>" + _table(checked.reconciliation),
        "<h2>Quarantine by reason</h2>" + _table(quarantine),
        "<h2>Fields set to blank</h2>" + _table(issues),
        "<h2>Validation results (Great Expectations)</h2>"
        + (
            f"<p class='fail'>{len(failed)} expectations failed; see 'on failure' for what was done.</p>"
            if len(failed)
            else ""
        )
        + _table(validation),
        "<h2>How the feeds overlap</h2><p class='note'>Children by the feeds that hold them.</p>"
        + _table(feed_overlap(reg)),
        "<h2>Status</h2>" + _table(statuses),
        "<h2>Cluster sizes</h2>"
        + chart(bar_spec(sizes, "records", "children", "Children by number of records"))
        + _table(sizes),
        "<h2>Model: match weights</h2>" + chart(match_weights_spec(register.settings)),
        "<h2>Model: m and u probabilities</h2>" + chart(m_u_spec(register.settings)),
        "<h2>Scored pairs and the threshold</h2>" + chart(weight_histogram(pairs, _weight(threshold))),
        "<h2>Effect of the threshold</h2><p class='note'>Pairs at or above each threshold, and how many "
        "children plain transitive clustering would make (the register also keeps twins and siblings apart).</p>"
        + _table(effect),
        f"<h2>Borderline pairs</h2><p class='note'>The {len(borderline)} pairs closest to the threshold; "
        "move the slider to step through their waterfall charts.</p>"
        + _table(borderline[[c for c in PAIR_VIEW if c in borderline]])
        + (chart(waterfall_spec(borderline, register.settings)) if len(borderline) else ""),
    ]
    return sections, charts


def render_report(checked: CheckedFeeds, register: Register, config: Config, as_of: dt.date) -> str:
    """The whole report as one HTML document with no outside references."""
    sections, charts = report_sections(checked, register, config, as_of)
    libraries = load_chart_libraries()
    scripts = "".join(f"<script>{libraries[name]}</script>" for name in ("vega", "vega-lite", "vega-embed"))
    specs = json_for_html(charts, cls=_Encoder)
    runner = f"""<script>
const specs = {specs};
let rendered = 0;
Promise.all(specs.map((spec, i) => vegaEmbed('#chart-' + i, spec, {{actions: false}}).then(() => {{ rendered += 1; }})))
  .then(() => {{ document.body.dataset.chartsRendered = String(rendered); }})
  .catch(err => {{
    document.getElementById('script-errors').textContent += 'chart: ' + (err.message || err) + '\\n';
  }});
</script>"""
    catcher = (
        "<script>window.addEventListener('error', e => { document.getElementById('script-errors')"
        ".textContent += (e.message || 'error') + '\\n'; });</script>"
    )
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>Match report</title>"
        f"<style>{STYLE}</style>{catcher}{scripts}</head><body data-charts-expected='{len(charts)}'>"
        "<pre id='script-errors'></pre>" + "\n".join(sections) + runner + "</body></html>"
    )


class _Encoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, (dt.date, dt.datetime)):
            return o.isoformat()
        if hasattr(o, "item"):
            return o.item()
        return str(o)
