"""Projected demand (SPEC 6.1): how many children will be in care, in which placements, 12-24 months ahead.

A stock-and-flow (Markov) projection, the approach of the children's social care demand model published by
Social Finance (cs-demand-model, MIT licence, https://github.com/SocialFinanceDigitalLabs/cs-demand-model),
written afresh here (that model pins pandas < 2 and numpy < 2, so it cannot be a dependency) and differing
from it in the points noted below.

States: age band (under 1, 1 to 4, 5 to 9, 10 to 15, 16+, by the child's age **on the date**) × placement
group (:data:`GROUP_OF`: fostering U1-U6; residential K1, K2, R1, R2, R5, P3, S1; supported and independent
living H5, K3, P2; placed for adoption A3-A6; other: placed with parents P1, mother and baby R3, Z1,
temporary T0-T4 and anything else).

1. :func:`snapshots`: the state of every child in care at each month end of the reference window
   (the UASC switch keeps all children, citizen children only, or UASC only).
2. :func:`flows`: for each month, from consecutive month ends, the children who stayed in care (from state
   to state), who left (by the state they left from) and who entered (by the state they entered into).
   A child who entered and left between two month ends is not seen, as no month-end count sees them.
3. :func:`estimate`: rates pooled over the window's months —
   ``exit[a, g]`` = leavers / children in state (a, g) at the start of a month;
   ``move[a, g → g']`` = share of those who stayed in care whose group a month later is g';
   ``ageing[a]`` = share of those who stayed in band a who are in the next band a month later (the top
   band ages out of care through ``exit``, as 18-year-olds leave);
   ``entries[a, g]`` = children entering care into (a, g) per month.
   A state no child was in during the window borrows its group's rates pooled over all ages (no moves and
   no exits when the group was empty too); a band no child stayed in ages at 1/(12 × its width in years).
4. :func:`project`: month by month from a start population by state,
   ``n[t+1](a', g') = Σ n[t](a, g) · (1 − exit[a, g]) · move[a, g → g'] · age[a → a'] + entries[a', g']``
   (moving group and ageing taken as independent within a month), fractional children throughout.
5. :class:`Scenario`: scale entries; shift a share of the moves and entries into one group to another
   (e.g. 20% fewer residential entries, placed in fostering instead).
6. :func:`band`: uncertainty from the reference window only: the months of the window are resampled with
   replacement (a bootstrap), the rates estimated again and the projection rerun; the band is the 5th to
   95th percentile. It shows how much the projection depends on which months the rates came from; it does not
   include chance in individual children's journeys or changes of policy or practice.
7. :func:`backtest`: fit on the window ending a year before the period, project to the period and compare
   with the children actually in care, by placement group.

Unlike the published model, the start population is grouped by each child's **current** age (the model
groups it by age at the start of the episode), and moves, exits and entries are counted between month ends
(the model estimates daily rates from episode dates).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core import periods as P
from ..model.extract import Extract

AGE_BANDS = ("under 1", "1 to 4", "5 to 9", "10 to 15", "16+")
BAND_START = np.array([0, 1, 5, 10, 16])          # age in whole years at which each band starts
BAND_WIDTH = np.array([1, 4, 5, 6, 2])            # years (16+: 16 and 17)
GROUPS = ("Fostering", "Residential", "Supported", "Adoption", "Other")
_GROUP_CODES = {
    "Fostering": ("U1", "U2", "U3", "U4", "U5", "U6"),
    "Residential": ("K1", "K2", "R1", "R2", "R5", "P3", "S1"),
    "Supported": ("H5", "K3", "P2"),
    "Adoption": ("A3", "A4", "A5", "A6"),
}
GROUP_OF = {code: group for group, codes in _GROUP_CODES.items() for code in codes}   # anything else: Other
OTHER = "Other"
ENTERED, LEFT = "Entered care", "Left care"
NB, NG = len(AGE_BANDS), len(GROUPS)
NS = NB * NG                                       # states: band-major, state = band * NG + group
UASC_CHOICES = ("include", "exclude", "only")
SNAPSHOT_COLUMNS = ["date", "CHILD", "age_band", "group"]


def group_of(place) -> pd.Series:
    """The placement group of each PLACE code (Other for codes not listed and blanks)."""
    s = pd.Series(place)
    return s.map(GROUP_OF).fillna(OTHER)


def age_band(age) -> np.ndarray:
    """The band of each age in whole years (under 0 counts as under 1, 18 and over as 16+)."""
    a = np.asarray(age, dtype=float)
    return np.array(AGE_BANDS, dtype=object)[np.clip(np.searchsorted(BAND_START, a, side="right") - 1, 0, NB - 1)]


def _age_years(dob: np.ndarray, date: pd.Timestamp) -> np.ndarray:
    """Whole years of age on ``date`` from datetime64 DOBs (the same rule as ``Extract.age_on``)."""
    d = pd.DatetimeIndex(dob)
    years = date.year - d.year.to_numpy()
    before = (date.month < d.month.to_numpy()) | ((date.month == d.month.to_numpy()) & (date.day < d.day.to_numpy()))
    return years - before.astype(int)


# ---------------------------------------------------------------- states of children on dates
def snapshots(x: Extract, dates, uasc: str = "include") -> pd.DataFrame:
    """date, CHILD, age_band, group: each child in care on each date (their latest open episode), by age on
    the date. ``uasc``: include (every child), exclude (citizen children only) or only (UASC only), by the
    child's status on that date. Children without a date of birth are left out (see :func:`unknown_age`)."""
    if uasc not in UASC_CHOICES:
        raise ValueError(f"uasc must be one of {UASC_CHOICES}, not {uasc!r}")
    ep = x.episodes
    start = ep["DECOM"].to_numpy().astype("datetime64[D]")
    end = ep["DEC"].to_numpy().astype("datetime64[D]")
    no_end = np.isnat(end)
    child = ep["CHILD"].to_numpy()
    groups = group_of(ep["PLACE"]).to_numpy()
    dob = ep["DOB"].to_numpy().astype("datetime64[ns]")
    frames = []
    for d in pd.DatetimeIndex(pd.to_datetime(list(dates))):
        day = np.datetime64(d.date(), "D")
        rows = np.flatnonzero((start <= day) & (no_end | (end > day)))
        # episodes are sorted by child then start: the last open row of each child wins (as in_care_on)
        last = np.r_[child[rows][1:] != child[rows][:-1], True] if len(rows) else np.zeros(0, bool)
        rows = rows[last]
        rows = rows[~np.isnat(dob[rows])]
        if uasc != "include" and len(rows):
            is_uasc = x.uasc_on(pd.Series(child[rows]), d).to_numpy()
            rows = rows[is_uasc if uasc == "only" else ~is_uasc]
        frames.append(pd.DataFrame({"date": d, "CHILD": child[rows],
                                    "age_band": age_band(_age_years(dob[rows], d)), "group": groups[rows]}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    return out[SNAPSHOT_COLUMNS]


def unknown_age(x: Extract, date) -> int:
    """Children in care on ``date`` without a date of birth (left out of the projection)."""
    return int(x.in_care_on(date)["DOB"].isna().sum())


def population(snaps: pd.DataFrame, date=None) -> pd.DataFrame:
    """age_band, group, children: the count in each state on ``date`` (the snapshots' only or last date)."""
    date = pd.Timestamp(date) if date is not None else snaps["date"].max()
    s = snaps[snaps["date"] == date]
    counts = s.groupby(["age_band", "group"]).size()
    idx = pd.MultiIndex.from_product([AGE_BANDS, GROUPS], names=["age_band", "group"])
    return counts.reindex(idx, fill_value=0).rename("children").reset_index()


# ---------------------------------------------------------------- flows between month ends
def reference_dates(window_end, months: int = 12) -> list[pd.Timestamp]:
    """The month ends that bound a reference window of ``months`` months ending at ``window_end``
    (``months + 1`` dates: 31/03/2015 and 12 months gives 31/03/2014 ... 31/03/2015)."""
    end = P.month_end_of(window_end)
    return [P.month_end_of(end - pd.DateOffset(months=months - k)) for k in range(months + 1)]


def flows(snaps: pd.DataFrame) -> pd.DataFrame:
    """month (the later month end), from_band, from_group, to_band, to_group, children: between each pair of
    consecutive dates of ``snaps``, every child who stayed in care (state to state), left (to_group
    "Left care", to_band "") or entered (from_group "Entered care", from_band ""). Every pair in one outer merge
    and one count (each date's children matched with the next date's), the same rows in the same order as a join
    and a count per pair of dates (``tests/test_demand.py``)."""
    cols = ["month", "from_band", "from_group", "to_band", "to_group"]
    dates = sorted(snaps["date"].unique())
    if len(dates) < 2:
        return pd.DataFrame(columns=cols + ["children"])
    later = dict(zip(dates[:-1], dates[1:]))
    state = ["CHILD", "age_band", "group"]
    before = snaps.loc[snaps["date"] != dates[-1], state].assign(month=snaps["date"].map(later))
    after = snaps.loc[snaps["date"] != dates[0], state].assign(month=snaps["date"])
    j = before.merge(after, on=["month", "CHILD"], how="outer", suffixes=("_0", "_1"))
    f = pd.DataFrame({"month": pd.DatetimeIndex(j["month"]),
                      "from_band": j["age_band_0"].fillna(""), "from_group": j["group_0"].fillna(ENTERED),
                      "to_band": j["age_band_1"].fillna(""), "to_group": j["group_1"].fillna(LEFT)})
    return f.groupby(cols).size().rename("children").reset_index()


def _state(band, group) -> np.ndarray:
    b = pd.Index(AGE_BANDS).get_indexer(pd.Series(band).to_numpy())
    g = pd.Index(GROUPS).get_indexer(pd.Series(group).to_numpy())
    return b * NG + g


@dataclass
class Counts:
    """The flows as arrays by month: ``stay[k, s, s']``, ``left[k, s]``, ``entered[k, s']`` (states band-major)."""
    months: list
    stay: np.ndarray
    left: np.ndarray
    entered: np.ndarray

    @classmethod
    def of(cls, f: pd.DataFrame) -> "Counts":
        months = sorted(f["month"].unique())
        k = pd.Index(months).get_indexer(f["month"])
        stay, left, entered = np.zeros((len(months), NS, NS)), np.zeros((len(months), NS)), np.zeros((len(months), NS))
        n = f["children"].to_numpy(dtype=float)
        st = f["from_group"] != ENTERED
        lv = f["to_group"] == LEFT
        s_from = np.where(st, _state(f["from_band"].where(st, AGE_BANDS[0]), f["from_group"].where(st, GROUPS[0])), -1)
        s_to = np.where(~lv, _state(f["to_band"].where(~lv, AGE_BANDS[0]), f["to_group"].where(~lv, GROUPS[0])), -1)
        both = st.to_numpy() & ~lv.to_numpy()
        np.add.at(stay, (k[both], s_from[both], s_to[both]), n[both])
        out = st.to_numpy() & lv.to_numpy()
        np.add.at(left, (k[out], s_from[out]), n[out])
        inn = ~st.to_numpy() & ~lv.to_numpy()
        np.add.at(entered, (k[inn], s_to[inn]), n[inn])
        return cls(list(months), stay, left, entered)

    def pooled(self, weights=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(stay, left, entered summed over months with ``weights`` (times each month is drawn), months)."""
        w = np.ones(len(self.months)) if weights is None else np.asarray(weights, dtype=float)
        return (np.tensordot(w, self.stay, 1), w @ self.left, w @ self.entered, float(w.sum()))


# ---------------------------------------------------------------- rates
@dataclass
class Rates:
    """Monthly rates, as arrays for the projection (states band-major) and as tidy frames via :meth:`tables`.
    ``exit[s]``; ``move[b, g, g']`` (each row sums to 1); ``ageing[b]``; ``entries[s]`` per month."""
    exit: np.ndarray
    move: np.ndarray
    ageing: np.ndarray
    entries: np.ndarray
    window: tuple = ()
    months: int = 0
    borrowed: list = field(default_factory=list)     # states whose rates came from their group pooled

    def transition(self) -> np.ndarray:
        """The one-month matrix ``T[s, s']`` of staying in care and moving from s to s' (ageing included): a child in
        state s = (b, g) stays with ``1 - exit[s]``, moves to group g' with ``move[b, g, g']``, and is a band older a
        month later with ``ageing[b]`` (never from the last band). Worked out for every state at once, each entry the
        same product as state by state (``tests/test_demand.py``)."""
        up = np.append(np.asarray(self.ageing, dtype=float)[:NB - 1], 0.0)
        stay = (1 - np.asarray(self.exit, dtype=float).reshape(NB, NG))[:, :, None] * self.move    # [b, g, g']
        T = np.zeros((NB, NG, NB, NG))
        b = np.arange(NB)
        T[b, :, b, :] = stay * (1 - up)[:, None, None]
        T[b[:-1], :, b[:-1] + 1, :] = stay[:-1] * up[:-1, None, None]
        return T.reshape(NS, NS)

    def tables(self) -> dict[str, pd.DataFrame]:
        """exits (age_band, group, rate), moves (age_band, from_group, to_group, rate), ageing (age_band, rate),
        entries (age_band, group, per_month): monthly rates as tidy frames."""
        states = pd.MultiIndex.from_product([AGE_BANDS, GROUPS], names=["age_band", "group"]).to_frame(index=False)
        moves = pd.MultiIndex.from_product([AGE_BANDS, GROUPS, GROUPS],
                                           names=["age_band", "from_group", "to_group"]).to_frame(index=False)
        return {"exits": states.assign(rate=self.exit),
                "moves": moves.assign(rate=self.move.reshape(-1)),
                "ageing": pd.DataFrame({"age_band": AGE_BANDS, "rate": self.ageing}),
                "entries": states.assign(per_month=self.entries)}


def _exit_rates(left: np.ndarray, stock: np.ndarray, g_left: np.ndarray, g_stock: np.ndarray) -> tuple:
    """``exit[b, g]``: the state's leavers over its stock; a state with no stock borrows its group's pooled rate
    (listed in ``borrowed``, band by band), 0 when the group has none either."""
    own = stock > 0
    pooled = np.divide(g_left, g_stock, out=np.zeros(NG), where=g_stock > 0)
    exit_ = np.where(own, left / np.where(own, stock, 1), pooled[None, :])
    borrowed = [(AGE_BANDS[b], GROUPS[g]) for b, g in zip(*np.nonzero(~own & (g_stock > 0)[None, :]))]
    return exit_, borrowed


def _move_rates(to_group: np.ndarray, stayed: np.ndarray, g_stay: np.ndarray) -> np.ndarray:
    """``move[b, g, g']``: the state's stayers by group a month later over its stayers; a state with none borrows its
    group's pooled moves; a group with no stayers at all stays where it is."""
    g_total = g_stay.sum(axis=1)
    pooled = np.where((g_total > 0)[:, None], g_stay / np.where(g_total > 0, g_total, 1)[:, None], np.eye(NG))
    own = stayed > 0
    return np.where(own[:, :, None], to_group / np.where(own, stayed, 1)[:, :, None], pooled[None, :, :])


def estimate(counts: Counts, weights=None) -> Rates:
    """Rates from the pooled monthly flows (see the module's notes: pooled rates, borrowing for empty states)."""
    stay, left, entered, months = counts.pooled(weights)
    stay4 = stay.reshape(NB, NG, NB, NG)
    to_group = stay4.sum(axis=2)                       # [b, g, g'] stayers by group a month later
    stayed = to_group.sum(axis=2)                      # [b, g]
    stock = stayed + left.reshape(NB, NG)
    g_stay, g_stock, g_left = to_group.sum(axis=0), stock.sum(axis=0), left.reshape(NB, NG).sum(axis=0)
    exit_, borrowed = _exit_rates(left.reshape(NB, NG), stock, g_left, g_stock)
    move = _move_rates(to_group, stayed, g_stay)
    band_stayed = stayed.sum(axis=1)
    aged = np.array([stay4[b, :, b + 1, :].sum() if b < NB - 1 else 0.0 for b in range(NB)])
    ageing = np.where(band_stayed > 0, aged / np.where(band_stayed > 0, band_stayed, 1), 1 / (12 * BAND_WIDTH))
    ageing[-1] = 0.0
    window = (counts.months[0], counts.months[-1]) if counts.months else ()
    return Rates(exit_.reshape(-1), move, ageing, entered / months if months else entered * 0, window,
                 int(round(months)), borrowed)


def rates(x: Extract, window_end, months: int = 12, uasc: str = "include") -> Rates:
    """Rates from an extract over the ``months`` months ending at ``window_end``."""
    return estimate(Counts.of(flows(snapshots(x, reference_dates(window_end, months), uasc))))


# ---------------------------------------------------------------- scenarios and projection
@dataclass(frozen=True)
class Scenario:
    """``entries``: entries multiplied by this (1.2 = 20% more); ``shift_share`` of every move and entry into
    ``shift_from`` goes to ``shift_to`` instead (children already in ``shift_from`` are not moved)."""
    entries: float = 1.0
    shift_from: str = ""
    shift_to: str = ""
    shift_share: float = 0.0

    def describe(self) -> str:
        parts = [] if self.entries == 1 else [f"entries × {self.entries:g}"]
        if self.shift_share and self.shift_from:
            parts.append(f"{self.shift_share:.0%} of moves and entries into {self.shift_from.lower()} go to "
                         f"{self.shift_to.lower()} instead")
        return "; ".join(parts) if parts else "none (the reference window's rates)"

    def apply(self, r: Rates) -> Rates:
        entries = r.entries * self.entries
        move = r.move.copy()
        if self.shift_share and self.shift_from:
            if self.shift_from not in GROUPS or self.shift_to not in GROUPS:
                raise ValueError(f"shift_from and shift_to must be placement groups {GROUPS}")
            if not 0 <= self.shift_share <= 1:
                raise ValueError("shift_share must be between 0 and 1")
            f, t = GROUPS.index(self.shift_from), GROUPS.index(self.shift_to)
            e = entries.reshape(NB, NG).copy()
            e[:, t] += self.shift_share * e[:, f]
            e[:, f] *= 1 - self.shift_share
            entries = e.reshape(-1)
            others = [g for g in range(NG) if g != f]
            move[:, others, t] += self.shift_share * move[:, others, f]
            move[:, others, f] *= 1 - self.shift_share
        return Rates(r.exit, move, r.ageing, entries, r.window, r.months, r.borrowed)


def _vector(start: pd.DataFrame) -> np.ndarray:
    n = np.zeros(NS)
    np.add.at(n, _state(start["age_band"], start["group"]), start["children"].to_numpy(dtype=float))
    return n


def _run(T: np.ndarray, entries: np.ndarray, n0: np.ndarray, months: int) -> np.ndarray:
    out = np.empty((months + 1, NS))
    out[0] = n0
    for m in range(months):
        out[m + 1] = out[m] @ T + entries
    return out


def _dates(start, months: int) -> list[pd.Timestamp]:
    s = P.month_end_of(start)
    return [P.month_end_of(s + pd.DateOffset(months=m)) for m in range(months + 1)]


def project(r: Rates, start: pd.DataFrame, start_date, months: int = 24, scenario: Scenario | None = None
            ) -> pd.DataFrame:
    """date, month (0 = the start), age_band, group, children: the start population (age_band, group,
    children) carried forward month by month with the rates (and the scenario)."""
    r = scenario.apply(r) if scenario is not None else r
    out = _run(r.transition(), r.entries, _vector(start), months)
    dates = _dates(start_date, months)
    return pd.DataFrame({"date": np.repeat(dates, NS), "month": np.repeat(np.arange(months + 1), NS),
                         "age_band": np.tile(np.repeat(AGE_BANDS, NG), months + 1),
                         "group": np.tile(GROUPS, NB * (months + 1)), "children": out.reshape(-1)})


def by_group(projection: pd.DataFrame) -> pd.DataFrame:
    """date, month, group, children (with a Total group), the projection summed over age bands."""
    g = projection.groupby(["date", "month", "group"], sort=False)["children"].sum().reset_index()
    total = projection.groupby(["date", "month"], sort=False)["children"].sum().reset_index().assign(group="Total")
    order = {name: i for i, name in enumerate(GROUPS + ("Total",))}
    out = pd.concat([g, total], ignore_index=True)
    return out.sort_values(["month", "group"], key=lambda c: c.map(order) if c.name == "group" else c,
                           kind="stable").reset_index(drop=True)


def band(counts: Counts, start: pd.DataFrame, start_date, months: int = 24, scenario: Scenario | None = None,
         draws: int = 200, seed: int = 0, level: float = 0.90) -> pd.DataFrame:
    """date, month, group (with Total), low, high: the ``level`` band of the projection by group from
    resampling the reference window's months with replacement ``draws`` times (seeded)."""
    rng = np.random.default_rng(seed)
    k = len(counts.months)
    n0 = _vector(start)
    gsum = np.zeros((NS, NG + 1))
    gsum[np.arange(NS), np.arange(NS) % NG] = 1
    gsum[:, NG] = 1
    runs = np.empty((draws, months + 1, NG + 1))
    for i in range(draws):
        w = np.bincount(rng.integers(0, k, k), minlength=k)
        r = estimate(counts, w)
        r = scenario.apply(r) if scenario is not None else r
        runs[i] = _run(r.transition(), r.entries, n0, months) @ gsum
    q = (1 - level) / 2
    low, high = np.quantile(runs, q, axis=0), np.quantile(runs, 1 - q, axis=0)
    dates = _dates(start_date, months)
    names = GROUPS + ("Total",)
    return pd.DataFrame({"date": np.repeat(dates, NG + 1), "month": np.repeat(np.arange(months + 1), NG + 1),
                         "group": np.tile(names, months + 1), "low": low.reshape(-1), "high": high.reshape(-1)})


# ---------------------------------------------------------------- the report's pieces
@dataclass
class Projection:
    """Everything the report shows: the rates, the projection by state and by group with its band."""
    start_date: pd.Timestamp
    rates: Rates
    counts: Counts
    start: pd.DataFrame
    projection: pd.DataFrame
    groups: pd.DataFrame           # by_group with low and high
    scenario: Scenario
    uasc: str
    unknown_age: int = 0
    history: pd.DataFrame | None = None   # date, group, children (with Total): the reference window's month ends


def run(x: Extract, start_date, reference_months: int = 12, months: int = 24, scenario: Scenario | None = None,
        uasc: str = "include", draws: int = 200, seed: int = 0) -> Projection:
    """Fit on the ``reference_months`` months ending at ``start_date``, then project ``months`` ahead from the
    children in care on ``start_date`` (with the band unless ``draws`` is 0)."""
    start_date = P.month_end_of(start_date)
    dates = reference_dates(start_date, reference_months)
    snaps, counts = window(x, dates, uasc)
    r = estimate(counts)
    start = population(snaps, start_date)
    scenario = scenario or Scenario()
    proj = project(r, start, start_date, months, scenario)
    groups = by_group(proj)
    if draws:
        groups = groups.merge(band(counts, start, start_date, months, scenario, draws, seed)[["month", "group", "low", "high"]],
                              on=["month", "group"], how="left")
    else:
        groups = groups.assign(low=np.nan, high=np.nan)
    return Projection(start_date, r, counts, start, proj, groups, scenario, uasc, unknown_age(x, start_date),
                      history(snaps))


def window(x: Extract, dates, uasc: str = "include") -> tuple[pd.DataFrame, Counts]:
    """The snapshots on ``dates`` and their monthly flows as :class:`Counts`, kept on the extract (``x.cache``): the
    report's projection and its backtest both look at the 12 months to the period (one to fit, one to compare).
    Callers must not change the frame they are given."""
    key = ("demand window", tuple(pd.Timestamp(d) for d in dates), uasc)
    if key not in x.cache:
        snaps = snapshots(x, dates, uasc)
        x.cache[key] = (snaps, Counts.of(flows(snaps)))
    return x.cache[key]


def history(snaps: pd.DataFrame) -> pd.DataFrame:
    """date, group, children (with a Total group): the children in care at each date of ``snaps``."""
    dates = sorted(snaps["date"].unique())
    idx = pd.MultiIndex.from_product([dates, GROUPS], names=["date", "group"])
    g = snaps.groupby(["date", "group"]).size().reindex(idx, fill_value=0).rename("children").reset_index()
    total = g.groupby("date")["children"].sum().reset_index().assign(group="Total")
    return pd.concat([g, total], ignore_index=True)


def milestones(p: Projection, at=(6, 12, 24)) -> pd.DataFrame:
    """The table of the report: a row per placement group (and the total), the children in care at the start,
    then the projection (and its band) at each of ``at`` months ahead."""
    g = p.groups
    out = pd.DataFrame({"Placement group": list(GROUPS) + ["Total"]})
    now = g[g["month"] == 0].set_index("group")["children"]
    out[f"In care {p.start_date:%d/%m/%Y}"] = out["Placement group"].map(now).round().astype(int)
    for m in at:
        s = g[g["month"] == m].set_index("group")
        if s.empty:
            continue
        d = s["date"].iloc[0]
        out[f"+{m} months ({d:%d/%m/%Y})"] = out["Placement group"].map(s["children"]).round().astype(int)
        if s["low"].notna().all():
            out[f"+{m} months: 90% band"] = [f"{lo:,.0f} to {hi:,.0f}" for lo, hi in
                                             zip(out["Placement group"].map(s["low"]), out["Placement group"].map(s["high"]))]
    return out


def backtest(x: Extract, period, reference_months: int = 12, horizon: int = 12, uasc: str = "include",
             draws: int = 200, seed: int = 0) -> pd.DataFrame | None:
    """Fit on the window ending ``horizon`` months before ``period``, project to ``period`` and compare with the
    children actually in care then: group, start (in care at the fit date), projected, actual, error
    (projected − actual), error_pct (of actual), low, high (the band), within_band. None when the extract
    does not go back to the start of that window."""
    period = P.month_end_of(period)
    fit_end = P.month_end_of(period - pd.DateOffset(months=horizon))
    if reference_dates(fit_end, reference_months)[0] < x.first_date:
        return None
    p = run(x, fit_end, reference_months, horizon, uasc=uasc, draws=draws, seed=seed)
    after, after_counts = window(x, reference_dates(period, horizon), uasc)
    actual = population(after, period).groupby("group")["children"].sum()
    actual["Total"] = actual.sum()
    end = p.groups[p.groups["month"] == horizon].set_index("group")
    start = p.groups[p.groups["month"] == 0].set_index("group")["children"]
    names = list(GROUPS) + ["Total"]
    out = pd.DataFrame({"group": names, "fit_date": fit_end, "period": period,
                        "start": [start[n] for n in names], "projected": [end.at[n, "children"] for n in names],
                        "actual": [float(actual.get(n, 0)) for n in names],
                        "low": [end.at[n, "low"] for n in names], "high": [end.at[n, "high"] for n in names]})
    out["error"] = out["projected"] - out["actual"]
    out["error_pct"] = np.where(out["actual"] > 0, out["error"] / out["actual"].where(out["actual"] > 0, 1) * 100,
                                np.nan)
    out["within_band"] = (out["actual"] >= out["low"].round()) & (out["actual"] <= out["high"].round())
    out.attrs["entries_fit"] = p.rates.entries.sum()           # entries a month in the fit window ...
    out.attrs["entries_after"] = after_counts.entered.sum() / horizon   # ... and in the months projected
    return out


def backtest_note(bt: pd.DataFrame | None) -> str:
    """What a reader needs to judge the backtest (or why there is none)."""
    if bt is None:
        return "No backtest: the extract does not go back far enough before the period."
    t = bt.set_index("group")
    shown = t[(t["actual"] > 0) | (t["projected"] >= 0.5)].drop("Total")
    inside = int(shown["within_band"].sum())
    fit, after = bt.attrs.get("entries_fit", np.nan), bt.attrs.get("entries_after", np.nan)
    text = (f"Error: projected minus actual, in children and in per cent of the actual number. The actual number "
            f"was within the 90% band for {inside} of {len(shown)} placement groups"
            + (" and for the total." if t.at["Total", "within_band"] else ", not for the total."))
    if pd.notna(fit) and pd.notna(after):
        text += (f" Children entered care at {fit:,.1f} a month in the fit window and {after:,.1f} a month in the "
                 f"year projected ({(after - fit) / fit * 100 if fit else np.nan:+.0f}%): the projection assumes the "
                 "window's entries continue, and the band does not allow for such a change.")
    return text


def backtest_table(bt: pd.DataFrame) -> pd.DataFrame:
    """The backtest as the report shows it (whole children, error in children and %)."""
    fit, period = bt["fit_date"].iloc[0], bt["period"].iloc[0]
    return pd.DataFrame({
        "Placement group": bt["group"],
        f"In care {fit:%d/%m/%Y}": bt["start"].round().astype(int),
        f"Projected {period:%d/%m/%Y}": bt["projected"].round().astype(int),
        f"Actual {period:%d/%m/%Y}": bt["actual"].round().astype(int),
        "Error (children)": (bt["projected"].round() - bt["actual"]).astype(int),
        "Error (%)": bt["error_pct"].round(1),
        "Actual within the 90% band": bt["within_band"] if bt["low"].notna().all() else pd.NA,
    })


def method_note(p: Projection) -> str:
    """How the projection was made, for the report (Markdown)."""
    w0, w1 = reference_dates(p.start_date, p.rates.months)[0], p.start_date
    who = {"include": "all children in care (UASC included)", "exclude": "children in care excluding UASC",
           "only": "UASC only"}[p.uasc]
    unknown = (f" {p.unknown_age} child(ren) in care without a date of birth are left out." if p.unknown_age else "")
    return (f"A stock-and-flow projection of {who}, by placement group and age band (age on the date: under 1, 1 to 4, "
            f"5 to 9, 10 to 15, 16+). From the month ends of the reference window ({w0:%d/%m/%Y} to {w1:%d/%m/%Y}) "
            "come each state's monthly chance of leaving care and of moving placement group, the share who move up an "
            "age band, and the children entering care each month by age band and placement group; the children in "
            f"care on {p.start_date:%d/%m/%Y} are carried forward month by month with them. The band (90%) comes "
            "from resampling the window's months: it shows how much the projection depends on which months the "
            "rates came from, not changes in policy, practice or arrivals (the backtest shows how far those can "
            "take the count). Placement groups: fostering U1-U6; residential K1, K2, R1, R2, R5, P3, S1; supported "
            "and independent living H5, K3, P2; placed for adoption A3-A6; other: all other placements. The method "
            "is that of the children's social care demand model published by Social Finance (cs-demand-model), "
            "written afresh; unlike it, the children in care at the start are grouped by their current age."
            + unknown)


def summary(p: Projection, bt: pd.DataFrame | None = None) -> list[str]:
    """Sentences for the report: the total now and at +12 and +24 months (with the band), the largest change
    by group, the backtest's overall error."""
    g = p.groups
    total = g[g["group"] == "Total"].set_index("month")
    last = int(total.index.max())
    lines = [f"{total.at[0, 'children']:,.0f} children in care on {p.start_date:%d/%m/%Y}"
             + "".join(f"; projected {total.at[m, 'children']:,.0f} on {total.at[m, 'date']:%d/%m/%Y}"
                       + (f" (90% band {total.at[m, 'low']:,.0f} to {total.at[m, 'high']:,.0f})"
                          if pd.notna(total.at[m, 'low']) else "")
                       for m in (12, 24) if m <= last) + "."]
    change = (g[g["month"] == last].set_index("group")["children"] - g[g["month"] == 0].set_index("group")["children"]
              ).drop("Total")
    big = change.abs().idxmax()
    lines.append(f"The largest change by {total.at[last, 'date']:%d/%m/%Y} is in {big.lower()}: "
                 f"{change[big]:+,.0f} children.")
    if bt is not None:
        t = bt.set_index("group").loc["Total"]
        lines.append(f"Backtest: fitted on the 12 months to {t['fit_date']:%d/%m/%Y}, the method projected "
                     f"{t['projected']:,.0f} children in care on {t['period']:%d/%m/%Y}; there were {t['actual']:,.0f} "
                     f"(error {t['projected'] - t['actual']:+,.0f}, {t['error_pct']:+.1f}%).")
    lines.append(f"Scenario: {p.scenario.describe()}.")
    return lines
