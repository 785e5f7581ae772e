"""Shared fixtures: configuration and small generated feed folders (session-scoped, made once)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from linkage.config import load_config
from linkage.synth import NoiseSettings, generate_feeds

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def feeds_dir(tmp_path_factory) -> Path:
    """About 1,500 feed rows at the default noise, with truth."""
    folder = tmp_path_factory.mktemp("feeds")
    generate_feeds(folder, 800, seed=11, noise=NoiseSettings.default(), as_of=AS_OF)
    return folder


@pytest.fixture(scope="session")
def checked(feeds_dir, config):
    from linkage.pipeline import check_feeds

    return check_feeds(feeds_dir, config, AS_OF)


@pytest.fixture(scope="session")
def built(checked, config):
    """The register built once on the small generated feeds, training the model on them."""
    from linkage.pipeline import build_register

    return build_register(checked.standardised, config, AS_OF)


@pytest.fixture(scope="session", autouse=True)
def prefect_logging_before_any_capture():
    """Prefect's console handler keeps the stream it first writes to. Set up here, it holds the
    session's stderr, not the capture of whichever test first ran a command, closed after it."""
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (about 9 s)."""
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def run_dir(prefect_harness, feeds_dir, tmp_path_factory) -> Path:
    """`childreg run` on the small generated feeds: the half-yearly flow, once for the session."""
    from flows.cli import main

    out = tmp_path_factory.mktemp("run")
    assert main(["run", str(feeds_dir), "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 0
    return out
