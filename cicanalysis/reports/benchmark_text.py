"""The words for the comparison with published statistics and the reconciliation
(:mod:`cicanalysis.measures.benchmarks` returns numbers and codes; this module says what they mean)."""
from __future__ import annotations

import pandas as pd

from .formatting import format_value

STATUS_WORDS = {"equal": "equal", "differs": "differs", "suppressed": "published figure suppressed",
                "not_published": "not published", "not_computed": "not computed (no cases or no population)"}
REASON_WORDS = {
    "extract_starts_after_year_start": "the extract starts after 1 April of the year, so it lacks children the "
                                       "return counted",
    "numerator_differs": "the counts differ",
    "denominator_differs": "the cohorts (denominators) differ",
    "published_revised_in_later_release": "the published figure is from a later release (the DfE revises its "
                                          "series each year, e.g. after a return is resubmitted)",
    "rounding_or_return_resubmitted": "same counts within rounding, or the return was resubmitted or corrected "
                                      "after the collection",
    "published_counts_more_than_20_miles_including_uasc_and_not_known":
        "not compared: the published measure is placed more than 20 miles from home, over all children including "
        "UASC and those whose distance is not known",
    "no_published_counterpart": "not compared: the DfE publishes no such measure",
}


def reasons_in_words(codes: str) -> str:
    """';'-separated reason codes as one phrase."""
    return "; ".join(REASON_WORDS.get(c, c) for c in str(codes or "").split(";") if c)


def _counts(num: pd.Series, den: pd.Series) -> list[str]:
    """'numerator / denominator' (whole numbers), the numerator alone without a denominator, blank without both."""
    out = []
    for n, d in zip(num, den):
        text = f"{n:,.0f}" if pd.notna(n) else ""
        out.append(f"{text} / {d:,.0f}" if pd.notna(d) else text)
    return out


def reconcile_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation for people: indicator, year, workbook (rounded as published), published, status,
    difference and the likely reason in words; the counts behind both."""
    return pd.DataFrame({
        "indicator": frame["indicator"], "published_as": frame["published"], "year": frame["year"],
        "workbook": frame["workbook_rounded"], "published": frame["published_value"],
        "status": frame["status"].map(STATUS_WORDS), "difference": frame["difference"],
        "workbook_count": _counts(frame["workbook_numerator"], frame["workbook_denominator"]),
        "published_count": _counts(frame["published_numerator"], frame["published_denominator"]),
        "suppression": frame["suppression"], "release": frame["release"],
        "likely_reason": frame["reasons"].map(reasons_in_words)})


def comparison_sentence(rate: float, period, comparison, unit: str = "per 10,000") -> str:
    """The covering report's sentence on the CIC rate, as the panel papers say it: the rate at the period against
    the latest published rate for England and the statistical neighbours, with the 31 March they refer to."""
    p = pd.Timestamp(period)
    head = f"The rate of children in care per 10,000 children aged 0-17 at {p:%d %B %Y} was {format_value(rate, unit)}"
    if comparison is None:
        return head + "; no LA code is configured, so it is compared with no published figures."
    year = next((y for y in reversed(comparison.years) if pd.notna(y.england)), None)
    if year is None:
        return head + f"; the DfE has published no rate on or before {p:%B %Y} to compare it with."
    return (f"{head}, against the latest published rate for England of {year.england:.0f} and statistical neighbours "
            f"{year.neighbours_mean:.1f}; both as at 31 March {year.year}.")


def comparison_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The comparison for officers (one row per indicator and year, from :func:`benchmarks.comparisons`): the
    authority's published figure, England, region (and Inner/Outer London), the neighbours' mean with how many had
    a value, the rank of all authorities and the quartile band; a measure not like-for-like says why."""
    from ..measures.metrics import BY_ID
    f = frame.copy()
    titles = f["indicator"].map(lambda i: BY_ID[i].title if i in BY_ID else i)
    not_compared = ~f["comparable"].astype(bool)
    year = [str(int(y)) if pd.notna(y) else "" for y in f.get("year", pd.Series(index=f.index, dtype=float))]
    out = pd.DataFrame({
        "Indicator": titles, "Published as": f["published"], "At 31 March": year,
        "Authority (published)": f.get("authority"), "England": f.get("england"), "Region": f.get("region"),
        "Neighbours' mean": f.get("neighbours_mean"),
        "Neighbours with a value": f.get("neighbours_with_value").astype("Int64"),
        "Rank": [f"{r:.0f} of {n:.0f}" if pd.notna(r) else "" for r, n in zip(f.get("rank"), f.get("ranked"))],
        "Quartile": f["quartile"].fillna("") if "quartile" in f else "",
    })
    if "inner_outer_london" in f and f["inner_outer_london"].notna().any():
        out.insert(6, "Inner/Outer London", f["inner_outer_london"])
    out.loc[not_compared, "Published as"] = f.loc[not_compared, "reason"].map(REASON_WORDS)
    return out
