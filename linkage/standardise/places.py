"""Places: county and township of residence, county of household registration, addresses."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from linkage.config import DivisionRules, Policy
from linkage.standardise.divisions import DivisionTable, region_prefix
from linkage.standardise.values import is_missing, map_distinct

_PUNCTUATION = str.maketrans("", "", ",，。、;；:：()（）[]【】\"'“”")
# A note in brackets (租住, 暂住, 门面房); a dash other than one between two numbers (12-1号).
_NOTES = re.compile(r"[(\[【][^)\]】]*[)\]】]|(?<!\d)-|-(?!\d)")
# Small numbers in Chinese before a building word: 十二号 -> 12号, 三单元 -> 3单元.
_CHINESE_NUMBER = re.compile(
    r"(?<![一二三四五六七八九十百千零〇])([一二三四五六七八九十]{1,3})(?=号|栋|单元|楼|层|室|组|排|巷)"
)
_ANY_CHINESE_NUMBER = re.compile("[一二三四五六七八九十]")
_DIGITS = {c: n for n, c in enumerate("一二三四五六七八九", start=1)}
_CODE_AS_TEXT = re.compile(r"\d{6}(?:\d{3}|\d{6})?(?:\.0+)?")
# Building words unified: 号楼/幢/座 -> 栋, # -> 号; a trailing 室 or 户 dropped.
_BUILDING_WORDS = (("号楼", "栋"), ("幢", "栋"), ("座", "栋"), ("#", "号"), ("＃", "号"))


# A township before the street (东安路街道 is a township too, 新镇路 a street): 城关镇人民路1号 -> 人民路1号.
_TOWNSHIP_FIRST = re.compile(r"^[^号区县市]{1,6}?(?:街道办事处|街道|镇|乡)(?![路街道巷村])")


def normalise_address(raw: str | None, prefixes: tuple[str, ...] = ()) -> str | None:
    """Full-width forms folded, spaces and punctuation removed, leading province, city, county and
    township names dropped, building words unified (号楼/幢/座 -> 栋), so that two spellings of one
    address compare equal."""
    if is_missing(raw):
        return None
    text = _compact(raw)
    if "(" in text or "[" in text or "【" in text or "-" in text:  # most have none: skip the pattern
        text = _NOTES.sub("", text)
    text = text.translate(_PUNCTUATION)
    if _ANY_CHINESE_NUMBER.search(text):
        text = _CHINESE_NUMBER.sub(lambda m: _number(m[1]), text)
    text = _without_prefixes(text, prefixes)
    if township := _leading_township(text):
        text = text[len(township) :]
    for word, replacement in _BUILDING_WORDS:
        text = text.replace(word, replacement)
    if text.endswith(("室", "户")):
        text = text[:-1]
    return text or None


def _number(chinese: str) -> str:
    """十二 -> 12, 二十 -> 20, 三 -> 3; a form it does not read (十十) is kept as written."""
    tens, _, ones = chinese.rpartition("十")
    if "十" not in chinese:
        return str(_DIGITS[chinese]) if len(chinese) == 1 else chinese
    if tens not in ("", *_DIGITS) or ones not in ("", *_DIGITS):
        return chinese
    return str(_DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0))


def township_named_in_address(raw: str | None, prefixes: tuple[str, ...] = ()) -> str | None:
    """The township (街道, 镇, 乡) an address begins with once the province, city and county are
    set aside: 平顶山市新华区曙光街街道建设路12号 -> 曙光街街道; None for 新镇路3号 (a street)."""
    if is_missing(raw):
        return None
    return _leading_township(_without_prefixes(_compact(raw), prefixes))


def _compact(raw: object) -> str:
    """Full-width forms folded and whitespace of every width removed."""
    return "".join(unicodedata.normalize("NFKC", str(raw)).split())


def _without_prefixes(text: str, prefixes: tuple[str, ...]) -> str:
    """`text` with every leading prefix taken off, longest first, as long as something is left."""
    longest_first, starts = _longest_first(prefixes)
    while text[:1] in starts and (
        found := next((p for p in longest_first if text.startswith(p) and len(text) > len(p)), None)
    ):
        text = text[len(found) :]
    return text


def _leading_township(text: str) -> str | None:
    """The township `text` begins with, if something follows it (城关镇人民路1号 -> 城关镇)."""
    if not any(word in text[:12] for word in ("街道", "镇", "乡")):  # most addresses: skip the pattern
        return None
    match = _TOWNSHIP_FIRST.match(text)
    return match.group(0) if match and match.end() < len(text) else None


@lru_cache(maxsize=8)
def _longest_first(prefixes: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The prefixes, longest first, and the characters they begin with."""
    return tuple(sorted(prefixes, key=len, reverse=True)), frozenset(p[:1] for p in prefixes)


def address_prefixes(policy: Policy) -> tuple[str, ...]:
    """What some departments write before an address and others leave out: the province, the
    city, and the county-level unit by its full name or a full alias (新华区, 高新区; never a
    bare 新华, which begins 新华路)."""
    units = [*policy.counties.values(), *policy.county_aliases]
    full = sorted({u for u in units if u.endswith(("区", "县", "市"))}, key=len, reverse=True)
    return ("河南省", "河南", policy.city, policy.city.removesuffix("市"), *full)


def county_code_from_name(name: str | None, policy: Policy) -> str | None:
    """A Pingdingshan county-level unit from its name or a common short form (卫东区, 高新区)."""
    if is_missing(name):
        return None
    text = _compact(name).removeprefix("河南省").removeprefix("河南").removeprefix(policy.city)
    text = text.removeprefix(policy.city.removesuffix("市"))
    names = dict(_unit_names(policy))
    # A field that holds only the name may write it without 区, 县 or 市 (卫东, 汝州, 叶).
    return names.get(text) or next((code for unit, code in names.items() if unit[:-1] == text and text), None)


def counties_named_in_addresses(addresses: pd.Series, policy: Policy) -> pd.Series:
    """Per address, the county-level unit of this city it begins with once the province and the
    city are set aside (河南省平顶山市湛河区…, 湛河区…, 舞钢市…, 高新区…); None for an address that
    names none, or another city's. Only the beginning counts: 新华路 is a street, not 新华区."""
    names = _unit_names(policy)
    if addresses.empty:
        return pd.Series(index=addresses.index, dtype=object)
    text = addresses.astype("string").str.normalize("NFKC").str.replace(r"\s+", "", regex=True)
    city = re.escape(policy.city.removesuffix("市"))
    pattern = f"^(?:河南省|河南)?(?:{city}市?)?(?P<unit>{'|'.join(re.escape(n) for n, _ in names)})"
    found = text.str.extract(pattern, expand=True)["unit"]
    return found.map(dict(names)).astype(object).where(found.notna(), None)


def _unit_names(policy: Policy) -> tuple[tuple[str, str], ...]:
    """(name, code) for every name of every unit of the city: as in the policy, without the
    city's name, and its aliases; longest first, so that 平顶山高新技术产业开发区 is found before
    高新区."""
    return _names_longest_first(tuple(policy.counties.items()), tuple(policy.county_aliases.items()), policy.city)


@lru_cache(maxsize=4)
def _names_longest_first(
    counties: tuple[tuple[str, str], ...], aliases: tuple[tuple[str, str], ...], city: str
) -> tuple[tuple[str, str], ...]:
    names = {unit.removeprefix(city).removeprefix(city.removesuffix("市")): code for code, unit in counties}
    names.update({unit: code for code, unit in counties})
    names.update(dict(aliases))
    return tuple(sorted(names.items(), key=lambda kv: -len(kv[0])))


def residence_county_from_code(code: str | None, policy: Policy) -> tuple[str | None, str | None]:
    """(county, problem) for a residence code of 6 or more digits that must be a unit of this city."""
    if is_missing(code):
        return None, None
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(code)))
    if len(digits) < 6:
        return None, f"residence code {code!r} is not a division code"
    county = digits[:6]
    if county not in policy.counties:
        return None, f"residence code {code!r} is not a county-level unit of {policy.city}"
    return county, None


def legal_county(
    county: str | None, township: str | None, policy: Policy, rules: DivisionRules, *named_in: str | None
) -> str | None:
    """The legal county of residence: a township coded under a statistical zone belongs to a real
    county (config/divisions.toml), found by its code, else by its name in `named_in` (the
    record's township name, its address); for other townships it is the county itself."""
    if county is None:
        return None
    if county not in policy.zones:
        return county
    by_code = rules.zone_townships.get(township or "")
    return by_code or zone_township_named(" ".join(t for t in named_in if isinstance(t, str)), rules)


def zone_township_named(text: str | None, rules: DivisionRules) -> str | None:
    """The legal county of the one configured zone township that `text` names (遵化店 or
    遵化店镇; a 街道 also without 办事处), or None."""
    if not text:
        return None
    found = {county for name, county in rules.zone_township_names.items() if _township_stem(name) in text}
    return found.pop() if len(found) == 1 else None


def legal_counties_shared_by_code(records: pd.DataFrame, zones: frozenset[str]) -> pd.Series:
    """`records["residence_legal_county"]`, with each zone township whose legal county is unknown
    given the one that other records of the same township code name (a police record coded
    410471100, where a health record of 410471100 names 遵化店镇). A code whose records name two
    legal counties stays unknown."""
    legal = records["residence_legal_county"]
    coded = records["residence_county"].isin(zones) & records["residence_township"].notna()
    unknown = coded & legal.isna()
    if not unknown.any():
        return legal
    known = records.loc[coded & legal.notna(), ["residence_township", "residence_legal_county"]]
    counties = known.groupby("residence_township")["residence_legal_county"].agg(["first", "nunique"])
    by_code = counties.loc[counties["nunique"] == 1, "first"]
    return legal.where(~unknown, records["residence_township"].map(by_code))


def _is_code(value: str | None) -> bool:
    """A division code (6, 9 or 12 digits) typed into a field meant for a place's name."""
    return not is_missing(value) and bool(_CODE_AS_TEXT.fullmatch(str(value).strip()))


def _township_stem(name: str) -> str:
    return re.sub(r"(街道办事处|街道|办事处|镇|乡)$", "", name)


def household_county(
    code: str | None, text: str | None, id_number: str | None, table: DivisionTable, policy: Policy
) -> tuple[str | None, str | None, str | None]:
    """(county, source, problem): from the code if it is a known county, else from the text,
    else from the first six digits of a valid ID. Sources: 'code', 'text', 'id_prefix'. Failing
    all three, a text that names only a prefecture or a province outside the city (湖北省武汉市,
    南阳市) gives that unit's code, source 'region': the county is not known, but it is not one
    of the city's. (The city's own prefecture or province, 平顶山市, 河南省, gives nothing.)"""
    problem = None
    code = None if is_missing(code) else code
    text = None if is_missing(text) else text
    if not code and _is_code(text):
        code, text = text, None  # the code typed where the text goes
    if code:
        digits = re.sub(r"\D", "", str(code))
        current = table.current_code(digits[:6]) if len(digits) >= 6 else None
        if current:
            return current, "code", None
        problem = f"household code {code!r} is not a known county-level code"
    if text:
        found = county_code_from_name(text, policy) or table.county_from_text(text)
        if found:
            return found, "text", problem
    if isinstance(id_number, str):
        current = table.current_code(id_number[:6])
        if current:
            return current, "id_prefix", problem
    region = table.region_from_text(text) if text else None
    if region and not policy.city_code.startswith(region_prefix(region)):  # not a region holding the city
        return region, "region", problem
    return None, None, problem


def _with_id_prefix(
    found: tuple[str | None, str | None, str | None], id_number: str, table: DivisionTable, policy: Policy
) -> tuple[str | None, str | None, str | None]:
    """A household found without the ID (none, or only its region), now with the ID's prefix,
    which names the county and so comes before a region."""
    county, source, _ = household_county(None, None, id_number, table, policy)
    return (county, source, found[2]) if county else found


def _school_county(name: str | None, policy: Policy) -> tuple[str | None, str | None]:
    if _is_code(name):
        return residence_county_from_code(name, policy)  # the county's code where its name goes
    found = county_code_from_name(name, policy)
    return found, None if found or is_missing(name) else f"school county {name!r} is not a unit of {policy.city}"


def standardise_places(
    raw: pd.DataFrame,
    ids: pd.Series,
    table: DivisionTable,
    policy: Policy,
    rules: DivisionRules,
    township_from_key: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Place columns for one feed's raw table. Returns (places, problems by field)."""
    n = len(raw)
    col = lambda name: raw[name] if name in raw else pd.Series([None] * n, index=raw.index, dtype=object)  # noqa: E731
    township_code = col("residence_township_code").astype(object)
    if township_from_key:
        township_code = col("record_key").map(
            lambda k: k[:9] if isinstance(k, str) and re.fullmatch(r"\d{9,}", k) else None
        )
    # The county of residence: the department's code; else the county the residence address
    # names; else the school's county (a school roster has no code, and the school may lie in
    # another county than the home).
    coded = map_distinct(
        [township_code, col("residence_county_code")],
        lambda tcode, ccode: residence_county_from_code(tcode or ccode, policy),
    )
    found = pd.Series([c[0] for c in coded], index=raw.index, dtype=object)
    problem = pd.Series([c[1] for c in coded], index=raw.index, dtype=object)
    named = found.isna() & col("residence_address").notna()
    if named.any():
        found[named] = counties_named_in_addresses(col("residence_address")[named], policy)
        problem[found.notna()] = None
    by_school = found.isna() & col("residence_county_name").notna()
    if by_school.any():
        school = map_distinct([col("residence_county_name")[by_school]], lambda n: _school_county(n, policy))
        found[by_school] = [c[0] for c in school]
        problem[by_school] = [c[1] for c in school]
    county = found.tolist()
    problems_residence = problem.tolist()
    townships = [
        t if isinstance(t, str) and len(t) >= 9 and c and t.startswith(c) else None
        for t, c in zip(township_code, county, strict=True)
    ]
    # Code and text decide the household county for most rows; the ID's prefix is the last resort.
    household = map_distinct(
        [col("household_code"), col("household_text")],
        lambda code, text: household_county(code, text, None, table, policy),
    )
    household = [
        h if (h[0] is not None and h[1] != "region") or not isinstance(i, str) else _with_id_prefix(h, i, table, policy)
        for h, i in zip(household, ids, strict=True)
    ]
    prefixes = address_prefixes(policy)
    # A record with no township, neither code nor name, is placed in the one its address begins
    # with (a school roster's 现住址 城关镇人民路1号), for the ledger's 现居住乡镇（街道）.
    township_names = pd.Series(map_distinct([col("residence_township_name")], normalise_address), index=raw.index)
    unnamed = township_names.isna() & pd.Series([t is None for t in townships], index=raw.index)
    if unnamed.any():
        township_names[unnamed] = map_distinct(
            [col("residence_address")[unnamed]], lambda a: township_named_in_address(a, prefixes)
        )
    places = pd.DataFrame(
        {
            "residence_county": county,
            "residence_township": townships,
            "residence_township_name": township_names.tolist(),
            "residence_legal_county": [
                legal_county(c, t, policy, rules, n, a)
                for c, t, n, a in zip(
                    county, townships, col("residence_township_name"), col("residence_address"), strict=True
                )
            ],
            "residence_address": map_distinct([col("residence_address")], lambda a: normalise_address(a, prefixes)),
            "household_county": [h[0] for h in household],
            "household_county_source": [h[1] for h in household],
        },
        index=raw.index,
    )
    problems = pd.DataFrame(
        {
            "residence_county": problems_residence,
            "household_county": [h[2] for h in household],
        },
        index=raw.index,
    )
    return places, problems
