"""Outputs are built in a staging folder that replaces the output folder whole."""

import os

import pytest

from linkage.publish.outputs import staged_folder


def test_a_new_folder_is_created_whole(tmp_path):
    out = tmp_path / "run"
    with staged_folder(out) as staging:
        (staging.path / "a.txt").write_text("new", encoding="utf-8")
        assert not out.exists()
    assert (out / "a.txt").read_text(encoding="utf-8") == "new" and staging.replaced_earlier is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_earlier_results_are_replaced_and_none_survives(tmp_path):
    out = tmp_path / "run"
    (out / "ledgers").mkdir(parents=True)
    (out / "ledgers" / "410499_旧县_流动儿童台账.xlsx").write_text("stale", encoding="utf-8")
    (out / "report.html").write_text("old", encoding="utf-8")
    with staged_folder(out) as staging:
        (staging.path / "report.html").write_text("new", encoding="utf-8")
        assert (out / "report.html").read_text(encoding="utf-8") == "old"  # untouched until done
    assert staging.replaced_earlier is True
    assert sorted(p.name for p in out.rglob("*")) == ["report.html"]
    assert (out / "report.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_failed_run_leaves_the_earlier_results_as_they_were(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "report.html").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with staged_folder(out) as staging:
            (staging.path / "report.html").write_text("half", encoding="utf-8")
            raise RuntimeError("killed while writing ledgers")
    assert (out / "report.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_staging_left_by_a_killed_run_is_removed(tmp_path):
    out = tmp_path / "run"
    left = tmp_path / ".run.staging-999999"
    left.mkdir()
    (left / "register.parquet").write_bytes(b"half")
    with staged_folder(out) as staging:
        assert staging.path.name == f".run.staging-{os.getpid()}"
    assert not left.exists()
