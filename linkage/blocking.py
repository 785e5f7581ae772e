"""Blocking rules: which pairs the model compares at all."""

from __future__ import annotations

from splink import block_on


def blocking_rules(rules: list[list[str]]) -> list:
    """Splink blocking rules from the configured lists of columns (any rule admits a pair)."""
    return [block_on(*columns) for columns in rules]


def blocking_rule_sql(columns: list[str]) -> str:
    """The SQL condition of one rule, for reports."""
    return " AND ".join(f'l."{c}" = r."{c}"' for c in columns)
