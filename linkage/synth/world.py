"""The synthetic world: families, their children, where they are registered and where they live."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from linkage.config import Config
from linkage.standardise.ids import check_digit
from linkage.synth import vocabulary as V

# Days between the births of two siblings who are not twins: a mother's next child comes nine
# months after the last at the very least; the generator keeps them ten months apart or more.
SIBLING_SPACING = 300


def birth_certificate(id_number: str) -> str:
    """A birth certificate number (a letter and nine digits), drawn from the child's ID number
    so that adding it left the world's other draws (families, names, dates) as they were."""
    rng = random.Random(id_number)
    return f"{rng.choice('NOPQ')}{rng.randrange(1_000_000_000):09d}"


def next_certificate(certificate: str) -> str:
    """The number a hospital gives the second of twins: the next one of its book."""
    return f"{certificate[0]}{(int(certificate[1:]) + 1) % 1_000_000_000:09d}"


@dataclass
class Place:
    county: str  # the code of the unit of residence (may be a statistical zone)
    township: str  # 9-digit township code
    township_name: str
    legal_county: str  # the legal county (a zone township belongs to a real county)
    address: str


@dataclass
class Family:
    family_id: str
    surname: str
    mother: str
    father: str
    mother_phone: str
    father_phone: str
    new_phone: str | None
    household: tuple[str, str, str, str]  # code, province, prefecture, county name
    household_street: str
    place: Place
    moved_to: Place | None
    arrival: dt.date
    moved_on: dt.date | None = None

    @property
    def current_place(self) -> Place:
        """Where the family lives on the reference date."""
        return self.moved_to or self.place


@dataclass
class Child:
    child_id: str
    family: Family
    name: str
    surname: str
    sex: str
    birth_date: dt.date
    id_number: str
    ethnicity: str
    arrival: dt.date
    renamed_to: str | None = None
    twin_of: str | None = None
    birth_certificate: str = ""  # 出生医学证明编号: one per child, issued at birth
    local_dates: list[dt.date] = field(default_factory=list)
    away_dates: list[dt.date] = field(default_factory=list)


class World:
    """Draws families and children; `children` is filled by `populate`."""

    def __init__(self, config: Config, as_of: dt.date, noise, rng: random.Random):
        self.config, self.as_of, self.noise, self.rng = config, as_of, noise, rng
        self.children: list[Child] = []
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self.townships = self._townships()
        self.households = self._households()

    def _townships(self) -> dict[str, list[tuple[str, str, str]]]:
        """county -> [(township code, township name, legal county)]; zones use the configured list."""
        zones = self.config.divisions.zone_townships
        stems = list(V.TOWNSHIP_STEMS)
        out: dict[str, list[tuple[str, str, str]]] = {}
        k = 0
        for county in self.config.policy.counties:
            if county in ("410471", "410472"):
                codes = [(t, legal) for t, legal in zones.items() if t.startswith(county)]
            else:
                codes = [(f"{county}{i:03d}", county) for i in range(1, 7)]
            out[county] = []
            for code, legal in codes:
                name = stems[k % len(stems)] + V.TOWNSHIP_WORDS[k % 3]
                out[county].append((code, name, legal))
                k += 1
        return out

    def _households(self) -> list[tuple[str, str, str, str]]:
        counties = self.config.policy.counties
        local = [
            (code, "河南省", "平顶山市", name) for code, name in counties.items() if code not in ("410471", "410472")
        ]
        return local + list(V.ELSEWHERE)

    def _phone(self) -> str:
        while True:
            phone = "1" + self.rng.choice("35789") + "".join(self.rng.choices("0123456789", k=9))
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def _adult(self, surname: str | None = None) -> str:
        surname = surname or self.rng.choices(V.SURNAMES, V.SURNAME_WEIGHTS)[0]
        return surname + "".join(self.rng.choices(V.ADULT_GIVEN, k=self.rng.choice([1, 2])))

    def _place(self, county: str | None = None) -> Place:
        rng = self.rng
        county = county or rng.choices(list(self.townships), [len(v) or 0 for v in self.townships.values()])[0]
        code, name, legal = rng.choice(self.townships[county])
        # Drawn in this order, so that a seed gives the same feeds as it always has.
        street = f"{rng.choice(V.STREETS)}{rng.randint(1, 300)}号{rng.choice(V.COMMUNITIES)}"
        flat = f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元{rng.randint(1, 28)}0{rng.randint(1, 4)}"
        address = street + flat
        return Place(county, code, name, legal, address)

    def _id(self, region: str, birth: dt.date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(0, 1000)
            if (seq % 2 == 1) != (sex == "M"):
                seq = (seq + 1) % 1000
            body = f"{region}{birth:%Y%m%d}{seq:03d}"
            full = body + check_digit(body)
            if full not in self._ids:
                self._ids.add(full)
                return full

    def _given(self, sex: str) -> str:
        return "".join(self.rng.choices(V.GIVEN_CHARS, k=self.rng.choice([1, 2, 2, 2])))

    def _family(self, family_id: str) -> Family:
        rng, noise = self.rng, self.noise
        place = self._place()
        scenario = rng.random()
        exempt = sorted(self.config.policy.exempt_group - {"410471", "410472"})
        if scenario < noise.local_household:
            household = next(h for h in self.households if h[0] == place.legal_county)
        elif scenario < noise.local_household + noise.exempt_move:
            place = self._place(rng.choice(["410402", "410403", "410411", "410471"]))
            choices = [h for h in self.households if h[0] in exempt and h[0] != place.legal_county]
            household = rng.choice(choices)
        else:
            pool = [
                h
                for h in self.households
                if h[0] != place.legal_county
                and not (h[0] in self.config.policy.exempt_group and place.county in self.config.policy.exempt_group)
            ]
            elsewhere = [h for h in pool if not h[0].startswith("4104")]
            household = rng.choice(elsewhere) if rng.random() < 0.8 else rng.choice(pool)
        surname = (
            rng.choices(V.SURNAMES, V.SURNAME_WEIGHTS)[0] if rng.random() > 0.01 else rng.choice(V.COMPOUND_SURNAMES)
        )
        moved = self._place() if rng.random() < noise.household_moved else None
        if rng.random() < noise.recent_arrival:
            arrival = self.as_of - dt.timedelta(days=rng.randint(10, 175))
        else:
            arrival = self.as_of - dt.timedelta(days=rng.randint(200, 16 * 365))
        town = rng.choice(["城关镇", "新华街道", "东关街道", "王集乡", "李庄镇"])
        street = f"{town}{rng.choice(['前进村', '红星村', '建设路'])}{rng.randint(1, 99)}号"
        # A move within the city during the half-year, after the family arrived.
        moved_on = (
            max(arrival + dt.timedelta(days=1), self.as_of - dt.timedelta(days=rng.randint(20, 170))) if moved else None
        )
        return Family(
            family_id,
            surname,
            self._adult(),
            self._adult(surname),
            self._phone(),
            self._phone(),
            self._phone() if rng.random() < noise.phone_changed else None,
            household,
            street,
            place,
            moved,
            arrival,
            moved_on,
        )

    def _child(self, family: Family, birth: dt.date | None = None, sex: str | None = None) -> Child:
        rng, noise = self.rng, self.noise
        if birth is None:
            birth = self._birth()
        sex = sex or rng.choice("MF")
        if rng.random() < noise.minority_name:
            name, surname = rng.choice(V.MINORITY_NAMES), ""
        else:
            name, surname = family.surname + self._given(sex), family.surname
        region = family.household[0]
        historic = {v: k for k, v in self.config.divisions.historic.items()}
        if region in historic and rng.random() < noise.historic_id_prefix:
            region = historic[region]
        child = Child(
            child_id=f"C{len(self.children) + 1:07d}",
            family=family,
            name=name,
            surname=surname,
            sex=sex,
            birth_date=birth,
            id_number=self._id(region, birth, sex),
            ethnicity=rng.choice(V.ETHNICITIES),
            arrival=max(family.arrival, birth),
        )
        child.birth_certificate = birth_certificate(child.id_number)
        if rng.random() < noise.renamed and surname:
            child.renamed_to = self._other_name(child, family)
        self.children.append(child)
        return child

    def _other_name(self, child: Child, family: Family) -> str:
        """The name another department knows the child by: a new given name; the other parent's
        surname with the same given name (a divorce, a remarriage, or each parent's choice); or a
        nickname (小名) such as 小明 or 明明."""
        given = child.name[len(child.surname) :]
        kind = self.rng.random()
        if kind < 0.4:
            return child.surname + self._given(child.sex)
        if kind < 0.7:
            other = family.mother[0] if family.mother[0] != child.surname[:1] else self.rng.choice(V.SURNAMES)
            return other + given
        return self.rng.choice(["小" + given[-1], given[-1] * 2])

    def populate(self, n_children: int) -> list[Child]:
        """Draw families until there are `n_children` children; twins share everything but name."""
        rng, noise = self.rng, self.noise
        while len(self.children) < n_children:
            family = self._family(f"F{len(self.children) + 1:07d}")
            first = self._child(family)
            if rng.random() < noise.twins:
                twin = self._child(family, birth=first.birth_date)
                twin.twin_of, first.twin_of = first.child_id, twin.child_id
                twin.birth_certificate = next_certificate(first.birth_certificate)
            if rng.random() < noise.siblings:
                self._child(family, birth=self._sibling_birth(first.birth_date))
        return self.children

    def _birth(self) -> dt.date:
        """A child's date of birth: under 16 on the reference date, or (a few) 16 or over."""
        rng = self.rng
        max_age = 17.9 if rng.random() < self.noise.aged_16_plus else 15.9
        min_age = 16.0 if max_age > 16 else 0.05
        return self.as_of - dt.timedelta(days=int(rng.uniform(min_age, max_age) * 365.25))

    def _sibling_birth(self, other: dt.date) -> dt.date:
        """A date of birth for a sibling (not a twin) of a child born on `other`: at least
        `SIBLING_SPACING` days apart, as a mother's two children are."""
        while True:
            birth = self._birth()
            if abs((birth - other).days) >= SIBLING_SPACING:
                return birth
