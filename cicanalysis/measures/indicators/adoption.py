"""Adoption: the plan for adoption agreed in time, the A1 and A2 timescales, and leavers adopted."""
from __future__ import annotations

import pandas as pd

from ...model.extract import ADOPTED_REC, Extract
from ..adoption import timescale_cases
from .cases import ADOPTION_SCORECARD, DFE_CLA, GUIDE_903, bla_for, cases
from .registry import indicator

ADM_LOCAL = (f"Local measure: the agency decision maker's best-interest decision that the child should be placed "
             f"for adoption (placed_for_adoption DATE_PLACED, {GUIDE_903}) in the financial year, within {{}} months "
             f"of the start of the period of care (BLA); adoption statutory guidance expects the plan for adoption "
             f"by the second review; not a DfE published statistic")


def adoption_plan_cases(x: Extract, window, months: int):
    """ADM decisions in the window, counted in the numerator when within ``months`` months of BLA."""
    pfa = x["placed_for_adoption"]
    pfa = pfa[window.contains(pfa["DATE_PLACED"])]
    bla = bla_for(x, pfa["CHILD"], pfa["DATE_PLACED"])
    deadline = bla + pd.DateOffset(months=months)
    ok = bla.notna() & (pfa["DATE_PLACED"] <= deadline)
    keep = bla.notna()
    return cases(pfa["CHILD"][keep], ok[keep], 1.0, pfa["DATE_PLACED"][keep])


@indicator(id="ADOPT_PLAN_4M", title="% with adoption agreed as the plan by the 2nd review (within 4 months of BLA)",
           polarity="H", measure_type="YTD", unit="%", numerator="ADM best-interest decisions within 4 months of BLA",
           denominator="ADM best-interest decisions in the year", group="Adoption", order=60,
           definition_source=ADM_LOCAL.format(4))
def adoption_plan_within_4_months(x: Extract, period, window):
    return adoption_plan_cases(x, window, 4)


@indicator(id="ADOPT_PLAN_6M", title="% with adoption agreed as the plan within 6 months of BLA (cumulative)",
           polarity="H", measure_type="YTD", unit="%", numerator="ADM best-interest decisions within 6 months of BLA",
           denominator="ADM best-interest decisions in the year", group="Adoption", order=70,
           definition_source=ADM_LOCAL.format(6))
def adoption_plan_within_6_months(x: Extract, period, window):
    return adoption_plan_cases(x, window, 6)


@indicator(id="A1_R12M", title="A1: average days from entering care to moving in with the adoptive family (12 months)",
           polarity="L", measure_type="R12M", unit="days", numerator="days from BLA to the first A3-A6 placement, summed",
           denominator="children adopted in the 12 months", group="Adoption", order=220,
           definition_source=f"{ADOPTION_SCORECARD}: A1, average time between a child entering care and moving in "
                             f"with its adoptive family, for children who have been adopted (the scorecard averages "
                             f"3 years; this is the same count over the 12 months to the period end; not adjusted "
                             f"for foster carer adoptions, which the later A10 is)")
@indicator(id="A1_3Y", title="A1: average days from entering care to moving in with the adoptive family (3 years)",
           polarity="L", measure_type="R36M", unit="days", numerator="days from BLA to the first A3-A6 placement, summed",
           denominator="children adopted in the 3 years", group="Adoption", order=230,
           definition_source=f"{ADOPTION_SCORECARD}: A1, average time between a child entering care and moving in "
                             f"with its adoptive family, for children who have been adopted, over 3 years (not "
                             f"adjusted for foster carer adoptions, which the later A10 is)")
def bla_to_moving_in_days(x: Extract, period, window):
    """A1: days from BLA to moving in with the adoptive family, children adopted in the window
    (the adoption journey's definition, :data:`cicanalysis.measures.adoption.TIMESCALES`)."""
    c = timescale_cases(x, "A1", window)
    return cases(c["CHILD"], c["DAYS"], 1.0, c["DATE"])


@indicator(id="A2_R12M", title="A2: average days from placement order to match decision (12 months)", polarity="L",
           measure_type="R12M", unit="days", numerator="days from the first E1 legal status to DATE_MATCH, summed",
           denominator="children adopted in the 12 months", group="Adoption", order=240,
           definition_source=f"{ADOPTION_SCORECARD}: A2, average time between the authority receiving court "
                             f"authority to place a child and deciding on a match to an adoptive family, for "
                             f"children who have been adopted (the scorecard averages 3 years; this is the same "
                             f"count over the 12 months to the period end; 0 days when matched before the order)")
@indicator(id="A2_3Y", title="A2: average days from placement order to match decision (3 years)", polarity="L",
           measure_type="R36M", unit="days", numerator="days from the first E1 legal status to DATE_MATCH, summed",
           denominator="children adopted in the 3 years", group="Adoption", order=250,
           definition_source=f"{ADOPTION_SCORECARD}: A2, average time between the authority receiving court "
                             f"authority to place a child and deciding on a match to an adoptive family, for "
                             f"children who have been adopted, over 3 years (0 days when matched before the order)")
def placement_order_to_match_days(x: Extract, period, window):
    """A2: days from the placement order to the ADM match decision (0 when matched before the order),
    children adopted in the window."""
    c = timescale_cases(x, "A2", window)
    return cases(c["CHILD"], c["DAYS"], 1.0, c["DATE"])


@indicator(id="LEFT_CARE_ADOPTED", title="% of children leaving care who were adopted", polarity="H",
           published="CEASED_ADOPTED_PCT",
           measure_type="YTD", unit="%", numerator="children leaving care adopted (REC E11 or E12), by their last occasion",
           denominator="children leaving care in the year (each child once)", group="Adoption", order=260,
           definition_source=f"{DFE_CLA}: children who ceased to be looked after during the year, each child once "
                             f"by the latest occasion, by reason episode ceased (adopted: E11, E12); also the "
                             f"adoption scorecard's A4 ({ADOPTION_SCORECARD})")
def left_care_adopted(x: Extract, period, window):
    """Children leaving care in the window (a child who left twice counts once, by the last occasion, as the
    DfE publishes leavers), adopted when that period of care ended with E11 or E12."""
    poc = x.periods_of_care
    left = poc[poc["END"].notna() & window.contains(poc["END"])]
    left = left.sort_values(["END", "PERIOD_ID"], kind="stable").drop_duplicates("CHILD", keep="last")
    return cases(left["CHILD"], left["REC"].isin(ADOPTED_REC), 1.0, left["END"])
