"""Missing from care: return home interviews after each return."""
from __future__ import annotations

from ...core import periods as P
from ...model.extract import Extract
from .cases import GUIDE_903, cases
from .registry import indicator

RHI_LOCAL = ("Local measure: return home interviews per return from missing (MIS_END) in the financial year, "
             f"from the 903 missing table's RHI_DATE ({GUIDE_903}); the DfE publishes missing incidents and "
             "return interviews offered/accepted, not this percentage")


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
