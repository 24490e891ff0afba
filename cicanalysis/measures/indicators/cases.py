"""What the counting functions share: the case frame, BLA of the period of care, the annual tables' years,
and the definitions' sources named once."""
from __future__ import annotations

import pandas as pd

from ...core import periods as P
from ...model.extract import Extract
from ..adoption import timescale_cases

DFE_CLA = ("DfE, Children looked after in England including adoptions, year ending 31 March 2024: methodology / "
           "data guidance, https://explore-education-statistics.service.gov.uk/find-statistics/"
           "children-looked-after-in-england-including-adoptions")
GUIDE_903 = ("DfE, Children looked after return 2024 to 2025: guide (SSDA903), "
             "https://www.gov.uk/government/publications/children-looked-after-return-2024-to-2025-guide")
ADOPTION_SCORECARD = ("DfE, Adoption scorecards: methodology and guidance (Adoption Leadership Board), "
                      "https://www.gov.uk/government/collections/adoption-scorecards")


def cases(child, num, den=1.0, date=None, code=None) -> pd.DataFrame:
    """One row per case: CHILD, NUM, DEN and (optionally) DATE and CODE, the child's code in the extract
    (``Extract.child_codes``; rows of ``Extract.episodes`` and ``in_care_on`` carry it as CHILD_CODE: passing it
    saves the scorecard looking every child up again); scalars are broadcast."""
    child = pd.Series(child).reset_index(drop=True)
    out = pd.DataFrame({"CHILD": child})

    def col(v):
        return pd.Series(v).reset_index(drop=True) if pd.api.types.is_list_like(v) else v

    out["NUM"] = col(num)
    out["NUM"] = out["NUM"].astype(float)
    out["DEN"] = col(den)
    out["DEN"] = out["DEN"].astype(float)
    if date is not None:
        out["DATE"] = col(date)
    if code is not None:
        out["CODE"] = col(code)
    return out


def timescale_days(x: Extract, measure: str, window) -> pd.DataFrame:
    """The days of an adoption timescale (A1, A10, A2, BLA_TO_PLACED: :data:`cicanalysis.measures.adoption.TIMESCALES`)
    for each child it counts in the window, as cases (NUM the days, DATE the event that puts it in the window)."""
    key = ("timescale_cases", measure)     # every case once; each window is a slice of it (the rows are the same)
    if key not in x.cache:
        c = timescale_cases(x, measure)
        x.cache[key] = c.assign(CHILD_CODE=x.child_codes(c["CHILD"]))
    c = x.cache[key]
    c = c[window.contains(c["DATE"])]
    return cases(c["CHILD"], c["DAYS"], 1.0, c["DATE"], code=c["CHILD_CODE"])


def bla_for(x: Extract, children: pd.Series, dates: pd.Series) -> pd.Series:
    """BLA of the period of care open (or last started) on each date."""
    return x.episode_as_of(children, dates, ["BLA"])["BLA"]


def collection_year(x: Extract, period) -> int:
    """The SSDA903 year (ending 31 March) reported at ``period``: the latest 31 March on or before it."""
    return P.outturn_date(period).year if pd.Timestamp(period).month != 3 else pd.Timestamp(period).year


def annual_table(x: Extract, table: str, period) -> tuple[pd.DataFrame, pd.Timestamp]:
    df = x[table]
    year = collection_year(x, period)
    years = df["YEAR"].fillna(collection_year(x, x.extract_date))
    return df[years == year], pd.Timestamp(year=year, month=3, day=31)
