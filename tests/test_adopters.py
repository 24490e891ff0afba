"""The adopters' journey and the sufficiency forecast on hand-built households, every figure by hand.

Report period 31/03/2016 (span 01/04/2015-31/03/2016), unless a test says otherwise.
  H1  foster carer, fast-tracked to Stage 2 (ROI decision 10/04/2015): Stage 2 15/04/2015, approved
      10/08/2015 (117 days: within 4 months); not matched.
  H2  Stage 1 from 01/05/2015, withdrew 20/05/2015 (health) before Stage 1 ended.
  H3  Dartford. Formal enquiry Thu 02/04/2015 -> pack Fri 17/04/2015: 9 working days (Good Friday and Easter
      Monday skipped; 15 calendar days). Visit Fri 22/05/2015 -> report Tue 26/05/2015: 1 working day over
      the spring bank holiday; signed off Fri 29/05/2015 (4). ROI Mon 01/06/2015 -> decision Mon 08/06/2015 (5).
      Stage 1 08/06/2015-07/08/2015 (60 days: within 2 months). Stage 2 17/08/2015, approved 16/12/2015
      (121 days: within 4 months, the deadline being 17/12). Not matched.
  H4  Stage 2 01/04/2015, approved 15/09/2015 (167 days: overran, authority, panel date); matched
      01/11/2015 with another authority's child, placed 20/11/2015 (1 child).
  H5  Stage 1 started 01/03/2016: open at the period end.
  H6  approved 01/01/2015, family finding on hold; on the national register.
  H7  enquiry from another authority's area (Northborough); H8 enquiry with no district.
  H9  approved 01/01/2014, matched 01/05/2014, placed 01/06/2014 with 2 children.
"""
from __future__ import annotations

import copy

import pandas as pd
import pytest

from cicanalysis.measures import adopters as A
from cicanalysis.reports import adopters_text as AT
from cicanalysis import load
from conftest import write_table
from test_adoption import write_adoption_fixture

PERIOD = "2016-03-31"
HOUSEHOLDS = [
    {"HOUSEHOLD_ID": "H1", "DISTRICT": "Sevenoaks", "ADOPTER_TYPE": "foster carer", "HOUSEHOLD": "couple",
     "ENQUIRY_DATE": "01/03/2015", "ROI_DATE": "02/04/2015", "ROI_DECISION_DATE": "10/04/2015",
     "ROI_OUTCOME": "fast-track to stage 2", "STAGE2_START": "15/04/2015", "STAGE2_END": "10/08/2015",
     "APPROVAL_DATE": "10/08/2015"},
    {"HOUSEHOLD_ID": "H2", "DISTRICT": "Sevenoaks", "ADOPTER_TYPE": "first-time", "HOUSEHOLD": "single",
     "ENQUIRY_DATE": "01/04/2015", "ROI_DATE": "20/04/2015", "ROI_DECISION_DATE": "01/05/2015",
     "ROI_OUTCOME": "stage 1", "STAGE1_START": "01/05/2015", "WITHDRAWN_DATE": "20/05/2015",
     "WITHDRAWAL_REASON": "health"},
    {"HOUSEHOLD_ID": "H3", "DISTRICT": "Dartford", "ADOPTER_TYPE": "first-time", "HOUSEHOLD": "couple", "SAME_SEX": "Y",
     "ENQUIRY_DATE": "01/04/2015", "FORMAL_ENQUIRY_DATE": "02/04/2015", "ROI_PACK_SENT_DATE": "17/04/2015",
     "INITIAL_VISIT_DATE": "22/05/2015", "VISIT_REPORT_DATE": "26/05/2015", "VISIT_SIGNOFF_DATE": "29/05/2015",
     "ROI_DATE": "01/06/2015", "ROI_DECISION_DATE": "08/06/2015", "ROI_OUTCOME": "stage 1",
     "STAGE1_START": "08/06/2015", "STAGE1_END": "07/08/2015", "STAGE2_START": "17/08/2015",
     "STAGE2_END": "16/12/2015", "APPROVAL_DATE": "16/12/2015"},
    {"HOUSEHOLD_ID": "H4", "DISTRICT": "Dartford", "ADOPTER_TYPE": "first-time", "HOUSEHOLD": "couple",
     "ENQUIRY_DATE": "01/10/2014", "STAGE1_START": "01/12/2014", "STAGE1_END": "15/03/2015",
     "STAGE2_START": "01/04/2015", "STAGE2_END": "15/09/2015", "APPROVAL_DATE": "15/09/2015",
     "DELAY_CAUSE": "authority", "DELAY_REASON": "panel date", "MATCH_DATE": "01/11/2015",
     "PLACEMENT_DATE": "20/11/2015", "CHILDREN_PLACED": "1", "OTHER_LA_CHILD": "Y"},
    {"HOUSEHOLD_ID": "H5", "DISTRICT": "Dartford", "ADOPTER_TYPE": "first-time", "ENQUIRY_DATE": "01/01/2016",
     "STAGE1_START": "01/03/2016"},
    {"HOUSEHOLD_ID": "H6", "DISTRICT": "Dartford", "ADOPTER_TYPE": "first-time", "ENQUIRY_DATE": "01/01/2014",
     "STAGE1_START": "01/03/2014", "STAGE1_END": "01/05/2014", "STAGE2_START": "10/05/2014",
     "APPROVAL_DATE": "01/01/2015", "FAMILY_FINDING_ON_HOLD": "Y", "ON_NATIONAL_REGISTER": "yes"},
    {"HOUSEHOLD_ID": "H7", "DISTRICT": "Northborough", "ADOPTER_TYPE": "first-time", "ENQUIRY_DATE": "05/05/2015"},
    {"HOUSEHOLD_ID": "H8", "DISTRICT": "", "ADOPTER_TYPE": "first-time", "ENQUIRY_DATE": "06/06/2015"},
    {"HOUSEHOLD_ID": "H9", "DISTRICT": "Tonbridge and Malling", "ADOPTER_TYPE": "repeat", "ENQUIRY_DATE": "01/01/2013",
     "STAGE2_START": "01/08/2013", "APPROVAL_DATE": "01/01/2014", "MATCH_DATE": "01/05/2014",
     "PLACEMENT_DATE": "01/06/2014", "CHILDREN_PLACED": "2"},
]


@pytest.fixture(scope="module")
def _loaded(tmp_path_factory):
    folder = write_adoption_fixture(tmp_path_factory.mktemp("adopters"))
    write_table(folder, "adopters", HOUSEHOLDS)
    return load(folder)


@pytest.fixture
def x(_loaded):
    """The module's extract loaded once; each test gets a deep copy (its own tables and caches)."""
    return copy.deepcopy(_loaded)


def cases(x, step, period=PERIOD):
    from cicanalysis.measures.adoption import span_window
    c = A.step_cases(x, step, span_window(period))
    return dict(zip(c["HOUSEHOLD_ID"], zip(c["DAYS"], c["WITHIN"])))


def test_timeliness_in_working_days_across_bank_holidays(x):
    assert cases(x, "ROI_PACK") == {"H3": (9, True)}
    assert cases(x, "VISIT_REPORT") == {"H3": (1, True)}
    assert cases(x, "VISIT_SIGNOFF") == {"H3": (4, True)}
    # H1: Thu 02/04/2015 -> Fri 10/04/2015 over Easter is 4; H2: Mon 20/04 -> Fri 01/05/2015 is 9
    assert cases(x, "ROI_DECISION") == {"H1": (4, True), "H2": (9, False), "H3": (5, True)}


def test_stage_1_and_stage_2_against_their_limits_and_the_national_average(x):
    assert cases(x, "STAGE1") == {"H3": (60, True)}
    assert cases(x, "STAGE2") == {"H1": (117, True), "H3": (121, True), "H4": (167, False)}
    t = A.timeliness(x, PERIOD).set_index(["step", "span"])
    assert t.loc[("STAGE2", "This span"), "pct_within"] == pytest.approx(200 / 3)
    assert t.loc[("STAGE2", "This span"), "avg_days"] == 135
    assert t.loc[("STAGE1", "This span"), "national_avg_days"] == 83
    assert t.loc[("STAGE2", "This span"), "national_avg_days"] == 128
    over = A.stage2_overruns(x, PERIOD)
    assert over.to_dict("records") == [{"cause": "Authority", "reason": "panel date", "households": 1}]


def test_summary_counts_a_fast_track_and_a_withdrawal_before_stage_1_ends(x):
    s = A.summary(x, PERIOD).set_index("measure")["this_span"]
    assert s["  fast-tracked to Stage 2"] == 1 and s["  accepted to Stage 1"] == 2
    assert s["Withdrew during Stage 1"] == 1 and s["Stage 1 completed"] == 1
    assert s["Stage 2 applications"] == 3 and s["Approvals"] == 3 and s["Matches"] == 1
    assert s["  own adopters matched with another authority's child"] == 1
    assert s["Assessments open (at the period end)"] == 1
    assert s["Approved, not yet matched (at the period end)"] == 3     # H1, H3 and H6 (on hold)


def test_positions_at_the_period_end(x):
    st = A.status_on(x, PERIOD).set_index("HOUSEHOLD_ID")["STATUS"]
    assert st.to_dict() == {"H1": "Approved, not matched", "H2": "", "H3": "Approved, not matched", "H4": "Matched",
                            "H5": "Stage 1", "H6": "Approved, on hold", "H7": "", "H8": "", "H9": "Matched"}
    w = A.approved_waiting(x, PERIOD).set_index("HOUSEHOLD_ID")["WAITING"]
    assert w.to_dict() == {"H1": "6-12 months", "H3": "Under 6 months", "H6": "12 months or more"}
    o = A.open_assessments(x, PERIOD)
    assert o.to_dict("records") == [{"stage": "Stage 1", "state": "Active", "households": 1}]


def test_enquiries_by_district_include_out_of_area_and_unknown(x):
    t = A.compare_spans(x, "ENQUIRY_DATE", "DISTRICT_GROUP", PERIOD, A.district_order(x)).set_index("DISTRICT_GROUP")
    assert t.loc["Out of area", "this_span"] == 1 and t.loc["Unknown", "this_span"] == 1
    assert t.loc["Dartford", "this_span"] == 2 and t.loc["Sevenoaks", "this_span"] == 1 and t.loc["Sevenoaks", "last_year"] == 1
    assert t.loc["Total", "this_span"] == 5 and t.loc["Total", "last_year"] == 2       # H2, H3, H5, H7, H8; H1, H4
    m = A.enquiries_by_month(x, PERIOD).set_index("MONTH")["households"]
    assert len(m) == 36 and m[pd.Timestamp("2015-04-30")] == 2 and m.sum() == 8    # H9 (Jan 2013) is too early


def test_forecast_worked_by_hand_from_the_spec_example():
    f = A.sufficiency_forecast("2015-10-31", 90, 0.15, 0.10, 1.2, 65, 0)
    assert f.need_per_month == pytest.approx(90 * 0.85 * 0.9 / 1.2 / 12)        # 4.78 households a month
    assert f.months_of_supply == pytest.approx(65 / 4.78125)                    # 13.6 months
    assert f.run_out == pd.Timestamp("2016-11-30") and f.restart_by == pd.Timestamp("2016-04-30")
    assert f.projection.loc[13, "supply_remaining"] == pytest.approx(65 - 13 * 4.78125)
    text = AT.forecast_paragraph(f, "Middleshire")
    assert "runs out at the end of November 2016" in text and "must restart by the end of April 2016" in text
    assert text.startswith("At 31/10/2015, Middleshire has 65 approved adoptive households")
    assert AT.forecast_paragraph(f).startswith("At 31/10/2015, the authority has")


def test_forecast_when_restart_has_passed_or_supply_never_runs_out():
    late = A.sufficiency_forecast("2015-10-31", 90, 0.15, 0.10, 1.2, 20, 10, completion_rate=0.5)
    assert late.supply == 25 and late.run_out == pd.Timestamp("2016-03-31")      # 25 / 4.78 = 5.2 months
    assert late.restart_by == pd.Timestamp("2015-08-31") and "must restart now" in AT.forecast_paragraph(late)
    none = A.sufficiency_forecast("2015-10-31", 0, 0, 0, 1, 10, 0)
    assert none.run_out is None and "does not run out" in AT.forecast_paragraph(none)
    steps = dict(zip(none.table()["step"], none.table()["value"]))      # no placement orders: no need, no end
    assert steps["Households needed per month"] == "0" and steps["Months of supply"] == "does not run out"
    assert steps["Supply runs out (month end)"] == "does not run out" and "inf" not in " ".join(steps.values())


def test_forecast_defaults_come_from_the_data_and_overrides_win(x):
    # at 30/09/2015: POs in the 12 months P2, P6, P4 = 3; placed in 3 years P8, P9, P1, P2, P3 of whom P2 with
    # the foster carer = 1/5; plan changes 1 (P6) of 7 POs in 3 years; H9 placed 2 children; approved and
    # unlinked H1 and H4 (H6 on hold); in assessment H3 (Stage 2)
    d = A.forecast_inputs(x, "2015-09-30")
    assert d == {"placement_orders_per_year": 3, "share_own_foster_carer": 0.2, "share_plan_changes": pytest.approx(1 / 7),
                 "sibling_group_size": 2.0, "approved_unlinked": 2, "in_assessment": 1, "completion_rate": 1.0,
                 "lead_time_months": 7}
    f = A.sufficiency_forecast("2015-09-30", **d)
    # 3 / 0.0857 is 35 months exactly (not 34.999...): supply runs out 35 months after 30/09/2015
    assert f.need_per_month == pytest.approx(3 * 0.8 * (6 / 7) / 2 / 12) and f.run_out == pd.Timestamp("2018-08-31")
    assert A.forecast_inputs(x, "2015-09-30", lead_time_months=3, sibling_group_size=None)["lead_time_months"] == 3


def test_forecast_notes_explain_the_on_hold_households_and_the_completion_rate(x):
    # at 31/03/2016: approved, not matched H1 and H3; approved, on hold H6. Assessments ended in the 3 years
    # from 01/04/2013: approved H9 (01/01/2014), H6, H1, H4, H3; H2 withdrew during Stage 1.
    assert A.assessment_outcomes(x, PERIOD) == {"approved": 5, "left": 1}
    f = A.sufficiency_forecast(PERIOD, **A.forecast_inputs(x, PERIOD))
    notes = AT.forecast_notes(x, f)
    assert notes[0] == ("The summary counts 3 approved households not yet matched; the supply counts the 2 "
                        "available for a link, not the 1 on hold.")
    assert "over the last three years 5 of the 6 assessments that ended were approved (83%)" in notes[1]
    assert A.summary(x, PERIOD).set_index("measure").loc["Approved, not yet matched (at the period end)",
                                                         "this_span"] == 3


def test_summary_changes_in_numbers_and_per_cent(x):
    s = A.summary(x, PERIOD).set_index("measure")
    # initial enquiries in the span H2, H3, H5, H7, H8 (5); last year H4 (01/10/2014) and H1 (01/03/2015): 2
    assert (s.loc["Initial enquiries", "change"], s.loc["Initial enquiries", "pct_change"]) == (3, 150.0)
    bullets = AT.summary_bullets(A.summary(x, PERIOD), PERIOD)
    assert bullets[0] == ("5 initial enquiries were received between 1 April 2015 and 31 March 2016, 3 more "
                          "(+150.0%) than in the same period last year (2).")


# ---------------------------------------------------------------- the sufficiency forecast chart
import matplotlib.pyplot as plt  # noqa: E402


def _forecast_parts(fig):
    import matplotlib.dates as mdates
    from matplotlib.collections import PolyCollection
    ax = fig.axes[0]
    shade = next(c for c in ax.collections if isinstance(c, PolyCollection))
    need = next(line for line in ax.get_lines() if line.get_label() == "Households needed (cumulative)")
    markers = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    return ax, mdates, shade, need, markers


@pytest.mark.parametrize("supply, pos, run_out", [(65, 90, "2016-11-30"),    # SPEC: 13.6 months from 31/10/2015
                                                  (60, 60, "2016-10-31")])   # 5 a month: exactly 12 months
def test_forecast_chart_run_out_marker_where_the_shaded_supply_ends_and_need_crosses_supply(supply, pos, run_out):
    from cicanalysis.reports import charts
    shares = (0.15, 0.10, 1.2) if pos == 90 else (0, 0, 1)
    f = A.sufficiency_forecast("2015-10-31", pos, *shares, supply, 0)
    assert f.run_out == pd.Timestamp(run_out)
    ax, mdates, shade, need, markers = _forecast_parts(charts.forecast_chart(f, "src"))
    x = mdates.date2num(f.run_out)
    assert markers[0].get_xdata()[0] == x                                    # the run-out line
    assert max(v[0] for p in shade.get_paths() for v in p.vertices) == pytest.approx(x)   # the shading ends there
    months = [mdates.date2num(m) for m in f.projection["month"]]
    k = months.index(x)
    # drawn as steps ending at each month end: the need by the run-out month end is within the supply, by the next
    # month end above it, so the line crosses the supply at the marker
    assert need.get_drawstyle() == "steps-pre"
    assert need.get_ydata()[k] <= supply < need.get_ydata()[k + 1]
    plt.close("all")


def _boxes(fig):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    ticks = [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_visible() and t.get_text()]
    others = ticks + [ax.get_legend(), ax.title, ax.xaxis.label, ax.yaxis.label]
    return ax, r, [t.get_window_extent(r) for t in ax.texts], [o.get_window_extent(r) for o in others]


@pytest.mark.parametrize("period, supply, lead", [("2015-10-31", 65, 7),     # SPEC's example
                                                  ("2016-03-31", 64, 7),     # restart a month after the period
                                                  ("2016-03-31", 20, 7),     # restart already passed
                                                  ("2016-03-31", 64, 1)])    # the two dates a month apart
def test_forecast_chart_labels_overlap_no_tick_label_key_or_each_other(period, supply, lead):
    from cicanalysis.reports import charts
    f = A.sufficiency_forecast(period, 90, 0.15, 0.10, 1.2, supply, 0, lead_time_months=lead)
    fig = charts.forecast_chart(f, "src")
    ax, r, labels, others = _boxes(fig)
    assert len(labels) == 2 and "Supply runs out" in ax.texts[0].get_text()
    inside = ax.get_window_extent(r)
    for i, box in enumerate(labels):
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1
        assert not any(box.overlaps(o) for o in others), ax.texts[i].get_text()
        assert not any(box.overlaps(b) for b in labels[i + 1:])
    plt.close(fig)


def test_the_same_span_last_year_before_the_households_table_starts_is_blank_not_zero(x):
    """The table's records start 01/01/2013 (H9's enquiry, its earliest date). At 31/03/2014 the same span last year
    (01/04/2012-31/03/2013) starts before that: its counts would be 0 for want of records, so they are n/a and
    nothing is compared; at 30/09/2014 (last year from 01/04/2013) they are counted."""
    assert A.records_start(x) == pd.Timestamp("2013-01-01")
    early = A.summary(x, "2014-03-31").set_index("measure")
    assert early["last_year"].isna().all() and early["change"].isna().all()
    assert early.loc["Initial enquiries", "this_span"] == 1 and early.loc["Approvals", "this_span"] == 1   # H6, H9
    bullets = AT.summary_bullets(A.summary(x, "2014-03-31"), "2014-03-31")
    assert bullets[0] == ("1 initial enquiry was received between 1 April 2013 and 31 March 2014; there are no "
                          "figures for the same period last year to compare with (the table of adoptive households "
                          "starts later).")
    assert bullets[-1].endswith("(a year earlier no figure).") and not any("(0)" in b for b in bullets)
    later = A.summary(x, "2014-09-30").set_index("measure")
    assert later["last_year"].notna().all() and later.loc["Stage 2 applications", "last_year"] == 1     # H9, 01/08/2013
