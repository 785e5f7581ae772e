"""Render the world's children as the four departments' exports, noisy, with ground truth."""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from linkage.config import Config, load_config
from linkage.standardise.ids import check_digit
from linkage.synth import noise as N
from linkage.synth import vocabulary as V
from linkage.synth.settings import NoiseSettings
from linkage.synth.world import Child, Place, World

POLICE_HEADER = [
    "记录编号",
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "户籍地区划代码",
    "户籍地址",
    "居住地区划代码",
    "居住地址",
    "居住登记日期",
    "监护人姓名",
    "监护人公民身份号码",
    "监护人联系电话",
]
EDUCATION_HEADER = [
    "记录编号",
    "学籍号",
    "姓名",
    "性别",
    "出生日期",
    "身份证件号",
    "户口所在地",
    "现住址",
    "学校名称",
    "学校所在区县",
    "年级",
    "转入日期",
    "监护人姓名",
    "监护人电话",
]
HEALTH_HEADER = [
    "档案编号",
    "儿童姓名",
    "性别",
    "出生日期",
    "身份证号",
    "出生医学证明编号",
    "母亲姓名",
    "母亲身份证号",
    "父亲姓名",
    "联系电话",
    "户籍地址",
    "现住址",
    "现住址乡镇街道",
    "管理机构区划代码",
    "建档日期",
]
VACCINATION_HEADER = [
    "儿童编码",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "监护人姓名",
    "联系电话",
    "户籍县区",
    "户籍县区编码",
    "居住地址",
    "接种单位",
    "接种单位区划代码",
    "首次本地接种日期",
]
RECORDS_PER_CHILD = 1.9  # what the default coverage gives, used to size a run by records


@dataclass
class Record:
    """One feed row before rendering: the child it belongs to and its true local date."""

    feed: str
    child: Child
    local_date: dt.date
    place: Place
    guardian: str  # "mother" or "father"
    key: int = 0  # the record's number in its department's system, kept from one export to the next
    row: list | None = None  # the row as the department holds it, until the record changes


def _age(child: Child, on: dt.date) -> float:
    return (on - child.birth_date).days / 365.25


def _twin_placeholder(mother: str, child: Child, rng: random.Random) -> str:
    """A twin not yet named, as hospitals and clinics tell twins apart: by birth order, each
    department in its own way (李丽之子1, 李丽之大子, 李丽之子（二）, 李丽次子, 二宝)."""
    first = child.twin_of is not None and child.child_id < child.twin_of
    kind = "子" if child.sex == "M" else "女"
    return rng.choice(
        [
            f"{mother}之{kind}{1 if first else 2}",
            f"{mother}之{'大' if first else '小'}{kind}",
            f"{mother}之{kind}（{'一' if first else '二'}）",
            f"{mother}{'长' if first else '次'}{kind}",
            "大宝" if first else "二宝",
        ]
    )


class Renderer:
    """Turns records into rows of each feed's layout, applying the configured noise."""

    def __init__(self, world: World, noise: NoiseSettings, rng: random.Random):
        self.world, self.noise, self.rng = world, noise, rng
        self.counter = 0
        self.next_key: dict[str, int] = {}  # per feed, the next record number a system gives

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def name(self, rec: Record) -> str:
        child, rng, noise = rec.child, self.rng, self.noise
        name = child.renamed_to if child.renamed_to and self._chance(0.5) else child.name
        if (
            rec.feed in ("health", "vaccination")
            and _age(child, rec.local_date) < 1
            and self._chance(noise.infant_placeholder)
        ):
            mother = child.family.mother
            if child.twin_of and self._chance(noise.twin_birth_order):
                return _twin_placeholder(mother, child, rng)
            return rng.choice(
                [
                    f"{mother}之{'子' if child.sex == 'M' else '女'}",
                    "婴儿",
                    rng.choice(V.NICKNAMES),
                    f"{child.surname}{'男' if child.sex == 'M' else '女'}婴",
                ]
            )
        if self._chance(noise.homophone):
            name = N.homophone(name, rng)
        if self._chance(noise.lookalike):
            name = N.lookalike(name, rng)
        if self._chance(noise.swapped_given):
            name = N.swap_given(name, len(child.surname), rng)
        if self._chance(noise.traditional):
            name = N.traditional(name, rng)
        if self._chance(noise.stray_space):
            name = N.stray_space(name, rng)
        return name

    def birth_date(self, child: Child) -> dt.date:
        date = child.birth_date
        if self._chance(self.noise.day_month_swap):
            date = N.swap_day_month(date, self.rng)
        if self._chance(self.noise.digit_off):
            date = N.digit_off(date, self.rng)
        if self._chance(self.noise.year_off):
            date = N.year_off(date, self.rng)
        return date

    def id_number(self, feed: str, child: Child) -> str | float:
        if self._chance(self.noise.id_missing[feed]) or (
            feed != "police" and _age(child, self.world.as_of) < 0.5 and self._chance(0.5)
        ):
            return ""
        value = child.id_number
        if self._chance(self.noise.id_typo):
            value = N.id_typo(value, self.rng)
        if feed == "education" and self._chance(self.noise.id_excel_number):
            return float(int(value[:15]) * 1000)  # Excel keeps 15 significant digits of a number
        if self._chance(0.02):
            value = value.lower() if value.endswith("X") else f" {value} "
        return value

    def birth_certificate(self, child: Child) -> str:
        """The child's birth certificate number as a health centre typed it: a digit wrong at
        the rate IDs are mistyped."""
        value = child.birth_certificate
        if self._chance(self.noise.id_typo):
            value = N.mistype_digit(value, 1, len(value), self.rng)  # the letter stays
        return value

    def phone(self, rec: Record) -> str:
        fam = rec.child.family
        phone = fam.mother_phone if rec.guardian == "mother" else fam.father_phone
        if fam.new_phone and self._chance(0.5):
            phone = fam.new_phone
        return N.phone_format(phone, self.rng) if self._chance(self.noise.phone_format) else phone

    def household_text(self, child: Child, style: str) -> str:
        code, province, prefecture, county = child.family.household
        # Drawn only when asked for: at 0 the generator's output stays what it was.
        if self.noise.household_county_omitted and self._chance(self.noise.household_county_omitted):
            return f"{province}{prefecture}" if self._chance(0.5) else prefecture
        if style == "county":
            return f"{prefecture}{county}" if self._chance(0.7) else f"{province}{prefecture}{county}"
        choice = self.rng.randrange(3)
        if choice == 0:
            return f"{province}{prefecture}{county}"
        if choice == 1:
            return f"{prefecture}{county}"
        return f"{province}{prefecture}{county}{child.family.household_street}"

    def key(self, prefix: str = "") -> int:
        self.counter += 1
        return self.counter


def _local_date(child: Child, feed: str, as_of: dt.date, rng: random.Random) -> dt.date:
    start = child.arrival
    if feed == "education":
        start = max(start, child.birth_date + dt.timedelta(days=6 * 365))
    span = max(0, (as_of - start).days)
    lag = int(min(span, rng.expovariate(1 / 60))) if rng.random() < 0.7 else rng.randint(0, span)
    return start + dt.timedelta(days=lag)


def draw_records(
    world: World, noise: NoiseSettings, rng: random.Random, children: list[Child] | None = None
) -> list[Record]:
    """Which children (all the world's by default) each department holds, and how often."""
    records: list[Record] = []
    for child in world.children if children is None else children:
        first = len(records)
        age = _age(child, world.as_of)
        for feed in ("police", "education", "health", "vaccination"):
            eligible = {"police": True, "education": 6 <= age < 16, "health": age < 7, "vaccination": age < 7}[feed]
            if not eligible or rng.random() >= noise.coverage[feed]:
                continue
            copies = 2 if rng.random() < noise.within_feed_duplicate[feed] else 1
            for _ in range(copies):
                date = _local_date(child, feed, world.as_of, rng)
                fam = child.family
                place = fam.place
                if noise.moves_dated:
                    if fam.moved_to and fam.moved_on and date >= fam.moved_on:
                        place = fam.moved_to
                elif fam.moved_to and rng.random() < 0.5:
                    # The department has the new address: police re-register and schools enrol
                    # after the move; health and vaccination records keep their first date.
                    place = fam.moved_to
                    if feed in ("police", "education") and fam.moved_on:
                        date = min(world.as_of, max(date, fam.moved_on + dt.timedelta(days=rng.randint(0, 20))))
                records.append(Record(feed, child, date, place, rng.choice(["mother", "father"])))
        own = records[first:]
        fam = child.family
        if fam.moved_to and own and all(r.place is fam.place for r in own):
            # The move shows in the feeds: the latest record has the new address.
            latest = max(own, key=lambda r: r.local_date)
            latest.place = fam.moved_to
            if (noise.moves_dated or latest.feed in ("police", "education")) and fam.moved_on:
                latest.local_date = min(world.as_of, max(latest.local_date, fam.moved_on))
    return records


def _police_row(r: Renderer, rec: Record, key: int) -> list:
    c, fam = rec.child, rec.child.family
    guardian = fam.mother if rec.guardian == "mother" else fam.father
    return [
        f"GA{key:010d}",
        r.name(rec),
        "男" if c.sex == "M" else "女",
        c.ethnicity,
        r.birth_date(c).isoformat(),
        r.id_number("police", c),
        fam.household[0],
        r.household_text(c, "full"),
        rec.place.township,
        rec.place.address,
        rec.local_date.strftime("%Y%m%d"),
        guardian,
        _adult_id(fam.household[0], rec.guardian, r.rng),
        r.phone(rec),
    ]


def _adult_id(region: str, role: str, rng: random.Random) -> str:
    birth = dt.date(1975, 1, 1) + dt.timedelta(days=rng.randint(0, 20 * 365))
    seq = rng.randrange(0, 500) * 2 + (1 if role == "father" else 0)
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def _education_row(r: Renderer, rec: Record, key: int, world: World) -> list:
    c, fam, rng = rec.child, rec.child.family, r.rng
    grade = min(8, max(0, int(_age(c, world.as_of)) - 6))
    birth = r.birth_date(c)
    id_value = r.id_number("education", c)
    student = (
        f"G{c.id_number}"
        if rng.random() < 0.8
        else f"{rng.choice('JL')}{fam.household[0]}{c.birth_date:%Y%m%d}{rng.randint(0, 9999):04d}"
    )
    county_name = (
        world.config.policy.counties[rec.place.legal_county]
        if rec.place.legal_county in world.config.policy.counties
        else "高新区"
    )
    if rec.place.county in ("410471", "410472") and rng.random() < 0.5:
        county_name = {"410471": "高新区", "410472": "示范区"}[rec.place.county]
    guardian = fam.mother if rec.guardian == "mother" else fam.father
    birth_cell = birth if rng.random() < 0.5 else birth.strftime("%Y.%m.%d")
    return [
        f"JY{key:09d}",
        student,
        r.name(rec),
        "男" if c.sex == "M" else "女",
        birth_cell,
        id_value,
        r.household_text(c, "full"),
        rec.place.address,
        f"平顶山市{county_name}{rng.choice(V.SCHOOL_WORDS)}",
        county_name,
        V.GRADES[grade],
        rec.local_date,
        guardian,
        r.phone(rec),
    ]


def _health_row(r: Renderer, rec: Record, key: int) -> list:
    c, fam, rng = rec.child, rec.child.family, r.rng
    birth = r.birth_date(c)
    sex = ("1" if c.sex == "M" else "2") if rng.random() > 0.01 else rng.choice(["0", "9"])
    cert = r.birth_certificate(c) if rng.random() < 0.7 else ""
    record_key = f"{rec.place.township}{(key // 100000) % 1000:03d}{key % 100000:05d}"
    return [
        record_key,
        r.name(rec),
        sex,
        f"{birth.year}/{birth.month}/{birth.day}",
        r.id_number("health", c),
        cert,
        fam.mother,
        "",
        fam.father,
        r.phone(rec),
        r.household_text(c, "full"),
        rec.place.address,
        rec.place.township_name,
        rec.place.county,
        f"{rec.local_date.year}/{rec.local_date.month}/{rec.local_date.day}",
    ]


def _vaccination_row(r: Renderer, rec: Record, key: int) -> list:
    c, fam, rng = rec.child, rec.child.family, r.rng
    code = "" if rng.random() < r.noise.household_code_blank else fam.household[0]
    guardian = fam.mother if rec.guardian == "mother" else fam.father
    site = f"{rec.place.county}{(key // 10000) % 10000:04d}"
    return [
        f"{site}{c.birth_date.year}{key % 10000:04d}",
        r.name(rec),
        "男" if c.sex == "M" else "女",
        r.birth_date(c).strftime("%Y%m%d"),
        r.id_number("vaccination", c),
        guardian,
        r.phone(rec),
        r.household_text(c, "county"),
        code,
        rec.place.address,
        f"{rec.place.township_name}{rng.choice(V.CLINIC_WORDS)}",
        rec.place.county,
        rec.local_date.isoformat(),
    ]


def _spoil(
    rows: list[list],
    keyed: list[str | None],
    rate: float,
    rng: random.Random,
    name_col: int,
    birth_col: int,
    id_col: int,
) -> list[str]:
    """Make some rows unusable, as real exports do: blank key, repeated key, nothing identifying.
    Returns each row's truth note ('' for a clean row)."""
    notes = [""] * len(rows)
    for i in range(len(rows)):
        if rng.random() >= rate:
            continue
        kind = rng.randrange(3)
        if kind == 0:
            rows[i][0], notes[i] = "", "no_key"
        elif kind == 1 and i > 0:
            rows[i][0], notes[i] = rows[i - 1][0], "duplicate_key"
        else:
            rows[i][name_col] = rows[i][birth_col] = rows[i][id_col] = ""
            if name_col == 2:  # education: the 学籍号 carries the ID too
                rows[i][1] = ""
            notes[i] = "unidentifiable"
        keyed[i] = None
    return notes


def generate_feeds(
    out_dir: Path | str,
    n_children: int,
    *,
    seed: int = 0,
    noise: NoiseSettings | None = None,
    as_of: dt.date = dt.date(2026, 6, 30),
    config: Config | None = None,
) -> dict[str, int]:
    """Write police.csv, education.xlsx, health.csv, vaccination.csv and truth/ to `out_dir`.

    truth/records.csv maps every row (feed, record_key, row_number) to its child; truth/children.csv
    gives every child its true migrant status. Returns the row count of each feed.
    """
    noise = noise or NoiseSettings.default()
    config = config or load_config()
    world, records, renderer, rng = _first_half_year(n_children, seed, noise, as_of, config)
    return _emit(Path(out_dir), world, records, renderer, noise, rng, config)


def _first_half_year(
    n_children: int, seed: int, noise: NoiseSettings, as_of: dt.date, config: Config
) -> tuple[World, list[Record], Renderer, random.Random]:
    """The world, its records in the departments' systems, and what renders them, from one seed."""
    rng = random.Random(seed)
    world = World(config, as_of, noise, rng)
    world.populate(n_children)
    records = draw_records(world, noise, rng)
    rng.shuffle(records)
    return world, records, Renderer(world, noise, rng), rng


LAYOUT = {
    "police": (POLICE_HEADER, 1, 4, 5),
    "education": (EDUCATION_HEADER, 2, 4, 5),
    "health": (HEALTH_HEADER, 1, 3, 4),
    "vaccination": (VACCINATION_HEADER, 1, 3, 4),
}


def _render(renderer: Renderer, rec: Record, world: World) -> list:
    if rec.feed == "police":
        return _police_row(renderer, rec, rec.key)
    if rec.feed == "education":
        return _education_row(renderer, rec, rec.key, world)
    if rec.feed == "health":
        return _health_row(renderer, rec, rec.key)
    return _vaccination_row(renderer, rec, rec.key)


def _emit(
    out: Path,
    world: World,
    records: list[Record],
    renderer: Renderer,
    noise: NoiseSettings,
    rng: random.Random,
    config: Config,
) -> dict[str, int]:
    """Write the feeds of `records` as the departments export them on `world.as_of`, and the truth.
    A record rendered before keeps its key and its row; a new or changed one gets rendered now."""
    (out / "truth").mkdir(parents=True, exist_ok=True)
    by_feed: dict[str, list[Record]] = {f: [] for f in ("police", "education", "health", "vaccination")}
    for child in world.children:
        child.local_dates, child.away_dates = [], []
    for rec in records:
        by_feed[rec.feed].append(rec)
        rec.child.local_dates.append(rec.local_date)
        if rec.place.legal_county != rec.child.family.household[0]:
            rec.child.away_dates.append(rec.local_date)
    truth_rows: list[tuple] = []
    counts: dict[str, int] = {}
    for feed, recs in by_feed.items():
        header, name_col, birth_col, id_col = LAYOUT[feed]
        # Keys are never given twice: not even those of records that left the system.
        next_key = max(renderer.next_key.get(feed, 1), max((r.key for r in recs), default=0) + 1)
        rows = []
        for rec in recs:
            if rec.row is None:
                if not rec.key:
                    rec.key, next_key = next_key, next_key + 1
                rec.row = _render(renderer, rec, world)
            rows.append(list(rec.row))
        renderer.next_key[feed] = next_key
        keys = [row[0] for row in rows]
        notes = _spoil(rows, keys, noise.bad_rows, rng, name_col, birth_col, id_col)
        for i, (row, rec) in enumerate(zip(rows, recs, strict=True)):
            truth_rows.append((feed, row[0], i + 2, rec.child.child_id, notes[i]))
        _write(out, feed, header, rows)
        counts[feed] = len(rows)
    _write_truth(out / "truth", truth_rows, world, config)
    return counts


def _write(out: Path, feed: str, header: list[str], rows: list[list]) -> None:
    if feed == "education":
        _write_excel(out / "education.xlsx", header, rows)
        return
    encoding = {"police": "utf-8-sig", "health": "gb18030", "vaccination": "utf-8"}[feed]
    tmp = out / f".{feed}.csv.tmp"
    with tmp.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    tmp.replace(out / f"{feed}.csv")


def _write_excel(path: Path, header: list[str], rows: list[list]) -> None:
    tmp = path.with_name(".education.tmp.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = book.add_worksheet("随迁子女")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, float):
                sheet.write_number(r, c, value)
            elif value != "":
                sheet.write_string(r, c, value)
    book.close()
    tmp.replace(path)


def true_status(child: Child, as_of: dt.date, config: Config) -> str:
    """The policy applied to the child's true values (FEEDS.md), independently of the pipeline."""
    policy = config.policy
    sixteenth = (
        child.birth_date.replace(year=child.birth_date.year + policy.max_age_years)
        if not (child.birth_date.month == 2 and child.birth_date.day == 29)
        else dt.date(child.birth_date.year + policy.max_age_years, 3, 1)
    )
    if as_of >= sixteenth:
        return "aged_16_or_over"
    home = child.family.household[0]
    place = child.family.current_place
    if home == place.legal_county:
        return "local_household"
    if home in policy.exempt_group and place.county in policy.exempt_group:
        return "exempt_move"
    # The evidence of living outside the household county: records placing the child elsewhere
    # (for a family that moved out of its own county, only those after the move).
    earliest = min(child.away_dates or child.local_dates)
    month = as_of.month - policy.min_months_resident
    year = as_of.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(
        as_of.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month - 1],
    )
    if earliest > dt.date(year, month, day):
        return "under_six_months"
    return "migrant"


def _write_truth(folder: Path, truth_rows: list[tuple], world: World, config: Config) -> None:
    with (folder / "records.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["feed", "record_key", "row_number", "child_id", "spoiled"])
        writer.writerows(truth_rows)
    with (folder / "children.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "child_id",
                "family_id",
                "twin_of",
                "name",
                "sex",
                "birth_date",
                "id_number",
                "household_county",
                "residence_county",
                "residence_legal_county",
                "earliest_local_date",
                "status",
                "is_migrant",
            ]
        )
        for c in world.children:
            if not c.local_dates:
                continue
            status = true_status(c, world.as_of, config)
            writer.writerow(
                [
                    c.child_id,
                    c.family.family_id,
                    c.twin_of or "",
                    c.name,
                    c.sex,
                    c.birth_date.isoformat(),
                    c.id_number,
                    c.family.household[0],
                    c.family.current_place.county,
                    c.family.current_place.legal_county,
                    min(c.local_dates).isoformat(),
                    status,
                    status == "migrant",
                ]
            )


@dataclass(frozen=True)
class HalfYearChanges:
    """How the population changes from one half-year to the next (shares of families or children)."""

    families_leaving: float = 0.06
    families_moving_county: float = 0.04
    families_with_a_birth: float = 0.03
    new_children: float = 0.06  # of the first half-year's children, in newly arrived families
    school_changes: float = 0.03  # of school records


def _next_reference_date(as_of: dt.date) -> dt.date:
    return dt.date(as_of.year, 12, 31) if as_of.month <= 6 else dt.date(as_of.year + 1, 6, 30)


def evolve(
    world: World, records: list[Record], noise: NoiseSettings, rng: random.Random, changes: HalfYearChanges
) -> list[Record]:
    """The same population six months on: families leave, arrive and move to another county,
    babies are born, children turn 16 or age out of the 0-6 systems, pupils change school. A
    department's record of a child who stays keeps its key and its content unless it changed.
    Returns the records of the new half-year; `world` moves to the new reference date."""
    start, world.as_of = world.as_of, _next_reference_date(world.as_of)
    span = (world.as_of - start).days
    families = {c.family.family_id: c.family for c in world.children}
    leaving = {fid for fid in sorted(families) if rng.random() < changes.families_leaving}
    staying = [families[fid] for fid in sorted(families) if fid not in leaving]
    moving = {f.family_id for f in staying if rng.random() < changes.families_moving_county}
    for family in staying:
        if family.family_id in moving:
            family.place = family.current_place
            others = [c for c in world.townships if world.townships[c] and c != family.place.county]
            family.moved_to = world._place(rng.choice(others))
            family.moved_on = start + dt.timedelta(days=rng.randint(5, span - 5))
    kept: list[Record] = []
    for rec in records:
        family, age = rec.child.family, _age(rec.child, world.as_of)
        if (
            family.family_id in leaving
            or (rec.feed in ("health", "vaccination") and age >= 7)
            or (rec.feed == "education" and age >= 16)
        ):
            continue
        if family.family_id in moving and rec.feed in ("police", "education") and family.moved_on and family.moved_to:
            rec.place, rec.row = family.moved_to, None  # re-registered, or enrolled, at the new address
            rec.local_date = min(world.as_of, family.moved_on + dt.timedelta(days=rng.randint(0, 20)))
        elif rec.feed == "education" and rng.random() < changes.school_changes:
            rec.row = None  # a transfer: the roster shows the new school
            rec.local_date = start + dt.timedelta(days=rng.randint(1, span))
        kept.append(rec)
    first_new = len(world.children)
    for family in staying:
        if rng.random() < changes.families_with_a_birth:
            baby = world._child(family, birth=start + dt.timedelta(days=rng.randint(1, span - 1)))
            baby.arrival = baby.birth_date
    world.populate(len(world.children) + int(first_new * changes.new_children))
    newcomers = world.children[first_new:]
    added = draw_records(world, noise, rng, newcomers)
    rng.shuffle(added)
    return kept + added


def generate_half_years(
    first_dir: Path | str,
    second_dir: Path | str,
    n_children: int,
    *,
    seed: int = 0,
    noise: NoiseSettings | None = None,
    as_of: dt.date = dt.date(2026, 6, 30),
    changes: HalfYearChanges | None = None,
    config: Config | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """Two half-years of one population: the first as `generate_feeds` writes it, the second six
    months on (see `evolve`), each with its own truth. Returns each half-year's row counts."""
    noise = noise or NoiseSettings.default()
    config = config or load_config()
    world, records, renderer, rng = _first_half_year(n_children, seed, noise, as_of, config)
    first = _emit(Path(first_dir), world, records, renderer, noise, rng, config)
    records = evolve(world, records, noise, rng, changes or HalfYearChanges())
    second = _emit(Path(second_dir), world, records, renderer, noise, rng, config)
    return first, second
