"""Adoption: the plan for adoption agreed in time, the A1, A10 and A2 timescales, and leavers adopted."""
from __future__ import annotations

import pandas as pd

from ...model.extract import ADOPTED_REC, Extract
from .cases import ADOPTION_SCORECARD, DFE_CLA, GUIDE_903, bla_for, cases, timescale_days
from .flows import ceased_for
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
    return timescale_days(x, "A1", window)


A10_SOURCE = (f"{ADOPTION_SCORECARD}: A10, average time between a child entering care and moving in with its "
              f"adoptive family, adjusted for foster carer adoptions, for children who have been adopted (added in "
              f"2012-13; it replaced A1 in the ASGLB's quarterly local data from 2021-22, https://www.coram.org.uk/"
              f"resource/local-level-asglb-data-q3-2020-21/): for a child adopted by its foster carer the time counts "
              f"to the date the child moved in with that carer rather than the date placed for adoption. Reading "
              f"chosen: adopted by its foster carer = ad1 FOSTER_CARE 1 (or the tracking table's placement type "
              f"'foster carer'); moved in with that carer = the start of the placement (a new carer: RNE S, P or B) "
              f"the child was in just before its first A3-A6 episode; no earlier placement in that period of care: "
              f"the A1 date")


@indicator(id="A10_R12M", title="A10: average days from entering care to moving in with the adoptive family, "
           "adjusted for foster carer adoptions (12 months)", polarity="L", measure_type="R12M", unit="days",
           numerator="days from BLA to moving in (a foster carer adoption: to moving in with that carer), summed",
           denominator="children adopted in the 12 months", group="Adoption", order=232, rated=False,
           definition_source=f"{A10_SOURCE}; the scorecard averages 3 years, this is the same count over the 12 "
                             f"months to the period end. Unrated: no threshold of its own")
@indicator(id="A10_3Y", title="A10: average days from entering care to moving in with the adoptive family, "
           "adjusted for foster carer adoptions (3 years)", polarity="L", measure_type="R36M", unit="days",
           numerator="days from BLA to moving in (a foster carer adoption: to moving in with that carer), summed",
           denominator="children adopted in the 3 years", group="Adoption", order=234, rated=False,
           definition_source=f"{A10_SOURCE}. Unrated: no threshold of its own")
def bla_to_moving_in_adjusted_days(x: Extract, period, window):
    """A10: A1 with a foster carer adoption's moving-in date taken as the day the child moved in with that carer."""
    return timescale_days(x, "A10", window)


A2_SOURCE = (f"{ADOPTION_SCORECARD}: A2, average time between the authority receiving court authority to place a "
             f"child and deciding on a match to an adoptive family, for children who have been adopted; court "
             f"authority is a placement order or a freeing order (LS E1, D1), children with neither or not placed "
             f"for adoption before the adoption order are left out, and a child matched before court authority "
             f"counts 0 days (the DfE's indicator help text, LG Inform metric 912, http://id.esd.org.uk/metricType/912)")


@indicator(id="A2_R12M", title="A2: average days from placement order to match decision (12 months)", polarity="L",
           measure_type="R12M", unit="days",
           numerator="days from the first placement order (E1, or a D1 freeing order) to the match decision, summed",
           denominator="children adopted in the 12 months after being placed for adoption", group="Adoption", order=240,
           definition_source=f"{A2_SOURCE}; the scorecard averages 3 years, this is the same count over the 12 months "
                             f"to the period end")
@indicator(id="A2_3Y", title="A2: average days from placement order to match decision (3 years)", polarity="L",
           measure_type="R36M", unit="days",
           numerator="days from the first placement order (E1, or a D1 freeing order) to the match decision, summed",
           denominator="children adopted in the 3 years after being placed for adoption", group="Adoption", order=250,
           definition_source=f"{A2_SOURCE}; over 3 years")
def placement_order_to_match_days(x: Extract, period, window):
    """A2: days from court authority to place (the first placement or freeing order) to the ADM match decision
    (0 when matched before it), children adopted in the window who had been placed for adoption."""
    return timescale_days(x, "A2", window)


@indicator(id="LEFT_CARE_ADOPTED", title="% of children leaving care who were adopted", polarity="H",
           published="CEASED_ADOPTED_PCT",
           measure_type="YTD", unit="%", numerator="children leaving care adopted (REC E11 or E12), by their last occasion",
           denominator="children leaving care in the year (each child once)", group="Adoption", order=260,
           definition_source=f"{DFE_CLA}: children who ceased to be looked after during the year, each child once "
                             f"by the latest occasion, by reason episode ceased (adopted: E11, E12); also the "
                             f"adoption scorecard's A4 ({ADOPTION_SCORECARD})")
def left_care_adopted(x: Extract, period, window):
    """Children leaving care in the window (a child who left twice counts once, by the last occasion, as the
    DfE publishes leavers), adopted when that period of care ended with E11 or E12. The DfE publishes it as the
    share of children who ceased who were adopted (published id CEASED_ADOPTED_PCT)."""
    return ceased_for(x, window, ADOPTED_REC)
