"""The national table of county-level divisions, offline.

Built from the national division table shipped in `linkage/reference/county_divisions.csv`
(source and licence in the README beside it), plus the additions in `config/divisions.toml`:
the two Pingdingshan statistical zones and historic codes found in older ID numbers. Finds a
county from a code or from free text such as 河南省南阳市宛城区.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources

import pandas as pd

from linkage.config import Config, DivisionRules

DIVISIONS_FILE = "county_divisions.csv"
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "新区",
    "林区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
)


def region_prefix(code: str) -> str:
    """What every county code in a prefecture or province begins with: 420100 -> 4201, 420000 -> 42."""
    return code[:2] if code.endswith("0000") else code[:4]


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass
class DivisionTable:
    """County-level units by code, with the lookups that text matching needs."""

    names: dict[str, str]  # 6-digit code -> name, all levels
    historic: dict[str, str]
    home_prefixes: tuple[str, ...]  # preferred when a county name is ambiguous
    _county_by_name: dict[str, list[str]] = field(default_factory=dict)
    _parent_by_name: dict[str, set[str]] = field(default_factory=dict)
    _pattern: re.Pattern | None = None
    _text_cache: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code, name in self.names.items():
            if code.endswith("00") or name == "市辖区":
                continue
            for key in {name, _short(name)}:
                self._county_by_name.setdefault(key, []).append(code)
        parents = [n for c, n in self.names.items() if c.endswith("00")]
        for code, name in self.names.items():
            if code.endswith("00"):
                for key in {name, _short(name)}:
                    self._parent_by_name.setdefault(key, set()).add(code)
        words = set(self._county_by_name) | set(parents) | {_short(p) for p in parents}
        alternation = "|".join(sorted((re.escape(w) for w in words if len(w) >= 2), key=len, reverse=True))
        self._pattern = re.compile(alternation)

    def current_code(self, code: str | None) -> str | None:
        """Today's code for a 6-digit county code; historic codes are mapped, unknown ones give None."""
        if not code:
            return None
        code = self.historic.get(code, code)
        return code if code in self.names and not code.endswith("00") else None

    def name(self, code: str | None) -> str | None:
        """The unit's name, e.g. 410403 -> 卫东区."""
        return self.names.get(code) if code else None

    def full_name(self, code: str | None) -> str | None:
        """Province, prefecture and county: 411302 -> 河南省南阳市宛城区."""
        if not code or code not in self.names:
            return None
        parts = [self.names.get(code[:2] + "0000"), self.names.get(code[:4] + "00"), self.names[code]]
        out: list[str] = []
        for part in parts:
            if part and part != "市辖区" and not any(part in o or o in part for o in out):
                out.append(part)
        return "".join(out)

    def county_from_text(self, text: str | None) -> str | None:
        """The county-level unit named in free text, or None when none or several fit equally."""
        if not text or self._pattern is None:
            return None
        if text not in self._text_cache:
            self._text_cache[text] = self._county_from_text(text)
        return self._text_cache[text]

    def region_from_text(self, text: str | None) -> str | None:
        """The prefecture, or failing one the province, that free text names where it names no
        county: 湖北省武汉市 -> 420100, 南阳市 -> 411300, 湖北省 -> 420000. None when it names
        none, or several that do not nest."""
        if not text or self._pattern is None:
            return None
        named = set().union(*(self._parent_by_name.get(word, set()) for word in self._pattern.findall(text)))
        provinces = {code for code in named if code.endswith("0000")}
        prefectures = {code for code in named - provinces if not provinces or code[:2] + "0000" in provinces}
        if len(prefectures) == 1:
            return prefectures.pop()
        return provinces.pop() if len(provinces) == 1 and not prefectures else None

    def _county_from_text(self, text: str) -> str | None:
        if self._pattern is None:
            return None
        found = self._pattern.findall(text)
        options = [(word, self._county_by_name[word]) for word in found if word in self._county_by_name]
        if not options:
            return None
        parent_codes = set().union(*(self._parent_by_name.get(w, set()) for w in found))
        # A word that also names a province or prefecture (河北, 南阳) is that, when a county is named too.
        counties = [o for o in options if o[0] not in self._parent_by_name] or options
        # The prefecture named decides before the province named (河北省石家庄市新华区), and both
        # before a county name standing alone.
        for fits in (lambda c: c[:4] + "00" in parent_codes, lambda c: c[:2] + "0000" in parent_codes, lambda c: True):
            for _, candidates in counties:
                within = [c for c in candidates if fits(c)]
                if len(within) == 1:
                    return within[0]
        for prefix in self.home_prefixes:
            for _, candidates in counties:
                local = [c for c in candidates if c.startswith(prefix)]
                if len(local) == 1:
                    return local[0]
        return None


def load_division_table(rules: DivisionRules, home_prefixes: tuple[str, ...]) -> DivisionTable:
    """The national table shipped with the package, with the configured additions."""
    with resources.files("linkage.reference").joinpath(DIVISIONS_FILE).open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str)
    names = dict(zip(table["code"], table["name"], strict=True))
    names.update(rules.extra)
    return DivisionTable(names=names, historic=dict(rules.historic), home_prefixes=home_prefixes)


def division_table(config: Config) -> DivisionTable:
    """The national division table, preferring this city and province for ambiguous names."""
    return load_division_table(config.divisions, (config.policy.city_code, config.policy.province_code))
