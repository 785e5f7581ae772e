"""Blocking rules: which pairs the model compares at all."""

from __future__ import annotations

from splink import block_on
from splink.blocking_rule_library import CustomRule

EACH = "[]"  # `family_names[]`: a list column; records share a block when any of its values is shared
EITHER = "either:"  # `either:is_placeholder`: only pairs where that flag is true on at least one side


def blocking_rules(rules: list[list[str]]) -> list:
    """Splink blocking rules from the configured lists of columns (any rule admits a pair): the
    pair is equal on each column; a list column marked `[]` is exploded, so sharing any one of
    its values (a parent's name) is enough; `either:<flag>` keeps only pairs where the flag is
    true on one side at least."""
    return [_rule(columns) for columns in rules]


def _rule(columns: list[str]):
    flags = [c.removeprefix(EITHER) for c in columns if c.startswith(EITHER)]
    keys = [c.removesuffix(EACH) for c in columns if not c.startswith(EITHER)]
    exploded = [c.removesuffix(EACH) for c in columns if c.endswith(EACH)] or None
    if not flags:
        return block_on(*keys, arrays_to_explode=exploded)
    equal = [f"l.{c} = r.{c}" for c in keys]
    either = [f"(l.{c} OR r.{c})" for c in flags]
    return CustomRule(" AND ".join(equal + either), sql_dialect="duckdb", arrays_to_explode=exploded)
