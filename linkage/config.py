"""Typed configuration parsed once from the files under `config/`.

Feed mappings, the policy (exempt districts, ages), the division-table additions and the name
rules all live in TOML files so that a county is onboarded by editing a file, never code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from linkage.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_DIR = PROJECT_ROOT / "config"
FEEDS = ("police", "education", "health", "vaccination")


@dataclass(frozen=True)
class FeedMapping:
    """How one department's export is laid out: file, format, encoding and header spellings."""

    feed: str
    file: str
    format: str
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    encoding: str = "utf-8"
    sheet: str | None = None
    date_formats: dict[str, str] = field(default_factory=dict)
    numeric_destroys: tuple[str, ...] = ()
    township_from_key: bool = False


@dataclass(frozen=True)
class Policy:
    """The migrant-child definition and the city's county-level units."""

    city: str
    city_code: str
    province_code: str
    max_age_years: int
    min_months_resident: int
    exempt_group: frozenset[str]
    counties: dict[str, str]
    county_aliases: dict[str, str]
    zones: frozenset[str] = frozenset()
    zone_legal_counties: frozenset[str] = frozenset()


@dataclass(frozen=True)
class DivisionRules:
    """Additions to the national division table: zones, historic codes, zone townships."""

    extra: dict[str, str]
    historic: dict[str, str]
    zone_townships: dict[str, str]


@dataclass(frozen=True)
class NameRules:
    """Placeholder patterns, nicknames and compound surnames."""

    placeholder_patterns: tuple[str, ...]
    nicknames: frozenset[str]
    compound_surnames: tuple[str, ...]


@dataclass(frozen=True)
class ModelConfig:
    """Thresholds, blocking and training settings of the linkage model."""

    version: str
    match_threshold: float
    ambiguity_margin: float
    uncertain_below: float
    prediction_blocking: list[list[str]]
    u_max_pairs: float
    seed: int
    deterministic_rules: list[list[str]]
    deterministic_recall: float
    em_blocking: list[list[str]]
    m_floor: float = 0.005
    lookalike_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class CareGap:
    """A child of these ages whom `missing_feed` does not hold has a gap in care."""

    label: str
    min_age: int
    max_age: int
    missing_feed: str
    follow_up: str


@dataclass(frozen=True)
class ServiceCategory:
    """A basic public service category and who it applies to."""

    area: str
    category: str
    min_age: int
    max_age: int
    grades: tuple[str, ...] = ()


@dataclass(frozen=True)
class CareRules:
    """Gaps in care and service categories, from `config/care.toml` (staff may edit it)."""

    gaps: tuple[CareGap, ...]
    services: tuple[ServiceCategory, ...]


@dataclass(frozen=True)
class Config:
    """Everything a run reads from `config/`."""

    feeds: dict[str, FeedMapping]
    policy: Policy
    divisions: DivisionRules
    names: NameRules
    model: ModelConfig
    directory: Path
    care: CareRules = CareRules((), ())


def _load_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _spellings(value: str | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def load_feed_mapping(path: Path) -> FeedMapping:
    """Parse one feed mapping file."""
    raw = _load_toml(path)
    try:
        mapping = FeedMapping(
            feed=raw["feed"],
            file=raw["file"],
            format=raw["format"],
            columns={k: _spellings(v) for k, v in raw["columns"].items()},
            required=tuple(raw.get("required", [])),
            encoding=raw.get("encoding", "utf-8"),
            sheet=raw.get("sheet"),
            date_formats=dict(raw.get("date_formats", {})),
            numeric_destroys=tuple(raw.get("numeric_destroys", [])),
            township_from_key=bool(raw.get("township_from_key", False)),
        )
    except KeyError as exc:
        raise ConfigError(f"{path}: missing setting {exc.args[0]!r}") from None
    if mapping.format not in ("csv", "excel"):
        raise ConfigError(f"{path}: format must be 'csv' or 'excel', not {mapping.format!r}")
    if "record_key" not in mapping.columns:
        raise ConfigError(f"{path}: columns must map record_key")
    unknown = set(mapping.required) - set(mapping.columns)
    if unknown:
        raise ConfigError(f"{path}: required fields not mapped: {sorted(unknown)}")
    return mapping


def load_care_rules(path: Path) -> CareRules:
    """Parse the gaps-in-care and service-category file."""
    raw = _load_toml(path)
    try:
        gaps = tuple(CareGap(g["label"], int(g["min_age"]), int(g["max_age"]), g["missing_feed"], g["follow_up"])
                     for g in raw.get("gaps", []))
        services = tuple(ServiceCategory(s["area"], s["category"], int(s["min_age"]), int(s["max_age"]),
                                         tuple(s.get("grades", ()))) for s in raw.get("services", []))
    except KeyError as exc:
        raise ConfigError(f"{path}: a gap or service lacks the setting {exc.args[0]!r}") from None
    unknown = {g.missing_feed for g in gaps} - set(FEEDS)
    if unknown:
        raise ConfigError(f"{path}: missing_feed must be one of {', '.join(FEEDS)}, not {sorted(unknown)}")
    return CareRules(gaps, services)


def load_config(directory: Path | str | None = None) -> Config:
    """Load every configuration file from `directory` (the project's `config/` by default)."""
    directory = Path(directory) if directory else DEFAULT_CONFIG_DIR
    feeds = {name: load_feed_mapping(directory / "feeds" / f"{name}.toml") for name in FEEDS}
    pol = _load_toml(directory / "policy.toml")
    div = _load_toml(directory / "divisions.toml")
    names = _load_toml(directory / "names.toml")
    policy = Policy(
        city=pol["city"],
        city_code=str(pol["city_code"]),
        province_code=str(pol["province_code"]),
        max_age_years=int(pol["max_age_years"]),
        min_months_resident=int(pol["min_months_resident"]),
        exempt_group=frozenset(str(c) for c in pol["exempt_group"]),
        counties={str(k): v for k, v in pol["counties"].items()},
        county_aliases={k: str(v) for k, v in pol.get("county_aliases", {}).items()},
        zones=frozenset(str(c) for c in pol.get("zones", [])),
        zone_legal_counties=frozenset(str(c) for c in pol.get("zone_legal_counties", [])),
    )
    divisions = DivisionRules(
        extra={str(k): v for k, v in div.get("extra", {}).items()},
        historic={str(k): str(v) for k, v in div.get("historic", {}).items()},
        zone_townships={str(k): str(v) for k, v in div.get("zone_townships", {}).items()},
    )
    name_rules = NameRules(
        placeholder_patterns=tuple(names["placeholders"]["patterns"]),
        nicknames=frozenset(names["placeholders"].get("nicknames", [])),
        compound_surnames=tuple(names["compound_surnames"]["list"]),
    )
    mod = _load_toml(directory / "model.toml")
    training = mod["training"]
    model = ModelConfig(
        version=str(mod["version"]),
        match_threshold=float(mod["match_threshold"]),
        ambiguity_margin=float(mod["ambiguity_margin"]),
        uncertain_below=float(mod["uncertain_below"]),
        prediction_blocking=[list(r) for r in mod["prediction_blocking"]],
        u_max_pairs=float(training["u_max_pairs"]),
        seed=int(training["seed"]),
        deterministic_rules=[list(r) for r in training["deterministic_rules"]],
        deterministic_recall=float(training["deterministic_recall"]),
        em_blocking=[list(r) for r in training["em_blocking"]],
        m_floor=float(training.get("m_floor", 0.005)),
        lookalike_groups=tuple(names.get("lookalikes", {}).get("groups", [])),
    )
    care = load_care_rules(directory / "care.toml")
    return Config(feeds, policy, divisions, name_rules, model, directory, care)
