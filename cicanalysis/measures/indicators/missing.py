"""Missing from care: children who went missing or were away without authorisation, incidents per child, and
return home interviews after each return."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...core import periods as P
from ...model.extract import Extract
from .cases import DFE_CLA, GUIDE_903, case_table
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
    """Children looked after at any time in the window, not only on short breaks (V3/V4), each once: CHILD and
    CHILD_CODE (``Extract.episodes`` leaves short breaks out)."""
    key = ("in_care_during", window.start, window.end)
    if key not in x.cache:
        x.cache[key] = x.in_care_during(window.start, window.end)
    return x.cache[key]


def looked_after_table(x: Extract, window):
    """:func:`looked_after_in` as a case table, dated the window's last day (the period of a year to date)."""
    la = looked_after_in(x, window)
    return case_table(x, ("in_care_during", window.start, window.end), la["CHILD"], la["CHILD_CODE"], window.end)


def incidents_in(x: Extract, window, kind: str):
    """Incidents of ``kind`` (MISSING M: missing, A: away without authorisation) starting in the window, with
    each child's CHILD_CODE."""
    m = x["missing"]
    found = ((m["MISSING"] == kind) & window.contains(m["MIS_START"])).to_numpy()
    return m[found].assign(CHILD_CODE=x.codes_of("missing")[found])


def with_incident(x: Extract, looked_after: pd.DataFrame, incidents: pd.DataFrame) -> np.ndarray:
    """For each child looked after, whether it has one of the incidents (by child code, no set of ids)."""
    return x.count_by_code(incidents["CHILD_CODE"])[looked_after["CHILD_CODE"].to_numpy()] > 0


def children_with_incident(x: Extract, window, kind: str):
    """Children looked after at any time in the window, counted when an incident of ``kind`` (M missing, A away
    without authorisation) starts in it."""
    looked_after = looked_after_in(x, window)
    found = with_incident(x, looked_after, incidents_in(x, window, kind))
    return looked_after_table(x, window).cases(None, found)


@indicator(id="MISSING_CHILDREN_PCT", title="% of children looked after in the year who went missing",
           published="MISSING_PCT",
           polarity="L", measure_type="YTD", unit="%",
           numerator="children with a missing incident (MISSING = M) starting in the year",
           denominator="children looked after at any time in the year, not only on short breaks (V3/V4)",
           group="Missing", needs=("missing.MISSING",), order=105, rated=False,
           definition_source=f"{DFE_MISSING}: children looked after during the year with at least one missing "
                             f"incident, of the {DFE_MISSING_COHORT}")
def children_who_went_missing(x: Extract, period, window):
    return children_with_incident(x, window, "M")


@indicator(id="MISSING_EPISODES_PER_CHILD", title="Missing incidents per child who went missing in the year",
           polarity="L", measure_type="YTD", unit="ratio",
           numerator="missing incidents (MISSING = M) starting in the year, of children looked after in it",
           denominator="children looked after in the year who went missing",
           group="Missing", needs=("missing.MISSING",), order=106, rated=False,
           definition_source=f"{DFE_MISSING}: 'Average number of missing incidents per looked after child who went "
                             f"missing' ('Number of missing incidents during the year' / 'Children who had a missing "
                             f"incident during the year'; published to one decimal), of the {DFE_MISSING_COHORT}")
def missing_incidents_per_child(x: Extract, period, window):
    looked_after = looked_after_in(x, window)     # sorted by child, as a groupby by CHILD would be
    n = x.count_by_code(incidents_in(x, window, "M")["CHILD_CODE"])[looked_after["CHILD_CODE"].to_numpy()]
    return looked_after_table(x, window).cases(n > 0, n[n > 0])


@indicator(id="AWAY_PCT", title="% of children looked after in the year who were away from placement without "
           "authorisation", polarity="L", measure_type="YTD", unit="%",
           numerator="children with an away-without-authorisation incident (MISSING = A) starting in the year",
           denominator="children looked after at any time in the year, not only on short breaks (V3/V4)",
           group="Missing", needs=("missing.MISSING",), order=107, rated=False,
           definition_source=f"{DFE_MISSING}: 'Percentage of children who were away from placement without "
                             f"authorisation during the year', of the {DFE_MISSING_COHORT}; the DfE warns that many "
                             f"authorities record every incident as missing, so compare with care")
def children_away_without_authorisation(x: Extract, period, window):
    return children_with_incident(x, window, "A")


def returns_in(x: Extract, window) -> tuple[pd.DataFrame, np.ndarray]:
    """The missing table and which of its incidents ended (MIS_END) in the window: the returns from missing."""
    m = x["missing"]
    return m, window.contains(m["MIS_END"]).to_numpy()


def returns_table(x: Extract):
    """The missing table's incidents as a case table dated by their return (MIS_END)."""
    m = x["missing"]
    return case_table(x, ("missing", "MIS_END"), m["CHILD"], x.codes_of("missing"), m["MIS_END"])


@indicator(id="RHI_3WD", title="% of returns from missing with a return interview within 3 working days",
           polarity="H", measure_type="YTD", unit="%",
           numerator="returns with a return interview within 3 working days of the return",
           denominator="returns from missing in the year", group="Missing", needs=("missing.RHI_DATE",),
           order=110,
           definition_source=f"{RHI_LOCAL}. Held within 3 working days: the statutory guidance on children who "
                             f"run away or go missing from home or care says within 72 hours, which this "
                             f"working-day count approximates")
def returner_interviews_within_3_working_days(x: Extract, period, window):
    m, returned = returns_in(x, window)
    wd = P.working_days_between(m["MIS_END"][returned], m["RHI_DATE"][returned])
    return returns_table(x).cases(returned, (m["RHI_DATE"][returned].notna() & (wd <= 3)).to_numpy())


@indicator(id="RHI_COMPLETED", title="% of returns from missing with a return interview completed", polarity="H",
           measure_type="YTD", unit="%", numerator="returns with a return interview",
           denominator="returns from missing in the year", group="Missing", needs=("missing.RHI_DATE",), order=120,
           definition_source=f"{RHI_LOCAL}. Completed: any RHI_DATE recorded")
def returner_interviews_completed(x: Extract, period, window):
    m, returned = returns_in(x, window)
    return returns_table(x).cases(returned, m["RHI_DATE"][returned].notna().to_numpy())
