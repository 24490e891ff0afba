"""Missing from care: children who went missing or were away without authorisation, incidents per child, and
return home interviews after each return."""
from __future__ import annotations

from ...core import periods as P
from ...model.extract import SHORT_BREAKS, Extract
from .cases import DFE_CLA, GUIDE_903, cases
from .registry import indicator

RHI_LOCAL = ("Local measure: return home interviews per return from missing (MIS_END) in the financial year, "
             f"from the 903 missing table's RHI_DATE ({GUIDE_903}); the DfE publishes missing incidents and "
             "return interviews offered/accepted, not this percentage")


DFE_MISSING = (f"{DFE_CLA}, table 'Children who were missing or away from placement without authorisation' "
               f"(la_children_who_were_missing_or_away_from_placement_without_authorisation)")
DFE_MISSING_COHORT = ("children looked after during the year ending 31 March, excluding those looked after only "
                      "under an agreed series of short-term placements (V3/V4); from 1 April to the period end in "
                      "a month's scorecard. Unrated: the DfE sets no target")


def looked_after_in(x: Extract, window):
    """Children looked after at any time in the window, not only on short breaks (V3/V4), each once."""
    ep = x.episodes
    in_year = (ep["DECOM"] <= window.end) & (ep["DEC"].isna() | (ep["DEC"] >= window.start))
    return ep.loc[in_year & ~ep["LS"].isin(SHORT_BREAKS), "CHILD"].drop_duplicates()


def incidents_in(x: Extract, window, kind: str):
    """Incidents of ``kind`` (MISSING M: missing, A: away without authorisation) starting in the window."""
    m = x["missing"]
    return m[(m["MISSING"] == kind) & window.contains(m["MIS_START"])]


@indicator(id="MISSING_CHILDREN_PCT", title="% of children looked after in the year who went missing",
           published="MISSING_PCT",
           polarity="L", measure_type="YTD", unit="%",
           numerator="children with a missing incident (MISSING = M) starting in the year",
           denominator="children looked after at any time in the year, not only on short breaks (V3/V4)",
           group="Missing", needs=("missing.MISSING",), order=105, rated=False,
           definition_source=f"{DFE_MISSING}: children looked after during the year with at least one missing "
                             f"incident, of the {DFE_MISSING_COHORT}")
def children_who_went_missing(x: Extract, period, window):
    looked_after = looked_after_in(x, window)
    went = set(incidents_in(x, window, "M")["CHILD"])
    return cases(looked_after, looked_after.isin(went))


@indicator(id="MISSING_EPISODES_PER_CHILD", title="Missing incidents per child who went missing in the year",
           polarity="L", measure_type="YTD", unit="ratio",
           numerator="missing incidents (MISSING = M) starting in the year, of children looked after in it",
           denominator="children looked after in the year who went missing (as MISSING_CHILDREN_PCT's numerator)",
           group="Missing", needs=("missing.MISSING",), order=106, rated=False,
           definition_source=f"{DFE_MISSING}: 'Average number of missing incidents per looked after child who went "
                             f"missing' ('Number of missing incidents during the year' / 'Children who had a missing "
                             f"incident during the year'; published to one decimal), of the {DFE_MISSING_COHORT}")
def missing_incidents_per_child(x: Extract, period, window):
    looked_after = set(looked_after_in(x, window))
    inc = incidents_in(x, window, "M")
    per_child = inc[inc["CHILD"].isin(looked_after)].groupby("CHILD").size()
    return cases(per_child.index.to_series(), per_child.to_numpy(), 1.0)


@indicator(id="AWAY_PCT", title="% of children looked after in the year who were away from placement without "
           "authorisation", polarity="L", measure_type="YTD", unit="%",
           numerator="children with an away-without-authorisation incident (MISSING = A) starting in the year",
           denominator="children looked after at any time in the year, not only on short breaks (V3/V4)",
           group="Missing", needs=("missing.MISSING",), order=107, rated=False,
           definition_source=f"{DFE_MISSING}: 'Percentage of children who were away from placement without "
                             f"authorisation during the year', of the {DFE_MISSING_COHORT}; the DfE warns that many "
                             f"authorities record every incident as missing, so compare with care")
def children_away_without_authorisation(x: Extract, period, window):
    looked_after = looked_after_in(x, window)
    away = set(incidents_in(x, window, "A")["CHILD"])
    return cases(looked_after, looked_after.isin(away))


@indicator(id="RHI_3WD", title="% of returns from missing with a return interview within 3 working days",
           polarity="H", measure_type="YTD", unit="%",
           numerator="returns with RHI_DATE within 3 working days of MIS_END",
           denominator="returns from missing (MIS_END) in the year", group="Missing", needs=("missing.RHI_DATE",),
           order=110,
           definition_source=f"{RHI_LOCAL}. Held within 3 working days: the statutory guidance on children who "
                             f"run away or go missing from home or care says within 72 hours, which this "
                             f"working-day count approximates")
def returner_interviews_within_3_working_days(x: Extract, period, window):
    m = x["missing"]
    m = m[window.contains(m["MIS_END"])]
    wd = P.working_days_between(m["MIS_END"], m["RHI_DATE"])
    return cases(m["CHILD"], m["RHI_DATE"].notna() & (wd <= 3), 1.0, m["MIS_END"])


@indicator(id="RHI_COMPLETED", title="% of returns from missing with a return interview completed", polarity="H",
           measure_type="YTD", unit="%", numerator="returns with an RHI_DATE",
           denominator="returns from missing in the year", group="Missing", needs=("missing.RHI_DATE",), order=120,
           definition_source=f"{RHI_LOCAL}. Completed: any RHI_DATE recorded")
def returner_interviews_completed(x: Extract, period, window):
    m = x["missing"]
    m = m[window.contains(m["MIS_END"])]
    return cases(m["CHILD"], m["RHI_DATE"].notna(), 1.0, m["MIS_END"])
