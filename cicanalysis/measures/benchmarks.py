"""How the authority compares with the DfE's published statistics, as the DfE's LAIT shows it (issue 24).

For an indicator with a published counterpart and an LA code, :func:`compare` gives, for the latest published
year and the four before it: the authority's own published figure, England, its region (London boroughs also
Inner or Outer London), the mean of its ten statistical neighbours, its rank among all authorities with a
value that year and its quartile band. :func:`reconcile` sets the workbook's own figures at each 31 March of an
extract beside the authority's published ones. Numbers and codes only: the words are in the reports.

The rules, and where they come from:

- **Published figures**: ``data/reference/published/figures.csv`` (built from the DfE's *Children looked after
  in England including adoptions*; the latest release wins for a year). Values are compared as published
  (percentages and rates in whole numbers, the SDQ average to one decimal place).
- **Which published measure**: the indicator's ``published=`` declaration, else its own id when
  ``figures.csv`` has it (indicators declared with the published id). :data:`NOT_LIKE_FOR_LIKE` lists the
  indicators whose published counterpart counts something else: they carry a reason code and are not compared.
- **Statistical neighbours**: the DfE's children's services statistical neighbour groups; the newest list (May
  2025) for every year, as LAIT applies its current list across its whole time series, so that a trend
  compares the same ten authorities each year (an authority absent from it, e.g. a pre-2021 county, uses the
  April 2021 list). ``neighbour_list="2021"`` chooses the older list. The neighbours' figure is the mean of
  their published values (LAIT: ``mean(values, na.rm = TRUE)``) with the number that had a value.
- **Rank**: among all authorities with a published value that year, 1 = best by the measure's polarity;
  ties share the best rank of their group (R ``rank(ties.method = "min")``, as LAIT ranks).
- **Quartile band**: the quartiles of all authorities' values that year (R ``quantile`` type 7, numpy's
  default linear method); lower is better: A up to and including the lower quartile, B up to the median, C
  up to the upper quartile, D above it; higher is better: A above the upper quartile, B above the median up
  to and including the upper quartile, C above the lower quartile up to the median, D up to and including
  the lower quartile (LAIT's bands).
- **Polarity**: LAIT's for the measure (its data dictionary, :data:`POLARITY`): a measure LAIT gives no
  polarity (children looked after numbers and rates, starts, UASC, missing) has no rank or band, as in LAIT;
  a published id LAIT does not list takes the workbook indicator's H or L.

Sources: DfE LAIT (https://www.gov.uk/government/publications/local-authority-interact-tool-lait) and its
replacement's code, dfe-analytical-services/local-authority-interactive-tool (``R/lait_modules``: the
statistical neighbour average, the national rank and the quartile banding), read, not copied.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from ..config import reference
from .indicators.registry import REGISTRY, Indicator

YEARS_SHOWN = 5
NEIGHBOUR_LISTS = {"2025": "DfE statistical neighbours 2025", "2021": "DfE statistical neighbours 2021"}
# LAIT's polarity (lait_data_dictionary.csv, column Polarity) for the published measures it holds; None where
# LAIT gives "-" (no judgement): those are not ranked or banded.
POLARITY = {
    "CIC_TOTAL": None, "CIC_RATE": None, "STARTED": None, "STARTS_RATE": None, "CEASED": None, "CEASED_RATE": None,
    "UASC_CIC": None, "MISSING_PCT": None, "AWAY_PCT": None, "CEASED_SGO_PCT": None,
    "CEASED_ADOPTED_PCT": "H",           # "Percentage of CLA adopted in year": High
    "PLACEMENTS_3PLUS": "L", "LONG_TERM_STABILITY": "H", "PLACED_20_MILES_PLUS": "L",
    "OC2_HEALTH_CHECK": "H", "OC2_IMMUNISATIONS": "H", "OC2_DENTAL": "H", "OC2_SUBSTANCE": "L",
    "OC2_CONVICTED": "L", "OC2_SDQ_AVERAGE": "L",   # "Emotional Health of Looked after Children": Low
    "CL_1921_SUITABLE_ACCOM": "H", "CL_1921_EET": "H",
    "CL_1921_IN_TOUCH": "H",             # LAIT lists "not in touch (%)" as Low: in touch is its complement
}
# workbook indicator: (published id it must not be compared with, or "", reason code)
NOT_LIKE_FOR_LIKE = {
    "WITHIN_20_MILES": ("PLACED_20_MILES_PLUS", "published_counts_more_than_20_miles_including_uasc_and_not_known"),
    "OWN_FOSTER": ("", "no_published_counterpart"),
}


@dataclass(frozen=True)
class YearFigures:
    """One published year: the authority, England, region, neighbours, rank and band (NaN / None when absent)."""
    year: int
    authority: float = np.nan
    authority_suppression: str = ""      # c, z, x or k when the authority's figure is not published
    numerator: float = np.nan
    denominator: float = np.nan
    england: float = np.nan
    region: float = np.nan
    inner_outer_london: float = np.nan
    neighbours_mean: float = np.nan
    neighbours_with_value: int = 0
    rank: int | None = None
    ranked: int = 0                      # authorities with a value that year
    quartile: str | None = None
    derived: bool = False                # rates of 2015-2017 worked out from the published counts (not published)


@dataclass(frozen=True)
class Comparison:
    """An indicator of one authority against the published statistics (``comparable`` False: ``reason`` says why
    not and ``years`` is empty)."""
    indicator: str
    published: str
    la_code: str
    la_name: str
    region: str = ""
    inner_outer_london: str = ""
    neighbour_list: str = ""
    neighbours: tuple[str, ...] = ()
    polarity: str | None = None
    comparable: bool = True
    reason: str = ""
    years: tuple[YearFigures, ...] = field(default_factory=tuple)

    def frame(self) -> pd.DataFrame:
        """One row per year: indicator, published, la_code, year, authority, ..., quartile."""
        head = {"indicator": self.indicator, "published": self.published, "la_code": self.la_code}
        return pd.DataFrame([{**head, **y.__dict__} for y in self.years])


# ---------------------------------------------------------------- which published measure
def published_id(ind: Indicator) -> str | None:
    """The published measure an indicator is compared with: its ``published`` declaration, else its own id when
    ``figures.csv`` has it; None when there is none."""
    if ind.published:
        return ind.published
    return ind.id if ind.id in _published_ids() else None


def _published_ids() -> set[str]:
    return set(_of_indicator(reference.published_figures()))


_KEPT: dict = {}


def _kept_for(fig: pd.DataFrame) -> dict:
    """What is worked out from one frame of published figures, kept while ``published_figures`` gives that frame (it
    is read once and never modified; a frame handed in instead, as a test does, starts afresh): its rows by measure
    and the comparisons made from it."""
    kept = _KEPT.get("figures")
    if kept is None or kept[0]() is not fig:
        kept = (weakref.ref(fig), {"rows": {k: g for k, g in fig.groupby("INDICATOR", sort=False)}, "compared": {}})
        _KEPT["figures"] = kept
    return kept[1]


def _of_indicator(fig: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """{published measure: its rows} of the published figures, split once per figures frame (:func:`_kept_for`). A
    comparison asks for one measure's rows several times (its latest year, its years, the reconciliation): a look-up,
    not a filter of every published row each time."""
    return _kept_for(fig)["rows"]


def _rows_of(fig: pd.DataFrame, published: str) -> pd.DataFrame:
    """The published figures' rows of one measure (none when it has none)."""
    return _of_indicator(fig).get(published, fig.iloc[:0])


@lru_cache(maxsize=64)
def _la(la_code: str) -> dict:
    """:func:`reference.resolve_la_code` of a code, looked up once (``las.csv`` is read once): callers only read it."""
    return reference.resolve_la_code(la_code)


def polarity_of(ind: Indicator, published: str) -> str | None:
    """LAIT's polarity of the published measure (:data:`POLARITY`), else the indicator's H or L."""
    if published in POLARITY:
        return POLARITY[published]
    return ind.polarity if ind.polarity in ("H", "L") else None


# ---------------------------------------------------------------- rank and quartile
def rank_of(values: pd.Series, polarity: str | None) -> pd.Series:
    """Rank of each value among those given (NaN left out), 1 = best by polarity (H: highest, L: lowest); ties
    share the best rank of their group; None without a polarity."""
    if polarity not in ("H", "L"):
        return pd.Series([None] * len(values), index=values.index, dtype=object)
    return values.rank(method="min", ascending=polarity == "L", na_option="keep")


def quartile_band(value: float, values: pd.Series, polarity: str | None) -> str | None:
    """LAIT's quartile band A (best) to D of ``value`` among ``values`` (NaN left out) by polarity."""
    v = values.dropna().to_numpy(dtype=float)
    if polarity not in ("H", "L") or pd.isna(value) or not len(v):
        return None
    q1, q2, q3 = np.quantile(v, [0.25, 0.5, 0.75])      # R's default (type 7) = numpy's linear method
    if polarity == "L":
        return "A" if value <= q1 else "B" if value <= q2 else "C" if value <= q3 else "D"
    return "A" if value > q3 else "B" if value > q2 else "C" if value > q1 else "D"


# ---------------------------------------------------------------- the comparison
def neighbours_of(la_code: str, neighbour_list: str = "2025") -> tuple[str, tuple[str, ...]]:
    """(the list used, the ten neighbours' 3-digit codes closest first): ``neighbour_list`` ("2025" or "2021"),
    else the other list when the authority is not in it."""
    nb = reference.published_neighbours()
    order = [neighbour_list] + [k for k in NEIGHBOUR_LISTS if k != neighbour_list]
    for key in order:
        rows = nb[(nb["LIST"] == NEIGHBOUR_LISTS[key]) & (nb["LA_CODE"] == la_code)].sort_values("NEIGHBOUR_RANK")
        if len(rows):
            return NEIGHBOUR_LISTS[key], tuple(rows["NEIGHBOUR_LA_CODE"])
    return "", ()


def _year(fig: pd.DataFrame, year: int, la: dict, neighbours: tuple[str, ...], polarity) -> YearFigures:
    f = fig[fig["YEAR"] == year]
    las = f[(f["LEVEL"] == "LA") & f["VALUE"].notna()].set_index("LA_CODE")["VALUE"]
    own = f[(f["LEVEL"] == "LA") & (f["LA_CODE"] == la["LA_CODE"])]

    def area(code: str) -> float:
        hit = f[(f["LEVEL"] != "LA") & (f["NEW_LA_CODE"] == code)]["VALUE"] if code else pd.Series(dtype=float)
        return float(hit.iloc[0]) if len(hit) else np.nan
    value = float(own["VALUE"].iloc[0]) if len(own) else np.nan
    nb = las[las.index.isin(neighbours)]
    rank = rank_of(las, polarity).get(la["LA_CODE"]) if pd.notna(value) else None
    return YearFigures(
        year=year, authority=value, authority_suppression=str(own["SUPPRESSION"].iloc[0]) if len(own) else "",
        numerator=float(own["NUMERATOR"].iloc[0]) if len(own) else np.nan,
        denominator=float(own["DENOMINATOR"].iloc[0]) if len(own) else np.nan,
        england=area("E92000001"), region=area(la["REGION_CODE"]), inner_outer_london=area(la["INNER_OUTER_LONDON_CODE"]),
        neighbours_mean=float(nb.mean()) if len(nb) else np.nan, neighbours_with_value=int(len(nb)),
        rank=None if rank is None or pd.isna(rank) else int(rank), ranked=int(len(las)),
        quartile=quartile_band(value, las, polarity),
        derived=bool(f["SOURCE"].astype(str).str.startswith("derived").any()) if "SOURCE" in f else False)


def latest_year(published: str, up_to: int | None = None) -> int | None:
    """The latest year with a published LA value of the measure (on or before ``up_to`` when given)."""
    fig = _rows_of(reference.published_figures(), published)
    years = fig.loc[(fig["LEVEL"] == "LA") & fig["VALUE"].notna(), "YEAR"]
    if up_to is not None:
        years = years[years <= up_to]
    return int(years.max()) if len(years) else None


def first_year(published: str) -> int | None:
    """The first year with a published LA value of the measure."""
    fig = _rows_of(reference.published_figures(), published)
    years = fig.loc[(fig["LEVEL"] == "LA") & fig["VALUE"].notna(), "YEAR"]
    return int(years.min()) if len(years) else None


def compare(indicator: str | Indicator, la_code: str, up_to: int | None = None, neighbour_list: str = "2025",
            years: int = YEARS_SHOWN) -> Comparison | None:
    """The indicator of authority ``la_code`` (3-digit or E-code) against the published statistics for the
    latest published year (on or before ``up_to``) and the ``years - 1`` before it; None without an LA code or
    a published counterpart; ``comparable`` False (with the reason code) when the counterpart is not like for
    like. A comparison is made once for each indicator, code, year and list (:func:`_kept_for`: the report's
    comparison table, its charts, the covering report and the headline ask for the same ones) and shared: it is
    frozen."""
    ind = REGISTRY[indicator] if isinstance(indicator, str) else indicator
    made = _kept_for(reference.published_figures())["compared"]
    key = (ind, la_code, up_to, neighbour_list, years)
    if key not in made:
        made[key] = _compare(ind, la_code, up_to, neighbour_list, years)
    return made[key]


def _compare(ind: Indicator, la_code: str, up_to: int | None, neighbour_list: str, years: int) -> Comparison | None:
    la = _la(la_code) if la_code else None
    published = published_id(ind)
    if la is None or (published is None and ind.id not in NOT_LIKE_FOR_LIKE):
        return None
    base = {"indicator": ind.id, "la_code": la["LA_CODE"], "la_name": la["LA_NAME"], "region": la["REGION_NAME"],
            "inner_outer_london": la["INNER_OUTER_LONDON"]}
    if ind.id in NOT_LIKE_FOR_LIKE:
        other, reason = NOT_LIKE_FOR_LIKE[ind.id]
        return Comparison(published=other, comparable=False, reason=reason, **base)
    polarity = polarity_of(ind, published)
    listed, neighbours = neighbours_of(la["LA_CODE"], neighbour_list)
    last = latest_year(published, up_to)
    fig = _rows_of(reference.published_figures(), published)
    rows = tuple(_year(fig, y, la, neighbours, polarity) for y in range(last - years + 1, last + 1)) if last else ()
    return Comparison(published=published, neighbour_list=listed, neighbours=neighbours, polarity=polarity,
                      years=rows, **base)


def comparisons(la_code: str, indicators=None, up_to: int | None = None, neighbour_list: str = "2025") -> pd.DataFrame:
    """Every indicator with a published counterpart (or ``indicators``) as one tidy frame, one row per indicator
    and year (:meth:`Comparison.frame`), plus ``comparable`` and ``reason``; empty without an LA code."""
    frames = []
    for ind in (REGISTRY.all() if indicators is None else [REGISTRY[i] if isinstance(i, str) else i for i in indicators]):
        c = compare(ind, la_code, up_to, neighbour_list) if la_code else None
        if c is None:
            continue
        f = c.frame() if c.years else pd.DataFrame([{"indicator": c.indicator, "published": c.published,
                                                     "la_code": c.la_code}])
        frames.append(f.assign(comparable=c.comparable, reason=c.reason, polarity=c.polarity,
                               neighbour_list=c.neighbour_list))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# ---------------------------------------------------------------- the series behind the charts
# A count is compared as the published rate: authorities differ in size, so the number in care of one is no
# measure against England's or a neighbour's (the sufficiency report's children in care, 1a and 1b).
COMPARED_AS = {"CIC_TOTAL": "CIC_RATE", "CIC_CITIZEN": "CIC_RATE"}
SERIES = ("authority", "england", "region", "inner_outer_london", "neighbours_mean")


def compared_as(indicator: str) -> str:
    """The workbook indicator whose published comparison stands for ``indicator`` (:data:`COMPARED_AS`)."""
    return COMPARED_AS.get(indicator, indicator)


def series(c: Comparison) -> pd.DataFrame:
    """The comparison over its years, one row a year (``year`` and :data:`SERIES`): the lines of the chart of the
    authority against England, its region (and Inner/Outer London) and the neighbours' mean."""
    return pd.DataFrame([{"year": y.year, **{k: getattr(y, k) for k in SERIES}} for y in c.years],
                        columns=["year", *SERIES])


def ranked_year(c: Comparison) -> int | None:
    """The year the neighbour group is ranked for: the latest of the comparison with the authority's figure, else
    the latest with any neighbour's."""
    for attr in ("authority", "neighbours_mean"):
        years = [y.year for y in c.years if pd.notna(getattr(y, attr))]
        if years:
            return max(years)
    return None


def neighbour_group(c: Comparison, year: int | None = None) -> pd.DataFrame:
    """The authority and its ten statistical neighbours in ``year`` (default :func:`ranked_year`): la_code,
    la_name, value (as published, NaN when suppressed), suppression, authority (True for the authority itself)
    and place (1 = best by polarity among those with a value; without a polarity, 1 = highest), best first and
    those without a value last."""
    year = ranked_year(c) if year is None else year
    codes = (c.la_code, *c.neighbours)
    cols = ["la_code", "la_name", "value", "suppression", "authority", "place"]
    if year is None:
        return pd.DataFrame(columns=cols)
    fig = reference.published_figures()
    f = fig[(fig["INDICATOR"] == c.published) & (fig["YEAR"] == year) & (fig["LEVEL"] == "LA")]
    f = f.set_index("LA_CODE").reindex(list(codes))
    names = reference.published_las().set_index("LA_CODE")["LA_NAME"]
    out = pd.DataFrame({"la_code": list(codes), "la_name": [names.get(k, k) for k in codes],
                        "value": f["VALUE"].to_numpy(dtype=float), "suppression": f["SUPPRESSION"].fillna("").to_numpy(),
                        "authority": [k == c.la_code for k in codes]})
    out["place"] = out["value"].rank(method="min", ascending=c.polarity == "L", na_option="keep")
    return out.sort_values(["place", "authority"], ascending=[True, False], na_position="last",
                           kind="mergesort").reset_index(drop=True)[cols]


# The DfE publishes adoption-stage times for England only, in months (``data/reference/published``): the nearest to
# A1 is stage 4, entering care to placed for adoption (A1 ends at moving in with the adoptive family, the same
# date); to A2 stage 2, the decision that the child should be placed for adoption to the match (A2 starts at the
# placement order, which usually comes later than that decision).
ENGLAND_ADOPTION_TIMES = {"A1": "ADOPTION_ENTER_TO_PLACED_MONTHS", "A2": "ADOPTION_DECISION_TO_MATCH_MONTHS"}


def england_adoption_times(years) -> pd.DataFrame:
    """England's average adoption-stage times in months for each year ending 31 March in ``years``: year, A1 and
    A2 (the published stages of :data:`ENGLAND_ADOPTION_TIMES`; NaN where not published)."""
    fig = reference.published_figures()
    eng = fig[fig["LEVEL"] == "England"]
    out = pd.DataFrame({"year": [int(y) for y in years]})
    for measure, published in ENGLAND_ADOPTION_TIMES.items():
        by_year = eng[eng["INDICATOR"] == published].set_index("YEAR")["VALUE"]
        out[measure] = [float(by_year.get(y, np.nan)) for y in out["year"]]
    return out


# ---------------------------------------------------------------- reconciliation with the authority's own figures
RECONCILE_COLUMNS = ["indicator", "published", "year", "workbook_numerator", "workbook_denominator", "workbook_value",
                     "workbook_rounded", "published_numerator", "published_denominator", "published_value",
                     "suppression", "release", "status", "difference", "reasons"]
DECIMALS = {"OC2_SDQ_AVERAGE": 1, "MISSING_EPISODES_PER_CHILD": 1}   # published to one decimal; the rest whole


def round_as_published(value: float, published: str) -> float:
    """``value`` rounded as the DfE publishes the measure (whole numbers; the SDQ average and missing incidents
    per child to one decimal), halves rounded up."""
    if pd.isna(value):
        return np.nan
    scale = 10 ** DECIMALS.get(published, 0)
    return float(np.floor(value * scale + 0.5) / scale)


def year_ends(x) -> list[pd.Timestamp]:
    """Each 31 March from the first on or after the data starts to the last on or before the extract date."""
    if pd.isna(x.first_date) or pd.isna(x.extract_date):
        return []
    first = x.first_date.year if x.first_date <= pd.Timestamp(x.first_date.year, 3, 31) else x.first_date.year + 1
    return [pd.Timestamp(y, 3, 31) for y in range(first, x.extract_date.year + 1)
            if pd.Timestamp(y, 3, 31) <= x.extract_date]


def _reasons(w: dict, pub: dict, year: int, first_date) -> list[str]:
    """Reason codes for a difference: what differs (numerator, denominator) and what may explain it."""
    out = []
    if first_date > pd.Timestamp(year - 1, 4, 1):
        out.append("extract_starts_after_year_start")
    for part in ("numerator", "denominator"):
        a, b = w[f"workbook_{part}"], pub[f"published_{part}"]
        if pd.notna(a) and pd.notna(b) and round(a) != round(b):
            out.append(f"{part}_differs")
    release = str(pub["release"])
    if release.startswith("EES") and release[3:7].isdigit() and int(release[3:7]) > year:
        out.append("published_revised_in_later_release")
    if not out or out == ["published_revised_in_later_release"]:
        out.append("rounding_or_return_resubmitted")
    return out


def _published_row(fig: pd.DataFrame, la_code: str, year: int) -> dict:
    f = fig[(fig["LEVEL"] == "LA") & (fig["LA_CODE"] == la_code) & (fig["YEAR"] == year)]
    if f.empty:
        return {"published_numerator": np.nan, "published_denominator": np.nan, "published_value": np.nan,
                "suppression": "", "release": ""}
    r = f.iloc[0]
    return {"published_numerator": r["NUMERATOR"], "published_denominator": r["DENOMINATOR"],
            "published_value": r["VALUE"], "suppression": r["SUPPRESSION"], "release": r["RELEASE"]}


def _status(row: dict, published: str) -> tuple[str, float]:
    """(status code, workbook rounded minus published) of one indicator-year."""
    if row["suppression"]:
        return "suppressed", np.nan
    if pd.isna(row["published_value"]):
        return "not_published", np.nan
    if pd.isna(row["workbook_value"]):
        return "not_computed", np.nan
    diff = round(row["workbook_rounded"] - row["published_value"], DECIMALS.get(published, 0))
    return ("equal" if diff == 0 else "differs"), diff


def reconcile(x, la_code: str, indicators=None, years=None) -> pd.DataFrame:
    """The workbook's own figures at each 31 March of the extract (county level, UASC included) beside the DfE's
    published figures for authority ``la_code``, indicator by indicator and year by year
    (:data:`RECONCILE_COLUMNS`): status ``equal`` (at the published rounding), ``differs`` (with ``difference``
    and ``reasons``, ;-separated codes), ``suppressed``, ``not_published``, ``not_computed`` or ``before_data`` (the
    measure's window starts before the data start: n/a, :func:`scorecard.window_before_data`). ``years``: only the
    31 Marches of those years (e.g. the scorecard's period)."""
    from . import scorecard
    la = reference.resolve_la_code(la_code)
    fig = reference.published_figures()
    inds = REGISTRY.all() if indicators is None else [REGISTRY[i] if isinstance(i, str) else i for i in indicators]
    pairs = [(i, published_id(i)) for i in inds if published_id(i) and i.id not in NOT_LIKE_FOR_LIKE]
    rows = []
    for end in [e for e in year_ends(x) if years is None or e.year in set(years)]:
        vals = scorecard.values(x, end, include_uasc=True, indicators=[i for i, _ in pairs], levels=("county",))
        vals = vals.set_index("indicator")
        for ind, published in pairs:
            v = vals.loc[ind.id] if ind.id in vals.index else {}
            w = {"workbook_numerator": v.get("numerator", np.nan), "workbook_denominator": v.get("denominator", np.nan),
                 "workbook_value": v.get("value", np.nan)}
            w["workbook_rounded"] = round_as_published(w["workbook_value"], published)
            row = {"indicator": ind.id, "published": published, "year": end.year, **w,
                   **_published_row(_rows_of(fig, published), la["LA_CODE"], end.year)}
            row["status"], row["difference"] = _status(row, published)
            if row["status"] == "not_computed" and scorecard.window_before_data(x.first_date, ind, end):
                row["status"] = "before_data"          # n/a, not counted over the months there are
            row["reasons"] = ";".join(_reasons(w, row, end.year, x.first_date)) if row["status"] == "differs" else ""
            rows.append(row)
    return pd.DataFrame(rows, columns=RECONCILE_COLUMNS)
