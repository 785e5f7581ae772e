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


def test_run_writes_register_members_pairs_and_duckdb(run_dir):
    import duckdb

    register = pd.read_parquet(run_dir / "register.parquet")
    members = pd.read_parquet(run_dir / "members.parquet")
    assert register["master_id"].is_unique and register["is_migrant"].dtype == bool
    assert register["residence_county"].dropna().str.fullmatch(r"\d{6}").all()
    assert {"master_id", "feed", "record_key", "match_probability"} <= set(members.columns)
    con = duckdb.connect(str(run_dir / "register.duckdb"), read_only=True)
    assert con.execute("select count(*) from register").fetchall()[0][0] == len(register)
    assert (run_dir / "model.json").exists() and (run_dir / "pairs.parquet").exists()
    for extra in ("report.html", "manifest.json", "ledgers"):
        assert (run_dir / extra).exists()


def test_pairs_table_masks_ids_and_phones(run_dir):
    pairs = pd.read_parquet(run_dir / "pairs.parquet")
    for column in ("id_number_l", "id_text_r", "guardian_phone_l"):
        values = pairs[column].dropna()
        assert len(values) and values.str.contains(r"\*").all()


def test_run_with_missing_feeds_names_each_file_without_traceback(prefect_harness, tmp_path, capsys):
    assert main(["run", str(tmp_path), "--as-of", "2026-06-30", "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4 and all("file not found" in e for e in errors)
    assert "Traceback" not in captured.err + captured.out


def test_demo_generates_feeds_and_runs_the_flow(prefect_harness, tmp_path, capsys):
    from flows.cli import main

    feeds, out = tmp_path / "feeds", tmp_path / "out"
    assert main(["demo", "--children", "120", "--feeds", str(feeds), "--out", str(out)]) == 0
    assert (feeds / "police.csv").is_file()
    assert (out / "manifest.json").is_file() and list((out / "ledgers").glob("*.xlsx"))
    assert "children in the register" in capsys.readouterr().out
