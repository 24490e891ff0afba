"""Reporting periods: month ends, financial years, YTD and R12M windows, quarters, working days.

A reporting period is a month end. The financial year runs 1 April to 31 March and is named by
its start year's label, e.g. ``2015-16``. Windows are closed intervals ``[start, end]`` of dates.
Working days exclude weekends and England (and Wales) bank holidays from the ``holidays`` package.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from .errors import CicError


@dataclass(frozen=True)
class Window:
    """A closed date window ``start``..``end`` (both inclusive)."""

    start: pd.Timestamp
    end: pd.Timestamp

    def contains(self, dates: pd.Series) -> pd.Series:
        return (dates >= self.start) & (dates <= self.end)

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y} to {self.end:%d/%m/%Y}"


def month_end(value) -> pd.Timestamp:
    """Parse ``value`` (``2015-09-30``, ``30/09/2015``, a date) and return it as a month end.

    Raises :class:`CicError` when the value is not a date or not the last day of a month.
    """
    if isinstance(value, str):
        text = value.strip()
        fmt = "%d/%m/%Y" if "/" in text else "%Y-%m-%d"
        ts = pd.to_datetime(text, format=fmt, errors="coerce")
    else:
        ts = pd.Timestamp(value)
    if ts is pd.NaT or pd.isna(ts):
        raise CicError(f"period {value!r} is not a date: give a month end as YYYY-MM-DD, e.g. 2015-09-30")
    ts = ts.normalize()
    if ts != ts + pd.offsets.MonthEnd(0):
        raise CicError(f"period {value!r} is not a month end: reporting periods are the last day of a month, "
                       f"e.g. {(ts + pd.offsets.MonthEnd(0)):%Y-%m-%d}")
    return ts


def add_months(date: pd.Timestamp, months: int) -> pd.Timestamp:
    """Calendar months later (clipped to month end: 31/08 + 6 months = 28/02 or 29/02)."""
    return pd.Timestamp(date) + pd.DateOffset(months=months)


def previous_month_end(period: pd.Timestamp) -> pd.Timestamp:
    return (pd.Timestamp(period) - pd.offsets.MonthEnd(1)).normalize()


def month_ends(start, end) -> list[pd.Timestamp]:
    """Month ends from the month of ``start`` to ``end`` inclusive."""
    return list(pd.date_range(month_end_of(start), month_end(end), freq="ME"))


def month_end_of(date) -> pd.Timestamp:
    return (pd.Timestamp(date) + pd.offsets.MonthEnd(0)).normalize()


def financial_year_start(date) -> pd.Timestamp:
    """1 April of the financial year containing ``date``."""
    d = pd.Timestamp(date)
    year = d.year if d.month >= 4 else d.year - 1
    return pd.Timestamp(year=year, month=4, day=1)


def financial_year_label(date) -> str:
    """``2015-16`` for any date from 1 April 2015 to 31 March 2016."""
    start = financial_year_start(date).year
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year_window(label_or_date) -> Window:
    if isinstance(label_or_date, str) and len(label_or_date) == 7 and label_or_date[4] == "-":
        start = pd.Timestamp(year=int(label_or_date[:4]), month=4, day=1)
    else:
        start = financial_year_start(label_or_date)
    return Window(start, pd.Timestamp(year=start.year + 1, month=3, day=31))


def outturn_date(period) -> pd.Timestamp:
    """The previous 31 March: the outturn a period is compared with.

    For 30/11/2015 it is 31/03/2015; for 31/03/2016 it is 31/03/2015 (the year before).
    """
    return financial_year_start(pd.Timestamp(period)) - pd.Timedelta(days=1)


def ytd_window(period) -> Window:
    """Year to date: 1 April of the period's financial year to the period end."""
    p = month_end(period)
    return Window(financial_year_start(p), p)


def r12m_window(period) -> Window:
    """Rolling twelve months ending at the period end: 01/12/2014–30/11/2015 for 30/11/2015."""
    p = month_end(period)
    return Window((p - pd.offsets.MonthEnd(12) + pd.Timedelta(days=1)).normalize(), p)


def rolling_years_window(period, years: int) -> Window:
    p = month_end(period)
    return Window((p - pd.offsets.MonthEnd(12 * years) + pd.Timedelta(days=1)).normalize(), p)


def snapshot_window(period) -> Window:
    p = month_end(period)
    return Window(p, p)


def window_for(measure_type: str, period) -> Window:
    """The counting window of a measure type: SS (snapshot), YTD, R12M, R36M or Q (the 3 months to the period)."""
    if measure_type == "SS":
        return snapshot_window(period)
    if measure_type == "YTD":
        return ytd_window(period)
    if measure_type == "R12M":
        return r12m_window(period)
    if measure_type == "R36M":
        return rolling_years_window(period, 3)
    if measure_type == "Q":
        p = month_end(period)
        return Window((p - pd.offsets.MonthEnd(3) + pd.Timedelta(days=1)).normalize(), p)
    raise CicError(f"unknown measure type {measure_type!r}: use SS, YTD, R12M or R36M")


def quarter_end(date) -> pd.Timestamp:
    """The calendar quarter end on or after ``date`` (30/06, 30/09, 31/12, 31/03)."""
    return (pd.Timestamp(date) + pd.offsets.QuarterEnd(0)).normalize()


def is_quarter_end(period) -> bool:
    p = pd.Timestamp(period)
    return p.month in (3, 6, 9, 12) and p == month_end_of(p)


def quarter_ends(start, end) -> list[pd.Timestamp]:
    return list(pd.date_range(quarter_end(start), pd.Timestamp(end), freq="QE"))


def quarter_label(period) -> str:
    """Financial-year quarter label, e.g. ``Q3 2015-16`` for 31/12/2015."""
    p = pd.Timestamp(period)
    q = ((p.month - 4) % 12) // 3 + 1
    return f"Q{q} {financial_year_label(p)}"


# ---------------------------------------------------------------- working days
@lru_cache(maxsize=None)
def _bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days.keys()), dtype="datetime64[D]")


def bank_holidays(first_year: int = 2005, last_year: int = 2035) -> np.ndarray:
    """England and Wales bank holidays between the years, as ``datetime64[D]``."""
    return _bank_holidays(first_year, last_year)


def _as_days(values) -> tuple[np.ndarray, np.ndarray]:
    s = pd.to_datetime(pd.Series(values) if not isinstance(values, pd.Series) else values)
    mask = s.notna().to_numpy()
    days = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    return days, mask


def working_days_between(start, end) -> pd.Series | float:
    """Working days after ``start`` up to and including ``end`` (Mon–Fri, not bank holidays).

    Friday 1 May 2015 → Tuesday 5 May 2015 is 1 working day: Monday 4 May was a bank holiday.
    Works on scalars or aligned Series; a blank date gives NaN.
    """
    scalar = not isinstance(start, pd.Series) and not isinstance(end, pd.Series)
    s_days, s_ok = _as_days([start] if scalar else start)
    e_days, e_ok = _as_days([end] if scalar else end)
    ok = s_ok & e_ok
    out = np.full(len(s_days), np.nan)
    if ok.any():
        # busday_count counts [begin, end): shift by one day to count (start, end]
        out[ok] = np.busday_count(s_days[ok] + 1, e_days[ok] + 1, holidays=bank_holidays())
    if scalar:
        return float(out[0])
    return pd.Series(out, index=start.index if isinstance(start, pd.Series) else end.index)


def add_working_days(start, days: int):
    """The date ``days`` working days after ``start`` (scalar or Series)."""
    scalar = not isinstance(start, pd.Series)
    s_days, ok = _as_days([start] if scalar else start)
    out = np.full(len(s_days), np.datetime64("NaT"), dtype="datetime64[D]")
    if ok.any():
        out[ok] = np.busday_offset(s_days[ok], days, roll="backward", holidays=bank_holidays())
    res = pd.Series(pd.to_datetime(out), index=None if scalar else start.index)
    return res.iloc[0] if scalar else res


# ---------------------------------------------------------------- elapsed time against a limit
MONTH_DAYS = 365.25 / 12


def elapsed(start: pd.Series, end: pd.Series, unit: str) -> pd.Series:
    """Time from ``start`` to ``end``: working days for a working-day limit, else calendar days."""
    if unit == "working days":
        return working_days_between(start, end)
    return (end - start).dt.days.astype(float)


def limit_days(limit: float, unit: str) -> float:
    """A limit in days (months at 365.25/12 days each), for drawing it on a chart."""
    return float(limit) * {"months": MONTH_DAYS, "weeks": 7.0}.get(unit, 1.0)


def within_limit(start: pd.Series, end: pd.Series, limit: float, unit: str) -> pd.Series:
    """True where ``end`` is within the limit of ``start``: calendar months (6 months from 01/12 is 01/06,
    inclusive), weeks (26 weeks = 182 days), days or working days (weekends and bank holidays skipped)."""
    if unit == "months":
        return (end <= start + pd.DateOffset(months=int(limit))).astype(bool)
    return (elapsed(start, end, unit) <= limit_days(limit, unit)).astype(bool)


def monthly_counts(dates: pd.Series, period, years: int = 2, name: str = "children") -> pd.DataFrame:
    """Counts by month from 1 April ``years - 1`` financial years back to the period end: MONTH (month end),
    ``name``, FY, MONTH_NAME (every month listed, zeros included)."""
    p = month_end(period)
    start = financial_year_start(p) - pd.DateOffset(years=years - 1)
    d = pd.Series(pd.to_datetime(dates)).dropna()
    d = d[(d >= start) & (d <= p)]
    counts = (d + pd.offsets.MonthEnd(0)).dt.normalize().value_counts()
    months = month_ends(start, p)
    return pd.DataFrame({"MONTH": months, name: [int(counts.get(m, 0)) for m in months],
                         "FY": [financial_year_label(m) for m in months],
                         "MONTH_NAME": [f"{m:%b}" for m in months]})
