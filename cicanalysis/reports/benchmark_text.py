"""The words for the comparison with published statistics and the reconciliation
(:mod:`cicanalysis.measures.benchmarks` returns numbers and codes; this module says what they mean)."""
from __future__ import annotations

import pandas as pd

from .formatting import format_value

STATUS_WORDS = {"equal": "equal", "differs": "differs", "suppressed": "published figure suppressed",
                "not_published": "not published", "not_computed": "not computed (no cases or no population)",
                "before_data": "not computed (its window starts before the extract's data do)"}
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
    blank = pd.Series(float("nan"), index=f.index)      # a column no row has (no year published: only these rows)
    year = [str(int(y)) if pd.notna(y) else "" for y in f.get("year", blank)]
    out = pd.DataFrame({
        "Indicator": titles, "Published as": f["published"], "At 31 March": year,
        "Authority (published)": f.get("authority", blank), "England": f.get("england", blank),
        "Region": f.get("region", blank), "Neighbours' mean": f.get("neighbours_mean", blank),
        "Neighbours with a value": f.get("neighbours_with_value", blank).astype("Int64"),
        "Rank": [f"{r:.0f} of {n:.0f}" if pd.notna(r) else "" for r, n in zip(f.get("rank", blank),
                                                                            f.get("ranked", blank))],
        "Quartile": f["quartile"].fillna("") if "quartile" in f else "",
    })
    if "inner_outer_london" in f and f["inner_outer_london"].notna().any():
        out.insert(6, "Inner/Outer London", f["inner_outer_london"])
    out.loc[not_compared, "Published as"] = f.loc[not_compared, "reason"].map(REASON_WORDS)
    return out


# ---------------------------------------------------------------- the charts' notes (issue 24)
SCORECARD_CHARTS = ("CIC_RATE", "PLACEMENTS_3PLUS", "STABILITY_2Y", "CL_EET")   # the headline indicators charted


def _title(indicator: str) -> str:
    from ..measures.metrics import BY_ID
    return BY_ID[indicator].title if indicator in BY_ID else indicator


def chart_note(comparison, period, first_year: int | None = None) -> str:
    """The line shown instead of a comparison chart: not like for like (why), or no published figure on or before
    the period (with the first year the DfE publishes, when known)."""
    name = _title(comparison.indicator)
    if not comparison.comparable:
        return f"**{name}**: {REASON_WORDS.get(comparison.reason, comparison.reason)}."
    first = f" (its published series starts at 31 March {first_year})" if first_year else ""
    return (f"**{name}**: the DfE has published no figure for {comparison.la_name} on or before "
            f"{pd.Timestamp(period):%B %Y}{first}, so there is nothing to chart.")


def nothing_published_note(la_name: str, period, published=()) -> str:
    """The one line shown instead of the comparison table when the DfE has published no figure on or before the
    period for any indicator compared (a period before its series starts), with the first 31 March it publishes
    any of the ``published`` measures for, when known (the charts then name each in one line,
    :func:`unpublished_note`)."""
    from ..measures.benchmarks import first_year
    years = [y for y in (first_year(m) for m in dict.fromkeys(published)) if y is not None]
    first = f" (its published figures start at 31 March {min(years)})" if years else ""
    return (f"The DfE has published no figures for {la_name} on or before {pd.Timestamp(period):%B %Y} to compare "
            f"with{first}.")


def unpublished_note(waiting, period) -> str:
    """One line for every comparison with nothing published yet on or before the period, instead of a line each
    (the same words repeated): ``waiting`` holds (comparison, first published year or None) pairs; '' when none."""
    if not waiting:
        return ""
    la = waiting[0][0].la_name
    names = [f"{_title(c.indicator)}" + (f" (its published series starts at 31 March {first})" if first else "")
             for c, first in waiting]
    return (f"Nothing to chart yet, as the DfE has published no figure for {la} on or before {pd.Timestamp(period):%B %Y}: "
            + "; ".join(names) + ".")


def no_counterpart_note(indicators) -> str:
    """One line naming the measures the DfE publishes nothing like ('' when none)."""
    names = [_title(i) for i in indicators]
    return ("Not compared, because the DfE publishes no such measure by authority: " + "; ".join(names) + ".") if names \
        else ""


def counts_as_rates_note(counts) -> str:
    """Why a count is charted as the published rate ('' when none is)."""
    return (f"{' and '.join(_title(i) for i in counts)}: compared as the published rate per 10,000 children, since "
            "authorities differ in size." if counts else "")


# ---------------------------------------------------------------- the reconciliation section of the scorecard
def reconciliation_absent(period, la_code: str) -> str:
    """The line shown instead of the reconciliation: not a 31 March, or no LA code."""
    p = pd.Timestamp(period)
    if not la_code:
        return ("The authority's DfE LA code is not set in its configuration: the workbook's figures are reconciled "
                "with no published figures.")
    return (f"The reconciliation with the DfE's published figures is shown on 31 March periods only (the DfE publishes "
            f"figures at 31 March); this scorecard is at {p:%d %B %Y}. An analyst can reconcile every 31 March of the "
            f"extract.")


def reconciliation_intro(frame: pd.DataFrame, authority: dict, period) -> str:
    """What the reconciliation table shows, how many indicators are equal, and, for the synthetic authority, that its
    figures are fictional and cannot match the real authority's."""
    la = f"{authority.get('la_name', '')} ({authority.get('la_code', '')})"
    shown = frame[frame["status"] != "not_published"]
    counts = shown["status"].map(STATUS_WORDS).value_counts()
    text = (f"The workbook's own figures at {pd.Timestamp(period):%d %B %Y} (county, UASC included, counted as the DfE "
            f"counts and rounded as it publishes) beside the DfE's published figures for {la}: "
            + (", ".join(f"{n} {s}" for s, n in counts.items()) if len(shown) else "none published yet") + ".")
    missing = len(frame) - len(shown)
    if missing:
        text += f" {missing} more indicator(s) have no published figure for {pd.Timestamp(period).year}."
    if authority.get("fictional"):
        text += (f" The authority's data are fictional, so they are not expected to match {la}'s published figures: "
                 "the table shows how a real authority's would be checked.")
    return text


def reconciliation_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The reconciliation (:func:`benchmarks.reconcile`) for the panel: the indicators with a published figure (or a
    suppressed one), the workbook's figure beside the published one, the difference and its likely reason."""
    f = frame[frame["status"] != "not_published"]
    return pd.DataFrame({
        "Indicator": f["indicator"].map(_title), "Workbook": f["workbook_rounded"], "Published": f["published_value"],
        "Difference": f["difference"], "Status": f["status"].map(STATUS_WORDS),
        "Workbook count": _counts(f["workbook_numerator"], f["workbook_denominator"]),
        "Published count": _counts(f["published_numerator"], f["published_denominator"]),
        "Likely reason": f["reasons"].map(reasons_in_words)}).reset_index(drop=True)


# ---------------------------------------------------------------- A1 and A2 beside England's adoption-stage times
DAYS_PER_MONTH = 365.25 / 12


def _year_end(label: str) -> int:
    """The year ending 31 March of a financial-year label ('2015-16' or '2015-16 (to 30/09)': 2016)."""
    return int(str(label)[:4]) + 1


def england_adoption_table(a1a2: pd.DataFrame) -> pd.DataFrame:
    """The workbook's single-year A1 and A2 (days and months) beside the DfE's national averages for England in
    months (:func:`benchmarks.england_adoption_times`), one row a financial year; blank where not published."""
    from ..measures.benchmarks import england_adoption_times
    a1 = a1a2[a1a2["measure"] == "A1"].set_index("year")["year_avg_days"]
    a2 = a1a2[a1a2["measure"] == "A2"].set_index("year")["year_avg_days"]
    years = list(a1.index)
    eng = england_adoption_times([_year_end(y) for y in years]).set_index("year")
    return pd.DataFrame({
        "Year": years, "A1 (days)": a1.to_numpy(), "A1 (months)": (a1 / DAYS_PER_MONTH).round(1).to_numpy(),
        "England: entering care to placed for adoption (months)": [eng.at[_year_end(y), "A1"] for y in years],
        "A2 (days)": a2.reindex(years).to_numpy(), "A2 (months)": (a2.reindex(years) / DAYS_PER_MONTH).round(1).to_numpy(),
        "England: decision to place for adoption to match (months)": [eng.at[_year_end(y), "A2"] for y in years]})


def england_adoption_note(table: pd.DataFrame, authority_dir=None) -> str:
    """What the England columns are, whether any year has them, and where the authority's comparators go (whether
    ``authority_dir`` has its own ``comparators.csv``)."""
    from pathlib import Path
    has_own_comparators = bool(authority_dir) and (Path(authority_dir) / "comparators.csv").exists()
    published = table["England: entering care to placed for adoption (months)"].notna().any()
    text = ("England's figures are the DfE's national averages in months (*Children looked after in England including "
            "adoptions*, average time between adoption stages; England only, published for the years ending 31 March "
            "2019 onwards), set beside the workbook's single-year A1 and A2 in months (days ÷ 30.4). They are the "
            "nearest published stages, not the same measures: entering care to placed for adoption ends on the day A1 "
            "ends; the decision that the child should be placed for adoption usually comes before the placement "
            "order, where A2 starts.")
    if not published:
        text += " None of the years shown has a published England figure."
    text += (" Local-authority A1, A2 and A10 figures (statistical neighbours, the adoption scorecard's 3-year "
             "averages) are not in the DfE's files; A1 and A2 for the neighbours come from " + (
                 "the authority's own table of comparators." if has_own_comparators
                 else "a table of comparators the authority supplies, which it has not."))
    return text


def with_published_figures(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The comparison's rows that have a published figure (a year with the authority's, England's, the region's or
    the neighbours' value; a not like-for-like row stays, to say why), and a line naming the indicators left with
    none ('' when none is)."""
    cols = [c for c in ("authority", "england", "region", "neighbours_mean") if c in frame]
    has = frame[cols].notna().any(axis=1) | ~frame["comparable"].astype(bool)
    empty = [i for i in dict.fromkeys(frame["indicator"]) if not has[frame["indicator"] == i].any()]
    note = ("No published figure on or before the period for: " + "; ".join(_title(i) for i in empty) + ".") \
        if empty else ""
    return frame[has], note
