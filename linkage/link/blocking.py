"""Blocking rules: which pairs the model compares at all."""

from __future__ import annotations

from splink import block_on


def blocking_rules(rules: list[list[str]]) -> list:
    """Splink blocking rules from the configured lists of columns (any rule admits a pair)."""
    return [block_on(*columns) for columns in rules]
