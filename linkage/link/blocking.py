"""Blocking rules: which pairs the model compares at all."""

from __future__ import annotations

from dataclasses import dataclass

from splink import block_on
from splink.blocking_rule_library import CustomRule

EACH = "[]"  # `family_names[]`: a list column; records share a block when any of its values is shared
EITHER = "either:"  # `either:is_placeholder`: only pairs where that flag is true on at least one side


@dataclass(frozen=True)
class RuleParts:
    """One configured rule, read: the columns the two records must agree on, which of them are
    lists to explode (one shared value is enough), and the flags one record at least must have."""

    columns: tuple[str, ...]
    exploded: tuple[str, ...]
    flags: tuple[str, ...]


def rule_parts(marked: list[str]) -> RuleParts:
    """A configured rule's entries (`name_pinyin`, `family_names[]`, `either:is_placeholder`) read."""
    return RuleParts(
        columns=tuple(c.removesuffix(EACH) for c in marked if not c.startswith(EITHER)),
        exploded=tuple(c.removesuffix(EACH) for c in marked if c.endswith(EACH)),
        flags=tuple(c.removeprefix(EITHER) for c in marked if c.startswith(EITHER)),
    )


def blocking_rules(rules: list[list[str]]) -> list:
    """Splink blocking rules from the configured lists of columns (any rule admits a pair): the
    pair is equal on each column; a list column marked `[]` is exploded, so sharing any one of
    its values (a parent's name) is enough; `either:<flag>` keeps only pairs where the flag is
    true on one side at least."""
    return [_rule(rule_parts(columns)) for columns in rules]


def _rule(parts: RuleParts):
    exploded = list(parts.exploded) or None
    if not parts.flags:
        return block_on(*parts.columns, arrays_to_explode=exploded)
    equal = [f"l.{c} = r.{c}" for c in parts.columns]
    either = [f"(l.{c} OR r.{c})" for c in parts.flags]
    return CustomRule(" AND ".join(equal + either), sql_dialect="duckdb", arrays_to_explode=exploded)
