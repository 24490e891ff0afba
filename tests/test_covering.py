"""The covering report that opens the scorecard (SPEC 3.3), on the hand-built extract (tests/conftest.py) and on
scorecards typed in by hand.

The hand-built extract's children in care (county, UASC included):
  31/03/2016: A, B, U, U2, S, S2, S3 = 7; UASC: U only (U2's DUC is 01/03/2016, so U2 is a citizen child) -> 6 + 1.
  31/12/2015: the same seven; UASC: U and U2 -> 5 + 2. No net change: citizen +1, UASC -1.
  31/08/2015: A, B (from 01/05), U2 (from 01/06, UASC), S, S2, S3 = 6 (U comes on 01/09) -> 5 + 1. Net +1.
Rated at 31/03/2016: PLACEMENTS_3PLUS 1 of 7 = 14.3% (L, target 10, floor 12: Red), 0 of 4 = 0.0% at 31/08/2015
(B was not yet moving: Green); WITHIN_20_MILES 3 of 5 = 60.0% (Red; 1 of 4 = 25.0% at 31/08/2015, not rated: a
denominator under 5).
"""
from __future__ import annotations

import copy
import html
import shutil

import pandas as pd
import pytest

from cicanalysis import CicError
from cicanalysis.config import reference
from cicanalysis.measures import scorecard
from cicanalysis.reports import covering_text as C

NOW = "2016-03-31"


def _with_authority(x, tmp_path, commentary: str | None = None, drop_keys=()):
    """A copy of the extract whose authority folder is a copy of the synthetic county's, with ``commentary``
    as its commentary.csv and the ``drop_keys`` rows taken out of authority.csv."""
    folder = tmp_path / "authority"
    shutil.copytree(reference.SYNTHETIC_AUTHORITY_DIR, folder)
    if commentary is not None:
        (folder / "commentary.csv").write_text(commentary, encoding="utf-8")
    lines = (folder / "authority.csv").read_text(encoding="utf-8").splitlines()
    (folder / "authority.csv").write_text("\n".join(r for r in lines if r.split(",")[0] not in drop_keys) + "\n",
                                          encoding="utf-8")
    x = copy.deepcopy(x)
    x.authority_dir = folder
    return x


def _report(x, compare_with, draft=True):
    card = scorecard.build(x, NOW, levels=("county",))
    earlier = scorecard.build(x, scorecard.last_panel_period(NOW, compare_with), levels=("county",))
    return C.covering_report(x, card, earlier, draft=draft)


def _para(report, number):
    return next(i for s in report.sections for i in s.items if isinstance(i, C.Para) and i.number == number)


def test_last_panel_period_is_the_quarter_end_before_unless_named():
    assert scorecard.last_panel_period("2016-03-31") == pd.Timestamp("2015-12-31")
    assert scorecard.last_panel_period("2015-11-30") == pd.Timestamp("2015-09-30")
    assert scorecard.last_panel_period("2016-01-31", "") == pd.Timestamp("2015-12-31")
    assert scorecard.last_panel_period("2015-11-30", "2015-08-31") == pd.Timestamp("2015-08-31")
    with pytest.raises(CicError, match="not before the period"):
        scorecard.last_panel_period("2015-11-30", "2015-11-30")
    with pytest.raises(CicError, match="not a month end"):
        scorecard.last_panel_period("2015-11-30", "2015-08-15")


def test_sections_and_paragraph_numbers_in_order(extract, tmp_path):
    x = _with_authority(extract, tmp_path, "PERIOD,INDICATOR,TEXT\n")
    r = _report(x, "2015-08-31")
    assert [(s.number, s.title) for s in r.sections] == [
        (1, "Introduction"), (2, "Context"), (3, "Summary of performance"),
        (4, "Measures significantly away from target"), (5, "Changes in RAG band since the last report"),
        (6, "Recommendation"), (7, "Background documents"), (8, "Contacts")]
    # 4: the count, then the two Reds; 5: the count, "Declining: 1 measure.", the one decline; 8: lead officer, contact
    assert r.paragraphs() == ["1.1", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3",
                              "6.1", "7.1", "8.1", "8.2"]
    assert [label for label, _ in r.cover] == ["To", "From", "Lead officer", "Subject", "Summary", "Recommendation",
                                               "Contact"]
    cover = dict(r.cover)
    assert "CONSIDER and COMMENT" in cover["Recommendation"] and "CONSIDER and COMMENT" in _para(r, "6.1").text
    assert cover["Subject"] == "Children in Care performance scorecard: period ending 31 March 2016"
    assert "31 August 2015, the period of the scorecard last reported to the Corporate Parenting Panel" in \
        _para(r, "1.1").text
    html = r._repr_html_()          # the cover first, then the numbered headings in order
    at = [html.index(t) for t in ("<table class=\"cic-cover\"", "<h3>1. Introduction", "<h3>4. Measures",
                                  "<h3>5. Changes", "<h3>8. Contacts")]
    assert at == sorted(at)


def test_children_in_care_then_and_now_with_the_net_change(extract, tmp_path):
    x = _with_authority(extract, tmp_path, "PERIOD,INDICATOR,TEXT\n")
    assert _para(_report(x, ""), "3.1").text == (
        "At 31 March 2016 there were 7 children in care: 6 citizen children and 1 UASC. At 31 December 2015 there "
        "were 7: 5 citizen children and 2 UASC. There is no net change: citizen children +1 and UASC -1.")
    assert _para(_report(x, "2015-08-31"), "3.1").text.endswith(
        "At 31 August 2015 there were 6: 5 citizen children and 1 UASC. The net change is +1: citizen children +1 "
        "and UASC unchanged.")


def _typed(period, rows):
    """A county scorecard typed in by hand: (indicator, value, rag, target) rows with the catalogue's titles,
    units and polarities."""
    from cicanalysis.measures import metrics
    return pd.DataFrame([{"indicator": i, "title": metrics.BY_ID[i].title, "unit": metrics.BY_ID[i].unit,
                          "polarity": metrics.BY_ID[i].polarity, "level": "county", "period": period, "value": v,
                          "rag": rag, "target": t} for i, v, rag, t in rows])


def test_the_rate_is_set_against_the_published_rates_of_the_right_31_march():
    counts = [("CIC_CITIZEN", 1400.0, None, None), ("CIC_UASC", 60.0, None, None), ("CIC_TOTAL", 1460.0, None, None)]
    earlier = _typed("2024-11-30", counts + [("CIC_RATE", 52.0, "G", 55.0)])
    # February 2025: the 2025 figures (published at 31 March 2025) are not out yet: England 69 at 31 March 2024
    feb = C.summary_of_performance(3, earlier, _typed("2025-02-28", counts + [("CIC_RATE", 53.2, "G", 55.0)]), "886")
    text = feb.items[1].text
    assert text.startswith("The rate of children in care per 10,000 children aged 0-17 was 53.2 at 28 February 2025 "
                           "(52.0 at 30 November 2024), against the latest published rates for England (69) and the "
                           "statistical neighbours (")
    assert text.endswith("both as at 31 March 2024.") and "2025." not in text
    # from 31 March 2025 the 2025 figures: England 67, Kent's ten neighbours 550 / 10 = 55.0
    march = C.summary_of_performance(3, earlier, _typed("2025-03-31", counts + [("CIC_RATE", 53.2, "G", 55.0)]), "886")
    assert march.items[1].text.endswith("England (67) and the statistical neighbours (55.0), both as at 31 March 2025.")
    none = C.summary_of_performance(3, earlier, _typed("2025-03-31", counts + [("CIC_RATE", 53.2, "G", 55.0)]), "")
    assert "not compared with published rates" in none.items[1].text
    no_population = C.summary_of_performance(3, earlier, _typed("2025-03-31", counts + [("CIC_RATE", float("nan"),
                                                                                          None, 55.0)]), "886")
    assert no_population.items[1].text == ("The rate of children in care per 10,000 children aged 0-17 cannot be "
                                           "given for 31 March 2025: the child population for that year is not known.")
    # then and now worked by hand: 1,400 + 60 both times
    assert feb.items[0].text.endswith("There is no net change: citizen children unchanged and UASC unchanged.")


def test_an_officers_comment_is_shown_beside_its_measure_once(extract, tmp_path):
    x = _with_authority(extract, tmp_path, (
        "PERIOD,INDICATOR,TEXT\n"
        "31/03/2016,PLACEMENTS_3PLUS,\"One child, four placements: a planned move to long-term carers.\"\n"
        "31/12/2015,WITHIN_20_MILES,Last quarter's words: not this report's.\n"))
    r = _report(x, "2015-08-31")
    moves, miles = _para(r, "4.2"), _para(r, "4.3")
    assert moves.text.startswith("**% of children in care with 3 or more placements in the last 12 months**: 14.3% "
                                 "against a target of 10.0%; up 14.3 percentage points from 0.0% at 31 August 2015, "
                                 "worse")
    assert (moves.explanation, moves.placeholder) == ("One child, four placements: a planned move to long-term "
                                                      "carers.", False)
    assert (miles.explanation, miles.placeholder) == (C.PLACEHOLDER, True)     # a comment for another period
    # the decline into Red points to its explanation, not repeating it
    decline = _para(r, "5.3")
    assert decline.text.endswith("Green at 31 August 2015 (0.0%) to Red at 31 March 2016 (14.3%), against a target "
                                 "of 10.0% (explained at 4.2).") and decline.explanation == ""
    html = r._repr_html_()
    assert html.count("a planned move to long-term carers") == 1
    assert html.index("4.2</span>") < html.index("a planned move") < html.index("4.3</span>")


def test_placeholder_in_drafts_and_plain_words_when_publishing(extract, tmp_path):
    x = _with_authority(extract, tmp_path, "PERIOD,INDICATOR,TEXT\n", drop_keys=("cover_from", "cover_contact"))
    draft, published = _report(x, ""), _report(x, "", draft=False)
    assert f"<mark>{html.escape(C.PLACEHOLDER)}</mark>" in draft._repr_html_()
    assert dict(draft.cover)["From"] == "[the director: to be added]"
    assert _para(published, "4.2").explanation == "No explanation was provided."
    text = str(published)
    assert "[" not in text and "to be added" not in text
    assert [label for label, _ in published.cover] == ["To", "Lead officer", "Subject", "Summary", "Recommendation"]
    assert [i.text for i in published.sections[-1].items] == [
        "Lead officer: Alex Morgan, Head of Performance and Information, Children's Services (fictional)"]


def test_measures_are_grouped_under_their_headings():
    # typed in catalogue order mixed up: Care leavers, Adoption, Placements, Health, Workforce
    rows = [("CL_EET", 40.0, "R", 55.0), ("ADOPT_PLAN_4M", 30.0, "R", 60.0), ("PLACEMENTS_3PLUS", 15.0, "R", 10.0),
            ("IHA_20WD", 92.0, "G", 90.0), ("CL_IN_TOUCH", 70.0, "R", 90.0), ("AGENCY_STAFF", 9.0, "G", 10.0)]
    earlier = _typed("2015-08-31", [("CL_EET", 41.0, "R", 55.0), ("ADOPT_PLAN_4M", 50.0, "A", 60.0),
                                    ("PLACEMENTS_3PLUS", 15.04, "R", 10.0), ("IHA_20WD", 70.0, "R", 90.0),
                                    ("CL_IN_TOUCH", 88.0, "A", 90.0), ("AGENCY_STAFF", 12.0, "A", 10.0)])
    card = _typed("2015-11-30", rows)
    section, reds = C.away_from_target(4, earlier, card, {"CL_EET": "Words."}, draft=True)
    shape = [i if isinstance(i, str) else i.number for i in section.items]
    assert shape == ["4.1", "Placements", "4.2", "Adoption", "4.3", "Care leavers", "4.4", "4.5"]
    # under a heading in catalogue order: in touch before EET
    assert reds == {"PLACEMENTS_3PLUS": "4.2", "ADOPT_PLAN_4M": "4.3", "CL_IN_TOUCH": "4.4", "CL_EET": "4.5"}
    assert section.items[2].text.endswith("the same as at 31 August 2015.")       # 15.0% and 15.04%: same shown
    assert section.items[6].text.endswith("down 18.0 percentage points from 88.0% at 31 August 2015, worse.")
    assert (section.items[7].explanation, section.items[6].explanation) == ("Words.", C.PLACEHOLDER)
    moves = C.band_moves(5, earlier, card, {}, True, reds)
    shape = [i if isinstance(i, str) else i.text.split(":")[0] for i in moves.items]
    assert shape == ["Since 31 August 2015, 2 measures moved to a better RAG band and 2 to a worse one.",
                     "Improving", "Health", "**% initial health assessments within 20 working days of entering care**",
                     "Workforce", "**% of social worker posts filled by agency staff**",
                     "Declining", "Adoption", "**% with adoption agreed as the plan by the 2nd review (within 4 months "
                     "of BLA)**", "Care leavers", "**% of care leavers aged 19-21 the authority is in touch with**"]


def test_change_since_is_the_same_at_the_shown_precision():
    assert C.change_since(18.75, 18.83, "%", "worse", "2015-12-31") == "the same as at 31 December 2015"
    assert C.change_since(429.0, 420.4, "days", "worse", "2015-12-31") == \
        "up 9 days from 420 days at 31 December 2015, worse"
    assert C.change_since(50.0, None, "%", "", "2015-12-31") == "no value at 31 December 2015"


def test_commentary_rows_left_out_are_data_quality_rows(tmp_path):
    (tmp_path / "commentary.csv").write_text(
        "PERIOD,INDICATOR,TEXT\n"
        "31/03/2016,cic_rate,Kept: the id in any case.\n"
        "15/03/2016,CIC_RATE,Not a month end.\n"
        "March 2016,CIC_RATE,Not a date.\n"
        "31/03/2016,NOT_AN_ID,Unknown.\n"
        "31/03/2016,CL_EET,\n", encoding="utf-8")
    frame, dq = reference.commentary(tmp_path, known={"CIC_RATE", "CL_EET"})
    assert frame.to_dict("records") == [{"PERIOD": pd.Timestamp("2016-03-31"), "INDICATOR": "CIC_RATE",
                                         "TEXT": "Kept: the id in any case."}]
    assert dq[["row", "column", "value"]].values.tolist() == [
        [4, "PERIOD", "March 2016"], [3, "PERIOD", "15/03/2016"], [5, "INDICATOR", "NOT_AN_ID"], [6, "TEXT", ""]]
    assert set(dq["file"]) == {"authority/commentary.csv"} and set(dq["action"]) == {"row excluded"}
    (tmp_path / "commentary.csv").write_text("PERIOD,INDICATOR,COMMENT\n", encoding="utf-8")
    with pytest.raises(CicError, match="needs the column"):
        reference.commentary(tmp_path)


def test_a_bad_commentary_row_reaches_the_data_quality_table(tmp_path):
    from conftest import load_fixture, write_fixture
    folder = write_fixture(tmp_path / "x")
    (folder / "authority" / "commentary.csv").write_text("PERIOD,INDICATOR,TEXT\n31/03/2016,CIC_RATES,Typo.\n",
                                                        encoding="utf-8")
    dq = load_fixture(folder).dq
    row = dq[dq["file"] == "authority/commentary.csv"]
    assert row[["column", "value"]].values.tolist() == [["INDICATOR", "CIC_RATES"]]


def test_init_writes_the_cover_keys_and_the_commentary_header(extract):
    from cicanalysis.scaffold.authority_template import template_rows
    rows = template_rows(extract)
    assert rows["commentary.csv"] == (["PERIOD", "INDICATOR", "TEXT"], [])
    keys = [r[0] for r in rows["authority.csv"][1] if len(r) == 2]
    assert keys[-7:] == ["cover_to", "cover_from", "cover_lead_officer", "cover_contact", "cover_subject",
                         "cover_summary", "cover_background"]
    assert dict(r for r in rows["authority.csv"][1] if len(r) == 2)["cover_to"] == "Corporate Parenting Panel"


def test_the_synthetic_authority_has_a_cover_and_example_comments():
    cover = reference.cover(reference.SYNTHETIC_AUTHORITY_DIR)
    assert cover["from"] and cover["lead_officer"] and cover["contact"] and cover["to"] == "Corporate Parenting Panel"
    frame, dq = reference.commentary(reference.SYNTHETIC_AUTHORITY_DIR, known=scorecard.M.BY_ID)
    assert dq.empty and len(frame[frame["PERIOD"] == pd.Timestamp(NOW)]) >= 3
