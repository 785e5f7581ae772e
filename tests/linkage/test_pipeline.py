"""The chain of stages: large feed folders are checked in worker processes, with the same result."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from linkage import pipeline
from linkage.errors import FeedError, FeedsUnusable

AS_OF = dt.date(2026, 6, 30)


def test_feeds_checked_in_worker_processes_are_the_same(feeds_dir, checked, config, monkeypatch):
    """Above PARALLEL_FROM_BYTES the feeds are read, validated and standardised in worker
    processes: the same rows, quarantine, field issues and counts as checked here."""
    monkeypatch.setattr(pipeline, "PARALLEL_FROM_BYTES", 0)
    in_workers = pipeline.check_feeds(feeds_dir, config, AS_OF)
    pd.testing.assert_frame_equal(in_workers.standardised, checked.standardised)
    pd.testing.assert_frame_equal(in_workers.quarantine, checked.quarantine)
    pd.testing.assert_frame_equal(in_workers.issues, checked.issues)
    pd.testing.assert_frame_equal(in_workers.reconciliation, checked.reconciliation)
    assert in_workers.mapping_problems == checked.mapping_problems


def test_feeds_that_cannot_be_read_in_worker_processes_are_named_with_their_rows(
    feeds_dir, config, tmp_path, monkeypatch
):
    """A FeedError raised in a worker process reaches the run whole: file, row and message."""
    monkeypatch.setattr(pipeline, "PARALLEL_FROM_BYTES", 0)
    for name in ("police.csv", "education.xlsx", "health.csv", "vaccination.csv"):
        shutil.copy(feeds_dir / name, tmp_path / name)
    (tmp_path / "health.csv").write_bytes(b"\xff\xfe\x00garbage")
    text = (tmp_path / "vaccination.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "vaccination.csv").write_bytes(("\n".join(text[:3]) + "\n").encode("utf-8") + b"\xc3\x28 bad\n")
    with pytest.raises(FeedsUnusable) as raised:
        pipeline.check_feeds(tmp_path, config, AS_OF)
    errors = {e.file.rsplit("/", 1)[-1]: e for e in raised.value.errors}
    assert set(errors) == {"health.csv", "vaccination.csv"}
    assert all(isinstance(e, FeedError) for e in errors.values())
    assert "UTF-16" in errors["health.csv"].problem
    assert errors["vaccination.csv"].row == 4 and "utf-8" in errors["vaccination.csv"].problem.lower()
