"""Missing from care: return home interviews after each return."""
from __future__ import annotations

from ...core import periods as P
from ...model.extract import SHORT_BREAKS, Extract
from .cases import DFE_CLA, GUIDE_903, cases
from .registry import indicator

RHI_LOCAL = ("Local measure: return home interviews per return from missing (MIS_END) in the financial year, "
             f"from the 903 missing table's RHI_DATE ({GUIDE_903}); the DfE publishes missing incidents and "
             "return interviews offered/accepted, not this percentage")


@indicator(id="MISSING_CHILDREN_PCT", title="% of children looked after in the year who went missing",
           published="MISSING_PCT",
           polarity="L", measure_type="YTD", unit="%",
           numerator="children with a missing incident (MISSING = M) starting in the year",
           denominator="children looked after at any time in the year, not only on short breaks (V3/V4)",
           group="Missing", needs=("missing.MISSING",), order=105, rated=False,
           definition_source=f"{DFE_CLA}, table 'Children who were missing or away from placement without "
                             f"authorisation': children looked after during the year ending 31 March with at least "
                             f"one missing incident, excluding those looked after only under an agreed series of "
                             f"short-term placements (V3/V4); from 1 April to the period end in a month's scorecard. "
                             f"Unrated: the DfE sets no target")
def children_who_went_missing(x: Extract, period, window):
    ep = x.episodes
    in_year = (ep["DECOM"] <= window.end) & (ep["DEC"].isna() | (ep["DEC"] >= window.start))
    looked_after = ep.loc[in_year & ~ep["LS"].isin(SHORT_BREAKS), "CHILD"].drop_duplicates()
    m = x["missing"]
    went = set(m.loc[(m["MISSING"] == "M") & window.contains(m["MIS_START"]), "CHILD"])
    return cases(looked_after, looked_after.isin(went))


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
