"""The synthetic authority: a fictional county's SSDA903 extract and local tables, from a seed.

``generate(out_dir, seed=42, scale=1.0)`` writes every input of SPEC section 2 for "Middleshire"
(four areas, twelve districts named after Kent's, each its own team, and a disability service whose children
are counted in their home's district), April 2012 to the extract date with history back to 2006 for the
children already in care. Same seed and scale → byte-identical files.

Homes and placements are real postcodes (``data/reference/synthetic_postcodes.csv``, from the ONS Postcode
Directory): a child's home is in their district, a placement is chosen at the distance the placement mix asks
for, so that PL_DISTANCE and DISTRICT derive from HOME_POST and PL_POST as for a real authority. Like a real
extract the episodes have no DISTRICT or PL_DISTANCE column; ``generate(..., with_columns=True)`` (``generate
--with-columns``) adds them, worked out from the file's grid references as the DfE does, so the derived and
the supplied columns can be compared.

The simulation works family by family (siblings enter care and are adopted together) and child by
child: entry, legal statuses, placement moves, one of five pathways (return home, special guardianship,
long-term care to 18, adoption, UASC), reviews, missing episodes, health checks and care-leaver
outcomes. Rates are chosen so that a scale-1 authority has about 1,400 citizen children in care, a
UASC surge of a few hundred from 2014-15, and about 100 adoptions a year. It is never real data.

It follows the DfE's 903 guidance as the DfE's own validator reads it (``make dfe-check`` runs that
validator on every yearly return cut from the extract): codes of the collection years, the reason for a
placement change on the episode that ended, the under-5s health check, 13-character UPNs or the UN codes,
DUC on the 18th birthday of a child still UASC, previous permanence for every child who starts care. Like a
real county it is uneven: districts differ in how many children come into care and how near home they can
be placed (and some change over the years), entries rise year on year with a season (more in the autumn,
fewer in August and December), and a few journeys are outliers (hard-to-place children waiting a year or
more for a match, teenagers who move very often, long missing episodes).

It also holds what real returns hold and the DfE's definitions must handle (SPEC 7), each drawn from its own
random stream so that the first journeys are unchanged: disabled children on short breaks (LS V3/V4, a few
dozen at any time, some later looked after under another legal status), UASC leaving care at 18 (DUC their
18th birthday), OC2 rows for the children the DfE's validator reads as looked after continuously for 12
months only, care leavers of 17 and 18 (from 2015-16) besides 19 to 21 with the year's code lists, and a few
overlapping episodes.
"""
from __future__ import annotations

import csv
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..config import reference
from ..core.periods import bank_holidays
from ..model.extract import SHORT_BREAKS
from ..model.geography import miles

DAY = pd.Timedelta(days=1)
HISTORY_START = pd.Timestamp("2006-04-01")
REPORT_START = pd.Timestamp("2012-04-01")
KEEP_FROM = pd.Timestamp("2011-04-01")
DEFAULT_EXTRACT_DATE = pd.Timestamp("2016-03-31")

ETHNIC = {"WBRI": 72, "WIRI": 1, "WOTH": 4, "WIRT": 1, "MWBC": 5, "MWBA": 2, "MWAS": 1.5, "MOTH": 3,
          "AIND": 1, "APKN": 2, "ABAN": 1, "AOTH": 1, "BCRB": 1, "BAFR": 2, "BOTH": 0.5, "CHNE": 0.3,
          "OOTH": 1.2, "REFU": 0.5}
UASC_ETHNIC = {"AOTH": 35, "BAFR": 30, "OOTH": 30, "BOTH": 5}
# why a placement ended (written on the episode that ended); PLACE is a change of status with the same carer
REASON_PLACE_CHANGE = {"CARPL": 34, "CLOSE": 4, "ALLEG": 3, "STAND": 4, "APPRR": 2, "CREQB": 14, "CREQO": 10,
                       "CHILD": 10, "LAREQ": 9, "OTHER": 10}
# reason the care of a child adopted ends, and the special guardianship / child arrangements order codes
SGO_REC = {"E45": 40, "E46": 40, "E47": 8, "E48": 12}
LEFT_AT_18_REC = {"E17": 30, "E5": 45, "E6": 25}
LA_PERM_CODES = ["855", "925", "926", "935", "850", "823", "873", "830", "381"]  # English LAs (DfE codes)
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the check letter: never I, O or S

# Each feature added after the first journeys draws from its own random stream (numpy seeded with [seed, stream]), so
# that adding it changes the other children's journeys and figures only where it must.
STREAM_SHORT_BREAKS, STREAM_OVERLAPS, STREAM_YOUNG_LEAVERS = 7, 8, 9
SHORT_BREAKS_FROM = pd.Timestamp("2009-04-01")   # a steady number of short-break children by April 2011
# Where a short break can be (DfE rules 214 and 218 together: a V3/V4 episode has no placement postcode and no
# URN, and only H5, P1-P3, R1, R2, R5, T0-T4 and Z1 go without a URN): a care home (R1, the authority's own or
# private) or a health setting such as a children's hospice (R2, provided by the NHS: PR3).
SHORT_BREAK_SETTINGS = {("R1", "PR1"): 45, ("R1", "PR4"): 35, ("R2", "PR3"): 20}
# OC3 (care leavers): the birthdays asked about, by the first collection year (the 31 March year) that asks: the
# 19th to 21st, and from 2015-16 the 17th and 18th as well (those no longer looked after on that birthday)
OC3_AGES = {2012: (19, 20, 21), 2016: (17, 18, 19, 20, 21)}
# OC3 codes (weights) by the first collection year they are valid for: the DfE validator's lists (rules 131,
# 132, 133). Activity: until 2020-21 F3/P3 were "in training or employment" (the validator903 rule 132 list); from
# 2021-22 the guide splits them into F4/P4 (apprenticeships) and F5/P5 (other training or employment), the only list
# today's validator has: so `make dfe-check`, which applies it to every year, flags the older years' F3/P3 (rule 132,
# allow-listed in README). The weights are the same in both lists, so the draws are too.
_OC3_2012 = {
    "IN_TOUCH": {"YES": 88, "NO": 5, "REFU": 3, "RHOM": 2, "NREQ": 2},
    "ACCOM": {"H": 40, "D": 20, "R": 12, "E": 10, "B": 10, "K": 8},      # + "1" suitable or "2" not suitable
    "ACTIV": {"F1": 7, "P1": 2, "F2": 22, "P2": 4, "F3": 12, "P3": 6, "G4": 10, "G5": 30, "G6": 7},
}
OC3_CODES = {2012: _OC3_2012,
             2022: dict(_OC3_2012, ACTIV={"F1": 7, "P1": 2, "F2": 22, "P2": 4, "F4": 6, "P4": 3, "F5": 6, "P5": 3,
                                          "G4": 10, "G5": 30, "G6": 7})}


def _by_year(table: dict, year: int):
    """The entry of ``table`` (keyed by first collection year) in force in collection year ``year``."""
    return table[max(y for y in table if y <= year)]

DISABILITY = "Disability"      # the disability service: a team of the simulation, not of a place
POSTCODES = reference.REFERENCE_DIR / "synthetic_postcodes.csv"

# How districts differ (fictional, though the districts are Kent's: the authority and children are not): the relative
# number of children entering care, the share of foster placements with the authority's own carers, how far a placement
# away from the own carers tends to be (1 = the county average), the change of the own-carer share a year from April 2012
# (West's fostering recruitment drive; East losing carers and a children's home on the coast) and the extra
# share of children aged 11+ placed in children's homes.
class District(NamedTuple):
    entries: float
    own_carers: float
    distance: float
    change: float
    residential: float = 0.0


DISTRICTS = {
    "Dartford": District(1.5, 0.74, 0.7, 0.0), "Gravesham": District(1.2, 0.70, 0.8, 0.01),
    "Swale": District(0.9, 0.68, 0.9, 0.0),                                    # North
    "Ashford": District(1.1, 0.64, 1.0, 0.0), "Folkestone and Hythe": District(0.8, 0.62, 1.1, -0.01),
    "Tunbridge Wells": District(1.2, 0.66, 1.0, 0.01),                         # South
    "Canterbury": District(0.7, 0.56, 1.6, -0.04), "Thanet": District(0.6, 0.52, 1.8, -0.04),
    "Dover": District(0.8, 0.58, 1.5, -0.03),                                  # East: rural and coastal
    "Sevenoaks": District(1.0, 0.44, 1.3, 0.08), "Tonbridge and Malling": District(0.9, 0.42, 1.4, 0.08),
    "Maidstone": District(0.8, 0.50, 1.2, 0.07),                               # West: recruiting carers
    # children of the disability service live anywhere in the county (their district is their home's)
    DISABILITY: District(0.4, 0.45, 1.9, 0.0, 0.1),   # specialist placements, often out of county
}
DEFAULT_DISTRICT = District(1.0, 0.62, 1.1, 0.0)
# entries by calendar month (mean 1): more after the summer holidays, fewer in August and December
SEASON = {1: 0.97, 2: 0.95, 3: 1.04, 4: 0.96, 5: 1.03, 6: 1.0, 7: 1.05, 8: 0.83, 9: 1.07, 10: 1.16,
          11: 1.1, 12: 0.84}


def _pick(rng, weights: dict):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[rng.choice(len(keys), p=p / p.sum())]


def _years_since(date, start=REPORT_START) -> float:
    return (pd.Timestamp(date) - start).days / 365.25


def _off_31_march(date):
    """The day before when ``date`` is a 31 March: the DfE's rules read a period of care ending on 31 March as
    still open at the year end (looked after 12 months, yet adopted or left), so none of ours ends on it."""
    if date is not None and date.month == 3 and date.day == 31:
        return date - DAY
    return date


class Placement(NamedTuple):
    place: str
    provider: str
    miles: float | None = None   # None: the same carer as the placement before (RNE T or U)
    post: str | None = None
    urn: str = "XXXXXXX"


@dataclass
class Child:
    cid: str
    dob: pd.Timestamp
    sex: int
    ethnic: str
    team: str
    uasc: bool = False
    home_post: str | None = None
    episodes: list = field(default_factory=list)
    adoption_rec: str | None = None
    rng: object = None          # a feature's own random stream, for the children that feature adds


class Postcodes:
    """The pool of real postcodes (``synthetic_postcodes.csv``): ``county`` those of the authority's districts
    (``by_district``), ``near`` and ``far`` placements out of county; each home's distances to the whole pool
    in miles (the DfE's way, from the grid references) sorted once, so a placement at a given distance is a
    binary search."""

    def __init__(self, path: Path, districts: list[str]):
        df = pd.read_csv(path, dtype={"POSTCODE": str, "DISTRICT": str, "POOL": str})
        self.postcode = df["POSTCODE"].to_numpy(dtype=object)
        self.index = {p: i for i, p in enumerate(self.postcode)}
        in_county = (df["POOL"] == "county").to_numpy()
        self.county = np.flatnonzero(in_county)
        self.by_district = {d: np.flatnonzero(in_county & (df["DISTRICT"] == d).to_numpy()) for d in districts}
        self.district = dict(zip(df["POSTCODE"][in_county], df["DISTRICT"][in_county]))
        self.in_county = in_county
        e, n = df["EASTING"].to_numpy(float), df["NORTHING"].to_numpy(float)
        home = self.county
        d = miles(e[home, None], n[home, None], e[None, :], n[None, :])    # homes x pool
        d[np.arange(len(home)), home] = np.inf                              # never the home postcode itself
        self.row = {i: r for r, i in enumerate(home)}
        self.order = np.argsort(d, axis=1, kind="stable").astype(np.int32)
        self.sorted = np.take_along_axis(d, self.order, axis=1)
        county_order = [o[in_county[o]] for o in self.order]
        self.county_order = np.array(county_order, dtype=np.int32)
        self.county_sorted = np.take_along_axis(d, self.county_order, axis=1)

    def near(self, home: str, miles: float, rng, county_only: bool = False, spread: int = 4) -> tuple[int, float]:
        """A pool postcode (its position) about ``miles`` from ``home``, picked at random among the ``spread``
        nearest to that distance on either side, and its distance."""
        r = self.row[self.index[home]]
        order, dist = (self.county_order, self.county_sorted) if county_only else (self.order, self.sorted)
        k = int(np.searchsorted(dist[r], miles))
        last = int(np.searchsorted(dist[r], np.inf)) - 1           # the home itself sorts last (infinite)
        j = int(np.clip(k + rng.integers(-spread, spread + 1), 0, last))
        return int(order[r, j]), float(dist[r, j])


class Authority:
    """Holds the simulated rows until they are written."""

    def __init__(self, seed: int, scale: float, extract_date: pd.Timestamp):
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.young_leavers_rng = self.stream(STREAM_YOUNG_LEAVERS)
        self.scale = scale
        self.extract = extract_date
        teams = reference.teams(reference.SYNTHETIC_AUTHORITY_DIR)
        self.teams = list(teams["TEAM"]) + [DISABILITY]     # the last: the disability service
        self.district_of = dict(zip(teams["TEAM"], teams["DISTRICT"]), **{DISABILITY: DISABILITY})
        # citizen families come to a team in proportion to its district's share of entries
        weights = np.array([self.district(t).entries / list(self.district_of.values()).count(self.district_of[t])
                            for t in self.teams])
        self.team_p = weights / weights.sum()
        self.postcodes = Postcodes(POSTCODES, sorted(set(teams["DISTRICT"])))
        self.next_id = 1
        self.rows = {k: [] for k in ("header", "episodes", "uasc", "placed_for_adoption", "ad1", "oc2",
                                     "oc3", "missing", "reviews", "prev_perm", "adoption_tracking")}
        self.children: list[Child] = []

    # ------------------------------------------------------------ helpers
    def stream(self, number: int):
        """A feature's own random stream: the same for the same seed, whatever the other features draw."""
        return np.random.default_rng([self.seed, number])

    @contextmanager
    def drawing_from(self, rng):
        """Every draw of the block (``self.rng``) from ``rng`` instead of the main stream."""
        main, self.rng = self.rng, rng if rng is not None else self.rng
        try:
            yield
        finally:
            self.rng = main

    def days(self, mean: float, sd: float, low: float = 1) -> pd.Timedelta:
        """A gamma-distributed number of days with the given mean and sd (at least ``low``)."""
        shape = (mean / sd) ** 2
        return pd.Timedelta(days=int(max(low, round(self.rng.gamma(shape, mean / shape)))))

    def district(self, team) -> District:
        return DISTRICTS.get(self.district_of.get(team), DEFAULT_DISTRICT)

    def home_postcode(self, team) -> str:
        """A real postcode of the team's district (anywhere in the county for the disability service)."""
        pc = self.postcodes
        district = self.district_of.get(team)
        pool = pc.by_district.get(district, pc.county)
        return pc.postcode[pool[self.rng.integers(len(pool))]]

    def new_child(self, dob, sex, ethnic, team, uasc=False) -> Child:
        cid = f"C{self.next_id:07d}"
        self.next_id += 1
        home = None if uasc else self.home_postcode(team)
        child = Child(cid, dob, sex, ethnic, team, uasc, home)
        self.children.append(child)
        return child

    def placement(self, child: Child, date, age: float, kind: str = "any") -> Placement:
        """A new placement for ``child`` (aged ``age``) starting on ``date``: type, provider, miles from home,
        postcode and Ofsted URN. Own carers are nearer; how many there are and how far the others are
        depends on the child's district and the year."""
        rng = self.rng
        d = self.district(child.team)
        own_share = float(np.clip(d.own_carers + d.change * max(0.0, _years_since(date)), 0.2, 0.9))
        if kind == "uasc":
            place = _pick(rng, {"U6": 35, "H5": 45, "K2": 10, "P2": 10} if age >= 16 else {"U6": 75, "K2": 25})
            provider = "PR4" if rng.random() < 0.7 else "PR1"
            miles = float(rng.uniform(2, 80))
        elif kind == "relative" or (kind == "any" and rng.random() < 0.18 and age < 16):
            place, provider, miles = "U3", "PR1", rng.exponential(8) + 0.3
        else:
            r = rng.random()
            if age >= 16 and r < 0.3:
                place, provider = "H5", ("PR4" if rng.random() < 0.6 else "PR1")
                miles = rng.exponential(14 * d.distance) + 1
            elif age >= 11 and r < 0.22 + d.residential:
                place, provider = "K2", ("PR4" if rng.random() < 0.7 else "PR1")
                miles = rng.exponential(30 * d.distance) + 3
            else:
                own = rng.random() < own_share
                place = "U6" if rng.random() < 0.7 else "U5"
                provider = "PR1" if own else "PR4"
                miles = rng.exponential(6) + 0.3 if own else rng.exponential(16 * d.distance) + 2
        return self.placed_at(child, place, provider, round(float(miles), 1))

    def placed_at(self, child: Child, place: str, provider: str, miles: float) -> Placement:
        """The placement's real postcode, about ``miles`` from the child's home (the nearest distances of the
        pool: another postcode of the district, another district, a neighbouring authority or far away; never
        the home postcode; the authority's own carers and homes (PR1) only in the county; a UASC child, who has
        no home postcode, anywhere in the county), the miles it is really, and its URN (a children's home's,
        from its postcode)."""
        pc = self.postcodes
        if child.uasc or child.home_post is None:
            i = pc.county[self.rng.integers(len(pc.county))]
            actual = miles          # not written: a UASC child's PL_DISTANCE is blank (no home postcode)
        else:
            i, actual = pc.near(child.home_post, miles, self.rng, county_only=provider == "PR1")
        post = pc.postcode[i]
        urn = f"SC{hash_int(post + provider) % 900000 + 100000}" if place == "K2" else "XXXXXXX"
        return Placement(place, provider, actual, post, urn)

    # ------------------------------------------------------------ one period of care
    def period_of_care(self, child: Child, bla: pd.Timestamp, pathway: str, siblings_plan=None):
        """Simulate one period of care; return (end date or None, REC) and write episode rows.

        ``pathway`` is one of home, sgo, longterm, adoption, uasc. ``siblings_plan`` carries the shared
        adoption timeline so that siblings move in together.
        """
        rng = self.rng
        age = (bla - child.dob).days / 365.25
        eighteen = child.dob + pd.DateOffset(years=18)
        events = []  # (date, ls or None, Placement or None, same_carer)
        ls0 = "V2" if pathway in ("uasc", "home") and rng.random() < 0.7 else ("C1" if rng.random() < 0.8 else "L2")
        if pathway in ("adoption",):
            ls0 = "V2" if (siblings_plan and siblings_plan.get("relinquished")) else "C1"
        first = self.placement(child, bla, age, "uasc" if pathway == "uasc" else "any")
        events.append((bla, ls0, first, False))
        if ls0 == "L2":
            events.append((bla + self.days(3, 2), "C1", None, False))
        rec = None
        end = None
        adoption_rows = None

        if pathway == "home":
            end = bla + self.days(200, 220, 2)
            rec = _pick(rng, {"E4A": 60, "E4B": 10, "E13": 15, "E41": 5, "E8": 10})
        elif pathway == "sgo":
            end = bla + self.days(520, 220, 90)
            rec = _pick(rng, SGO_REC)
        elif pathway in ("longterm", "uasc"):
            end = eighteen + (self.days(60, 50, 0) if rng.random() < 0.1 else pd.Timedelta(0))
            rec = _pick(rng, {"E17": 25, "E5": 45, "E6": 20, "E8": 10})
            if pathway == "longterm" and rng.random() < 0.25:
                end = min(end, bla + self.days(900, 500, 200))
                rec = _pick(rng, {"E4A": 50, "E41": 20, "E8": 30})
        elif pathway == "adoption":
            plan = siblings_plan
            if plan["adm"] is None:
                plan["adm"] = bla + self.days(170, 90, 20)
                plan["po"] = plan["adm"] + self.days(85, 45, 14)
                plan["match"] = plan["po"] + self.days(145, 85, 20)
                if rng.random() < 0.04:  # hard to place: a year or more of family finding
                    plan["match"] += self.days(420, 150, 200)
                plan["placed"] = plan["match"] + self.days(20, 10, 3)
                plan["order"] = _off_31_march(plan["placed"] + self.days(230, 110, 70))
                plan["foster_carer"] = rng.random() < 0.12
                plan["change"] = None
                r = rng.random()
                if r < 0.12:  # plan changes away from adoption
                    plan["change"] = (plan["adm"] + self.days(150, 100, 20),
                                      _pick(rng, {"SGO": 45, "long-term fostering": 30, "return home": 15,
                                                  "return home under supervision order": 5, "other": 5}))
                elif r < 0.14:  # disruption before the order; the placement order is revoked some weeks on
                    plan["disruption"] = plan["placed"] + self.days(80, 40, 10)
                    plan["revoked"] = plan["disruption"] + self.days(90, 45, 10)
            adoption_rows = plan
            change = plan["change"]
            disruption = plan.get("disruption")
            changed = change is not None and change[0] < plan["placed"]
            if not (changed and change[0] <= plan["po"]):  # no placement order once the plan has changed
                events.append((plan["po"], "E1", None, False))
            if changed:
                cdate, new_plan = change
                events.append((cdate, "C2", None, False))
                if new_plan == "SGO":
                    end, rec = cdate + self.days(150, 80, 20), _pick(rng, {"E45": 45, "E46": 55})
                elif new_plan.startswith("return home"):
                    end, rec = cdate + self.days(90, 60, 10), "E4A"
                elif new_plan == "long-term fostering":
                    events.append((cdate + self.days(60, 30, 5), None, Placement("U4", "PR1"), True))
                    end, rec = eighteen, _pick(rng, {"E17": 40, "E5": 40, "E6": 20})
                else:
                    end, rec = cdate + self.days(200, 100, 20), "E8"
            else:
                if plan["foster_carer"]:
                    adoptive = Placement("A5", "PR1")  # the foster carer adopts: same carer, same postcode
                else:
                    adoptive = self.placed_at(child, "A6", "PR1" if rng.random() < 0.6 else "PR5",
                                              round(float(rng.exponential(20) + 2), 1))
                events.append((plan["placed"], None, adoptive, plan["foster_carer"]))
                if disruption is not None:
                    events.append((disruption, None, self.placement(child, disruption, age + 1), False))
                    events.append((plan["revoked"], "C2", None, False))
                    end, rec = eighteen, _pick(rng, {"E17": 40, "E5": 40, "E6": 20})
                else:
                    end = plan["order"]
                    rec = "E11" if rng.random() < 0.7 else "E12"

        if end is not None and end > eighteen:
            end, rec = eighteen, _pick(rng, LEFT_AT_18_REC)
        if end is not None and end == eighteen and rec == "E17" and (end.month, end.day) == (3, 31):
            end = end + DAY     # staying put begins at 18 (DfE 460): off 31 March by a day later, not earlier
        end = _off_31_march(end)
        horizon = min(end, self.extract) if end is not None else self.extract

        # care order for children on an interim order who are not on the adoption path
        if pathway in ("longterm", "sgo") and ls0 in ("C1", "L2"):
            events.append((bla + self.days(200, 60, 60), "C2", None, False))
        # placement moves: a Poisson process whose rate depends on age
        rate = 0.3 if age < 5 else 0.33 if age < 11 else 0.5
        if age >= 11 and rng.random() < 0.14:
            rate = 3.0  # a minority of teenagers move often
            if rng.random() < 0.1:
                rate = 9.0  # and a very few move every few weeks
        t = bla
        placed_for_adoption = adoption_rows["placed"] if adoption_rows else None
        while True:
            t = t + pd.Timedelta(days=int(rng.exponential(365 / rate)) + 7)
            if t >= horizon:
                break
            if placed_for_adoption is not None and t >= placed_for_adoption - pd.Timedelta(days=14):
                break
            a = (t - child.dob).days / 365.25
            events.append((t, None, self.placement(child, t, a, "uasc" if pathway == "uasc" else "any"), False))
        # long-term fostering: the foster placement is confirmed as long term after a year or so
        if pathway == "longterm" and rng.random() < 0.55:
            t_lt = bla + self.days(420, 150, 120)
            if t_lt < horizon:
                events.append((t_lt, None, Placement("U4" if rng.random() < 0.8 else "U1", "PR1"), True))

        self._write_episodes(child, events, end, rec)
        return end, rec, adoption_rows

    def _write_episodes(self, child: Child, events, end, rec):
        events = sorted(events, key=lambda e: e[0])
        merged = []
        for date, ls, pl, same in events:
            if end is not None and date >= end:
                continue
            if date > self.extract:
                continue
            if merged and merged[-1]["date"] == date:
                m = merged[-1]
                m["ls"] = ls or m["ls"]
                m["pl"] = pl or m["pl"]
                m["same"] = m["same"] or same
                continue
            merged.append({"date": date, "ls": ls, "pl": pl, "same": same})
        state_ls, state_pl = None, None
        rows = []
        cin = "N1" if self.rng.random() < 0.6 else _pick(self.rng, {"N2": 8, "N3": 3, "N4": 12, "N5": 5,
                                                                    "N6": 4, "N7": 2, "N8": 6})
        if child.uasc:
            cin = "N7"
        for i, m in enumerate(merged):
            pl = m["pl"]
            if pl is not None and pl.miles is None:  # the same carer: where the child already lives
                if state_pl is None or not state_pl.place.startswith("U"):
                    continue  # only a foster carer goes on as a long-term foster carer or an adopter
                pl = pl._replace(miles=state_pl.miles, post=state_pl.post, urn=state_pl.urn)
            ls_changed = m["ls"] is not None and m["ls"] != state_ls
            # a placement changes when its type, provider, postcode or URN does (the DfE's test)
            pl_changed = pl is not None and (state_pl is None or pl[:2] + pl[3:] != state_pl[:2] + state_pl[3:])
            if i > 0 and not ls_changed and not pl_changed:
                continue
            same = m["same"] and pl_changed
            if not rows:
                rne = "S"
            elif ls_changed and pl_changed:
                rne = "U" if same else "B"
            elif ls_changed:
                rne = "L"
            else:
                rne = "T" if same else "P"
            state_ls = m["ls"] or state_ls
            state_pl = pl if pl_changed else state_pl
            rows.append([child.cid, m["date"], rne, state_ls, state_pl, ""])
        # the reason for a placement change is recorded on the episode that ended with it
        for prev, row in zip(rows, rows[1:]):
            if row[2] in ("T", "U"):
                prev[5] = "PLACE"
            elif row[2] in ("P", "B"):
                prev[5] = "CARPL" if row[4].place.startswith("A") else _pick(self.rng, REASON_PLACE_CHANGE)
        for i, (cid, decom, rne, ls, pl, reason) in enumerate(rows):
            last = i == len(rows) - 1
            dec = (end if end is not None and end <= self.extract else None) if last else rows[i + 1][1]
            this_rec = (rec if dec is not None else "") if last else "X1"
            self.rows["episodes"].append({
                "CHILD": cid, "DECOM": decom, "RNE": rne, "LS": ls, "CIN": cin, "PLACE": pl.place,
                "PLACE_PROVIDER": pl.provider, "DEC": dec, "REC": this_rec, "REASON_PLACE_CHANGE": reason,
                "HOME_POST": child.home_post or "", "PL_POST": pl.post, "URN": pl.urn,
                "DISTRICT": self.postcodes.district.get(child.home_post, ""),
                "PL_DISTANCE": "" if child.uasc else pl.miles})
            child.episodes.append((decom, dec, pl.place, ls))

    # ------------------------------------------------------------ families and pathways
    def simulate(self):
        rng = self.rng
        months = pd.date_range(HISTORY_START, self.extract, freq="MS")
        for month in months:
            # citizen families entering care this month (at scale 1 about 540 children a year in 2011-12
            # rising to 650 in 2015-16: 3 % a year from April 2011), more in the autumn than in August
            trend = 0.95 + 0.03 * max(0.0, _years_since(month, pd.Timestamp("2011-04-01")))
            n_fam = rng.poisson(38 * self.scale * SEASON[month.month] * trend)
            for _ in range(n_fam):
                bla = month + pd.Timedelta(days=int(rng.integers(0, month.days_in_month)))
                if bla > self.extract:
                    continue
                self.family(bla)
            # unaccompanied asylum-seeking children: a trickle, then a surge from mid-2014
            base = 2.0 if month < pd.Timestamp("2014-07-01") else 11.0 if month < pd.Timestamp("2015-04-01") else 19.0
            for _ in range(rng.poisson(base * self.scale)):
                bla = month + pd.Timedelta(days=int(rng.integers(0, month.days_in_month)))
                if bla <= self.extract:
                    self.uasc_child(bla)
        self.short_breaks()

    def family(self, bla):
        rng = self.rng
        size = 1 if rng.random() < 0.8 else (2 if rng.random() < 0.75 else 3)
        r = rng.random()
        youngest = (rng.uniform(0, 1) if r < 0.22 else rng.uniform(1, 5) if r < 0.40 else
                    rng.uniform(5, 10) if r < 0.58 else rng.uniform(10, 16) if r < 0.93 else rng.uniform(16, 17.9))
        ages = [youngest] + [min(17.5, youngest + rng.uniform(1, 4)) for _ in range(size - 1)]
        team = self.teams[rng.choice(len(self.teams), p=self.team_p)]
        ethnic = _pick(rng, ETHNIC)
        if youngest < 1:
            pathway = _pick(rng, {"adoption": 66, "home": 16, "sgo": 9, "longterm": 9})
        elif youngest < 5:
            pathway = _pick(rng, {"adoption": 42, "home": 28, "sgo": 14, "longterm": 16})
        elif youngest < 10:
            pathway = _pick(rng, {"home": 45, "sgo": 15, "longterm": 40})
        else:
            pathway = _pick(rng, {"home": 52, "longterm": 48})
        plan = None
        if pathway == "adoption":
            ages = [a for a in ages if a < 6] or ages[:1]
            plan = {"adm": None, "relinquished": youngest < 0.1 and rng.random() < 0.2,
                    "siblings": len(ages), "children": []}
        for age in ages:
            dob = bla - pd.Timedelta(days=int(age * 365.25))
            child = self.new_child(dob, 1 if rng.random() < 0.55 else 2, ethnic, team)
            self.prev_perm(child, bla)
            end, rec, adoption = self.period_of_care(child, bla, pathway, plan)
            if adoption is not None:
                adoption["children"].append(child)
                child.adoption_rec = rec
            # some children come back into care after going home
            if pathway == "home" and end is not None and rng.random() < 0.12:
                bla2 = end + self.days(300, 200, 30)
                if bla2 < min(self.extract, dob + pd.DateOffset(years=17)):
                    age2 = (bla2 - dob).days / 365.25
                    self.period_of_care(child, bla2, "home" if rng.random() < 0.5 or age2 < 5 else "longterm")
        if plan is not None:
            self.adoption_records(plan, bla)

    def uasc_child(self, bla):
        rng = self.rng
        age = rng.uniform(14, 17.9)
        dob = bla - pd.Timedelta(days=int(age * 365.25))
        team = self.teams[rng.integers(len(self.teams) - 1)]
        child = self.new_child(dob, 1 if rng.random() < 0.92 else 2, _pick(rng, UASC_ETHNIC), team, uasc=True)
        self.prev_perm(child, bla)
        self.period_of_care(child, bla, "uasc")
        # the date UASC status ceases: the 18th birthday for a child still UASC (the DfE's rule 205B)
        self.rows["uasc"].append({"CHILD": child.cid, "SEX": child.sex, "DOB": dob,
                                  "DUC": dob + pd.DateOffset(years=18)})

    # ------------------------------------------------------------ short breaks (LS V3 and V4)
    def short_breaks(self):
        """Disabled children of the disability service on an agreed series of short breaks (DfE legal statuses
        V3, each break its own episode, and V4, one episode for the agreement), about 2 new series a month at
        scale 1 (a few dozen children at any time), from their own random stream."""
        rng = self.stream(STREAM_SHORT_BREAKS)
        with self.drawing_from(rng):
            for month in pd.date_range(SHORT_BREAKS_FROM, self.extract, freq="MS"):
                for _ in range(rng.poisson(2.0 * self.scale)):
                    start = month + pd.Timedelta(days=int(rng.integers(0, month.days_in_month)))
                    if start <= self.extract:
                        self.short_break_child(start, rng)

    def short_break_child(self, start, rng):
        """One child's series of short breaks from ``start``: V4 (an agreement, 60 %) or V3 (a break of one to
        four nights every three to five weeks, never 75 days in a year: DfE rules 365, 367), each episode
        started to be looked after (RNE S, rule 366) and ended by the return home (E4A). Three in ten later
        enter care (a care or interim order, or section 20) under :meth:`enter_care_after_short_breaks`."""
        dob = start - pd.Timedelta(days=int(rng.uniform(4, 15) * 365.25))
        child = self.new_child(dob, 1 if rng.random() < 0.65 else 2, _pick(rng, ETHNIC), DISABILITY)
        child.rng = rng
        self.prev_perm(child, start)
        kind = "V4" if rng.random() < 0.6 else "V3"
        place, provider = _pick(rng, SHORT_BREAK_SETTINGS)
        series_end = min(start + self.days(600, 300, 120), dob + pd.DateOffset(years=17))
        if kind == "V4":
            breaks = [(start, _off_31_march(series_end))]
        else:
            breaks, t = [], start
            while t < series_end:
                breaks.append((t, t + pd.Timedelta(days=int(rng.integers(1, 5)))))
                t = t + pd.Timedelta(days=int(21 + rng.exponential(10)))
        breaks = [(s, e) for s, e in breaks if s <= self.extract]
        rows = [self._short_break_row(child, s, e, kind, place, provider) for s, e in breaks]
        if rng.random() < 0.3 and breaks[-1][1] < self.extract:
            self.enter_care_after_short_breaks(child, rows[-1], rng)

    def _short_break_row(self, child, decom, dec, kind, place, provider) -> dict:
        """A V3/V4 episode: no home or placement postcode, URN or distance (DfE rules 214, 398), CIN N2."""
        dec = dec if dec <= self.extract else None
        rec = "" if dec is None else ("E4A" if kind == "V3" else _pick(self.rng, {"E4A": 70, "E8": 30}))
        row = {"CHILD": child.cid, "DECOM": decom, "RNE": "S", "LS": kind, "CIN": "N2", "PLACE": place,
               "PLACE_PROVIDER": provider, "DEC": dec, "REC": rec, "REASON_PLACE_CHANGE": "", "HOME_POST": "",
               "PL_POST": "", "URN": "", "DISTRICT": "", "PL_DISTANCE": ""}
        self.rows["episodes"].append(row)
        child.episodes.append((decom, dec, place, kind))
        return row

    def enter_care_after_short_breaks(self, child, last_break: dict, rng):
        """The child becomes looked after under another legal status. Half the time on the day the last break
        or the agreement ends: the DfE's rules read a new episode starting the day the last one ended as the same
        period of care (431: not RNE S; 388: the ended episode X1), so the short-break episode ends X1 with the
        reason for the move (CARPL) and the next starts with a new legal status and placement (RNE B), keeping
        the category of need (rule 504). Otherwise some months later, a new period of care (RNE S)."""
        same_day = rng.random() < 0.5
        bla = last_break["DEC"] if same_day else last_break["DEC"] + self.days(120, 90, 14)
        if bla > min(self.extract, child.dob + pd.DateOffset(years=17)):
            return
        first = len(self.rows["episodes"])
        self.period_of_care(child, bla, "longterm" if rng.random() < 0.7 else "home")
        if not same_day or first == len(self.rows["episodes"]):
            return
        last_break.update(REC="X1", REASON_PLACE_CHANGE="CARPL")
        self.rows["episodes"][first]["RNE"] = "B"
        for row in self.rows["episodes"][first:]:
            row["CIN"] = last_break["CIN"]

    def prev_perm(self, child, bla):
        """Previous permanence, asked of every child who starts to be looked after: none (Z1) or an adoption,
        special guardianship or child arrangements order (P1-P3) with the authority that made it and when."""
        rng = self.rng
        code = "Z1" if child.uasc else _pick(rng, {"Z1": 88, "P1": 2, "P2": 6, "P3": 4})
        self.rows["prev_perm"].append({
            "CHILD": child.cid, "DOB": child.dob, "PREV_PERM": code,
            "LA_PERM": "" if code == "Z1" else LA_PERM_CODES[rng.integers(len(LA_PERM_CODES))],
            "DATE_PERM": None if code == "Z1" else max(child.dob + DAY, bla - self.days(900, 500, 60))})

    def adoption_records(self, plan, bla):
        rng = self.rng
        ex = self.extract
        change = plan["change"]
        adopted_by = plan["order"] if plan["order"] <= ex else None
        changed_before_placed = change is not None and change[0] < plan["placed"]
        disrupted = plan.get("disruption")
        ptype = ("foster carer" if plan["foster_carer"] and rng.random() < 0.6 else
                 "foster to adopt" if plan["foster_carer"] else
                 _pick(rng, {"own adopters": 60, "voluntary agency": 15, "other authority": 25}))
        repeat = "Y" if rng.random() < 0.12 else "N"
        panel = plan["match"] - self.days(4, 2, 0)
        meeting = _working_back(panel, int(rng.integers(5, 24)))
        visit = _working_back(meeting, int(rng.integers(4, 16)))
        shortlist = _working_back(visit, int(rng.integers(1, 9)))
        for child in plan["children"]:
            if plan["adm"] > ex:
                continue
            # the decision ceases (RD1-RD4) when the plan changes or the placement order is revoked after a
            # disruption; an adopted child's decision does not cease (the DfE's rule 525)
            if changed_before_placed and change[0] <= ex:
                ceased, reason = change[0], _pick(rng, {"RD1": 60, "RD2": 15, "RD3": 15, "RD4": 10})
            elif disrupted is not None and plan["revoked"] <= ex:
                ceased, reason = plan["revoked"], "RD1"
            else:
                ceased, reason = None, ""
            self.rows["placed_for_adoption"].append({
                "CHILD": child.cid, "DOB": child.dob, "DATE_PLACED": plan["adm"],
                "DATE_PLACED_CEASED": ceased, "REASON_PLACED_CEASED": reason})
            matched = not changed_before_placed and plan["match"] <= ex
            if adopted_by is not None and not changed_before_placed and disrupted is None:
                couple = rng.random() < 0.82
                sex = _pick(rng, {"MF": 88, "FF": 7, "MM": 5}) if couple else _pick(rng, {"F1": 85, "M1": 15})
                # L0 single; L11 married (man and woman), L12 married (same sex, from 2014), L2 civil
                # partners, L3 and L4 unmarried couples (man and woman / same sex)
                if not couple:
                    ls_adoptr = "L0"
                elif sex == "MF":
                    ls_adoptr = _pick(rng, {"L11": 78, "L3": 22})
                elif adopted_by >= pd.Timestamp("2014-03-29"):
                    ls_adoptr = _pick(rng, {"L12": 35, "L2": 45, "L4": 20})
                else:
                    ls_adoptr = _pick(rng, {"L2": 70, "L4": 30})
                self.rows["ad1"].append({
                    "CHILD": child.cid, "DOB": child.dob, "DATE_INT": plan["adm"], "DATE_MATCH": plan["match"],
                    "FOSTER_CARE": 1 if plan["foster_carer"] else 0, "NB_ADOPTR": 2 if couple else 1,
                    "SEX_ADOPTR": sex, "LS_ADOPTR": ls_adoptr})
            celebration = adopted_by + self.days(40, 15, 10) if adopted_by is not None else None
            celebration = celebration if celebration is not None and celebration <= ex else None
            status = ""
            if not matched and not changed_before_placed and plan["po"] <= ex:
                status = _pick(rng, {"active": 70, "on hold": 10, "linked": 20})
            elif matched and plan["placed"] > ex:
                status = "matched"
            self.rows["adoption_tracking"].append({
                "CHILD": child.cid,
                "SHORTLIST_DATE": shortlist if matched else None,
                "VISIT_DATE": visit if matched else None,
                "MATCHING_MEETING_DATE": meeting if matched else None,
                "PANEL_DATE": panel if matched else None,
                "ADM_MATCH_DATE": plan["match"] if matched else None,
                "PLAN_CHANGED_DATE": change[0] if changed_before_placed and change[0] <= ex else None,
                "NEW_PLAN": change[1] if changed_before_placed and change[0] <= ex else "",
                "PLACEMENT_TYPE": ptype if matched else "",
                "REPEAT_ADOPTERS": repeat if matched else "",
                "RELINQUISHED": "Y" if plan["relinquished"] else "N",
                "DISABLED": "Y" if rng.random() < 0.05 else "N",
                "DISRUPTION_DATE": disrupted if disrupted is not None and disrupted <= ex else None,
                "CELEBRATION_DATE": celebration,
                "LIFE_STORY_BOOK_DATE": (_working_forward(celebration, int(rng.integers(0, 16)))
                                         if celebration is not None else None),
                "LATER_LIFE_LETTER_DATE": (_working_forward(celebration, int(rng.integers(0, 18)))
                                           if celebration is not None else None),
                "FAMILY_FINDING_STATUS": status,
                "SIBLING_GROUP_SIZE": plan["siblings"]})

    # ------------------------------------------------------------ child-level annual tables
    def per_child_tables(self):
        """Header, OC2, OC3, reviews and missing rows of every child, each drawn from the stream of the feature
        that added the child (the main stream for the first journeys)."""
        episodes_of: dict = {}
        for row in self.rows["episodes"]:
            episodes_of.setdefault(row["CHILD"], []).append(row)
        years = [y for y in range(2012, self.extract.year + 1) if pd.Timestamp(y, 3, 31) <= self.extract]
        for child in self.children:
            if child.episodes:
                with self.drawing_from(child.rng):
                    self.child_tables(child, episodes_of[child.cid], years)

    def child_tables(self, child, rows, years):
        """One child's rows. Short breaks (V3/V4) are not care for OC3, reviews and missing; OC2 is written for
        the collection years in which the child's episodes make them looked after continuously for 12 months
        at 31 March as the DfE's validator decides (:func:`continuously_looked_after`)."""
        care = [e for e in child.episodes if e[3] not in SHORT_BREAKS]
        self.header_row(child, in_care=bool(care))
        spells = _periods(care)
        for y in years:
            if continuously_looked_after(rows, y):
                self.rows["oc2"].append(self.oc2_row(child, pd.Timestamp(y, 3, 31), y))
        if self.relevant_child(child, spells):
            self.care_leaver_rows(child, spells, years)
        self.reviews(child, spells)
        self.missing(child, spells)

    def header_row(self, child, in_care: bool):
        """Every girl looked after (other than on short breaks: DfE rule 399) is asked whether she is a mother
        (0 or 1); a UPN of 13 characters, or UN1 (under school age) and UN2 (never at school in England: the
        UASC)."""
        rng = self.rng
        mother = ""
        mc_dob = None
        last_day = min(self.extract, child.episodes[-1][1] or self.extract)
        age_now = (last_day - child.dob).days / 365.25
        if child.sex == 2 and in_care:
            mother = 0
            if age_now >= 15 and rng.random() < 0.03:
                mother, mc_dob = 1, child.dob + pd.DateOffset(years=int(age_now) - 0) - self.days(120, 60, 1)
        if child.uasc:
            upn = "UN2"
        elif age_now < 4:
            upn = "UN1"
        else:
            upn = f"{UPN_LETTERS[rng.integers(len(UPN_LETTERS))]}{rng.integers(10**11, 10**12)}"
        self.rows["header"].append({"CHILD": child.cid, "SEX": child.sex, "DOB": child.dob,
                                    "ETHNIC": child.ethnic, "UPN": upn, "MOTHER": mother, "MC_DOB": mc_dob})

    def care_leaver_rows(self, child, spells, years):
        """OC3 rows of a care leaver (:meth:`relevant_child`) in the collection years of the birthdays the year
        asks about (``OC3_AGES``): the 19th to 21st from the main stream as before, the 17th and 18th (from
        2015-16, only when no longer looked after on that birthday: DfE rule 1007) from their own stream."""
        for stream, ages in ((None, (19, 20, 21)), (child.rng or self.young_leavers_rng, (17, 18))):
            with self.drawing_from(stream):
                for age in ages:
                    bday = child.dob + pd.DateOffset(years=age)
                    y = _collection_year(bday)
                    if y in years and age in _by_year(OC3_AGES, y) and not _looked_after_on(spells, bday):
                        self.rows["oc3"].append(self.oc3_row(child, y))

    def oc3_row(self, child, year) -> dict:
        """The care leaver's contact, activity and accommodation with the collection year's codes: activity and
        accommodation 0 when the authority is not in touch (DfE rules 344, 345)."""
        rng = self.rng
        codes = _by_year(OC3_CODES, year)
        touch = _pick(rng, codes["IN_TOUCH"])
        known = touch == "YES"
        suitable = rng.random() < (0.80 if year < 2014 else 0.85)
        accom = (_pick(rng, codes["ACCOM"]) + ("1" if suitable else "2")) if known else "0"
        activ = _pick(rng, codes["ACTIV"]) if known else "0"
        return {"CHILD": child.cid, "DOB": child.dob, "IN_TOUCH": touch, "ACTIV": activ, "ACCOM": accom,
                "YEAR": year}

    def overlapping_episodes(self):
        """A few overlapping episodes, as real extracts have them (4 at scale 1, one per quarter of the county:
        none in the smaller authorities the tests take as clean extracts): a foster
        placement's end keyed one to seven days after the next placement began (the move's REC X1 and RNE P
        kept), inside one collection year, for children with no missing episode. They are data-quality rows
        for the workbook (DfE rules 501, 388 and 433 flag them) and change no period of care, OC2 or OC3 row."""
        rng = self.stream(STREAM_OVERLAPS)
        missing = {r["CHILD"] for r in self.rows["missing"]}
        eps = self.rows["episodes"]
        pairs = [(a, b) for a, b in zip(eps, eps[1:]) if self._can_overlap(a, b) and a["CHILD"] not in missing]
        n = min(len(pairs), int(4 * self.scale))
        for i in sorted(rng.choice(len(pairs), size=n, replace=False)):
            a, b = pairs[i]
            a["DEC"] = a["DEC"] + pd.Timedelta(days=int(rng.integers(1, 8)))

    def _can_overlap(self, a: dict, b: dict) -> bool:
        """A move from one foster placement to another within a period of care, in the reporting years, with a
        week or more of each collection year and of the next placement left."""
        if a["CHILD"] != b["CHILD"] or a["REC"] != "X1" or b["RNE"] != "P" or a["DEC"] < KEEP_FROM:
            return False
        end = min(b["DEC"] or self.extract, pd.Timestamp(_collection_year(a["DEC"]), 3, 31))
        return (a["PLACE"].startswith("U") and b["PLACE"].startswith("U") and a["DEC"] == b["DECOM"]
                and (end - a["DEC"]).days > 8)

    def oc2_row(self, child, mar, year) -> dict:
        """The OC2 items of a child looked after 12 months at 31 March ``mar``, asked by age as the DfE asks
        them: the development check under 5, convictions from 10, the SDQ from the year of the 4th birthday to
        that of the 17th (a reason instead of a score for a few: SDQ1 only for the children turning 4 or 17),
        the intervention items only when a substance misuse problem was identified (offered only when none
        was received)."""
        rng = self.rng
        start = pd.Timestamp(year=year - 1, month=4, day=1)
        birthday = {n: child.dob + pd.DateOffset(years=n) for n in (4, 5, 10, 12, 17)}
        score, reason = "", ""
        if birthday[4] <= mar and birthday[17] >= start:   # the DfE counts a 17th birthday on 1 April in (197B)
            if rng.random() < 0.9:
                score = int(rng.integers(0, 40))
            elif birthday[4] > start or birthday[17] <= mar:
                reason = "SDQ1"
            else:
                reason = _pick(rng, {"SDQ2": 30, "SDQ3": 25, "SDQ4": 25, "SDQ5": 20})
        misuse = 1 if birthday[12] <= mar and rng.random() < 0.05 else 0
        received = (1 if rng.random() < 0.7 else 0) if misuse else ""
        return {
            "CHILD": child.cid, "DOB": child.dob, "SDQ_SCORE": score, "SDQ_REASON": reason,
            "CONVICTED": (1 if rng.random() < 0.04 else 0) if birthday[10] <= mar else "",
            "HEALTH_CHECK": (1 if rng.random() < 0.89 else 0) if birthday[5] > mar else "",
            "IMMUNISATIONS": 1 if rng.random() < 0.86 else 0,
            "TEETH_CHECK": 1 if rng.random() < (0.84 if year >= 2014 else 0.79) else 0,
            "HEALTH_ASSESSMENT": 1 if rng.random() < 0.9 else 0,
            "SUBSTANCE_MISUSE": misuse,
            "INTERVENTION_RECEIVED": received,
            "INTERVENTION_OFFERED": (1 if rng.random() < 0.6 else 0) if received == 0 else "",
            "YEAR": year}

    def relevant_child(self, child, spells) -> bool:
        """A care leaver of the DfE's OC3: looked after 13 weeks (91 days) or more since the 14th birthday, a
        day or more of it after the 16th, and not adopted."""
        if child.adoption_rec in ("E11", "E12"):
            return False
        fourteen = child.dob + pd.DateOffset(years=14)
        sixteen = child.dob + pd.DateOffset(years=16)
        days = sum(max(0, ((e or self.extract) - max(s, fourteen)).days) for s, e in spells)
        return days >= 91 and any(e is None or e > sixteen for s, e in spells)

    def reviews(self, child, spells):
        rng = self.rng
        for start, end in spells:
            stop = min(end or self.extract, self.extract)
            # first review due in 20 working days, second in 3 months, then every 6 months
            due = _working_forward(start, 20)
            nth = 0
            while True:
                late = rng.random() < (0.10 if nth == 0 else 0.06)
                held = (due + pd.Timedelta(days=int(rng.integers(1, 30))) if late
                        else due - pd.Timedelta(days=int(rng.integers(0, 10))))
                if held > stop or held <= start:
                    break
                age = (held - child.dob).days / 365.25
                code = "PN0" if age < 4 else _pick(rng, {"PN1": 48, "PN2": 8, "PN3": 6, "PN4": 6, "PN5": 12,
                                                         "PN6": 8, "PN7": 12})
                self.rows["reviews"].append({"CHILD": child.cid, "DOB": child.dob, "REVIEW": held,
                                             "REVIEW_CODE": code})
                due = held + (pd.DateOffset(months=3) if nth == 0 else pd.DateOffset(months=6))
                nth += 1

    def missing(self, child, spells):
        """Missing and away episodes from age 11: each within one placement (the DfE asks for an end date
        when the placement a child went missing from ends), a few lasting weeks."""
        rng = self.rng
        if rng.random() > (0.30 if not child.uasc else 0.15):
            return
        moves = sorted(decom for decom, *_ in child.episodes)
        for start, end in spells:
            t = max(start, child.dob + pd.DateOffset(years=11), pd.Timestamp("2013-04-01"))
            stop = min(end or self.extract, self.extract)
            while True:
                t = t + pd.Timedelta(days=int(rng.exponential(110)) + 1)
                if t >= stop:
                    break
                long = rng.random() < 0.02
                back = t + pd.Timedelta(days=int(rng.exponential(20) + 7 if long else rng.exponential(1.2)))
                if back > self.extract:
                    break
                if back >= stop or any(t < m <= back for m in moves):
                    t = back
                    continue
                offered = rng.random() < 0.92
                done = offered and rng.random() < 0.78
                wd = int(rng.choice([0, 1, 1, 2, 2, 3, 3, 3, 4, 5, 7])) if done else None
                if done and _working_forward(back, wd) > self.extract:
                    done = False        # an interview not yet held at the extract date is not in it
                self.rows["missing"].append({
                    "CHILD": child.cid, "DOB": child.dob, "MISSING": "M" if rng.random() < 0.8 else "A",
                    "MIS_START": t, "MIS_END": back, "RHI_OFFERED": "Y" if offered else "N",
                    "RHI_DATE": _working_forward(back, wd) if done else None})
                t = back

def _collection_year(date) -> int:
    """The collection year (the year of its 31 March) a date falls in."""
    return date.year + (1 if date.month >= 4 else 0)


def _looked_after_on(spells, date) -> bool:
    return any(s <= date and (e is None or e > date) for s, e in spells)


def continuously_looked_after(rows: list[dict], year: int) -> bool:
    """Whether a child's episodes (rows with DECOM, DEC, RNE, LS, REC) make them looked after continuously for 12
    months at 31 March ``year``, as the DfE's validator decides (``add_col_to_episodes_CONTINUOUSLY_LOOKED_AFTER``,
    ``lac_validator/utils.py``, after the 2021-22 validation rules): looked after at some time in the year (an
    episode starting by 31 March and not ended before 1 April) and no episode of the year that starts a period
    of care after 1 April (RNE S), ends one before 31 March (REC other than X1) or is a short break (V3/V4)."""
    start, end = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)
    in_year = [r for r in rows if r["DECOM"] <= end and (r["DEC"] is None or r["DEC"] >= start)]

    def not_continuous(r) -> bool:
        enters = r["RNE"] == "S" and r["DECOM"] > start
        leaves = r["DEC"] is not None and r["REC"] != "X1" and r["DEC"] < end
        return enters or leaves or r["LS"] in SHORT_BREAKS
    return bool(in_year) and not any(not_continuous(r) for r in in_year)


def hash_int(text: str) -> int:
    """A stable (not Python-hash-randomised) integer for a string."""
    h = 0
    for ch in text:
        h = (h * 131 + ord(ch)) % 2_147_483_647
    return h


def _periods(eps):
    """Periods of care (start, end or None) from (DECOM, DEC, ...) tuples in date order."""
    spells = []
    for decom, dec, *_ in sorted(eps, key=lambda e: e[0]):
        if spells and spells[-1][1] is not None and spells[-1][1] == decom:
            spells[-1][1] = dec
        elif spells and spells[-1][1] is None:
            continue
        else:
            spells.append([decom, dec])
    return [(s, e) for s, e in spells]


def _add_working_days(date, days: int) -> pd.Timestamp:
    """``periods.add_working_days`` for one date without building a Series: the generator asks ~15,000 times
    (reviews, return interviews, family finding), which took half its time."""
    d = pd.Timestamp(date).to_datetime64().astype("datetime64[D]")
    return pd.Timestamp(np.busday_offset(d, days, roll="backward", holidays=bank_holidays()))


def _working_forward(date, days):
    """``days`` working days after ``date``, never before it (0 days from a Saturday is the Saturday)."""
    return max(pd.Timestamp(date), _add_working_days(date, days))


def _working_back(date, days):
    return _add_working_days(date, -days)


# ---------------------------------------------------------------- adopters and supplied measures
def adopters(auth: Authority) -> list[dict]:
    rng = auth.rng
    freezes = reference.recruitment_freezes(reference.SYNTHETIC_AUTHORITY_DIR)
    districts = sorted(set(auth.district_of.values()) - {"Disability"})
    rows = []
    hid = 1
    for month in pd.date_range("2010-04-01", auth.extract, freq="MS"):
        frozen = any((month >= s) and (month <= e) for s, e in freezes)
        for _ in range(rng.poisson((14 if frozen else 26) * max(auth.scale, 0.05))):
            enq = month + pd.Timedelta(days=int(rng.integers(0, month.days_in_month)))
            if enq > auth.extract:
                continue
            r = {"HOUSEHOLD_ID": f"H{hid:06d}"}
            hid += 1
            r["DISTRICT"] = (districts[rng.integers(len(districts))] if rng.random() < 0.8 else
                             _pick(rng, {"Northborough": 40, "Southvale": 35, "": 25}))
            r["ADOPTER_TYPE"] = _pick(rng, {"first-time": 82, "repeat": 10, "foster carer": 8})
            r["HOUSEHOLD"] = "couple" if rng.random() < 0.8 else "single"
            r["SAME_SEX"] = "Y" if r["HOUSEHOLD"] == "couple" and rng.random() < 0.1 else "N"
            r["ETHNICITY"] = _pick(rng, {"WBRI": 85, "WOTH": 5, "MOTH": 4, "APKN": 3, "BCRB": 3})
            r["DISABILITY"] = "Y" if rng.random() < 0.05 else "N"
            r["ENQUIRY_DATE"] = enq
            events = _adopter_journey(auth, r, enq, frozen)
            r.update(events)
            rows.append(r)
    return rows


def _adopter_journey(auth, r, enq, frozen):
    rng = auth.rng
    ex = auth.extract
    ev = {}

    def put(key, date):
        if date is not None and date <= ex:
            ev[key] = date
            return True
        return False

    if frozen or rng.random() > 0.55 or not put("FORMAL_ENQUIRY_DATE", enq + auth.days(4, 3, 0)):
        return ev
    put("ROI_PACK_SENT_DATE", _working_forward(ev["FORMAL_ENQUIRY_DATE"], int(rng.choice([1, 2, 3, 5, 8, 9, 12, 15]))))
    if rng.random() > 0.6 or not put("INITIAL_VISIT_DATE", ev["FORMAL_ENQUIRY_DATE"] + auth.days(21, 10, 3)):
        return ev
    put("VISIT_REPORT_DATE", _working_forward(ev["INITIAL_VISIT_DATE"], int(rng.choice([0, 1, 2, 3, 3, 4, 6]))))
    if "VISIT_REPORT_DATE" in ev:
        put("VISIT_SIGNOFF_DATE", _working_forward(ev["VISIT_REPORT_DATE"], int(rng.choice([0, 1, 2, 3, 5, 6]))))
    if rng.random() > 0.72 or not put("ROI_DATE", ev["INITIAL_VISIT_DATE"] + auth.days(25, 12, 3)):
        return ev
    if not put("ROI_DECISION_DATE", _working_forward(ev["ROI_DATE"], int(rng.choice([1, 2, 3, 4, 5, 5, 7])))):
        return ev
    fast = r["ADOPTER_TYPE"] in ("repeat", "foster carer") and rng.random() < 0.7
    outcome = "declined" if rng.random() < 0.05 else ("fast-track to stage 2" if fast else "stage 1")
    ev["ROI_OUTCOME"] = outcome
    if outcome == "declined":
        return ev
    if outcome == "stage 1":
        put("STAGE1_START", ev["ROI_DECISION_DATE"])
        if rng.random() < 0.08:
            put("WITHDRAWN_DATE", ev["STAGE1_START"] + auth.days(30, 15, 2))
            ev["WITHDRAWAL_REASON"] = _pick(rng, {"change in circumstances": 50, "pursuing another route": 25,
                                                  "health": 25})
            return ev
        if not put("STAGE1_END", ev["STAGE1_START"] + auth.days(72, 22, 25)):
            return ev
        if rng.random() < 0.05:
            ev["DEREGISTERED_DATE"] = ev["STAGE1_END"]
            ev["DEREGISTRATION_REASON"] = "not invited to stage 2"
            return ev
        s2 = ev["STAGE1_END"] + (auth.days(120, 60, 30) if rng.random() < 0.12 else auth.days(10, 8, 0))
        if s2 - ev["STAGE1_END"] > pd.Timedelta(days=29):
            ev["DEFERRED"] = "Y"
    else:
        s2 = ev["ROI_DECISION_DATE"] + auth.days(7, 5, 0)
    if not put("STAGE2_START", s2):
        return ev
    if rng.random() < 0.07:
        put("WITHDRAWN_DATE", s2 + auth.days(60, 30, 5))
        ev["WITHDRAWAL_REASON"] = _pick(rng, {"change in circumstances": 50, "pursuing another route": 20,
                                              "health": 15, "relationship": 15})
        return ev
    end = s2 + auth.days(118, 30, 60)
    if not put("STAGE2_END", end):
        return ev
    if (end - s2).days > 122:
        ev["DELAY_CAUSE"] = "applicant" if rng.random() < 0.6 else "authority"
        ev["DELAY_REASON"] = (_pick(rng, {"applicant health": 30, "house move": 25, "applicant request": 45})
                              if ev["DELAY_CAUSE"] == "applicant" else
                              _pick(rng, {"social worker capacity": 40, "references delayed": 35, "panel date": 25}))
    if rng.random() < 0.03:
        ev["REJECTED_DATE"] = end
        return ev
    put("APPROVAL_DATE", end)
    matched = rng.random() < 0.85
    if matched and put("MATCH_DATE", end + auth.days(150, 110, 20)):
        ev["OTHER_LA_CHILD"] = "Y" if rng.random() < 0.2 else "N"
        if put("PLACEMENT_DATE", ev["MATCH_DATE"] + auth.days(21, 10, 3)):
            ev["CHILDREN_PLACED"] = 1 if rng.random() < 0.82 else (2 if rng.random() < 0.85 else 3)
        return ev
    wait = ex - end
    if wait.days > 90:
        ev["ON_NATIONAL_REGISTER"] = _pick(rng, {"yes": 60, "no": 25, "planned": 15})
    if rng.random() < 0.1:
        ev["FAMILY_FINDING_ON_HOLD"] = "Y"
    if not matched and rng.random() < 0.4:
        put("DEREGISTERED_DATE", end + auth.days(300, 120, 60))
        if "DEREGISTERED_DATE" in ev:
            ev["DEREGISTRATION_REASON"] = _pick(rng, {"household request": 60, "change in circumstances": 40})
    return ev


def supplied_indicators(auth: Authority) -> list[dict]:
    """Monthly workforce and health aggregates by team, summed to area and county."""
    rng = auth.rng
    teams = reference.teams(reference.SYNTHETIC_AUTHORITY_DIR)
    name = reference.authority(reference.SYNTHETIC_AUTHORITY_DIR)["name"]
    rows = []
    months = pd.date_range(REPORT_START, auth.extract, freq="ME")
    drift = {t: rng.normal(0, 1) for t in teams["TEAM"]}
    for i, period in enumerate(months):
        per_team = []
        for _, t in teams.iterrows():
            posts = max(4, int(round(8 * auth.scale + rng.normal(0, 0.5))))
            perm = int(np.clip(rng.binomial(posts, 0.80 + 0.03 * drift[t.TEAM] + 0.0015 * i), 0, posts))
            agency = posts - perm if rng.random() < 0.8 else max(0, posts - perm - 1)
            workers = max(1, perm + agency)
            cases = int(rng.normal(17.5 + 0.6 * drift[t.TEAM], 1.5) * workers)
            cic12 = max(1, int(rng.normal(45 * auth.scale, 6)))
            same = int(np.clip(rng.binomial(cic12, 0.62 + 0.02 * drift[t.TEAM]), 0, cic12))
            entered = int(rng.poisson(2.2 * auth.scale))
            iha = int(rng.binomial(entered, 0.55 + 0.004 * i)) if entered else 0
            per_team.append((t.TEAM, t.AREA, {"SW_PERM_QUALIFIED": (perm, posts), "AGENCY_STAFF": (agency, posts),
                                              "CASELOAD": (cases, workers), "SAME_SW_12M": (same, cic12),
                                              "IHA_20WD": (iha, entered)}))
        totals: dict = {}
        for team, area, vals in per_team:
            for ind, (n, d) in vals.items():
                rows.append({"PERIOD": period, "INDICATOR": ind, "LEVEL": "team", "UNIT_NAME": team,
                             "NUMERATOR": n, "DENOMINATOR": d})
                for key in (("area", area), ("county", name)):
                    acc = totals.setdefault((ind,) + key, [0, 0])
                    acc[0] += n
                    acc[1] += d
        for (ind, level, unit), (n, d) in totals.items():
            rows.append({"PERIOD": period, "INDICATOR": ind, "LEVEL": level, "UNIT_NAME": unit,
                         "NUMERATOR": n, "DENOMINATOR": d})
    return rows


# ---------------------------------------------------------------- writing
TABLE_COLUMNS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN", "DISTRICT", "PL_DISTANCE"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "placed_for_adoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED", "YEAR"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM", "YEAR"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END", "RHI_OFFERED", "RHI_DATE"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "prev_perm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "adoption_tracking": ["CHILD", "SHORTLIST_DATE", "VISIT_DATE", "MATCHING_MEETING_DATE", "PANEL_DATE",
                          "ADM_MATCH_DATE", "PLAN_CHANGED_DATE", "NEW_PLAN", "PLACEMENT_TYPE", "REPEAT_ADOPTERS",
                          "RELINQUISHED", "DISABLED", "DISRUPTION_DATE", "CELEBRATION_DATE", "LIFE_STORY_BOOK_DATE",
                          "LATER_LIFE_LETTER_DATE", "FAMILY_FINDING_STATUS", "SIBLING_GROUP_SIZE"],
    "adopters": ["HOUSEHOLD_ID", "DISTRICT", "ADOPTER_TYPE", "HOUSEHOLD", "SAME_SEX", "ETHNICITY", "DISABILITY",
                 "ENQUIRY_DATE", "FORMAL_ENQUIRY_DATE", "ROI_PACK_SENT_DATE", "INITIAL_VISIT_DATE",
                 "VISIT_REPORT_DATE", "VISIT_SIGNOFF_DATE", "ROI_DATE", "ROI_DECISION_DATE", "ROI_OUTCOME",
                 "STAGE1_START", "STAGE1_END", "STAGE2_START", "STAGE2_END", "DEFERRED", "APPROVAL_DATE",
                 "REJECTED_DATE", "DELAY_CAUSE", "DELAY_REASON", "MATCH_DATE", "PLACEMENT_DATE", "CHILDREN_PLACED",
                 "OTHER_LA_CHILD", "ON_NATIONAL_REGISTER", "FAMILY_FINDING_ON_HOLD", "WITHDRAWN_DATE",
                 "WITHDRAWAL_REASON", "DEREGISTERED_DATE", "DEREGISTRATION_REASON"],
    "supplied_indicators": ["PERIOD", "INDICATOR", "LEVEL", "UNIT_NAME", "NUMERATOR", "DENOMINATOR"],
    "allocations": ["CHILD", "TEAM", "START", "END"],
}
UASC_TEAM, DISABILITY_SERVICE = "UASC team", "Disability service"   # the teams of allocations.csv (SPEC 2.3a, 7)


def allocations(children, keep) -> list[dict]:
    """allocations.csv: a UASC child with the UASC team and a child of the disability service (short breaks
    included) with that service, from the first episode's start to the last one's end (blank while open): the
    service holds the case between periods of care too. Worked out from the simulated children alone, with no
    random draw, so every other figure of the authority stays."""
    rows = []
    for child in children:
        team = UASC_TEAM if child.uasc else DISABILITY_SERVICE if child.team == DISABILITY else None
        if team is None or child.cid not in keep or not child.episodes:
            continue
        episodes = sorted(child.episodes, key=lambda e: e[0])
        rows.append({"CHILD": child.cid, "TEAM": team, "START": episodes[0][0], "END": episodes[-1][1]})
    return rows


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (float, np.floating)):
        return f"{value:g}"
    return str(value)


def _write(path: Path, columns: list[str], rows: list[dict]):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_fmt(r.get(c)) for c in columns])


def generate(out_dir, seed: int = 42, scale: float = 1.0, extract_date=DEFAULT_EXTRACT_DATE,
             with_columns: bool = False) -> dict:
    """Write the synthetic authority to ``out_dir``; return {table: row count}. Like a real extract the
    episodes have no DISTRICT or PL_DISTANCE column unless ``with_columns`` (the values derivation gives:
    the district of HOME_POST, the DfE's miles between the postcodes)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    auth = Authority(seed, scale, pd.Timestamp(extract_date))
    auth.simulate()
    auth.per_child_tables()
    auth.overlapping_episodes()
    # keep children whose care touches the year before the reporting years (April 2011 on: the adoption
    # report compares with four previous financial years) and their history
    keep = {c.cid for c in auth.children
            if any(dec is None or dec >= KEEP_FROM for _, dec, *_ in c.episodes)}
    counts = {}
    for table, rows in auth.rows.items():
        kept = [r for r in rows if r["CHILD"] in keep]
        date_col = {"episodes": "DECOM", "reviews": "REVIEW", "missing": "MIS_START", "oc2": "YEAR",
                    "oc3": "YEAR"}.get(table)
        kept.sort(key=lambda r: (r["CHILD"], r[date_col]) if date_col else r["CHILD"])
        columns = [c for c in TABLE_COLUMNS[table]
                   if with_columns or table != "episodes" or c not in ("DISTRICT", "PL_DISTANCE")]
        _write(out / f"{table}.csv", columns, kept)
        counts[table] = len(kept)
    ad = adopters(auth)
    _write(out / "adopters.csv", TABLE_COLUMNS["adopters"], ad)
    counts["adopters"] = len(ad)
    sup = supplied_indicators(auth)
    _write(out / "supplied_indicators.csv", TABLE_COLUMNS["supplied_indicators"], sup)
    counts["supplied_indicators"] = len(sup)
    al = allocations(auth.children, keep)
    _write(out / "allocations.csv", TABLE_COLUMNS["allocations"], al)
    counts["allocations"] = len(al)
    # the fictional county's configuration goes with its data (a real extract never borrows it)
    (out / "authority").mkdir(exist_ok=True)
    for f in reference.AUTHORITY_FILES:
        shutil.copy2(reference.SYNTHETIC_AUTHORITY_DIR / f, out / "authority" / f)
    (out / "README.txt").write_text(
        "Synthetic authority generated by `cicanalysis generate` "
        f"(seed {seed}, scale {scale:g}, extract date {auth.extract:%d/%m/%Y}"
        f"{', with DISTRICT and PL_DISTANCE' if with_columns else ''}).\n"
        "Fictional data for testing and demonstration: no real child is described here.\n",
        encoding="utf-8")
    return counts
