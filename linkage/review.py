"""Review in the tools people use: the run's uncertain pairs exported to a workbook with a 判定
column to fill in, and filled workbooks (that one, or a ledger's 待核实儿童 sheet with its
核实结果) read back as decisions.

An uncertain pair is one the model and the rules disagree on, or that lies near the threshold:
kept apart above the threshold by a rule other than two valid IDs, joined below the threshold, or
kept apart just below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from linkage.errors import ConfigError
from linkage.publish.ledger_workbook import write_workbook
from linkage.publish.ledgers import FEED_NAMES, Sheet
from linkage.publish.match_report import MAYBE_RENAMED_OUTCOME, RENAMED_OUTCOME, pairs_side_by_side, register_outcome

REVIEW_SHEET = "待判定记录对"
VERDICT_COLUMN = "判定"
CHOICES = ("同一儿童", "不是同一儿童", "无法判断")
VERDICT_OF = {"同一儿童": "same", "不是同一儿童": "different"}
FEED_OF = {name: feed for feed, name in FEED_NAMES.items()}  # reads back what the ledger's 来源记录 writes
# The two records of a renamed join, as the ledger's 需核实事项 names them (RENAMED_CHECK).
RENAMED_PAIR = re.compile(r"记录([^（；]+)（[^）]*）与记录([^（；]+)（[^）]*）姓名不同，按改名归并")


def uncertain_pairs(
    pairs: pd.DataFrame, members: pd.DataFrame, threshold: float, floor: float, corroborated_above: float = 1.0
) -> pd.DataFrame:
    """The pairs worth a person's judgement, strongest first, with what the register made of them."""
    outcome = register_outcome(pairs, members, threshold, corroborated_above)
    near = pairs["match_probability"] >= floor
    worth = (
        (outcome.str.startswith("分开：高于阈值") & ~outcome.str.contains("有效身份证号"))
        | (outcome.str.startswith("同一儿童：低于阈值"))
        | outcome.isin([RENAMED_OUTCOME, MAYBE_RENAMED_OUTCOME])
        | (outcome.str.startswith("分开：低于阈值") & near)
    )
    chosen = pairs[worth].assign(登记结果=outcome[worth]).sort_values("match_weight", ascending=False)
    return chosen


def review_sheet(pairs: pd.DataFrame) -> Sheet:
    """The pairs side by side, each with its two record references and a 判定 to choose."""
    shown = pairs_side_by_side(pairs).drop(columns=["记录（左 / 右）"], errors="ignore")
    shown.insert(0, "左记录", pairs["unique_id_l"].to_numpy())
    shown.insert(1, "右记录", pairs["unique_id_r"].to_numpy())
    shown["登记结果"] = pairs["登记结果"].to_numpy()
    shown[VERDICT_COLUMN] = None
    shown["备注"] = None
    return Sheet(
        REVIEW_SHEET, shown.reset_index(drop=True), texts=("左记录", "右记录"), choices={VERDICT_COLUMN: CHOICES}
    )


def export_review(run_dir: Path, out: Path, threshold: float, floor: float, corroborated_above: float = 1.0) -> int:
    """Write the run's uncertain pairs to `out`. Returns how many."""
    run_dir = Path(run_dir)
    for name in ("pairs.parquet", "members.parquet"):
        if not (run_dir / name).is_file():
            raise ConfigError(f"{run_dir}: not a run's output folder (no {name} in it)")
    pairs = uncertain_pairs(
        pd.read_parquet(run_dir / "pairs.parquet"),
        pd.read_parquet(run_dir / "members.parquet"),
        threshold,
        floor,
        corroborated_above,
    )
    write_workbook([review_sheet(pairs)], Path(out), "待判定的记录对：请在“判定”列选择")
    return len(pairs)


@dataclass
class Imported:
    """What a filled workbook gave: decisions to record (verdict, left, right, note), rows skipped
    (blank, 无法判断, or a check that is not about two records) and rows rejected, with why."""

    decisions: list[tuple[str, str, str, str]] = field(default_factory=list)
    skipped: int = 0
    rejected: list[str] = field(default_factory=list)


def _refs(text: object) -> list[str]:
    """Record references in a ledger's 来源记录 cell: 公安:GA0000001234；卫健:… -> police:GA0000001234, …"""
    refs = []
    for part in str(text or "").split("；"):
        feed, _, key = part.partition(":")
        if feed in FEED_OF and key:
            refs.append(f"{FEED_OF[feed]}:{key}")
    return refs


def read_review(frame: pd.DataFrame) -> Imported:
    """Decisions from a filled review workbook (one row per pair)."""
    result = Imported()
    for n, row in enumerate(frame.to_dict("records"), start=2):
        verdict = row.get(VERDICT_COLUMN)
        if verdict is None or pd.isna(verdict) or verdict == "无法判断":
            result.skipped += 1
        elif verdict not in VERDICT_OF:
            result.rejected.append(f"row {n}: 判定 {verdict!r} is not one of {'、'.join(CHOICES)}")
        else:
            result.decisions.append((VERDICT_OF[verdict], row["左记录"], row["右记录"], str(row.get("备注") or "")))
    return result


def read_ledger(frame: pd.DataFrame) -> Imported:
    """Decisions from a ledger's filled 待核实儿童 sheet: 同一儿童 / 不是同一儿童 on a child the
    ledger says may be another master's child, between a record of each; or on a child whose
    records were joined as one renamed child, between the two records of that join."""
    result = Imported()
    refs_of = {row["主索引号"]: _refs(row.get("来源记录")) for row in frame.to_dict("records")}
    for n, row in enumerate(frame.to_dict("records"), start=2):
        verdict = row.get("核实结果")
        if verdict is None or pd.isna(verdict) or verdict not in VERDICT_OF:
            result.skipped += 1  # blank, 无法判断, or a field check (信息无误 …): not about two records
            continue
        checks = str(row.get("需核实事项") or "")
        others = re.findall(r"可能与主索引号(\w+)为同一儿童", checks)
        renamed = RENAMED_PAIR.findall(checks)
        own = _refs(row.get("来源记录"))
        if renamed and others:
            result.rejected.append(
                f"row {n}: {verdict} could be about the renamed records or about the other child "
                f"{others[0]}; decide each with childreg decide"
            )
        elif renamed:
            # 不是同一儿童 on records joined as one renamed child: twins, kept apart from now on.
            for a, b in renamed:
                pair = _refs(a) + _refs(b)
                if len(pair) == 2:
                    result.decisions.append((VERDICT_OF[verdict], pair[0], pair[1], "核实结果"))
                else:
                    result.rejected.append(f"row {n}: the records {a} and {b} are not named as 来源记录 names them")
        elif not others:
            result.rejected.append(f"row {n}: {verdict} but the ledger names no other child to compare with")
        elif not own or not refs_of.get(others[0]):
            result.rejected.append(
                f"row {n}: the other child {others[0]} is not on this sheet; decide it in its "
                "county's workbook or with childreg decide"
            )
        else:
            result.decisions.append((VERDICT_OF[verdict], own[0], refs_of[others[0]][0], "核实结果"))
    return result


def read_filled_workbook(path: Path) -> Imported:
    """The decisions a filled review workbook or ledger holds."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such workbook")
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types
        raise ConfigError(f"{path}: not a readable Excel workbook ({type(exc).__name__})") from None

    def sheet(name: str) -> pd.DataFrame:
        rows = book.get_sheet_by_name(name).to_python()
        return pd.DataFrame(rows[1:], columns=rows[0]).replace("", None) if rows else pd.DataFrame()

    if REVIEW_SHEET in book.sheet_names:
        return read_review(sheet(REVIEW_SHEET))
    if "待核实儿童" in book.sheet_names:
        return read_ledger(sheet("待核实儿童"))
    raise ConfigError(f"{path}: neither a review workbook ({REVIEW_SHEET}) nor a ledger (待核实儿童)")
