"""Typed configuration parsed once from the files under `config/`.

Feed mappings, the policy (exempt districts, ages), the division-table additions, the name
rules, the model's thresholds and the staff-facing texts all live in TOML files, so that a
county is onboarded by editing a file, never code. Each file is checked by a pydantic model:
a missing key, an unknown key or a value of the wrong type is one error line naming the file,
the key and what is expected.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from linkage.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"
FEEDS = ("police", "education", "health", "vaccination")


def _text(value: Any) -> Any:
    """A code written as a TOML number (410402) is the same code as "410402"."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _spellings(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


Code = Annotated[str, BeforeValidator(_text)]
County = Annotated[str, BeforeValidator(_text), Field(pattern=r"^\d{6}$")]
Spellings = Annotated[tuple[str, ...], BeforeValidator(_spellings)]


class _Settings(BaseModel):
    """A configuration object: immutable, and no key it does not know."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FeedMapping(_Settings):
    """How one department's export is laid out: file, format, encoding and header spellings."""

    feed: Literal["police", "education", "health", "vaccination"]
    file: str
    format: Literal["csv", "excel"]
    columns: dict[str, Spellings]
    required: tuple[str, ...] = ()
    encoding: str = "utf-8"
    delimiter: str = Field(default=",", min_length=1, max_length=1)  # a CSV's: "\t" for a tab-separated export
    sheet: str | None = None
    date_formats: dict[str, str] = {}
    numeric_destroys: tuple[str, ...] = ()
    township_from_key: bool = False
    # What the department's system writes in an empty cell (NULL, \\N, N/A): read as blank.
    blank_markers: frozenset[str] = frozenset()

    @model_validator(mode="after")
    def _keys_are_mapped(self) -> FeedMapping:
        if "record_key" not in self.columns:
            raise ValueError("columns must map record_key")
        unknown = sorted(set(self.required) - set(self.columns))
        if unknown:
            raise ValueError(f"required fields not mapped in [columns]: {', '.join(unknown)}")
        return self


class Policy(_Settings):
    """The migrant-child definition and the city's county-level units."""

    city: str
    city_code: Annotated[str, BeforeValidator(_text), Field(pattern=r"^\d{4}$")]
    province_code: Annotated[str, BeforeValidator(_text), Field(pattern=r"^\d{2}$")]
    max_age_years: int = Field(gt=0)
    min_months_resident: int = Field(ge=0)
    exempt_group: frozenset[County]
    counties: dict[County, str]
    county_aliases: dict[str, County] = {}
    zones: frozenset[County] = frozenset()
    zone_legal_counties: frozenset[County] = frozenset()
    # Feeds whose local date is a first date, kept when the address is updated: a record of theirs
    # placing a child away from home is not overruled by a newer record at home.
    first_date_feeds: frozenset[Literal["police", "education", "health", "vaccination"]] = frozenset()


class DivisionRules(_Settings):
    """Additions to the national division table: zones, historic codes, zone townships."""

    extra: dict[County, str] = {}
    historic: dict[County, County] = {}
    zone_townships: dict[Annotated[str, Field(pattern=r"^\d{9}$")], County] = {}
    # The same townships by name, for a department whose codes for them are not the ones above.
    zone_township_names: dict[str, County] = {}


class NameRules(_Settings):
    """Placeholder patterns, nicknames and compound surnames."""

    placeholder_patterns: tuple[str, ...]
    nicknames: frozenset[str] = frozenset()
    compound_surnames: tuple[str, ...]
    # Marks of a twin's birth order in a placeholder (李丽之子1, 李丽之大子), each with the order it
    # gives: a tuple, so that the patterns built from it are built once and cached.
    birth_order_marks: tuple[tuple[str, int], ...] = ()


class EngineConfig(_Settings):
    """Where Splink's SQL runs (`[engine]` in model.toml; `childreg run --backend` overrides
    `backend`)."""

    backend: Literal["duckdb", "spark"] = "duckdb"
    # DuckDB: memory it may hold while training and predicting; beyond it, it spills to disk.
    duckdb_memory_limit: str = "2GB"
    # Spark: the master for a local session (local[*]); under spark-submit the session it made
    # is used as it is. Shuffle partitions: a few per core of the cluster.
    spark_master: str = "local[*]"
    spark_shuffle_partitions: int = Field(default=8, ge=1)
    spark_driver_memory: str = "4g"
    # Shared storage for Spark's checkpoints (a cluster needs a folder every executor can reach).
    spark_checkpoint_dir: str = ""


class ModelConfig(_Settings):
    """Thresholds, blocking and training settings of the linkage model."""

    version: str
    match_threshold: float
    ambiguity_margin: float
    uncertain_below: float
    prediction_blocking: list[list[str]]
    u_max_pairs: float
    possibly_same_above: float = 0.5
    corroborated_above: float = 0.5
    seed: int
    deterministic_rules: list[list[str]]
    deterministic_recall: float
    em_blocking: list[list[str]]
    m_floor: float = 0.005
    lookalike_groups: tuple[str, ...] = ()
    # Characters read more than one way in names, each with its readings (names.toml [readings]).
    name_readings: tuple[tuple[str, tuple[str, ...]], ...] = ()
    engine: EngineConfig = EngineConfig()


class CareGap(_Settings):
    """A child of these ages whom `missing_feed` does not hold has a gap in care."""

    label: str
    min_age: int
    max_age: int
    missing_feed: Literal["police", "education", "health", "vaccination"]
    follow_up: str


class ServiceCategory(_Settings):
    """A basic public service category and who it applies to."""

    area: str
    category: str
    min_age: int
    max_age: int
    grades: tuple[str, ...] = ()


class CareRules(_Settings):
    """Gaps in care and service categories, from `config/care.toml` (staff may edit it)."""

    gaps: tuple[CareGap, ...] = ()
    services: tuple[ServiceCategory, ...] = ()


class LedgerTexts(_Settings):
    """Texts staff read in the ledgers, from `config/ledger.toml`: what each column means, and
    what to check in the field for each conflict between departments."""

    column_meanings: dict[str, str]
    conflict_checks: dict[str, str]
    fill_in: dict[str, tuple[str, ...]] = {}


class ReasonText(_Settings):
    """How a reason the register records reads in Chinese, and what the department should correct."""

    match: str
    problem: str
    fix: str


class Texts(_Settings):
    """Chinese texts for analysts and departments, from `config/texts.toml`."""

    feeds: dict[str, str] = {}
    actions: dict[str, str] = {}
    reasons: tuple[ReasonText, ...] = ()

    def explain(self, reason: object) -> ReasonText | None:
        """The first entry whose `match` begins `reason`; None where only the catch-all fits."""
        text = str(reason or "")
        return next((r for r in self.reasons if r.match and text.startswith(r.match)), None)

    def catch_all(self) -> ReasonText:
        """The entry for a reason no other entry explains (`match = ""`)."""
        return next((r for r in self.reasons if not r.match), ReasonText(match="", problem="其他问题", fix="请核对"))


class Config(_Settings):
    """Everything a run reads from `config/`."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    feeds: dict[str, FeedMapping]
    policy: Policy
    divisions: DivisionRules
    names: NameRules
    model: ModelConfig
    directory: Path
    care: CareRules = CareRules()
    ledger: LedgerTexts = LedgerTexts(column_meanings={}, conflict_checks={})
    texts: Texts = Texts()


# The files' own shapes, where they differ from the objects above.


class _Placeholders(_Settings):
    patterns: tuple[str, ...]
    nicknames: tuple[str, ...] = ()
    birth_order: dict[Annotated[str, Field(pattern=r"^[1-9]$")], tuple[str, ...]] = {}


class _Listed(_Settings):
    list: tuple[str, ...]


class _Groups(_Settings):
    groups: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _disjoint(self) -> _Groups:
        # A character in two groups would join both groups' names: one group each.
        seen: dict[str, str] = {}
        for group in self.groups:
            for char in group:
                if char in seen and seen[char] != group:
                    raise ValueError(f"{char} is in two look-alike groups, {seen[char]} and {group}: merge them")
                seen[char] = group
        return self


class _Readings(_Settings):
    polyphones: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _well_formed(self) -> _Readings:
        seen: set[str] = set()
        for entry in self.polyphones:
            char, *readings = entry.split()
            if len(char) != 1 or len(readings) < 2 or not all(r.isascii() and r.isalpha() for r in readings):
                raise ValueError(
                    f"polyphones: {entry!r} is not a character and two readings or more in toneless pinyin "
                    "(such as '乐 le yue')"
                )
            if char in seen:
                raise ValueError(f"polyphones: {char} is listed twice: one entry each")
            seen.add(char)
        return self

    def table(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each character with its readings, lowercase."""
        return tuple((char, tuple(r.lower() for r in readings)) for char, *readings in map(str.split, self.polyphones))


class _NamesFile(_Settings):
    placeholders: _Placeholders
    compound_surnames: _Listed
    lookalikes: _Groups = _Groups()
    readings: _Readings = _Readings()


class _Training(_Settings):
    u_max_pairs: float = Field(gt=0)
    seed: int
    deterministic_rules: list[list[str]]
    deterministic_recall: float = Field(gt=0, le=1)
    em_blocking: list[list[str]]
    m_floor: float = Field(default=0.005, ge=0, lt=1)


class _ModelFile(_Settings):
    version: Code
    match_threshold: float = Field(gt=0, lt=1)
    ambiguity_margin: float = Field(ge=0)
    uncertain_below: float = Field(gt=0, le=1)
    possibly_same_above: float = Field(default=0.5, gt=0, lt=1)
    corroborated_above: float = Field(default=0.5, gt=0, le=1)
    prediction_blocking: list[list[str]] = Field(min_length=1)
    training: _Training
    engine: EngineConfig = EngineConfig()


def _load_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a configuration file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def describe_errors(path: Path, error: ValidationError) -> str:
    """One line per problem: the file, the key (dotted, with list positions) and what is expected."""
    lines = []
    for problem in error.errors(include_url=False):
        key = ".".join(str(part) for part in problem["loc"]) or "(the whole file)"
        if problem["type"] == "missing":
            lines.append(f"{path}: missing setting {key!r}")
        elif problem["type"] == "extra_forbidden":
            lines.append(f"{path}: unknown setting {key!r} (misspelt, or in the wrong [section]?)")
        else:
            found = repr(problem.get("input"))
            found = found if len(found) <= 60 else found[:57] + "..."
            lines.append(f"{path}: {key}: {problem['msg'].removeprefix('Value error, ')} (found {found})")
    return "\n".join(lines)


_Parsed = TypeVar("_Parsed", bound=BaseModel)


def parse_file(path: Path, schema: type[_Parsed], raw: dict | None = None) -> _Parsed:
    """Read `path` (or take its already-read `raw` contents) and check it against `schema`."""
    try:
        return schema.model_validate(_load_toml(path) if raw is None else raw)
    except ValidationError as exc:
        raise ConfigError(describe_errors(path, exc)) from None


def load_feed_mapping(path: Path) -> FeedMapping:
    """Parse one feed mapping file."""
    return parse_file(path, FeedMapping)


def load_care_rules(path: Path) -> CareRules:
    """Parse the gaps-in-care and service-category file."""
    return parse_file(path, CareRules)


def load_config(directory: Path | str | None = None) -> Config:
    """Load every configuration file from `directory` (the project's `config/` by default)."""
    directory = Path(directory) if directory else DEFAULT_CONFIG_DIR
    if not directory.is_dir():
        raise ConfigError(
            f"{directory}: no such configuration folder; --config takes a folder like the "
            f"project's config/ ({DEFAULT_CONFIG_DIR})"
        )
    feeds = {name: load_feed_mapping(directory / "feeds" / f"{name}.toml") for name in FEEDS}
    for name, mapping in feeds.items():
        if mapping.feed != name:
            raise ConfigError(
                f"{directory / 'feeds' / f'{name}.toml'}: feed: must be {name!r} in this file (found {mapping.feed!r})"
            )
    names = parse_file(directory / "names.toml", _NamesFile)
    model = parse_file(directory / "model.toml", _ModelFile)
    return Config(
        feeds=feeds,
        policy=parse_file(directory / "policy.toml", Policy),
        divisions=parse_file(directory / "divisions.toml", DivisionRules),
        names=NameRules(
            placeholder_patterns=names.placeholders.patterns,
            nicknames=frozenset(names.placeholders.nicknames),
            compound_surnames=names.compound_surnames.list,
            birth_order_marks=tuple(
                (mark, int(order)) for order, marks in names.placeholders.birth_order.items() for mark in marks
            ),
        ),
        model=ModelConfig(
            **model.model_dump(exclude={"training"}),
            **model.training.model_dump(),
            lookalike_groups=names.lookalikes.groups,
            name_readings=names.readings.table(),
        ),
        directory=directory,
        care=load_care_rules(directory / "care.toml"),
        ledger=parse_file(directory / "ledger.toml", LedgerTexts),
        texts=parse_file(directory / "texts.toml", Texts),
    )


def with_backend(config: Config, backend: str | None) -> Config:
    """`config` with the linkage on `backend` ("duckdb" or "spark") instead; as it is for None."""
    if not backend:
        return config
    engine = EngineConfig.model_validate({**config.model.engine.model_dump(), "backend": backend})
    return config.model_copy(update={"model": config.model.model_copy(update={"engine": engine})})
