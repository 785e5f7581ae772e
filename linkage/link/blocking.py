"""Blocking rules: which pairs the model compares at all."""

from __future__ import annotations

from splink import block_on

EACH = "[]"  # a list column written `family_names[]` blocks on each of its values


def blocking_rules(rules: list[list[str]]) -> list:
    """Splink blocking rules from the configured lists of columns (any rule admits a pair). A
    list column marked `[]` is exploded: two records share a block when any of its values is
    shared (a parent's name)."""
    return [
        block_on(
            *(c.removesuffix(EACH) for c in columns),
            arrays_to_explode=[c.removesuffix(EACH) for c in columns if c.endswith(EACH)] or None,
        )
        for columns in rules
    ]
