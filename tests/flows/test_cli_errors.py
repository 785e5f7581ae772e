"""A newcomer's mistakes: each ends in one `error:` line naming what is wrong and what to do,
exit status 2, no traceback, and before any heavy work (the flow is never started)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import flows.half_yearly
from flows.cli import build_parser, main
from linkage.config import DEFAULT_CONFIG_DIR

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_flow(monkeypatch):
    """Fails the test if a run gets as far as starting the flow."""

    def refuse(**kwargs):
        raise AssertionError("the flow started: the mistake was not caught before the heavy work")

    monkeypatch.setattr(flows.half_yearly, "half_yearly_run", refuse)


def _error_lines(capsys) -> list[str]:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert lines and all(line.startswith("error: ") for line in lines), lines
    return lines


def _run(feeds: Path, out: Path, *extra: str) -> list[str]:
    return ["run", str(feeds), "--as-of", "2026-06-30", "--out", str(out), *extra]


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda tmp: tmp / "nowhere", "no such folder"),
        (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "not a run's output folder"),
        (lambda tmp: (tmp / "members.parquet").write_bytes(b"") or tmp / "members.parquet", "is a file"),
    ],
)
def test_previous_that_is_not_a_run_folder(feeds_dir, tmp_path, capsys, no_flow, make, expected):
    previous = make(tmp_path)
    assert main(_run(feeds_dir, tmp_path / "out", "--previous", str(previous))) == 2
    (line,) = _error_lines(capsys)
    assert str(previous) in line and expected in line and "--previous" in line


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "no such model file"),
        ("{not json", "not JSON"),
        (json.dumps({"name": "a list of children"}), "not a Splink model"),
        (json.dumps({"link_type": "dedupe_only", "comparisons": [], "surprise": 1}), "not a Splink model this version"),
        (
            json.dumps(
                {
                    "link_type": "link_and_dedupe",
                    "comparisons": [{"output_column_name": "first_name", "comparison_levels": []}],
                }
            ),
            "trained for other comparisons",
        ),
    ],
)
def test_model_that_is_missing_or_not_a_model(feeds_dir, tmp_path, capsys, no_flow, content, expected):
    model = tmp_path / "model.json"
    if content is not None:
        model.write_text(content, encoding="utf-8")
    assert main(_run(feeds_dir, tmp_path / "out", "--model", str(model))) == 2
    (line,) = _error_lines(capsys)
    assert str(model) in line and expected in line


def test_a_model_written_by_a_run_is_accepted(run_dir):
    from flows.half_yearly import read_model

    assert read_model(str(run_dir / "model.json"))["link_type"] == "link_and_dedupe"


def test_a_file_where_the_feeds_folder_is_expected(feeds_dir, tmp_path, capsys, no_flow):
    assert main(_run(feeds_dir / "police.csv", tmp_path / "out")) == 2
    (line,) = _error_lines(capsys)
    assert "police.csv: is a file, not a folder" in line and str(feeds_dir) in line


def test_check_on_a_file_says_so_too(feeds_dir, capsys):
    assert main(["check", str(feeds_dir / "police.csv")]) == 2
    (line,) = _error_lines(capsys)
    assert "is a file, not a folder" in line


def test_out_that_is_a_file(feeds_dir, tmp_path, capsys, no_flow):
    out = tmp_path / "out.txt"
    out.write_text("notes", encoding="utf-8")
    assert main(_run(feeds_dir, out)) == 2
    (line,) = _error_lines(capsys)
    assert str(out) in line and "must name a folder" in line


def _config_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, folder)
    return folder


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        ("policy.toml", 'city = "平顶山市"\n', "", "missing setting 'city'"),
        (
            "policy.toml",
            "max_age_years = 16",
            'max_age_years = "sixteen"',
            "max_age_years: Input should be a valid integer",
        ),
        (
            "model.toml",
            "match_threshold = 0.95",
            "match_threshold = 1.5",
            "match_threshold: Input should be less than 1",
        ),
        ("model.toml", "seed = 42", "seed = 42\nseeds = 1", "unknown setting 'training.seeds'"),
        ("feeds/health.toml", 'format = "csv"', 'format = "txt"', "format: Input should be 'csv' or 'excel'"),
        ("care.toml", "min_age = 6", "min_age = [6]", "gaps.0.min_age: Input should be a valid integer"),
        ("names.toml", '"明朋", ', '"明朋", "朋鹏", ', "朋 is in two look-alike groups, 明朋 and 朋鹏: merge them"),
        ("names.toml", '"乐 le yue", ', '"乐 le yue", "柏 bai", ', "polyphones: '柏 bai' is not a character and two"),
        ("names.toml", '"乐 le yue", ', '"乐 le yue", "乐 yue", ', "polyphones: '乐 yue' is not a character and two"),
        ("names.toml", '"柏 bai bo", ', '"柏 bai bo", "柏 bo bai", ', "polyphones: 柏 is listed twice"),
        ("feeds/police.toml", 'encoding = "utf-8-sig"', 'encoding = "utf-8-sig"\ndelimiter = "tab"', "delimiter"),
    ],
)
def test_configuration_mistakes_name_file_key_and_expectation(
    feeds_dir, tmp_path, capsys, no_flow, file, old, new, expected
):
    config = _config_copy(tmp_path)
    path = config / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["--config", str(config), *_run(feeds_dir, tmp_path / "out")]) == 2
    lines = _error_lines(capsys)
    assert any(str(path) in line and expected in line for line in lines), lines


def test_check_names_every_missing_feed(tmp_path, capsys):
    (tmp_path / "police.csv").write_text("记录编号,姓名\nGA1,张三\n", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 2
    lines = _error_lines(capsys)
    for name in ("education.xlsx", "health.csv", "vaccination.csv"):
        assert any(name in line and "file not found" in line for line in lines), lines


def test_synth_into_a_folder_that_is_not_empty_asks_for_force(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["synth", str(tmp_path), "--children", "5"]) == 2
    (line,) = _error_lines(capsys)
    assert "not empty" in line and "--force" in line
    assert main(["synth", str(tmp_path), "--children", "5", "--force"]) == 0
    assert (tmp_path / "police.csv").exists() and (tmp_path / "keep.txt").exists()


def _childreg(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_unreachable_prefect_api_says_how_to_run_locally(feeds_dir, tmp_path):
    done = _childreg(*_run(feeds_dir, tmp_path / "out"), env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("error: the Prefect API at http://127.0.0.1:9/api")
    assert "does not answer" in done.stderr and "PREFECT_PROFILE=ephemeral" in done.stderr
    assert not (tmp_path / "out").exists()


def test_version_and_help():
    done = _childreg("--version")
    assert done.returncode == 0 and done.stdout.strip().startswith("childreg 0.")
    synth_help = _childreg("synth", "--help").stdout
    for line in ("OUT/police.csv", "OUT/education.xlsx", "OUT/truth/records.csv", "childreg synth data/try"):
        assert line in synth_help


def test_every_argument_says_its_format_with_an_example():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 - argparse keeps them there
    for name, command in [("childreg", parser), *commands.items()]:
        for action in command._actions:  # noqa: SLF001
            if action.dest in ("help", "version", "command", "action") or action.nargs == 0:
                continue
            assert action.help and "e.g." in action.help, (name, action.dest)


def test_a_stop_is_recognised_however_deep_it_surfaced():
    from flows.cli import _stopped_by

    class SplinkLike(Exception):
        pass

    def wrapped(inner: BaseException) -> Exception:
        try:
            raise inner
        except BaseException as exc:
            try:
                raise SplinkLike("Error executing the following sql ...") from exc
            except SplinkLike as outer:
                return outer

    class TerminationSignal(Exception):  # Prefect's, on SIGTERM
        pass

    assert _stopped_by(wrapped(RuntimeError("Query interrupted"))) == 130  # DuckDB's, on Ctrl-C
    assert _stopped_by(wrapped(KeyboardInterrupt())) == 130
    assert _stopped_by(wrapped(TerminationSignal())) == 143
    assert _stopped_by(wrapped(RuntimeError("Binder Error: column not found"))) is None
