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
