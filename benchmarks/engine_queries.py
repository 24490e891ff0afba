"""The two core counts as plain columnar queries (polars, duckdb), for ``engine.py``: children in care at each
month end and, of them, those with 3 or more placements in the 12 months to it, for the county and each area.

The rules are the workbook's (``cicanalysis.model.extract``), written out again over the typed episodes:
episodes sorted by child then start (ties in the file's order); a period of care starts at a child's first episode,
at RNE S, after an episode that ended with a reason other than X1, after a gap when the previous episode has no
REC, and at the first episode after short breaks; short breaks (LS V3/V4) are then left out; a placement starts at
RNE S, P or B or with a period of care and ends with its latest-starting episode. In care on a day: DECOM <= day
< DEC (blank DEC: open). A child's area on a day: that of its latest episode starting on or before the day.
A placement counts in the 12 months when it started by their end and had not ended by their first day.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

SHORT_BREAKS = ("V3", "V4")
NEW_PLACEMENT = ("S", "P", "B")


def from_workbook(frame: pd.DataFrame, county: str) -> dict:
    """{(figure, level, unit, month end): number} from ``scorecard.values`` of CIC_TOTAL and PLACEMENTS_3PLUS,
    units with a count only (the workbook also lists units with none)."""
    out = {}
    for r in frame.itertuples():
        unit = county if r.level == "county" else r.unit_name
        day = f"{pd.Timestamp(r.period):%Y-%m-%d}"
        figures = ({"in_care": r.numerator} if r.indicator == "CIC_TOTAL"
                   else {"three_plus": r.numerator, "three_plus_of": r.denominator})
        out.update({(k, r.level, unit, day): float(v) for k, v in figures.items() if v})
    return out


def _episodes(x) -> pd.DataFrame:
    """The typed episodes with ROW (the file's order), DISTRICT tidied, and AREA looked up as the workbook does."""
    ep = x["episodes"][["CHILD", "DECOM", "RNE", "LS", "DEC", "REC", "DISTRICT"]].reset_index(drop=True)
    district = ep["DISTRICT"].fillna("").astype(str).str.strip()
    areas = x._unit_table()["AREA"]
    area = district.map(areas).fillna("Unknown").mask(district.eq(""), "No district")
    out = pd.DataFrame({"ROW": np.arange(len(ep), dtype=np.int64)})
    for c in ("CHILD", "RNE", "LS", "REC"):
        out[c] = ep[c].astype(object).where(ep[c].notna(), None)
    for c in ("DECOM", "DEC"):
        out[c] = ep[c].to_numpy().astype("datetime64[ms]")
    out["AREA"] = area.astype(object)
    return out


def _months(months) -> pd.DataFrame:
    ends = pd.to_datetime(pd.Series(months)).dt.normalize()
    starts = (ends - pd.offsets.MonthEnd(12) + pd.Timedelta(days=1)).dt.normalize()
    return pd.DataFrame({"D": ends.to_numpy().astype("datetime64[ms]"), "WSTART": starts.to_numpy().astype("datetime64[ms]")})


def _as_dict(per_unit: pd.DataFrame, county: str) -> dict:
    """{(figure, level, unit, day): number} from rows D, AREA, in_care, three_plus (one per month and area)."""
    out = {}
    county_rows = per_unit.groupby("D", as_index=False)[["in_care", "three_plus"]].sum().assign(AREA=county)
    for level, frame in (("area", per_unit), ("county", county_rows)):
        for r in frame.itertuples():
            day = f"{pd.Timestamp(r.D):%Y-%m-%d}"
            for k, v in (("in_care", r.in_care), ("three_plus", r.three_plus), ("three_plus_of", r.in_care)):
                if v:
                    out[(k, level, r.AREA, day)] = float(v)
    return out


def polars_query(x, months):
    """A function running the polars query (the inputs converted now, outside the clock)."""
    import polars as pl
    ep = pl.from_dict({c: v.tolist() if v.dtype == object else v for c, v in _episodes(x).items()})
    ms = pl.from_dict({c: v.to_numpy() for c, v in _months(months).items()})
    county = x.authority["name"]

    def query():
        sb = pl.col("LS").is_in(SHORT_BREAKS).fill_null(False)
        same = (pl.col("CHILD") == pl.col("CHILD").shift(1)).fill_null(False)
        prev_rec, prev_dec = pl.col("REC").shift(1), pl.col("DEC").shift(1)
        starts = (pl.col("RNE") == "S").fill_null(False) | (same & sb.shift(1).fill_null(False) & ~sb)
        new_period = (~same | (prev_rec.is_not_null() & (prev_rec != "X1").fill_null(False))
                      | (prev_rec.is_null() & (prev_dec.is_null() | (pl.col("DECOM") > prev_dec).fill_null(False)))
                      | starts)
        counted = (ep.lazy().sort(["CHILD", "DECOM", "ROW"], nulls_last=True)
                   .with_columns(NEW_PL=pl.col("RNE").is_in(NEW_PLACEMENT).fill_null(False) | new_period)
                   .filter(~sb).with_columns(PL=pl.col("NEW_PL").cum_sum())).collect().lazy()   # worked out once
        # a placement: CHILD, START (its first DECOM), END (DEC of its first episode with the latest DECOM)
        placements = (counted.with_columns(START=pl.col("DECOM").min().over("PL"),
                                           LATEST=pl.col("DECOM").max().over("PL"))
                      .filter(pl.col("DECOM") == pl.col("LATEST")).unique("PL", keep="first", maintain_order=True)
                      .select("CHILD", "START", END=pl.col("DEC"))).collect().lazy()
        last_of_child = (pl.col("CHILD") != pl.col("CHILD").shift(-1)).fill_null(True)   # rows sorted by child
        frames = []
        for d, ws in ms.iter_rows():
            cic = (counted.filter((pl.col("DECOM") <= d) & (pl.col("DEC").is_null() | (pl.col("DEC") > d)))
                   .filter(last_of_child).select("CHILD"))
            area = counted.filter(pl.col("DECOM") <= d).filter(last_of_child).select("CHILD", "AREA")
            moves = (placements.filter((pl.col("START") <= d) & (pl.col("END").is_null() | (pl.col("END") > ws)))
                     .group_by("CHILD").agg(N=pl.len()))
            frames.append(cic.join(area, on="CHILD", how="left").join(moves, on="CHILD", how="left")
                          .group_by("AREA").agg(in_care=pl.len(), three_plus=(pl.col("N").fill_null(0) >= 3).sum())
                          .with_columns(D=pl.lit(d)))
        got = pl.concat(frames).collect()
        return _as_dict(pd.DataFrame({c: got[c].to_list() for c in got.columns}), county)
    return query


DUCK_SQL = """
WITH s AS (
  SELECT *, coalesce(CHILD = lag(CHILD) OVER w, false) AS same, lag(REC) OVER w AS prev_rec,
         lag(DEC) OVER w AS prev_dec, coalesce(lag(LS) OVER w IN ('V3', 'V4'), false) AS prev_sb,
         coalesce(LS IN ('V3', 'V4'), false) AS sb
  FROM ep WINDOW w AS (ORDER BY CHILD, DECOM NULLS LAST, ROW)),
p AS (
  SELECT *, (NOT same OR (prev_rec IS NOT NULL AND prev_rec <> 'X1')
             OR (prev_rec IS NULL AND (prev_dec IS NULL OR coalesce(DECOM > prev_dec, false)))
             OR coalesce(RNE = 'S', false) OR (same AND prev_sb AND NOT sb)) AS new_period FROM s),
c AS (
  SELECT *, sum(CASE WHEN coalesce(RNE IN ('S', 'P', 'B'), false) OR new_period THEN 1 ELSE 0 END)
            OVER (ORDER BY CHILD, DECOM NULLS LAST, ROW ROWS UNBOUNDED PRECEDING) AS PL
  FROM p WHERE NOT sb),
pl AS (
  SELECT PL, any_value(CHILD) AS CHILD, min(DECOM) AS START,
         arg_max(DEC, (DECOM::DATE - DATE '1970-01-01') * 10000000 - ROW) AS "END" FROM c GROUP BY PL),
cic AS (SELECT DISTINCT m.D, c.CHILD FROM c JOIN ms m ON c.DECOM <= m.D AND (c.DEC IS NULL OR c.DEC > m.D)),
area AS (SELECT m.D, c.CHILD, arg_max(c.AREA, (c.DECOM::DATE - DATE '1970-01-01') * 10000000 + c.ROW) AS AREA
         FROM c JOIN ms m ON c.DECOM <= m.D GROUP BY m.D, c.CHILD),
moves AS (SELECT m.D, pl.CHILD, count(*) AS N FROM pl JOIN ms m
          ON pl.START <= m.D AND (pl."END" IS NULL OR pl."END" > m.WSTART) GROUP BY m.D, pl.CHILD)
SELECT cic.D, area.AREA, count(*) AS in_care, sum(CASE WHEN coalesce(moves.N, 0) >= 3 THEN 1 ELSE 0 END) AS three_plus
FROM cic LEFT JOIN area USING (D, CHILD) LEFT JOIN moves USING (D, CHILD) GROUP BY cic.D, area.AREA
"""


def duckdb_query(x, months):
    """A function running the duckdb query (over pandas frames; the inputs prepared now)."""
    import duckdb
    ep, ms = _episodes(x), _months(months)
    county = x.authority["name"]

    def query():
        con = duckdb.connect()
        con.register("ep", ep)
        con.register("ms", ms)
        cur = con.execute(DUCK_SQL)       # fetchall: duckdb's .df() does not yet read pandas 3's types
        got = pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description])
        con.close()
        return _as_dict(got, county)
    return query


QUERIES = {"polars": polars_query, "duckdb": duckdb_query}
