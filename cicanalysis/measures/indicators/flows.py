"""Children in care: starts and ceases in the year (each child once), their rates per 10,000 and the reasons for
ceasing, as the DfE publishes them.

Who starts and who ceases is read from the periods of care of ``Extract.episodes`` (short breaks, LS V3/V4, left
out; see :mod:`cicanalysis.model.extract`), as the DfE counts them: a start is an episode with RNE S (or the first
after short breaks), a cease an episode ending with a reason other than X1. A period of care that ends X1 (into
short breaks, or the last episode of an extract) is no leaving; a child whose extract begins mid-care is no starter.
"""
from __future__ import annotations

import numpy as np

from ...model.extract import Extract
from .cases import DFE_CLA, GUIDE_903, periods_of_care_cases
from .registry import indicator

DFE_RATES = (f"{DFE_CLA}, table 'cla_number_and_rate_per_10k_children' (CLA numbers and rates per 10,000 children "
             f"aged under 18 years - LA); its data guidance footnotes: 'Only the first occasion on which a child "
             f"started to be looked after in the year has been counted', 'Only the last occasion on which a child "
             f"ceased to be looked after in the year has been counted', figures exclude children looked after under "
             f"a series of short-term placements (data guidance, reporting year 2023: https://explore-education-"
             f"statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions/2023/"
             f"data-guidance)")
DFE_REASONS = (f"{DFE_CLA}, table 'la_children_who_ceased_during_the_year' (CLA ceasing during the year by "
               f"characteristics - LA), 'Reason episode ceased' as a share of its 'Total' (children who ceased, each "
               f"once by the last occasion; short breaks excluded); REC codes as in the {GUIDE_903}")
# the DfE's published reasons for ceasing, by the REC codes they group
SGO_REC = ("E43", "E44", "E45", "E46", "E47", "E48")   # E43/E44 until 2017-18, then split four ways as E45-E48
RETURNED_HOME_REC = ("E4A", "E4B")                      # returned home to parents/person with parental responsibility
YEAR_NOTE = "from 1 April to the period end in a month's scorecard (the DfE's year at 31 March)"


def first_starts(x: Extract, window):
    """Periods of care starting (BLA) in the window, one row per child: the first occasion (the DfE's starters)."""
    poc = x.periods_of_care
    started = poc[poc["STARTED"] & window.contains(poc["BLA"])]
    return started.sort_values(["BLA", "PERIOD_ID"], kind="stable").drop_duplicates("CHILD_CODE", keep="first")


def last_ceases(x: Extract, window):
    """Periods of care ending (REC other than X1) in the window, one row per child: the last occasion (the DfE's
    leavers), with its REC."""
    key = ("last_ceases", window.start, window.end)     # four indicators count the same leavers
    if key not in x.cache:
        poc = x.periods_of_care
        left = poc[poc["CEASED"] & window.contains(poc["END"])]
        x.cache[key] = left.sort_values(["END", "PERIOD_ID"], kind="stable").drop_duplicates("CHILD_CODE", keep="last")
    return x.cache[key]


@indicator(id="STARTED", title="Children who started to be looked after in the year", polarity="L",
           measure_type="YTD", unit="count", numerator="children starting a period of care in the year, each once "
           "(the first occasion)", denominator="-", group="Children in care", order=41, rated=False,
           definition_source=f"{DFE_RATES}: 'Children starting to be looked after each year'; {YEAR_NOTE}")
@indicator(id="STARTS_RATE", title="Children who started to be looked after per 10,000 children aged 0-17",
           polarity="L", measure_type="YTD", unit="per 10,000",
           numerator="children starting a period of care in the year, each once (the first occasion)",
           denominator="child population aged 0-17 / 10,000", group="Children in care", order=42, rated=False,
           definition_source=f"{DFE_RATES}: 'Children starting to be looked after each year', rate_per_10000 (ONS "
                             f"mid-year estimates aged under 18, as CIC_RATE); {YEAR_NOTE}")
def children_who_started(x: Extract, period, window):
    """Children who started to be looked after in the window, each child once by the first occasion."""
    return periods_of_care_cases(x, "BLA", first_starts(x, window), 1.0, np.nan)


@indicator(id="CEASED", title="Children who ceased to be looked after in the year", polarity="T",
           measure_type="YTD", unit="count", numerator="children whose period of care ended in the year, each once "
           "(the last occasion)", denominator="-", group="Children in care", order=43, rated=False,
           definition_source=f"{DFE_RATES}: 'Children ceasing to be looked after each year'; {YEAR_NOTE}. "
                             f"Polarity T: neither more nor fewer leavers is better in itself")
@indicator(id="CEASED_RATE", title="Children who ceased to be looked after per 10,000 children aged 0-17",
           polarity="T", measure_type="YTD", unit="per 10,000",
           numerator="children whose period of care ended in the year, each once (the last occasion)",
           denominator="child population aged 0-17 / 10,000", group="Children in care", order=44, rated=False,
           definition_source=f"{DFE_RATES}: 'Children ceasing to be looked after each year', rate_per_10000; "
                             f"{YEAR_NOTE}")
def children_who_ceased(x: Extract, period, window):
    """Children who ceased to be looked after in the window, each child once by the last occasion."""
    return periods_of_care_cases(x, "END", last_ceases(x, window), 1.0, np.nan)


def ceased_for(x: Extract, window, reasons):
    """Children who ceased in the window (each once, the last occasion), counted when that REC is in ``reasons``."""
    c = last_ceases(x, window)
    return periods_of_care_cases(x, "END", c, c["REC"].isin(reasons), 1.0)


@indicator(id="CEASED_SGO_PCT", title="% of children who ceased to be looked after on a special guardianship order",
           polarity="H", measure_type="YTD", unit="%", numerator="children who ceased on an SGO (REC E43-E48)",
           denominator="children who ceased to be looked after in the year (each once, the last occasion)",
           group="Children in care", order=46, rated=False,
           definition_source=f"{DFE_REASONS}: 'Special guardianship orders'; the codes, from the DfE's table "
                             f"'la_children_who_ceased_during_the_year_sgo_adoption': E43 (made to former foster "
                             f"carers) and E44 (to carers other than former foster carers) in returns to 2017-18, "
                             f"E45-E48 (to former foster carers or other carers, relatives/friends or not) since, both "
                             f"in the 2018 release; {YEAR_NOTE}")
def ceased_on_sgo(x: Extract, period, window):
    return ceased_for(x, window, SGO_REC)


@indicator(id="CEASED_RETURNED_HOME_PCT", title="% of children who ceased to be looked after who returned home",
           polarity="T", measure_type="YTD", unit="%",
           numerator="children who ceased returning home to parents or others with parental responsibility (E4A, E4B)",
           denominator="children who ceased to be looked after in the year (each once, the last occasion)",
           group="Children in care", order=47, rated=False,
           definition_source=f"{DFE_REASONS}: the two published reasons 'Returned home to live with parents or "
                             f"other person with parental responsibility which was part of the care planning "
                             f"process' (E4A) and '... which was not part of the care planning process' (E4B), "
                             f"added together (the DfE publishes no combined row: this sum is the reading chosen); "
                             f"living with relatives or others without parental responsibility (E13) and child "
                             f"arrangement orders (E41) are other published reasons, not counted; {YEAR_NOTE}. "
                             f"Polarity T: a return home outside the care plan is not better")
def ceased_returned_home(x: Extract, period, window):
    return ceased_for(x, window, RETURNED_HOME_REC)
