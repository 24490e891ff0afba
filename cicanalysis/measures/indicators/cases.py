"""What the counting functions share: their cases (:class:`Cases`, drawn from a :class:`CaseTable` where the rows
are the same from one month to the next), BLA of the period of care, the annual tables' years, and the
definitions' sources named once."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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


@dataclass(frozen=True, eq=False)
class Cases:
    """What a counting function returns: one entry per case, as plain arrays of one length (a DataFrame built for
    every indicator and month cost more than the counting). ``num``, ``den``: floats (NaN where the case has
    none); ``date``: the date each case is counted at (one per case, one for all, or None: the period); ``code``:
    each child's code in the extract (``Extract.child_codes``), or None to look it up; ``table`` and ``rows``: the
    cases are these rows of a :class:`CaseTable`, whose UASC flags and units the scorecard looks up once for every
    row (so months whose windows overlap share the work); ``ids``: the CHILD ids of cases not from a table."""
    num: np.ndarray
    den: np.ndarray
    date: object = None
    code: np.ndarray | None = None
    table: "CaseTable | None" = None
    rows: np.ndarray | None = None
    ids: np.ndarray | None = None

    @property
    def child(self) -> np.ndarray:
        """The CHILD id of each case (of a table's cases: taken from it when asked, as the count needs only codes)."""
        return self.ids if self.table is None else self.table.child[self.rows]

    def __len__(self) -> int:
        return len(self.num)

    def frame(self) -> pd.DataFrame:
        """The cases as a table (CHILD, NUM, DEN, and DATE and CODE when given): to read them, not to count."""
        out = pd.DataFrame({"CHILD": self.child, "NUM": self.num, "DEN": self.den})
        if self.date is not None:
            out["DATE"] = self.date
        if self.code is not None:
            out["CODE"] = self.code
        return out


def _column(v, n: int, dtype=None) -> np.ndarray:
    """``v`` (one value, or one per case in order: the index is not read) as an array of ``n``; with ``dtype``
    float, converted as ``Series.astype(float)`` converts (True 1.0, a blank NaN)."""
    if not pd.api.types.is_list_like(v):
        return np.full(n, np.nan if v is None else v, dtype=dtype) if dtype else np.full(n, v)
    out = pd.Series(v).astype(dtype).to_numpy() if dtype else np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v)
    if len(out) != n:
        raise ValueError(f"cases: {len(out)} values for {n} cases")
    return out


def cases(child, num, den=1.0, date=None, code=None) -> Cases:
    """One entry per case: CHILD, NUM, DEN and (optionally) DATE and CODE, the child's code in the extract
    (``Extract.child_codes``; rows of ``Extract.episodes`` and ``in_care_on`` carry it as CHILD_CODE: passing it
    saves the scorecard looking every child up again); scalars are broadcast, the others taken in order."""
    child = _column(child, len(child)).astype(object, copy=False)
    n = len(child)
    when = date if date is None or not pd.api.types.is_list_like(date) else _column(date, n)
    return Cases(_column(num, n, float), _column(den, n, float), when,
                 None if code is None else _column(code, n).astype(np.int64, copy=False), ids=child)


@dataclass(frozen=True, eq=False)
class CaseTable:
    """Rows that cases are drawn from, kept on the extract (:func:`case_table`): each row's CHILD, child code and
    date (one per row, or one for all). A count takes some of its rows (:meth:`cases`), so what is looked up per
    child and date (UASC, the units) is worked out once per table, not once per indicator and month."""
    key: tuple
    child: np.ndarray
    code: np.ndarray
    date: object

    def cases(self, rows=None, num=1.0, den=1.0) -> Cases:
        """The cases of ``rows`` (positions, a boolean mask, or None: every row), ``num`` and ``den`` as for
        :func:`cases` (one per chosen row)."""
        rows = np.arange(len(self.child)) if rows is None else np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        date = self.date[rows] if isinstance(self.date, np.ndarray) else self.date
        return Cases(_column(num, len(rows), float), _column(den, len(rows), float), date, self.code[rows], self, rows)


def case_table(x: Extract, key: tuple, child, code, date) -> CaseTable:
    """The extract's :class:`CaseTable` named ``key``, made from ``child``, ``code`` and ``date`` the first time
    (the caller gives the same rows each time it names the key)."""
    name = ("case table",) + tuple(key)
    if name not in x.cache:
        n = len(child)
        when = date if not pd.api.types.is_list_like(date) else _column(date, n)
        x.cache[name] = CaseTable(name, _column(child, n).astype(object, copy=False),
                                  _column(code, n).astype(np.int64, copy=False), when)
    return x.cache[name]


def in_care_table(x: Extract, period) -> CaseTable:
    """The children in care on ``period`` (``Extract.in_care_on``, in its order), dated ``period``."""
    d = pd.Timestamp(period)
    if ("case table", "in_care_on", d) not in x.cache:     # the rows only: no frame of every column
        rows = x.in_care_rows(d)
        ep = x.episodes
        return case_table(x, ("in_care_on", d), ep["CHILD"].to_numpy(dtype=object)[rows],
                          ep["CHILD_CODE"].to_numpy()[rows], d)
    return x.cache[("case table", "in_care_on", d)]


def periods_of_care_cases(x: Extract, date: str, periods: pd.DataFrame, num, den=1.0) -> Cases:
    """Cases of some of ``Extract.periods_of_care`` (``periods``: rows of it, by its index), each dated by its
    ``date`` column (BLA or END)."""
    poc = x.periods_of_care
    table = case_table(x, ("periods_of_care", date), poc["CHILD"], poc["CHILD_CODE"], poc[date])
    return table.cases(poc.index.get_indexer(periods.index), num, den)


def timescale_days(x: Extract, measure: str, window) -> Cases:
    """The days of an adoption timescale (A1, A10, A2, BLA_TO_PLACED: :data:`cicanalysis.measures.adoption.TIMESCALES`)
    for each child it counts in the window, as cases (NUM the days, DATE the event that puts it in the window)."""
    key = ("timescale_cases", measure)     # every case once; each window is a slice of it (the rows are the same)
    if key not in x.cache:
        c = timescale_cases(x, measure)
        x.cache[key] = c.assign(CHILD_CODE=x.child_codes(c["CHILD"]))
    c = x.cache[key]
    inside = window.contains(c["DATE"]).to_numpy()
    table = case_table(x, key, c["CHILD"], c["CHILD_CODE"], c["DATE"])
    return table.cases(inside, c["DAYS"].to_numpy()[inside], 1.0)


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
