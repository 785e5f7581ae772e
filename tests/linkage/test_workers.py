"""Worker processes: they end with the run that started them."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import os, sys, time
from pathlib import Path
from linkage.workers import workers

def busy(folder):
    Path(folder, str(os.getpid())).touch()
    end = time.time() + 60
    while time.time() < end:
        pass

if __name__ == "__main__":
    folder = sys.argv[1]
    with workers(True, 2) as submit:
        futures = [submit(busy, folder) for _ in range(2)]
        while len(os.listdir(folder)) < 2:
            time.sleep(0.1)
        print("ready", flush=True)
        [f.result() for f in futures]
"""


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_the_run_is_killed(tmp_path):
    (tmp_path / "run.py").write_text(SCRIPT)
    pids = tmp_path / "pids"
    pids.mkdir()
    run = subprocess.Popen(
        [sys.executable, str(tmp_path / "run.py"), str(pids)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "ready"
        workers = [int(p.name) for p in pids.iterdir()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        run.send_signal(signal.SIGTERM)
        run.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in workers), "workers outlived the run"
    finally:
        run.kill()
