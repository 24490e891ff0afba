"""The adopters' journey's sentences and display tables, written from the measures (:mod:`cicanalysis.measures.adopters`):
the measures return numbers, this module the words."""
from __future__ import annotations

import pandas as pd

from ..core import periods as P
from ..measures.adopters import Forecast, STEPS, adoption, assessment_outcomes, status_on
from ..model.extract import Extract
from .formatting import label


def summary_bullets(table: pd.DataFrame, period) -> list[str]:
    """Plain-English lines for the headline figures against the same span last year."""
    p = P.month_end(period)
    w = adoption.span_window(p)
    get = table.set_index("measure")
    words = {"Initial enquiries": ("initial enquiry was received", "initial enquiries were received"),
             "Stage 2 applications": ("household started Stage 2", "households started Stage 2"),
             "Approvals": ("household was approved", "households were approved"),
             "Matches": ("approved household was matched", "approved households were matched")}
    out = []
    for measure, (one, many) in words.items():
        now, before = int(get.loc[measure, "this_span"]), get.loc[measure, "last_year"]
        span = f"{now:,} {one if now == 1 else many} between {w.start:%-d %B %Y} and {p:%-d %B %Y}"
        if pd.isna(before):     # the same span last year starts before the table of households does
            out.append(f"{span}; there are no figures for the same period last year to compare with (the table of "
                       f"adoptive households starts later).")
            continue
        before = int(before)
        d = now - before
        pc = f" ({100 * d / before:+.1f}%)" if d and before else ""
        change = "the same as" if d == 0 else f"{abs(d):,} {'more' if d > 0 else 'fewer'}{pc} than"
        out.append(f"{span}, {change} in the same period last year ({before:,}).")
    for measure in ("Assessments open (at the period end)", "Approved, not yet matched (at the period end)"):
        now, before = int(get.loc[measure, "this_span"]), get.loc[measure, "last_year"]
        earlier = "no figure" if pd.isna(before) else f"{int(before):,}"
        out.append(f"At {p:%d/%m/%Y}: {measure.split(' (')[0].lower()} {now:,} (a year earlier {earlier}).")
    return out


def forecast_notes(x: Extract, f: Forecast) -> list[str]:
    """Notes that explain figures a reader would otherwise find inconsistent: approved households on hold
    (counted in the summary, not in the supply) and a completion rate of 100% against the share of
    assessments that ended in approval over the last three years."""
    notes = []
    s = status_on(x, f.period)["STATUS"]
    on_hold, free = int((s == "Approved, on hold").sum()), int((s == "Approved, not matched").sum())
    if on_hold:
        notes.append(f"The summary counts {free + on_hold:,} approved households not yet matched; the supply counts "
                     f"the {free:,} available for a link, not the {on_hold:,} on hold.")
    o = assessment_outcomes(x, f.period)
    ended = o["approved"] + o["left"]
    if ended:
        rate = o["approved"] / ended
        notes.append(f"Completion rate: the forecast counts {f.inputs['completion_rate']:.0%} of households in "
                     f"assessment as future approvals; over the last three years {o['approved']:,} of the {ended:,} "
                     f"assessments that ended were approved ({rate:.0%}) and {o['left']:,} withdrew, were "
                     f"de-registered or were rejected (an analyst can run the forecast with another completion rate).")
    return notes


def forecast_paragraph(f: Forecast, authority: str = "the authority") -> str:
    """One paragraph in an officer's words: when supply runs out and when recruitment must restart."""
    i = f.inputs
    text = (f"At {f.period:%d/%m/%Y}, {authority} has {i['approved_unlinked']:,.0f} approved adoptive households not yet "
            f"linked with a child and {i['in_assessment']:,.0f} in assessment"
            + (f" (counted at a {i['completion_rate']:.0%} completion rate)" if i["completion_rate"] != 1 else "")
            + f", a supply of {f.supply:,.0f} households. With about {i['placement_orders_per_year']:,.0f} placement "
            f"orders a year, {i['share_own_foster_carer']:.0%} of children placed with their own foster carers, "
            f"{i['share_plan_changes']:.0%} whose plan changes and {i['sibling_group_size']:.2f} children per adoptive "
            f"household, about {f.need_per_month:,.1f} households are needed each month. ")
    if f.run_out is None:
        return text + "On these figures the supply does not run out."
    text += (f"The supply therefore lasts about {f.months_of_supply:,.1f} months and runs out at the end of "
             f"{f.run_out:%B %Y}. ")
    if f.restart_by <= f.period:
        return text + (f"With a recruitment lead time of {i['lead_time_months']} months, recruitment should already "
                       f"have restarted (by the end of {f.restart_by:%B %Y}): it must restart now.")
    return text + (f"With a recruitment lead time of {i['lead_time_months']} months, recruitment must restart by the "
                   f"end of {f.restart_by:%B %Y}.")


def step_definitions() -> pd.DataFrame:
    return pd.DataFrame([{"Step": s.title, "From": label(s.start), "To": label(s.end), "Within": s.limit_label,
                          "Compared with": "national average days" if s.national else ""} for s in STEPS])


def timeliness_display(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"Step": frame["title"], "Within": frame["limit"], "Span": frame["span"],
                         "Cases": frame["cases"], "Within timescale": frame["within"], "% within": frame["pct_within"],
                         "Average (working) days": frame["avg_days"], "National average days": frame["national_avg_days"]})
