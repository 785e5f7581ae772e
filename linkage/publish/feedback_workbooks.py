"""Writing the departments' feedback workbooks (feedback/公安_数据质量反馈.xlsx, …) and the counts
the next run compares against (feedback/problem_counts.json)."""

from __future__ import annotations

import json
from pathlib import Path

from linkage.config import FEEDS, Config
from linkage.publish.feedback import department_problems, feedback_file_name, feedback_sheets, problem_counts
from linkage.publish.ledger_workbook import write_workbook
from linkage.publish.outputs import write_text
from linkage.register.assemble import Register
from linkage.standardise.checked import CheckedFeeds

FEEDBACK_FOLDER = "feedback"
COUNTS_FILE = "problem_counts.json"


def previous_counts(previous: Path | None) -> dict[str, dict[str, int]] | None:
    """The previous run's problem counts per feed, if it wrote them."""
    if previous is None or not (previous / FEEDBACK_FOLDER / COUNTS_FILE).is_file():
        return None
    return json.loads((previous / FEEDBACK_FOLDER / COUNTS_FILE).read_text(encoding="utf-8"))


def write_feedback(
    out: Path, checked: CheckedFeeds, register: Register, config: Config, previous: Path | None = None
) -> dict[str, Path]:
    """One workbook per department in out/feedback/, and this run's counts. Returns the files by name."""
    problems = department_problems(checked, register, config)
    before = previous_counts(previous)
    folder = Path(out) / FEEDBACK_FOLDER
    files = {}
    for feed in FEEDS:
        department = config.texts.feeds.get(feed, feed)
        sheets = feedback_sheets(problems, feed, before.get(feed, {}) if before is not None else None)
        title = f"{department}数据质量反馈（平顶山市民政局）"
        files[f"feedback_{feed}"] = write_workbook(sheets, folder / feedback_file_name(department), title)
    counts = json.dumps(problem_counts(problems), ensure_ascii=False, indent=2)
    files["feedback_counts"] = write_text(counts, folder / COUNTS_FILE)
    return files
