"""Reviews: the child's participation and reviews held in timescale."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...core import periods as P
from ...model.extract import Extract
from .cases import GUIDE_903, bla_for, case_table
from .registry import indicator


@indicator(id="REVIEW_PARTICIPATION", title="% of reviews in which the child participated (aged 4+)", polarity="H",
           measure_type="YTD", unit="%", numerator="reviews in which the child took part (PN1-PN6)",
           denominator="reviews in the year with a participation code (PN1-PN7)", group="Reviews",
           needs=("reviews.REVIEW_CODE",), order=200,
           definition_source=f"Local measure: reviews held in the financial year with the child's participation "
                             f"code of the {GUIDE_903} (PN0, a child under 4, and a blank code left out; PN1-PN6 "
                             f"participated, PN7 did not); the DfE publication has no table this reproduces")
def review_participation(x: Extract, period, window):
    """Reviews in the window with a participation code other than PN0, counted when PN1-PN6."""
    r = participation_codes(x)
    inside = window.contains(r["REVIEW"]).to_numpy()
    return reviews_table(x).cases(r["ROW"].to_numpy()[inside], r["PARTICIPATED"].to_numpy()[inside])


def reviews_table(x: Extract):
    """The reviews table as a case table dated by REVIEW: both review measures take their rows from it (ROW)."""
    r = x["reviews"]
    return case_table(x, ("reviews",), r["CHILD"], x.codes_of("reviews"), r["REVIEW"])


def participation_codes(x: Extract) -> pd.DataFrame:
    """The reviews with a REVIEW_CODE other than PN0: CHILD, CHILD_CODE, REVIEW, PARTICIPATED (PN1-PN6) and ROW (the
    review's place in the reviews table), built once (each month's count is then a slice by date)."""
    if "review_participation" not in x.cache:
        r = x["reviews"]
        coded = (r["REVIEW_CODE"].notna() & (r["REVIEW_CODE"] != "PN0")).to_numpy()
        x.cache["review_participation"] = pd.DataFrame({
            "CHILD": r["CHILD"][coded], "CHILD_CODE": x.codes_of("reviews")[coded], "REVIEW": r["REVIEW"][coded],
            "PARTICIPATED": r["REVIEW_CODE"][coded].isin([f"PN{i}" for i in range(1, 7)]),
            "ROW": np.flatnonzero(coded)})
    return x.cache["review_participation"]


def review_timeliness(x: Extract) -> pd.DataFrame:
    """Every review with whether it was held in timescale: the first within 20 working days of BLA,
    the second within 3 months of the first, later ones within 6 months of the one before (a child's reviews
    in one period of care, by date). CHILD_CODE (``Extract.child_codes``) is the child in the grouping: one code
    per child, and a review of a child with no period of care (no BLA) is left out. ROW: the review's place in the
    reviews table."""
    r = x["reviews"].assign(ROW=np.arange(len(x["reviews"]))).dropna(subset=["REVIEW"])
    r = r.assign(CHILD_CODE=x.codes_of("reviews")[r["ROW"].to_numpy()], BLA=bla_for(x, r["CHILD"], r["REVIEW"]))
    r = r[r["BLA"].notna()].sort_values(["CHILD_CODE", "BLA", "REVIEW"], kind="stable")
    nth, prev = nth_in_runs(r, ["CHILD_CODE", "BLA"], "REVIEW")
    first_due = P.add_working_days(r["BLA"], 20)
    second_due = prev + pd.DateOffset(months=3)
    later_due = prev + pd.DateOffset(months=6)
    due = np.where(nth == 0, first_due, np.where(nth == 1, second_due, later_due))
    r["DUE"] = pd.to_datetime(due)
    r["ON_TIME"] = r["REVIEW"] <= r["DUE"]
    return r


def nth_in_runs(frame: pd.DataFrame, keys: list[str], column: str) -> tuple[np.ndarray, pd.Series]:
    """For rows sorted by ``keys``: each row's place in its run of equal keys (0, 1, 2 ...) and the previous row's
    ``column`` in the run (NaT/NaN for a run's first row): ``groupby(keys).cumcount()`` and
    ``groupby(keys)[column].shift()`` on sorted rows, without hashing the keys."""
    new_run = np.ones(len(frame), dtype=bool)
    for k in keys:
        v = frame[k].to_numpy()
        new_run[1:] &= v[1:] == v[:-1]
    new_run = ~new_run
    if len(frame):
        new_run[0] = True
    starts = np.maximum.accumulate(np.where(new_run, np.arange(len(frame)), 0))
    prev = frame[column].shift().where(~new_run)
    return np.arange(len(frame)) - starts, prev


@indicator(id="REVIEWS_IN_TIMESCALE", title="% of reviews held in timescale", polarity="H", measure_type="YTD",
           unit="%", numerator="reviews held within 20 working days of BLA (1st), 3 months (2nd) or 6 months (later)",
           denominator="reviews held in the year", group="Reviews", needs=("reviews.REVIEW",), order=210,
           definition_source=f"Local measure: each review held in the financial year against the statutory "
                             f"timescales (The Care Planning, Placement and Case Review (England) Regulations 2010: "
                             f"first within 20 working days of entering care, second within 3 months of the "
                             f"first, later ones within 6 months of the one before), review dates from the "
                             f"{GUIDE_903}; counted per review, not per child")
def reviews_in_timescale(x: Extract, period, window):
    if "review_timeliness" not in x.cache:
        x.cache["review_timeliness"] = review_timeliness(x)
    r = x.cache["review_timeliness"]
    inside = window.contains(r["REVIEW"]).to_numpy()
    return reviews_table(x).cases(r["ROW"].to_numpy()[inside], r["ON_TIME"].to_numpy()[inside])
