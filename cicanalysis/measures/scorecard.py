"""The Children in Care scorecard: values by level, RAG, direction of travel, narrative.

``build(data, period)`` returns one row per indicator × unit (county, areas, teams) with numerator,
denominator, value, target, floor, RAG, the previous month's and the outturn's values and the
direction of travel against each. ``performance_summary`` and ``changes_between`` write the officer's
sentences from any frame with those columns (including one typed in by hand).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from . import metrics as M
from ..core import periods as P
from ..config import reference
from ..model.extract import NO_DISTRICT, UNKNOWN, Extract
from .indicators.cases import Cases, cases, collection_year
from ..core.errors import CicError
from ..core.rag import SMALL_DENOMINATOR_MAX, direction_of_travel, directions_of_travel, rag_rating

LEVELS = ("county", "area", "team")
COLUMNS = ["indicator", "title", "polarity", "measure_type", "unit", "level", "unit_name", "period",
           "numerator", "denominator", "value", "target", "floor", "rag", "previous_value", "dot_previous",
           "outturn_value", "dot_outturn", "small_denominator"]
RAG_ORDER = {"R": 0, "A": 1, "G": 2}


def _extract(data) -> Extract:
    """The measures work on a loaded extract (``cicanalysis.load(folder)``), never on a folder name."""
    if not isinstance(data, Extract):
        raise TypeError(f"the scorecard needs a loaded extract (cicanalysis.load(folder)), not {type(data).__name__}")
    return data


def check_period(x: Extract, period) -> pd.Timestamp:
    """The period as a month end, refused when it is after the extract or before the data starts, or when the
    extract holds no episode to count (every one a short break, LS V3/V4: no child was looked after)."""
    p = P.month_end(period)
    if x.episodes.empty:
        written = len(x["episodes"]) if "episodes" in x.tables else 0
        raise CicError(f"episodes: no episode to count ({written:,} in the file"
                       + (", every one a short break (LS V3/V4), which the DfE's statistics leave out)" if written else ")"),
                       rule="an episode of care")
    if pd.notna(x.extract_date) and p > P.month_end_of(x.extract_date):
        raise CicError(f"period {p:%d/%m/%Y} is after the extract date {x.extract_date:%d/%m/%Y}: "
                       f"the extract holds no data for it", rule="period within the extract")
    if pd.notna(x.first_date) and p < x.first_date:
        raise CicError(f"period {p:%d/%m/%Y} is before the data starts ({x.first_date:%d/%m/%Y})",
                       rule="period within the extract")
    return p


# ---------------------------------------------------------------- values
def _finish(num: float, den: float, unit: str) -> float:
    if unit == "count":
        return num
    if den is None or np.isnan(den) or den == 0:
        return np.nan
    if unit == "%":
        return 100.0 * num / den
    if unit == "per 10,000":
        return 10_000.0 * num / den
    return num / den


def _all_units(x: Extract) -> dict[str, list[str]]:
    """The units every scorecard lists (even with no cases), from the authority's teams: worked out once."""
    if "all_units" not in x.cache:   # the teams of allocations.csv (a UASC team, a disability service) after them
        allocated = x["allocations"]["TEAM"].astype(str).str.strip() if "allocations" in x.tables else []
        teams = list(dict.fromkeys(list(x.teams["TEAM"]) + sorted(set(allocated) - set(x.teams["TEAM"]))))
        x.cache["all_units"] = {"county": [x.authority["name"]], "area": sorted(x.teams["AREA"].unique()),
                                "team": teams}
    return x.cache["all_units"]


VALUE_COLUMNS = ["indicator", "level", "unit_name", "period", "numerator", "denominator", "value"]


def _not_available(x: Extract, ind: M.Indicator, period: pd.Timestamp) -> list[tuple]:
    """An indicator whose inputs the extract lacks: every unit listed with no value (n/a, not rated)."""
    return [(ind.id, level, name, period, np.nan, np.nan, np.nan)
            for level, names in _all_units(x).items() for name in names
            if not (ind.unit == "per 10,000" and level != "county")]


def _cases(x: Extract, ind: M.Indicator, period: pd.Timestamp, shared: dict) -> tuple:
    """(cases, UASC flags, unit codes) of an indicator's counting function for the period: worked out once per
    function and window (``shared``, one period's) when several indicators count the same cases (CIC_TOTAL,
    CIC_CITIZEN, CIC_UASC, CIC_RATE)."""
    window = P.window_for(ind.measure_type, period)
    key = (ind.count, window)
    if key not in shared:
        found = as_cases(ind.count(x, period, window))
        shared[key] = (found,) + _lookups(x, found, period)
    return shared[key]


def as_cases(found) -> Cases:
    """A counting function's result as :class:`Cases` (a function may also give a DataFrame with CHILD, NUM, DEN
    and optionally DATE and CODE)."""
    if isinstance(found, Cases):
        return found
    return cases(found["CHILD"], found["NUM"], found["DEN"], found["DATE"] if "DATE" in found else None,
                 found["CODE"] if "CODE" in found else None)


def _lookups(x: Extract, found: Cases, period: pd.Timestamp) -> tuple[np.ndarray, dict]:
    """(UASC flags, unit codes) of each case on its date (the period when it has none). Cases drawn from a
    :class:`CaseTable` take their rows' lookups, worked out once for the whole table and kept on the extract
    (a row's UASC status and units depend on its child and date only, whichever month counts it)."""
    if found.table is None:
        return _look_up(x, found.child, found.code, period if found.date is None else found.date)
    key = ("case lookups",) + found.table.key
    if key not in x.cache:
        x.cache[key] = _look_up(x, found.table.child, found.table.code, found.table.date)
    uasc, units = x.cache[key]
    rows = found.rows
    return uasc[rows], {col: (codes[rows], names) for col, (codes, names) in units.items()}


def _look_up(x: Extract, child: np.ndarray, code: np.ndarray | None, dates) -> tuple[np.ndarray, dict]:
    """(UASC flags, unit codes) of the children on the dates; the unit codes as int32 (a few hundred units: half the
    memory of what a table keeps)."""
    code = x.child_codes(child) if code is None else code
    units = x.unit_codes(None, dates, codes=code)
    return x.uasc_of_codes(code, dates), {col: (codes.astype(np.int32), names) for col, (codes, names) in units.items()}


def _kept(ind: M.Indicator, uasc: np.ndarray, include_uasc: bool) -> np.ndarray:
    """Which cases the indicator counts by UASC status: its ``uasc`` rule, and the scorecard's switch."""
    if ind.uasc == "exclude" or (not include_uasc and ind.uasc == "include"):
        return ~uasc
    if ind.uasc == "only":
        return uasc & include_uasc
    return np.ones(len(uasc), dtype=bool)


def _sums_by_unit(which: np.ndarray, labels: np.ndarray, num_w: np.ndarray, den_w: np.ndarray) -> dict:
    """{unit name: (numerator, denominator)} of the units with at least one case (a name may have two codes: their
    sums added in code order)."""
    cases_in = np.bincount(which, minlength=len(labels))
    num_in = np.bincount(which, num_w, len(labels)).tolist()
    den_in = np.bincount(which, den_w, len(labels)).tolist()
    sums: dict[str, tuple[float, float]] = {}
    for i in np.flatnonzero(cases_in).tolist():
        n0, d0 = sums.get(labels[i], (0.0, 0.0))
        sums[labels[i]] = (n0 + num_in[i], d0 + den_in[i])
    return sums


def _unit_rows(x: Extract, ind: M.Indicator, period: pd.Timestamp, level: str, sums: dict) -> list[tuple]:
    """One row per unit of the level (every unit the scorecard lists, then any other with cases, by name); a rate per
    10,000 children is the county's only, on the population of the period's year."""
    unit = ind.unit
    if unit == "per 10,000" and level != "county":
        return []
    wanted = _all_units(x)[level]
    extra = sorted(set(sums).difference(wanted))
    names = wanted + extra if extra else wanted
    population = reference.population_at(period, x.authority_dir) if unit == "per 10,000" else None
    rows = []
    for name in names:
        num, den = sums.get(name, (0.0, 0.0))
        num, den = float(num), float(den)
        if population is not None:
            den = population
        if unit == "count":
            den = np.nan
        rows.append((ind.id, level, name, period, num, den, _finish(num, den, unit)))
    return rows


def _computed(x: Extract, ind: M.Indicator, period: pd.Timestamp, include_uasc: bool,
              shared: dict | None = None) -> list[tuple]:
    """The indicator's rows (:data:`VALUE_COLUMNS`) for the period, county, areas and teams."""
    if M.missing_inputs(x, ind):
        return _not_available(x, ind, period)
    cases, uasc, units = _cases(x, ind, period, {} if shared is None else shared)
    keep = _kept(ind, uasc, include_uasc)
    num_w = np.nan_to_num(cases.num[keep])  # a blank counts as 0, as in a group sum
    den_w = np.nan_to_num(cases.den[keep])
    rows = []
    for level, col in (("county", None), ("area", "AREA"), ("team", "TEAM")):
        if col is not None and x.teams.empty:      # no teams configured: the county only
            continue
        if col is None:
            which, labels = np.zeros(len(num_w), dtype=np.int64), np.array([x.authority["name"]], dtype=object)
        else:
            codes, names = units[col]
            codes = codes[keep]
            which, labels = np.where(codes >= 0, codes, len(names)), np.append(names, UNKNOWN)
        rows += _unit_rows(x, ind, period, level, _sums_by_unit(which, labels, num_w, den_w))
    return rows


def _supplied(x: Extract, ind: M.Indicator, period: pd.Timestamp) -> list[tuple]:
    """The supplied figures of an indicator for the period (rows with a numerator and denominator, neither negative),
    in file order; the county's row named as the authority."""
    return [(ind.id, level, unit, period, float(n), float(d), _finish(n, d, ind.unit))
            for level, unit, n, d in _supplied_rows(x).get((ind.id, period), [])]


def _supplied_rows(x: Extract) -> dict:
    """{(indicator, period): [(level, unit name, numerator, denominator), ...]} of ``supplied_indicators.csv``'s usable
    rows, in file order: made once per extract (every supplied indicator is asked for every month of a scorecard)."""
    if ("supplied rows",) not in x.cache:
        s = x["supplied_indicators"]
        s = s[s["NUMERATOR"].notna() & s["DENOMINATOR"].notna() & (s["NUMERATOR"] >= 0) & (s["DENOMINATOR"] >= 0)]
        name = np.where(s["LEVEL"] == "county", x.authority["name"], s["UNIT_NAME"])
        rows: dict = {}
        for i, p, level, unit, n, d in zip(s["INDICATOR"].tolist(), s["PERIOD"].tolist(), s["LEVEL"].tolist(),
                                           name.tolist(), s["NUMERATOR"].tolist(), s["DENOMINATOR"].tolist()):
            rows.setdefault((i, p), []).append((level, unit, n, d))
        x.cache[("supplied rows",)] = rows
    return x.cache[("supplied rows",)]


def values(data, period, include_uasc: bool = True, indicators=None, levels=LEVELS) -> pd.DataFrame:
    """indicator, level, unit_name, period, numerator, denominator, value for one period.

    Results are kept on the extract (``x.cache``) so that trends, previous months and outturns
    computed for several periods reuse each other's work and the derived views; the whole catalogue's values for a
    period are also kept joined in one frame (a scorecard asks for them three times: the month, the month before
    and the outturn).
    """
    x = _extract(data)
    p = P.month_end(period)
    whole = ("catalogue values", p, bool(include_uasc))
    if indicators is None and whole not in x.cache:
        x.cache[whole] = _joined_values(x, p, include_uasc, M.CATALOGUE)
    out = x.cache[whole] if indicators is None else \
        _joined_values(x, p, include_uasc, [M.get(i) if isinstance(i, str) else i for i in indicators])
    return out[out["level"].isin(levels)].reset_index(drop=True)


def _joined_values(x: Extract, p: pd.Timestamp, include_uasc: bool, indicators) -> pd.DataFrame:
    """The indicators' values for the period (every level) in one frame (:data:`VALUE_COLUMNS`), each indicator's
    rows kept on the extract: one frame made from every row, not one frame an indicator joined (two thirds of the
    time the scorecard spent on an indicator's values after counting its cases)."""
    rows, shared = [], {}
    settings = _settings_asked(x, include_uasc)
    for ind in indicators:
        key = _values_key(ind, p, include_uasc)
        if key not in x.cache:
            if p < x.first_date:
                x.cache[key] = []
            else:
                for inc in settings if _follows_switch(ind) else (True,):
                    if _values_key(ind, p, inc) not in x.cache:      # a setting already worked out is kept
                        x.cache[_values_key(ind, p, inc)] = _values_of(x, ind, p, inc, shared)
        rows += x.cache[key]
    out = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    return out if rows else out.astype({"indicator": str, "level": str, "unit_name": str, "period": "datetime64[us]",
                                        "numerator": float, "denominator": float, "value": float})


def _settings_asked(x: Extract, include_uasc: bool) -> tuple:
    """The UASC settings to work out from one count of a period's cases: the one asked, then the other once it has
    been asked of this extract for any period (the scorecard notebook asks both: its history and the UASC impact
    table; a caller that only ever asks one, as the 12-month scorecards do, pays for one)."""
    asked = x.cache.setdefault(("uasc settings asked",), set())
    asked.add(bool(include_uasc))
    return (bool(include_uasc),) + tuple(s for s in (True, False) if s in asked and s != bool(include_uasc))


def count_both_uasc_settings(data) -> None:
    """Say that both settings of the UASC switch will be asked of this extract (the scorecard notebook asks both: its
    13-month history and the UASC impact table), so that each period's cases are counted once for both from the first
    ``values`` asked, instead of once for the setting asked first and again when the other is (:func:`_settings_asked`)."""
    _extract(data).cache.setdefault(("uasc settings asked",), set()).update((True, False))


def _follows_switch(ind: M.Indicator) -> bool:
    """Whether an indicator's values follow the scorecard's UASC switch (:func:`_kept`: a counted indicator whose rule
    is include or only); the others' (UASC always excluded, supplied figures) are the same either way."""
    return ind.source != "supplied" and ind.uasc in ("include", "only")


def _values_key(ind: M.Indicator, p: pd.Timestamp, include_uasc: bool) -> tuple:
    """Where an indicator's values for a period are kept on the extract: one entry for both settings of the UASC
    switch when they do not follow it. When they do, ``values`` works out both settings from the one count of the
    period's cases once both have been asked (:func:`_settings_asked`), so the counting functions run once a period,
    not twice."""
    return ("values", ind.id, p, bool(include_uasc) or not _follows_switch(ind))


def _values_of(x: Extract, ind: M.Indicator, p: pd.Timestamp, include_uasc: bool, shared: dict) -> list[tuple]:
    """One indicator's values for the period. An annual indicator (OC2, OC3) counts the return of the collection
    year, the same in every month of it: worked out once a year and shown under each month. A counted indicator whose
    window starts before the data start (:func:`window_before_data`) is n/a, not counted over the months there are."""
    if ind.source == "supplied":
        return _supplied(x, ind, p)
    if window_before_data(x.first_date, ind, p):
        return _not_available(x, ind, p)
    if not ind.annual:
        return _computed(x, ind, p, include_uasc, shared)
    key = ("annual values", ind.id, collection_year(x, p), bool(include_uasc))
    if key not in x.cache:
        x.cache[key] = _computed(x, ind, p, include_uasc, shared)
    return [r[:3] + (p,) + r[4:] for r in x.cache[key]]


def window_before_data(first_date, ind: M.Indicator, period) -> bool:
    """Whether the indicator's counting window at ``period`` (year to date from 1 April, the last 12 or 36 months, the
    quarter) starts before the data start: counted over the months there are it would be understated, so it is n/a.
    A snapshot (SS: at the period end, or an annual return's collection year) and a supplied figure never are."""
    if ind.measure_type == "SS" or ind.source == "supplied" or pd.isna(first_date):
        return False
    return P.window_for(ind.measure_type, period).start < pd.Timestamp(first_date)


def window_within_data_from(first_date, measure_type: str) -> pd.Timestamp:
    """The first month end whose ``measure_type`` window starts on or after the data start ``first_date`` (a
    12-month measure with data from 01/01/2015: 31/12/2015; year to date: 30/04/2015, the first 1 April after)."""
    e = P.month_end_of(pd.Timestamp(first_date))
    while P.window_for(measure_type, e).start < pd.Timestamp(first_date):
        e = P.month_end_of(P.add_months(e, 1))
    return e


WINDOW_TYPES = tuple(dict.fromkeys(i.measure_type for i in M.CATALOGUE if i.measure_type != "SS" and i.source != "supplied"))


def target_for(indicator: str, period, authority_dir=None) -> tuple[float, float, float]:
    """(target, amber floor, tolerance) for the period's financial year, else the every-year row: the
    authority's own targets, else the national ones (:func:`cicanalysis.config.reference.targets`)."""
    return targets_for([indicator], period, authority_dir)[indicator]


def targets_for(indicators, period, authority_dir=None) -> dict[str, tuple[float, float, float]]:
    """{indicator: :func:`target_for`} of several indicators at one period (its folder and year worked out once)."""
    folder = reference.authority_dir(authority_dir)
    year = _targets_of_year(P.financial_year_label(period), str(folder) if folder is not None else None)
    return {i: year.get(i, (np.nan, np.nan, np.nan)) for i in indicators}


@lru_cache(maxsize=64)
def _targets_of_year(fy: str, folder: str | None) -> dict[str, tuple]:
    """{indicator: (target, amber floor, tolerance)} for financial year ``fy``: each indicator's first row of that
    year in the targets table, else its first every-year row (blank year); an indicator with neither is left out.
    One pass over the table for every indicator, not two filters of it an indicator."""
    t = reference._targets(folder)
    first = {}
    for n, (i, y) in enumerate(zip(t["INDICATOR"].tolist(), t["FINANCIAL_YEAR"].tolist())):
        if y == fy or y == "":
            first.setdefault((i, y == fy), n)
    out = {}
    for i in dict.fromkeys(t["INDICATOR"].tolist()):
        n = first.get((i, True), first.get((i, False)))
        if n is not None:
            r = t.iloc[n]
            out[i] = (r["TARGET"], r["AMBER_FLOOR"], r["TOLERANCE"])
    return out


def build(data, period, include_uasc: bool = True, levels=LEVELS, indicators=None) -> pd.DataFrame:
    """The scorecard for ``period``: one row per indicator × unit with the columns in ``COLUMNS``."""
    x = _extract(data)
    p = check_period(x, period)
    cur = values(x, p, include_uasc, indicators, levels)
    prev = values(x, P.previous_month_end(p), include_uasc, indicators, levels)
    outt = values(x, P.outturn_date(p), include_uasc, indicators, levels)
    return _rated(x, _with_value_of(_with_value_of(cur, prev, "previous_value"), outt, "outturn_value"), p)


def _with_value_of(cur: pd.DataFrame, then: pd.DataFrame, name: str) -> pd.DataFrame:
    """``cur`` with ``then``'s value of the same indicator, level and unit as column ``name`` (NaN where it has none):
    a left merge on the three, looked up in a dict when ``then`` has each key once (as ``values`` gives them)."""
    key = ["indicator", "level", "unit_name"]
    found = dict(zip(zip(*(then[k].tolist() for k in key)), then["value"].tolist()))
    if len(found) != len(then) or then[key].isna().any().any() or cur[key].isna().any().any():
        # a key twice (the merge's one row for each match) or a blank key (the merge matches blank with blank)
        return cur.merge(then[key + ["value"]].rename(columns={"value": name}), on=key, how="left")
    keys = zip(*(cur[k].tolist() for k in key))
    return cur.assign(**{name: np.array([found.get(k, np.nan) for k in keys], dtype=float)})


def _rated(x: Extract, df: pd.DataFrame, p: pd.Timestamp) -> pd.DataFrame:
    """The merged values with the catalogue's columns, targets, RAG, directions of travel and the small-denominator
    flag, in scorecard order (level, unit, catalogue order)."""
    ids = df["indicator"].tolist()
    cat = _catalogue_columns()
    tgt = targets_for(dict.fromkeys(ids), p, x.authority_dir)
    col = {c: df[c].tolist() for c in ("value", "denominator", "previous_value", "outturn_value")}
    for n, c in enumerate(("title", "polarity", "measure_type", "unit")):
        col[c] = [cat.get(i, (np.nan,) * 4)[n] for i in ids]     # an indicator not in the catalogue: blank
    for n, c in enumerate(("target", "floor", "tolerance")):
        col[c] = [tgt[i][n] for i in ids]
    rated = [rag_rating(v, t, f, pol, den if unit != "per 10,000" else None, unit == "count", tol)
             for v, t, f, pol, den, unit, tol in zip(col["value"], col["target"], col["floor"], col["polarity"],
                                                    col["denominator"], col["unit"], col["tolerance"])]
    unit = np.array(col["unit"], dtype=object)
    den = np.asarray(col["denominator"], dtype=float)
    extra = {c: col[c] for c in ("title", "polarity", "measure_type", "unit")}
    extra.update(target=col["target"], floor=col["floor"], rag=rated)
    # directions as readers see the values: equal at the shown precision is "same" (core.changes.SHOWN_DECIMALS)
    for dot, then in (("dot_previous", "previous_value"), ("dot_outturn", "outturn_value")):
        extra[dot] = directions_of_travel(col["value"], col[then], col["polarity"], col["target"], col["unit"])
    extra["small_denominator"] = (den >= 1) & (den <= SMALL_DENOMINATOR_MAX) & (unit != "per 10,000")
    df = df.assign(**extra)
    df.loc[df["unit_name"].eq(NO_DISTRICT) & df["level"].ne("county"), "rag"] = None   # shown, never rated (SPEC 2.3a)
    order = {i.id: n for n, i in enumerate(M.CATALOGUE)}
    lvl = {lv: n for n, lv in enumerate(LEVELS)}
    df = df.assign(_o=df["indicator"].map(order), _l=df["level"].map(lvl))
    df = df.sort_values(["_l", "unit_name", "_o"], kind="stable")
    return df[COLUMNS].reset_index(drop=True)


def _catalogue_columns() -> dict[str, tuple]:
    """{indicator: (title, polarity, measure type, unit)} of the catalogue (as it is now: tests may add to it)."""
    return {i.id: (i.title, i.polarity, i.measure_type, i.unit) for i in M.CATALOGUE}


def build_compared(data, period, like: pd.DataFrame, include_uasc: bool = True, levels=LEVELS) -> pd.DataFrame:
    """The scorecard a report compares ``like`` with (last month, the outturn, the one last reported to the panel):
    :func:`build` for ``period``; for a period before the data start, ``like``'s rows (of ``levels``) at the period
    with every figure blank (value, counts, previous and outturn values, RAG and directions: n/a) and the period's
    targets, so that nothing is compared with it and no change is worked out."""
    x = _extract(data)
    p = P.month_end(period)
    if pd.isna(x.first_date) or p >= x.first_date:
        return build(x, p, include_uasc, levels)
    blank = like[like["level"].isin(levels)].copy()
    blank[["numerator", "denominator", "value", "previous_value", "outturn_value"]] = np.nan
    blank[["rag", "dot_previous", "dot_outturn"]] = None
    blank["small_denominator"] = False
    tgt = targets_for(blank["indicator"].unique(), p, x.authority_dir)
    blank["target"] = blank["indicator"].map(lambda i: tgt[i][0])
    blank["floor"] = blank["indicator"].map(lambda i: tgt[i][1])
    return blank.assign(period=p).reset_index(drop=True)


def trend(data, period, months: int = 13, include_uasc: bool = True, indicators=None,
          level: str = "county") -> pd.DataFrame:
    """Values for the ``months`` month ends to ``period`` (default 13: the same month last year too)."""
    x = _extract(data)
    p = check_period(x, period)
    ends = [e for e in pd.date_range(end=p, periods=months, freq="ME") if e >= x.first_date]
    frames = [values(x, e, include_uasc, indicators, (level,)) for e in ends]
    out = pd.concat(frames, ignore_index=True)
    cat = M.catalogue_table().set_index("indicator")
    out["title"] = out["indicator"].map(cat["title"])
    out["unit"] = out["indicator"].map(cat["unit"])
    tgt = {(i, e): t for e in ends for i, t in targets_for(out["indicator"].unique(), e, x.authority_dir).items()}
    out["target"] = [tgt[(i, e)][0] for i, e in zip(out["indicator"], out["period"])]
    out["floor"] = [tgt[(i, e)][1] for i, e in zip(out["indicator"], out["period"])]
    return out


def uasc_impact(data, period) -> pd.DataFrame:
    """County values including and excluding UASC side by side, with the variance."""
    x = _extract(data)
    inc = build(x, period, True, levels=("county",))
    exc = build(x, period, False, levels=("county",))
    out = inc[["indicator", "title", "unit", "value", "rag"]].rename(columns={"value": "including_uasc",
                                                                             "rag": "rag_including"})
    out = out.merge(exc[["indicator", "value", "rag"]].rename(columns={"value": "excluding_uasc",
                                                                      "rag": "rag_excluding"}), on="indicator")
    out["variance"] = out["including_uasc"] - out["excluding_uasc"]
    return out


# ---------------------------------------------------------------- narrative
def _period_of(frame: pd.DataFrame) -> pd.Timestamp:
    v = frame["period"].dropna().iloc[0]
    return P.month_end(v) if isinstance(v, str) else pd.Timestamp(v)


def _county(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["level"] == "county"] if "level" in frame else frame


def with_directions(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``rag``, ``dot_previous`` and ``dot_outturn`` worked out where it has none (a frame typed
    in by hand with values, previous and outturn values): polarity from a ``polarity`` column or the catalogue
    (by ``indicator``), RAG from ``target`` (and ``floor``), on unrounded values as ``build`` does."""
    f = frame.copy()
    need_dot = [c for c, v in (("dot_previous", "previous_value"), ("dot_outturn", "outturn_value")) if c not in f]
    if not need_dot and "rag" in f:
        return f
    if "polarity" not in f:
        known = f["indicator"].map(lambda i: M.BY_ID[i].polarity if i in M.BY_ID else None) if "indicator" in f \
            else pd.Series(None, index=f.index)
        f["polarity"] = known
    if f["polarity"].isna().any() or not f["polarity"].isin(["H", "L", "T"]).all():
        raise CicError("to work out RAG and directions of travel, give each row a polarity (H, L or T) or an "
                       "indicator id of the catalogue", rule="polarity known")
    target = f["target"] if "target" in f else pd.Series(np.nan, index=f.index)
    units = f["unit"] if "unit" in f else pd.Series(None, index=f.index)
    for dot, col in (("dot_previous", "previous_value"), ("dot_outturn", "outturn_value")):
        if dot in need_dot:
            if col not in f:
                raise CicError(f"the scorecard frame has neither {dot} nor {col}: one is needed for the summary",
                               rule="columns present")
            f[dot] = [direction_of_travel(v, pv, pol, t, u) for v, pv, pol, t, u in
                      zip(f["value"], f[col], f["polarity"], target, units)]
    if "rag" not in f:
        if "target" not in f:
            raise CicError("the scorecard frame has neither rag nor target: one is needed for the summary",
                           rule="columns present")
        floor = f["floor"] if "floor" in f else target
        unit = f["unit"] if "unit" in f else pd.Series("%", index=f.index)
        den = f["denominator"] if "denominator" in f else pd.Series(np.nan, index=f.index)
        f["rag"] = [rag_rating(v, t, fl, pol, d, u == "count") for v, t, fl, pol, d, u in
                    zip(f["value"], target, floor, f["polarity"], den, unit)]
    return f


def band_changes(earlier: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """County indicators rated in both scorecards whose RAG band moved: indicator, title, unit, value_a, rag_a,
    value_b, rag_b, target_b and ``better`` (True when the band improved), in catalogue order."""
    a, b = _county(earlier), _county(later)
    cols = ["indicator", "title", "unit", "value", "rag", "target"]
    m = a[[c for c in cols if c in a]].merge(b[[c for c in cols if c in b]], on="indicator", suffixes=("_a", "_b"))
    ra, rb = m["rag_a"].map(RAG_ORDER), m["rag_b"].map(RAG_ORDER)
    moved = m[ra.notna() & rb.notna() & (ra != rb)].copy()
    moved["better"] = rb[moved.index] > ra[moved.index]
    moved["group"] = moved["indicator"].map(group_of)
    return moved.reset_index(drop=True)


# ---------------------------------------------------------------- the covering report (SPEC 3.3)
# the headings measures are grouped under, in this order (an indicator's ``group``; any other group follows)
GROUP_ORDER = ("Children in care", "Health", "Missing", "Placements", "Reviews", "Adoption", "Care leavers",
               "Workforce")


def group_of(indicator: str) -> str:
    """The heading an indicator is grouped under: its catalogue ``group`` ("Other" for an id not in it)."""
    ind = M.BY_ID.get(indicator)
    return ind.group if ind is not None else "Other"


def last_panel_period(period, compare_with=None) -> pd.Timestamp:
    """The period of the scorecard last reported to the panel: ``compare_with`` (a month end before ``period``),
    by default the quarter end before the period (31/12/2015 for 31/03/2016, 30/09/2015 for 30/11/2015)."""
    p = P.month_end(period)
    if compare_with in (None, ""):
        return P.quarter_end(P.add_months(p, -3))
    c = P.month_end(compare_with)
    if c >= p:
        raise CicError(f"compare_with {c:%d/%m/%Y} is not before the period {p:%d/%m/%Y}: it names the scorecard "
                       f"last reported to the panel", rule="compare_with before the period")
    return c


def commentary(x: Extract, period) -> dict[str, str]:
    """{indicator: the officer's explanation} for the period (``commentary.csv``; two rows for one indicator and
    period are joined in file order)."""
    frame, _ = reference.commentary(x.authority_dir, known=M.BY_ID)
    frame = frame[frame["PERIOD"] == P.month_end(period)]
    return {i: " ".join(t) for i, t in frame.groupby("INDICATOR", sort=False)["TEXT"]}


def in_care_since(earlier: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """Citizen, UASC and all children in care at the two periods (county): indicator, then, now, change."""
    a, b = (_county(f).set_index("indicator")["value"] for f in (earlier, later))
    ids = [i for i in ("CIC_CITIZEN", "CIC_UASC", "CIC_TOTAL") if i in a.index and i in b.index]
    return pd.DataFrame({"indicator": ids, "then": [a[i] for i in ids], "now": [b[i] for i in ids],
                         "change": [b[i] - a[i] for i in ids]})


def significantly_away(earlier: pd.DataFrame, later: pd.DataFrame) -> pd.DataFrame:
    """The county measures rated Red in ``later`` (significantly away from target), by heading (:func:`by_group`):
    indicator, group, title, unit, polarity, value, target, value_then (the earlier scorecard's value), rag_then and
    dot (improved / same / worse since then, by polarity)."""
    b = _county(later)
    a = _county(earlier).set_index("indicator")
    reds = b[b["rag"] == "R"].copy()
    reds["group"] = reds["indicator"].map(group_of)
    if "polarity" not in reds:          # a frame typed in by hand: the catalogue's
        reds["polarity"] = reds["indicator"].map(lambda i: M.BY_ID[i].polarity if i in M.BY_ID else None)
    reds["value_then"] = reds["indicator"].map(a["value"]) if len(a) else np.nan
    reds["rag_then"] = reds["indicator"].map(a["rag"]) if len(a) else None
    reds["dot"] = [direction_of_travel(v, t, pol, tg) for v, t, pol, tg in
                   zip(reds["value"], reds["value_then"], reds["polarity"], reds["target"])]
    return by_group(reds[["indicator", "group", "title", "unit", "polarity", "value", "target", "value_then",
                          "rag_then", "dot"]])


def by_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows ordered by heading (``GROUP_ORDER``, others after) and, under one, in catalogue order."""
    rank = {g: n for n, g in enumerate(GROUP_ORDER)}
    order = {i.id: n for n, i in enumerate(M.CATALOGUE)}
    f = frame.assign(_g=frame["group"].map(lambda g: rank.get(g, len(rank))),
                     _o=frame["indicator"].map(lambda i: order.get(i, len(order))))
    return f.sort_values(["_g", "_o"], kind="stable").drop(columns=["_g", "_o"]).reset_index(drop=True)


def comparator_at(indicator: str, period, la_code: str = ""):
    """England and statistical-neighbour figures for an indicator as at the latest 31 March on or before ``period``
    (a report never quotes figures from after its own period): the DfE's published statistics for an indicator
    with a published counterpart and an authority with ``la_code`` (:func:`benchmarks.compare`), else the
    adoption comparators (:func:`reference.comparators`). A dict with ENGLAND, STATISTICAL_NEIGHBOURS, DATE (and
    COMPARISON, the published comparison, when it is one); None when there is none."""
    from . import benchmarks
    p = pd.Timestamp(period)
    ind = M.BY_ID.get(indicator)
    if ind is not None and benchmarks.published_id(ind) and la_code:
        c = benchmarks.compare(ind, la_code, up_to=p.year if p.month >= 3 and p >= pd.Timestamp(p.year, 3, 31)
                               else p.year - 1)
        year = next((y for y in reversed(c.years) if pd.notna(y.england)), None) if c is not None else None
        if year is None:
            return None
        return {"ENGLAND": year.england, "STATISTICAL_NEIGHBOURS": year.neighbours_mean,
                "DATE": pd.Timestamp(year.year, 3, 31), "COMPARISON": c, "DERIVED": year.derived}
    comp = reference.comparators()
    comp = comp[(comp["INDICATOR"] == indicator) & (comp["DATE"] <= p)].sort_values("DATE")
    return comp.iloc[-1].to_dict() if len(comp) else None
