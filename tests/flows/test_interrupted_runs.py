"""Runs that are killed, interrupted or started twice: the output folder holds exactly one
complete run, a second run into a busy folder says who holds it, and files are the owner's only."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.cli import main
from tests.conftest import AS_OF

PROJECT = Path(__file__).resolve().parents[2]


# The run as an operator starts it in a terminal, where Ctrl-C reaches it: a process started by
# a shell's background job (as CI may be) inherits SIGINT ignored, and would pass it on.
_WITH_CTRL_C = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('flows.cli', run_name='__main__', alter_sys=True)"
)


def _start_run(feeds: Path, out: Path, *extra: str) -> subprocess.Popen:
    args = ["run", str(feeds), "--as-of", AS_OF.isoformat(), "--out", str(out), *extra]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return subprocess.Popen(
        [sys.executable, "-c", _WITH_CTRL_C, *args],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def assert_one_complete_run(out: Path) -> str:
    """Every file the manifest lists is there with its hash, and nothing else is: returns the
    run's start time, to tell runs apart."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {item["file"] for item in manifest["outputs"].values()}
    for item in manifest["outputs"].values():
        assert hashlib.sha256((out / item["file"]).read_bytes()).hexdigest() == item["sha256"], item["file"]
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert present - listed == {"manifest.json", "run.log"}, present - listed
    return manifest["started"]


@pytest.fixture(scope="module")
def first_run(run_dir, tmp_path_factory) -> Path:
    """A copy of the session's run, to be replaced by runs that are killed part-way."""
    import shutil

    out = tmp_path_factory.mktemp("killed") / "out"
    shutil.copytree(run_dir, out)
    return out


@pytest.mark.parametrize("seconds", [3.0, 9.0, 12.0, 14.0])
def test_a_run_killed_at_any_point_leaves_one_complete_run(first_run, feeds_dir, seconds):
    before = assert_one_complete_run(first_run)
    run = _start_run(feeds_dir, first_run, "--model", str(first_run / "model.json"))
    try:
        run.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)  # the run and the temporary server it started
        run.wait()
    after = assert_one_complete_run(first_run)  # the earlier run whole, or (killed after the swap) the new one
    assert after >= before


def test_an_interrupted_run_says_so_replaces_nothing_and_stops_its_server(first_run, feeds_dir):
    before = assert_one_complete_run(first_run)
    run = _start_run(feeds_dir, first_run)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (first_run.parent / f".out.staging-{run.pid}").exists():
        time.sleep(0.2)  # until the flow has started writing its staging folder
    children = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True).stdout.split()
    os.kill(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=60)
    said = err.decode()
    assert run.returncode in (130, 143) and "interrupted" in said and "Traceback" not in said, said[-3000:]
    assert assert_one_complete_run(first_run) == before
    time.sleep(1)
    alive = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert alive == [], "the temporary Prefect server was left running"
    assert not list(first_run.parent.glob(".out.staging-*"))


def test_a_second_run_into_a_busy_folder_says_who_holds_it(first_run, feeds_dir, capsys):
    run = _start_run(feeds_dir, first_run, "--model", str(first_run / "model.json"))
    try:
        lock = first_run.parent / ".out.lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (lock.exists() and f"pid {run.pid}," in lock.read_text("utf-8")):
            time.sleep(0.2)
        assert main(["run", str(feeds_dir), "--as-of", AS_OF.isoformat(), "--out", str(first_run)]) == 2
        err = capsys.readouterr().err
        assert "another run is writing this folder" in err and f"pid {run.pid}" in err
    finally:
        run.wait(timeout=120)
    assert run.returncode == 0
    assert_one_complete_run(first_run)


def test_outputs_are_readable_by_their_owner_only(run_dir):
    for path in [run_dir, *run_dir.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_by"]["user"] and manifest["run_by"]["host"]
