import pandas as pd

from flows.cli import main


def test_check_writes_standardised_and_quarantine(feeds_dir, tmp_path, capsys):
    assert main(["check", str(feeds_dir), "--out", str(tmp_path), "--as-of", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert "police (police.csv): read" in out
    std = pd.read_parquet(tmp_path / "standardised.parquet")
    q = pd.read_parquet(tmp_path / "quarantine.parquet")
    assert set(std["feed"]) == {"police", "education", "health", "vaccination"}
    assert list(q.columns) == ["feed", "record_key", "row_number", "field", "reason"]
    assert std["record_key"].map(type).eq(str).all()


def test_bad_folder_is_a_one_line_error(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "police.csv" in err and "Traceback" not in err
