"""The scheduled deployment in prefect.yaml: when it runs, for which half-year, into which folder."""

import asyncio
import datetime as dt
import importlib
import inspect
from pathlib import Path

import yaml
from prefect.server.schemas.schedules import CronSchedule

from flows.half_yearly import plan_run
from linkage.periods import CHINA_TIME

PREFECT_YAML = Path(__file__).resolve().parents[2] / "prefect.yaml"


def _deployment() -> dict:
    return yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))["deployments"][0]


def test_runs_at_two_on_1_january_and_1_july_beijing_time():
    schedule = _deployment()["schedules"][0]
    cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])
    dates = asyncio.run(cron.get_dates(n=4, start=dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc)))
    local = [(t.year, t.month, t.day, t.hour, t.minute) for t in (d.astimezone(CHINA_TIME) for d in dates)]
    assert local == [(2027, 1, 1, 2, 0), (2027, 7, 1, 2, 0), (2028, 1, 1, 2, 0), (2028, 7, 1, 2, 0)]


def test_a_scheduled_run_covers_the_half_year_just_ended_and_writes_its_own_folder(tmp_path):
    params = _deployment()["parameters"]
    new_year = dt.datetime(2027, 1, 1, 2, tzinfo=CHINA_TIME).astimezone(dt.timezone.utc)
    plan = plan_run(params["feeds"], None, None, None, str(tmp_path), new_year)
    assert plan.period.label == "2026H2" and plan.as_of == dt.date(2026, 12, 31)
    assert plan.out == tmp_path / "2026H2" and plan.feeds == Path("data/incoming/2026H2")
    assert plan.previous is None
    (tmp_path / "2026H2").mkdir()
    (tmp_path / "2026H2" / "members.parquet").write_bytes(b"")
    july = dt.datetime(2027, 7, 1, 2, tzinfo=CHINA_TIME)
    plan = plan_run(params["feeds"], None, None, None, str(tmp_path), july)
    assert plan.period.label == "2027H1" and plan.previous == tmp_path / "2026H2"


def test_entrypoint_is_the_flow_and_takes_the_parameters():
    deployment = _deployment()
    module, name = deployment["entrypoint"].split(":")
    flow = getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), name)
    assert flow.name == "half-yearly-run"
    assert set(deployment["parameters"]) <= set(inspect.signature(flow.fn).parameters)
    assert deployment["work_pool"]["name"] == "childreg"
