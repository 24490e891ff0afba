"""Workforce: supplied figures (SPEC 2.4), typed in by the authority; no counting function."""
from __future__ import annotations

from .registry import declare_supplied

SUPPLIED = ("Local measure: a workforce figure supplied by the authority (its table of supplied indicators, from its HR "
            "and case-management records), not counted from the SSDA903")

declare_supplied(
    id="SW_PERM_QUALIFIED", title="% of social worker posts filled by permanent qualified staff", polarity="H",
    measure_type="SS", unit="%", numerator="posts filled by permanent qualified social workers (supplied)",
    denominator="social worker posts (supplied)", group="Workforce", order=270,
    definition_source=f"{SUPPLIED}; the DfE's Children's social work workforce statistics publish a related "
                      f"rate (FTE agency and vacancy rates), not this share of posts")
declare_supplied(
    id="AGENCY_STAFF", title="% of social worker posts filled by agency staff", polarity="L", measure_type="SS",
    unit="%", numerator="posts filled by agency social workers (supplied)", denominator="social worker posts (supplied)",
    group="Workforce", order=280,
    definition_source=f"{SUPPLIED}; the DfE's Children's social work workforce statistics publish an agency worker "
                      f"rate on FTEs, which this share of posts need not equal")
declare_supplied(
    id="CASELOAD", title="Average caseload per social worker", polarity="T", measure_type="SS", unit="ratio",
    numerator="cases held (supplied)", denominator="social workers holding cases (supplied)", group="Workforce",
    order=290,
    definition_source=f"{SUPPLIED}; the DfE's Children's social work workforce statistics publish an average "
                      f"caseload per FTE, which this per-worker figure need not equal")
declare_supplied(
    id="SAME_SW_12M", title="% of children in care 12 months+ with the same social worker for the last 12 months",
    polarity="H", measure_type="SS", unit="%", numerator="children with the same worker for 12 months (supplied)",
    denominator="children in care 12 months+ (supplied)", group="Workforce", order=300,
    definition_source=f"{SUPPLIED} (case-management allocation history)")
