"""The placement sufficiency strategy progress report (SPEC 6): eight measures under four challenges, each
a quarterly trend with an analysis line and a direction since the previous quarter.

Every measure is an indicator of the metric engine (``metrics.CATALOGUE`` or ``metrics.EXTRA``), computed
by ``scorecard.values`` for each quarter end: one definition, shared with the scorecard. ``MEASURES``
declares the report: one entry per series (the challenge, the indicator, including or excluding UASC,
the direction the strategy expects, whether areas are shown).

Movement since the previous quarter (:func:`towards_aim`): a change within the tolerance is stable (0);
otherwise towards (1) or away from (-1) the aim the strategy states for the measure: a rising number in
care where a reduction is expected moves away from the aim. The tolerance is in percentage points for
percentages and in per cent of the previous value for counts and averages. :func:`direction` gives the
polarity's word (Improving / Remaining stable / Declining) for the figures.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from . import metrics as M
from ..core import periods as P
from . import scorecard
from ..model.extract import Extract
from ..core.errors import CicError

START = pd.Timestamp("2012-04-01")
IMPROVING, STABLE, DECLINING = "Improving", "Remaining stable", "Declining"

CHALLENGES = {
    1: "Safely reducing the number of children who need to come into care",
    2: "Good homes for care leavers",
    3: "Enough local placements, close to home",
    4: "Stability and permanence",
}


@dataclass(frozen=True)
class Measure:
    id: str
    number: str                  # as on the officers' appendix: 1a, 1b, 2, ...
    challenge: int
    title: str                   # what is measured, in the words of the report
    indicator: str               # metric engine indicator
    include_uasc: bool = True
    expect: str = "increase"     # the strategy's expected direction: increase, reduction, stable
    show: str = "value"          # value, or numerator (the number of children)
    by_area: bool = False

    @property
    def ind(self) -> M.Indicator:
        return M.get(self.indicator)


MEASURES = [  # in the order of SPEC 6 (1a, 1b, 1c, 2, 3a, 3b, 4, ..., 8), whatever their challenge
    Measure("CIC_INCL", "1a", 1, "Children in care at the quarter end (including UASC)", "CIC_TOTAL", True, "reduction"),
    Measure("CIC_EXCL", "1b", 1, "Children in care at the quarter end (excluding UASC)", "CIC_CITIZEN", False,
            "reduction"),
    Measure("STARTED", "1c", 1, "Children entering care in the quarter", "CIC_STARTED", True, "reduction"),
    Measure("CL_ACCOM", "2", 2, "Care leavers in suitable accommodation", "CL_SUITABLE_ACCOM", True, "increase"),
    Measure("NEAR_NUMBER", "3a", 3, "Children placed within 20 miles of home (excluding UASC)", "WITHIN_20_MILES",
            False, "increase", show="numerator"),
    Measure("NEAR_PCT", "3b", 3, "Children placed within 20 miles of home (excluding UASC)", "WITHIN_20_MILES",
            False, "increase", by_area=True),
    Measure("STABILITY", "4", 4, "Children in care 2.5 years+ in the same placement for 2 years", "STABILITY_2Y",
            True, "stable"),
    Measure("OWN_FOSTER", "5", 3, "Children in own-authority foster care (excluding UASC)", "OWN_FOSTER", False,
            "increase"),
    Measure("MOVES", "6", 4, "Children with 3 or more placements in 12 months", "PLACEMENTS_3PLUS", True, "reduction"),
    Measure("BLA_TO_PLACED", "7", 4, "Average days from entering care to being placed for adoption",
            "BLA_TO_PLACED_R12M", True, "reduction"),
    Measure("LONG_TERM", "8", 3, "Children in permanent long-term fostering (U1/U4)", "LONG_TERM_FOSTER", True,
            "increase"),
]
MEASURE = {m.id: m for m in MEASURES}


def check_quarter(x: Extract, period) -> pd.Timestamp:
    p = scorecard.check_period(x, period)
    if not P.is_quarter_end(p):
        raise CicError(f"period {p:%d/%m/%Y} is not a quarter end: the sufficiency report is quarterly "
                       f"(30/06, 30/09, 31/12, 31/03), e.g. {P.quarter_end(p):%Y-%m-%d}", rule="quarter end")
    return p


def trend_start(x: Extract, period, start=START) -> pd.Timestamp:
    """Where the trends start: ``start``, or the start of the data if later; for a period before that, the start
    of the data (a report for an early period still has its own quarter and those before it)."""
    first = max(pd.Timestamp(start), x.first_date)
    return first if first <= P.month_end(period) else x.first_date


def quarters(x: Extract, period, start=START) -> list[pd.Timestamp]:
    """Quarter ends from the first after :func:`trend_start` to the period."""
    return P.quarter_ends(trend_start(x, period, start), period)


def trend(x: Extract, period, start=START, measures=None) -> pd.DataFrame:
    """Quarterly values: measure, number, challenge, title, unit_name (the county or an area), quarter,
    value (the number of children for ``show="numerator"``), numerator, denominator, unit. Each quarter's values
    are asked of the scorecard once for every measure with the same UASC rule (:func:`_quarter_values`)."""
    p = check_quarter(x, period)
    ms = [MEASURE[m] if isinstance(m, str) else m for m in (measures or MEASURES)]
    qs = quarters(x, p, start)
    asked = {inc: _quarter_values(x, qs, inc, [m.ind for m in ms if m.include_uasc == inc])
             for inc in dict.fromkeys(m.include_uasc for m in ms)}
    rows = []
    for m in ms:
        levels = ("county", "area") if m.by_area else ("county",)
        unit = "count" if m.show == "numerator" else m.ind.unit
        for q, v in zip(qs, asked[m.include_uasc]):
            v = v[(v["indicator"] == m.ind.id) & v["level"].isin(levels)]
            shown = v["numerator"] if m.show == "numerator" else v["value"]
            for level, name, val, n, d in zip(v["level"], v["unit_name"], shown, v["numerator"], v["denominator"]):
                rows.append({"measure": m.id, "number": m.number, "challenge": m.challenge, "title": m.title,
                             "level": level, "unit_name": name, "quarter": q, "value": val, "numerator": n,
                             "denominator": d, "unit": unit})
    return pd.DataFrame(rows)


def _quarter_values(x: Extract, qs, include_uasc: bool, indicators) -> list[pd.DataFrame]:
    """Each quarter's scorecard values (county and areas) of ``indicators`` (once each) with one UASC rule: the rows
    of each indicator as when it is asked alone (``tests/test_sufficiency.py``)."""
    indicators = list({ind.id: ind for ind in indicators}.values())
    return [scorecard.values(x, q, include_uasc, indicators, ("county", "area")) for q in qs]


def _missing(v) -> bool:
    return v is None or pd.isna(v)


def within_tolerance(current, previous, unit: str, tolerance: float = 1.0) -> bool:
    """True when the change is at most the tolerance: percentage points for %, per cent of the previous value
    for numbers and averages (a change from 0 is never within it, unless there is none)."""
    change = current - previous
    size = abs(change) if unit == "%" else (abs(change) / abs(previous) * 100 if previous else math.inf)
    return change == 0 or size <= tolerance or math.isclose(size, tolerance, rel_tol=1e-9, abs_tol=1e-12)


def towards_aim(current, previous, expect: str, unit: str, tolerance: float = 1.0) -> int | None:
    """How a measure moved since the previous quarter against the strategy's aim (``expect``: increase,
    reduction or stable): 1 towards the aim, 0 stable (within the tolerance, see :func:`within_tolerance`),
    -1 away from it (a rise where a reduction is expected; any change beyond the tolerance where the aim is
    to stay stable); None when either value is missing."""
    if _missing(current) or _missing(previous):
        return None
    if within_tolerance(current, previous, unit, tolerance):
        return 0
    if expect == "stable":
        return -1
    return 1 if (current > previous) == (expect == "increase") else -1


def direction(current, previous, polarity: str, unit: str, tolerance: float = 1.0) -> str:
    """Improving / Remaining stable / Declining since the previous quarter by the indicator's polarity (the
    figures' direction; the report's words say how a measure moved against the aim, :func:`towards_aim`).
    A change of at most the tolerance is stable. '' when either is missing."""
    if _missing(current) or _missing(previous):
        return ""
    change = current - previous
    if within_tolerance(current, previous, unit, tolerance):
        return STABLE
    better = change < 0 if polarity == "L" else change > 0
    return IMPROVING if better else DECLINING


