"""How noisy the synthetic feeds are: every item of FEEDS.md's 'what really arrives' has a rate."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class NoiseSettings:
    """Rates for every kind of mess. `default()` is the everyday export; `hard()` far more of it."""

    # IDs, per feed: blank, mistyped (bad check digit), stored by Excel as a number (education only)
    id_missing: dict[str, float] = field(
        default_factory=lambda: {"police": 0.02, "education": 0.15, "health": 0.5, "vaccination": 0.6}
    )
    id_typo: float = 0.02
    id_excel_number: float = 0.05
    historic_id_prefix: float = 0.3  # of children born where a historic code applies
    # names
    homophone: float = 0.05
    traditional: float = 0.02
    stray_space: float = 0.03
    swapped_given: float = 0.01
    lookalike: float = 0.01
    renamed: float = 0.01  # known by another name in some department (new given name, other surname, 小名)
    infant_placeholder: float = 0.3  # of health/vaccination records of children under one
    twin_birth_order: float = 0.5  # of twins' placeholders: the birth order marked (李丽之子1, 李丽之大子)
    minority_name: float = 0.01
    # dates
    day_month_swap: float = 0.01
    digit_off: float = 0.01
    year_off: float = 0.003
    # contacts and places
    phone_format: float = 0.2
    phone_changed: float = 0.05
    household_moved: float = 0.05
    # A moved family's records. False: any record may carry the new address (police and schools
    # re-register after the move, health and vaccination records keep their first date). True:
    # each record carries the address of its date, the old one before the move, the new one after.
    moves_dated: bool = False
    household_code_blank: float = 0.3  # vaccination's 户籍县区编码
    household_county_omitted: float = 0.0  # of household texts: the county left out (湖北省武汉市, 南阳市)
    # families and populations
    twins: float = 0.02
    siblings: float = 0.15
    within_feed_duplicate: dict[str, float] = field(
        default_factory=lambda: {"police": 0.02, "education": 0.05, "health": 0.05, "vaccination": 0.01}
    )
    coverage: dict[str, float] = field(
        default_factory=lambda: {"police": 0.7, "education": 0.9, "health": 0.85, "vaccination": 0.8}
    )
    local_household: float = 0.2
    exempt_move: float = 0.1
    aged_16_plus: float = 0.06
    recent_arrival: float = 0.08
    # rows that must be quarantined
    bad_rows: float = 0.002

    @classmethod
    def default(cls) -> "NoiseSettings":
        """The generator's everyday level of noise."""
        return cls()

    @classmethod
    def hard(cls) -> "NoiseSettings":
        """Far more of everything: IDs missing from most infant rows and half the school rows,
        heavy name and date noise, many twins, changed phones, moved households, renamed children."""
        return replace(
            cls(),
            id_missing={"police": 0.08, "education": 0.5, "health": 0.9, "vaccination": 0.9},
            id_typo=0.06,
            id_excel_number=0.12,
            homophone=0.2,
            traditional=0.06,
            stray_space=0.1,
            swapped_given=0.05,
            lookalike=0.05,
            renamed=0.03,
            infant_placeholder=0.6,
            day_month_swap=0.04,
            digit_off=0.04,
            year_off=0.01,
            phone_format=0.5,
            phone_changed=0.25,
            household_moved=0.2,
            twins=0.06,
            siblings=0.25,
            within_feed_duplicate={"police": 0.05, "education": 0.1, "health": 0.1, "vaccination": 0.03},
            bad_rows=0.005,
        )

    @classmethod
    def named(cls, level: str) -> "NoiseSettings":
        """'default' or 'hard'."""
        if level not in ("default", "hard"):
            raise ValueError(f"noise level must be 'default' or 'hard', not {level!r}")
        return cls.default() if level == "default" else cls.hard()
