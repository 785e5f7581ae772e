"""Benchmark of the whole half-yearly run: feeds to ledgers, report, feedback and manifest.

For each size, in a fresh process (so that peak memory is that size's own): generate synthetic
feeds once (cached in data/bench/<records>/), run the chain of stages of `linkage.pipeline` on them
as the flow does (without Prefect's server), and print each stage's wall time and peak resident
memory (this process's with its worker processes'). In the same process it then times the bare
Splink work on the same standardised records (training and prediction, nothing of ours around
them), and prints every time beside its ratio to that baseline, so figures from machines of
different speed can be compared.

Usage: python benchmarks/run.py [--records 100000 300000 1000000] [--noise default|hard]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from linkage.pipeline import StageObserver, StageRunner

AS_OF = dt.date(2026, 6, 30)
BENCH_DATA = Path("data/bench")


def _descendants(pid: int) -> list[int]:
    """The processes started by `pid`, and theirs (the ledgers' writers), from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while being read
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _rss_bytes(pids: list[int] | None = None) -> int:
    """Resident memory now of this process and `pids` (Linux)."""
    total = 0
    for pid in [os.getpid(), *(pids or [])]:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * 4096
        except OSError:  # the process has ended
            continue
    return total


def _cpu_seconds() -> float:
    """CPU time used so far by this process and its workers, ended (reaped) or still running."""
    t = os.times()
    running = 0
    for pid in _descendants(os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the worker ended while being read
            continue
        running += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return t.user + t.system + t.children_user + t.children_system + running / os.sysconf("SC_CLK_TCK")


class PeakMemory(StageObserver):
    """Samples resident memory (this process's and its workers') every 50 ms. Stages may run at
    once (the run writes its tables, ledgers, report and feedback together): a spell is the time
    from one stage starting while none runs to the last of them finishing. Each stage records the
    peak of its spell, and the spell's CPU time over its wall time (how many cores it kept busy;
    workers count once they end, and each stage that starts workers ends them)."""

    def __init__(self) -> None:
        self.peaks: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.busy: dict[str, float] = {}
        self.together: dict[str, int] = {}  # stage -> how many stages its spell held
        self._running: set[str] = set()
        self._spell: list[str] = []
        self._spell_start = (0.0, 0.0)
        self._lock = threading.Lock()
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        workers: list[int] = []
        for n in itertools.count():
            if self._stop.wait(0.05):
                return
            if n % 20 == 0:  # looking through /proc for new workers costs more than reading memory
                workers = _descendants(os.getpid())
            self._peak = max(self._peak, _rss_bytes(workers))

    def reset(self) -> None:
        self._peak = _rss_bytes()

    def peak_gib(self) -> float:
        return max(self._peak, _rss_bytes()) / 1024**3

    def started(self, stage: str) -> None:
        with self._lock:
            if not self._running:
                self.reset()
                self._spell = []
                self._spell_start = (time.perf_counter(), _cpu_seconds())
            self._running.add(stage)
            self._spell.append(stage)

    def finished(self, stage: str, counts: str, seconds: float) -> None:
        with self._lock:
            self._running.discard(stage)
            self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds
            if self._running:
                return
            wall, cpu = time.perf_counter() - self._spell_start[0], _cpu_seconds() - self._spell_start[1]
            for name in self._spell:
                self.peaks[name] = max(self.peaks.get(name, 0.0), self.peak_gib())
                self.busy[name] = cpu / wall if wall else 0.0
                self.together[name] = len(self._spell)

    def stop(self) -> None:
        self._stop.set()


def feeds_for(records: int, noise: str, seed: int) -> Path:
    """Synthetic feeds of about `records` rows, generated once and kept for later runs."""
    from linkage.synth import NoiseSettings, generate_feeds
    from linkage.synth.feeds import RECORDS_PER_CHILD

    folder = BENCH_DATA / f"{records}_{noise}_{seed}"
    if not (folder / "truth" / "records.csv").exists():
        t = time.perf_counter()
        generate_feeds(
            folder, int(records / RECORDS_PER_CHILD), seed=seed, noise=NoiseSettings.named(noise), as_of=AS_OF
        )
        print(f"  generated {folder} in {time.perf_counter() - t:.0f} s", flush=True)
    return folder


def bare_splink(standardised, config) -> tuple[float, float]:
    """Seconds of Splink's own work on the run's records: training, then prediction."""
    from linkage.link.linkage_input import linkage_input
    from linkage.link.model import linker_for, train_linker

    records = linkage_input(standardised, config.model.lookalike_groups)
    t = time.perf_counter()
    linker = train_linker(records, config.model)
    settings = linker.misc.save_model_to_json()
    train = time.perf_counter() - t
    t = time.perf_counter()
    linker_for(records, settings, config.model.engine).inference.predict(threshold_match_probability=0.01)
    return train, time.perf_counter() - t


def measure(records: int, noise: str, seed: int) -> dict:
    """One size, in this process: the run's stages, then the bare Splink baseline."""
    from linkage.config import load_config
    from linkage.pipeline import build_register, check_feeds, for_outputs, publish_run
    from linkage.publish.manifest import build_manifest, write_manifest
    from linkage.standardise.divisions import division_table

    folder = feeds_for(records, noise, seed)
    config = load_config()
    memory = PeakMemory()
    runner = StageRunner(memory)
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        divisions = division_table(config)
        checked = check_feeds(folder, config, AS_OF, runner, divisions)
        register = build_register(checked.standardised, config, AS_OF, runner=runner)
        checked = for_outputs(checked)
        published = publish_run(out, checked, register, config, divisions, AS_OF, runner)
        memory.started("write manifest")
        t = time.perf_counter()
        manifest = build_manifest(
            period="2026H1",
            as_of=AS_OF,
            checked=checked,
            register=register,
            ledger_counts=published.ledgers.assign(file=published.ledgers["file"].map(lambda p: Path(p).name)),
            model={"version": config.model.version},
            outputs=published.files,
            timings=runner.timings,
            started=started,
            folder=out,
        )
        write_manifest(manifest, out / "manifest.json")
        memory.finished("write manifest", "", time.perf_counter() - t)
    whole = time.perf_counter() - t0
    run_peak = max(memory.peaks.values())
    del checked, register, published
    # The run let the standardised table go before its outputs: the baseline reads it again.
    standardised = check_feeds(folder, config, AS_OF, StageRunner(), division_table(config)).standardised
    memory.reset()
    train, predict = bare_splink(standardised, config)
    memory.stop()
    return {
        "records": records,
        "rows": manifest["rows"]["rows_read"],
        "stages": {s: [memory.seconds[s], memory.peaks[s], memory.busy[s], memory.together[s]] for s in memory.seconds},
        "whole": whole,
        "peak": run_peak,
        "splink_train": train,
        "splink_predict": predict,
    }


def report(result: dict) -> None:
    """Print one size's figures: each stage's seconds, ratio to bare Splink, peak memory, and how
    many cores it kept busy on average (CPU seconds over wall seconds)."""
    base = result["splink_train"] + result["splink_predict"]
    print(
        f"\n{result['records']:,} feed records: whole run {result['whole']:.1f} s "
        f"({result['whole'] / base:.2f}× bare Splink), peak {result['peak']:.2f} GiB"
    )
    print(
        f"  bare Splink (baseline): {base:.1f} s = training {result['splink_train']:.1f} s "
        f"+ prediction {result['splink_predict']:.1f} s"
    )
    print(f"  {'stage':28s} {'seconds':>8s} {'× Splink':>9s} {'peak GiB':>9s} {'cores busy':>11s}")
    for stage, (seconds, peak, busy, together) in result["stages"].items():
        mark = "  ∥ at once" if together > 1 else ""
        print(f"  {stage:28s} {seconds:8.1f} {seconds / base:9.2f} {peak:9.2f}{busy:11.2f}{mark}")
    print("  (∥: stages run at the same time; their peak and cores busy are of them together)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--noise", choices=["default", "hard"], default="default")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.records[0], args.noise, args.seed)))
        return
    results = []
    for records in args.records:
        print(f"measuring {records:,} records ...", flush=True)
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                "--records",
                str(records),
                "--noise",
                args.noise,
                "--seed",
                str(args.seed),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print(done.stdout, done.stderr, file=sys.stderr)
            sys.exit(done.returncode)
        lines = done.stdout.strip().splitlines()
        print("\n".join(lines[:-1]))
        results.append(json.loads(lines[-1]))
        report(results[-1])
    for smaller, larger in zip(results, results[1:], strict=False):
        growth = larger["records"] / smaller["records"]
        print(
            f"\n{growth:.1f}× the records ({smaller['records']:,} -> {larger['records']:,}): "
            f"{larger['whole'] / smaller['whole']:.2f}× the time, {larger['peak'] / smaller['peak']:.2f}× the memory"
        )


if __name__ == "__main__":
    main()
