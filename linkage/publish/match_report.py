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
from linkage.frames import positions
from linkage.link.certificates import well_formed_certificates
from linkage.link.same_child import FAMILY, HEARD, IDENTITY, corroborated
from linkage.link.scored_pairs import CORE, ScoredPairs
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
RULE_SAMPLE = 20
# The borderline pairs side by side: each cell holds the left record's value over the right's.
PAIR_VIEW = {
    "unique_id": "记录（左 / 右）",
    "name": "姓名",
    "birth_date": "出生日期",
    "id_text": "身份证号",
    "guardian_phone": "监护人电话",
    "household_county": "户籍县区",
    "residence_county": "居住县区",
}
# Column headings of the report's tables, in Chinese; Splink's own terms kept beside them.
HEADINGS = {
    "feed": "部门数据",
    "rows_read": "读入行数",
    "rows_kept": "保留行数",
    "rows_quarantined": "隔离行数",
    "balanced": "全部行已核对",
    "reason": "原因",
    "rows": "行数",
    "field": "字段",
    "suite": "校验规则集",
    "column": "列",
    "expectation": "校验规则",
    "success": "通过",
    "unexpected": "不符合行数",
    "on failure": "不通过时的处理",
    "meaning": "含义",
    "feeds": "掌握该儿童的部门",
    "children": "儿童数",
    "status": "状态",
    "records": "记录数",
    "threshold": "阈值（匹配概率）",
    "pairs_at_or_above": "达到阈值的记录对",
    "children_unconstrained": "简单传递聚类得到的儿童数",
    "match_weight": "匹配权重",
    "match_probability": "匹配概率",
}

STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
       "WenQuanYi Micro Hei", "SimHei", system-ui, sans-serif;
       margin: 2em auto; padding: 0 1em; max-width: 1200px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 13px; width: 100%; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eef3f8; } h2 { border-bottom: 2px solid #4a7; padding-bottom: 4px; margin-top: 2em; }
.note { color: #555; font-size: 13px; } .fail { color: #b00; font-weight: bold; }
.chart { max-width: 100%; overflow: hidden; }
#script-errors { color: #b00; }
"""


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p class='note'>（无）</p>"
    shown = frame.rename(columns=HEADINGS).replace({True: "是", False: "否"})
    return shown.to_html(index=False, border=0, na_rep="", escape=True)


def _in_chinese(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Feeds, reasons and actions as the bureau's analysts read them (config/texts.toml); a reason
    no entry explains is shown as recorded."""
    texts = config.texts
    out = frame.copy()
    if "feed" in out:
        out["feed"] = out["feed"].map(lambda f: texts.feeds.get(f, f))
    if "reason" in out:
        out["reason"] = out["reason"].map(lambda r: found.problem if (found := texts.explain(r)) else r)
    if "on failure" in out:
        out["on failure"] = out["on failure"].map(lambda a: texts.actions.get(a, a))
    return out


def _section(heading: str, how_to_read: str, body: str) -> str:
    """A section: its heading, one sentence on how to read it, then its tables and charts."""
    return f"<h2>{heading}</h2><p class='note'>{how_to_read}</p>{body}"


RENAMED_OUTCOME = "同一儿童：两个不同的正式姓名，没有一个部门同时登记，按改名归并（也可能是双胞胎，待核实）"
MAYBE_RENAMED_OUTCOME = (
    "分开：两个不同的正式姓名，没有一个部门同时登记，可能是改名的同一儿童；"
    "但本期数据中这样的双胞胎估计与改名儿童一样多，未归并（台账列为可能为同一儿童，待核实）"
)


def register_outcome(
    pairs: pd.DataFrame, members: pd.DataFrame, threshold: float, corroborated_above: float = 1.0
) -> pd.Series:
    """What the register made of each pair, and by which rule: joined or kept apart, above or
    below the threshold (a pair above it kept apart by a rule, or one below it joined because its
    name, date of birth and sex agree, or through the child's other records or the placeholder
    pass, is said so; so is a pair of two names joined as one renamed child)."""
    left, right = positions(members["unique_id"], pairs["unique_id_l"], pairs["unique_id_r"])
    master = pd.factorize(members["master_id"])[0]
    same = pd.Series((left >= 0) & (right >= 0) & (master[left] == master[right]), index=pairs.index)
    above = pairs["match_probability"] >= threshold
    two_ids = (
        pairs["id_number_l"].notna() & pairs["id_number_r"].notna() & (pairs["id_number_l"] != pairs["id_number_r"])
    )
    out = pd.Series("分开：低于阈值", index=pairs.index, dtype=object)
    out[same & above] = "同一儿童"
    out[same & ~above] = "同一儿童：低于阈值，经该儿童的其他记录或乳名规则归并"
    if corroborated_above < threshold and all(f"{c}_l" in pairs for c in IDENTITY):
        out[same & corroborated(pairs, threshold, corroborated_above)] = (
            "同一儿童：低于阈值，但姓名（“某某之子/之女”等代称记录：所记父母的姓氏）、出生日期和性别一致（佐证规则）"
        )
    out[~same & above & two_ids] = "分开：高于阈值，但两个不同的有效身份证号（规则）"
    out[~same & above & ~two_ids] = (
        "分开：高于阈值，但姓名、性别、出生日期或出生医学证明编号不可能是同一儿童（双胞胎和兄弟姐妹规则）"
    )
    if "renamed_with" in members:
        out[same & _named_pair(pairs, members, "renamed_with")] = RENAMED_OUTCOME
    if "maybe_renamed_with" in members:
        out[~same & _named_pair(pairs, members, "maybe_renamed_with")] = MAYBE_RENAMED_OUTCOME
    if "verification" in members:
        listed = members.loc[members["verification"].notna(), "unique_id"]
        ambiguous = pairs["unique_id_l"].isin(listed) | pairs["unique_id_r"].isin(listed)
        out[~same & above & ~two_ids & ambiguous] = (
            "分开：高于阈值，但无正式姓名的记录同样符合两名儿童（同性别双胞胎规则），待实地核实"
        )
    return out


def _named_pair(pairs: pd.DataFrame, members: pd.DataFrame, column: str) -> pd.Series:
    """The pairs whose records name each other in the members' `column` (renamed_with, ...)."""
    partner = members.set_index("unique_id")[column].dropna()
    return pairs["unique_id_l"].map(partner).eq(pairs["unique_id_r"]) | pairs["unique_id_r"].map(partner).eq(
        pairs["unique_id_l"]
    )


# The standardised columns the report reads (see `pipeline.for_outputs`).
REPORT_COLUMNS = ("birth_certificate",)


def certificate_note(records: pd.DataFrame, standardised: pd.DataFrame) -> str:
    """Whether the run told children apart by birth certificate number, in one sentence: how many
    linkage records' numbers it used, or that the feeds gave well-formed numbers it left out (an
    export whose numbers are not the child's: see `certificates.numbers_not_the_childs`); numbers
    that are all malformed are the validation table's to report, not this sentence's."""
    if "birth_certificate" not in records or "birth_certificate" not in standardised:
        return ""
    used = int(records["birth_certificate"].notna().sum())
    if used:
        return f"{used} 条记录的出生医学证明编号用于区分儿童（同一编号为同一儿童，不同编号为不同儿童）。"
    if well_formed_certificates(standardised["birth_certificate"]).notna().any():
        return (
            "出生医学证明编号未用于区分儿童：本期数据中的编号不像是儿童本人的"
            "（同一儿童的记录带有不同编号，或同一编号属于不同儿童），详见运行日志。"
        )
    return ""


def pairs_side_by_side(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per pair, each compared field's left and right values in one cell (left over right),
    so that the table fits a 1366-pixel screen."""
    out = pd.DataFrame(index=pairs.index)
    for base, heading in PAIR_VIEW.items():
        left, right = pairs.get(f"{base}_l"), pairs.get(f"{base}_r")
        if left is None or right is None:
            continue
        out[heading] = [
            f"{a if a is not None else '—'} / {b if b is not None else '—'}" for a, b in zip(left, right, strict=True)
        ]
    out.insert(1, "匹配权重", pairs["match_weight"].round(2))
    out.insert(2, "匹配概率", pairs["match_probability"].round(4))
    return out.reset_index(drop=True)


def _weight(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def borderline_pairs(pairs: ScoredPairs, threshold: float, n: int = BORDERLINE_SAMPLE) -> pd.DataFrame:
    """The `n` scored pairs whose match weight lies closest to the threshold's, with every
    column (for their waterfall charts), masked."""
    distance = (pairs.frame(["match_weight"])["match_weight"] - _weight(threshold)).abs()
    return masked(pairs.rows(distance.nsmallest(n).index).sort_values("match_weight", ascending=False))


def outcome_frame(pairs: ScoredPairs, threshold: float, corroborated_above: float) -> pd.DataFrame:
    """What `register_outcome` reads of every pair: the IDs always, each record's name, date of
    birth and sex (and a placeholder's family surnames) only for the pairs the corroboration rule
    looks at (blank for the rest, which at a million pairs would be ten columns of text for nothing)."""
    frame = pairs.frame((*CORE, "id_number_l", "id_number_r"))
    if corroborated_above >= threshold:
        return frame
    near = f"match_probability >= {float(corroborated_above)!r} AND match_probability < {float(threshold)!r}"
    facts = (*IDENTITY, HEARD, *FAMILY)  # HEARD and FAMILY where the pairs have them
    return frame.join(pairs.frame([f"{c}_{s}" for c in facts for s in "lr"], where=near))


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
    reg, threshold = register.register, config.model.match_threshold
    pairs = outcome_frame(register.pairs, threshold, config.model.corroborated_above)
    charts: list[dict] = []

    def chart(spec: dict) -> str:
        charts.append(spec)
        return f"<div class='chart' id='chart-{len(charts) - 1}'></div>"

    quarantine = _in_chinese(checked.quarantine.groupby(["feed", "reason"]).size().rename("rows").reset_index(), config)
    issues = (
        _in_chinese(checked.issues.groupby(["feed", "field", "reason"]).size().rename("rows").reset_index(), config)
        if len(checked.issues)
        else pd.DataFrame()
    )
    statuses = reg["status_label"].value_counts().rename_axis("status").reset_index(name="children")
    sizes = reg["n_records"].value_counts().sort_index().rename_axis("records").reset_index(name="children")
    effect = threshold_effect(pairs, register.records["unique_id"])
    borderline = borderline_pairs(register.pairs, threshold)
    outcome = register_outcome(pairs, register.members, threshold, config.model.corroborated_above)
    by_rule = pairs[
        outcome.str.startswith("分开：高于")
        | outcome.str.startswith("同一儿童：低于")
        | outcome.isin([RENAMED_OUTCOME, MAYBE_RENAMED_OUTCOME])
    ]
    by_rule = by_rule.sort_values("match_weight", ascending=False).head(RULE_SAMPLE)
    by_rule = masked(register.pairs.rows(by_rule.index))
    rule_counts = outcome.value_counts().rename_axis("登记结果").reset_index(name="记录对数")
    uncertain = (register.members["match_probability"] < config.model.uncertain_below).sum()
    validation = validation_table(checked)
    failed = validation[~validation["success"]]
    validation = _in_chinese(validation.rename(columns={"suite": "feed", "meaning": "reason"}), config).rename(
        columns={"feed": "suite", "reason": "meaning"}
    )
    sections = [
        f"<h1>匹配报告（Match report）——参考日 {as_of:%Y-%m-%d}</h1>"
        f"<p class='note'>模型版本 {html.escape(config.model.version)}；聚类阈值（匹配概率）{threshold}；"
        f"{len(register.records)} 条记录归并为 {len(reg)} 名儿童，其中流动儿童 {int(reg['is_migrant'].sum())} 名；"
        f"{uncertain} 条记录的匹配概率低于 {config.model.uncertain_below}。"
        f"{certificate_note(register.records, checked.standardised)}身份证号和电话均已脱敏。</p>",
        _section(
            "各部门数据行数",
            "每个部门文件读入的行数 = 保留行数 + 隔离行数，最后一列说明是否全部核对无误。",
            _table(_in_chinese(checked.reconciliation, config)),
        ),
        _section("隔离原因", "无法使用的行按原因计数；每一行的行号见 quarantine.parquet。", _table(quarantine)),
        _section(
            "置空的字段", "行被保留，但其中某个字段的值无法使用而被置空，按部门、字段和原因计数。", _table(issues)
        ),
        _section(
            "数据校验结果（Great Expectations）",
            "每条校验规则的结果：不通过时，按“不通过时的处理”隔离行、报告或停止运行。",
            (f"<p class='fail'>{len(failed)} 条校验规则未通过。</p>" if len(failed) else "") + _table(validation),
        ),
        _section(
            "各部门数据的重叠",
            "按掌握该儿童的部门组合统计儿童数：只被一个部门掌握的儿童最需要核实。",
            _table(feed_overlap(reg)),
        ),
        _section("状态", "按政策定义判定的状态及人数。", _table(statuses)),
        _section(
            "每名儿童的记录数",
            "一名儿童在各部门共有几条记录；记录数很多的儿童可能是错误合并，值得抽查。",
            chart(bar_spec(sizes, "records", "children", "按记录数统计的儿童数")) + _table(sizes),
        ),
        _section(
            "模型：匹配权重（match weight）",
            "每个比较字段各级别的部分匹配权重：正值支持是同一儿童，负值反对；条越长，证据越强。",
            chart(match_weights_spec(register.settings)),
        ),
        _section(
            "模型：m 和 u 概率",
            "m 是同一儿童的两条记录落在该级别的概率，u 是不同儿童的两条记录落在该级别的概率；"
            "两者相差越大，该级别越有区分力。",
            chart(m_u_spec(register.settings)),
        ),
        _section(
            "记录对的匹配权重分布",
            "每个被比较的记录对按匹配权重计数，竖线是聚类阈值：线右边的记录对被归为同一儿童（除非规则将其分开）。",
            chart(weight_histogram(pairs, _weight(threshold))),
        ),
        _section(
            "阈值的影响",
            "在各个阈值下达到阈值的记录对数，以及简单传递聚类会得到的儿童数（本系统还会把双胞胎和兄弟姐妹分开）。",
            _table(effect),
        ),
        _section(
            "规则与阈值不一致的记录对",
            "高于阈值却被规则分开、低于阈值却被归为同一儿童、或两个不同的正式姓名按改名归并的记录对，以及各类的数量："
            "这里是模型和规则意见不同之处，"
            f"值得分析员抽查（最多列出 {RULE_SAMPLE} 对）。",
            _table(rule_counts)
            + _table(pairs_side_by_side(by_rule).assign(登记结果=outcome.loc[by_rule.index].to_numpy())),
        ),
        _section(
            "临界记录对",
            f"最接近阈值的 {len(borderline)} 个记录对，每格为“左记录 / 右记录”；"
            "拖动滑块逐一查看它们的瀑布图（waterfall）。",
            _table(pairs_side_by_side(borderline).assign(登记结果=outcome.loc[borderline.index].to_numpy()))
            + (chart(waterfall_spec(borderline, register.settings)) if len(borderline) else ""),
        ),
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
  .finally(() => {{ document.body.dataset.pageWidth = String(document.documentElement.scrollWidth); }})
  .catch(err => {{
    document.getElementById('script-errors').textContent += 'chart: ' + (err.message || err) + '\\n';
  }});
</script>"""
    catcher = (
        "<script>window.addEventListener('error', e => { document.getElementById('script-errors')"
        ".textContent += (e.message || 'error') + '\\n'; });</script>"
    )
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>匹配报告</title>"
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
