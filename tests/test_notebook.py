"""Every notebook runs with papermill on a small generated authority and exports clean HTML.

The four reports of the default period are run once per test session (``default_outputs`` in conftest.py,
two at a time, as `cicanalysis run` does) and each test reads the HTML it needs."""
import re

import pandas as pd
import pytest

from cicanalysis.batch import run_period
from conftest import UNKNOWN_UPNS

pytestmark = pytest.mark.slow   # papermill runs of the notebooks (and the session's default_outputs)


def page(default_outputs, name):
    return (default_outputs / "2016-03-31" / f"{name}.html").read_text()


def test_scorecard_notebook_runs_and_exports_html_without_code_or_identifiers(default_outputs, small_authority):
    html = page(default_outputs, "scorecard")
    assert "As at 31/03/2016" in html and "County scorecard" in html
    # the covering report opens it (SPEC 3.3), against the period the run named (compare_with), and the old last page
    # of covering text is gone
    assert (html.index('<h2 id="Covering-report"') < html.index("CONSIDER and COMMENT") < html.index("<h3>8. Contacts")
            < html.index('<h2 id="Headline"'))
    assert "It compares performance with 31 August 2015, the period of the scorecard last reported" in html
    assert "covering report text" not in html
    assert "Traceback" not in html and "cic.load(" not in html       # code cells hidden
    # the trend appendix's small multiples (six panels an image) and the comparison charts embedded
    assert 'class="cic-multiples"' in html and html.count("data:image/svg+xml;base64") >= 8
    assert (default_outputs / "2016-03-31" / "index.html").exists()
    children, upns = _identifiers(small_authority)
    found = set(re.findall(r"C\d{7}", html))
    assert not (found & children), sorted(found & children)[:5]
    assert len(upns) > 100 and not any(u in html for u in upns)


def test_a_failed_run_leaves_the_last_good_outputs_untouched(small_authority, tmp_path):
    good = tmp_path / "2016-03-31"
    good.mkdir(parents=True)
    (good / "scorecard.html").write_text("last good report")
    results = run_period("2016-03-31", small_authority, tmp_path, notebooks=["scorecard"],
                         parameters={"data_dir": str(tmp_path / "gone")})
    assert not results[0].ok and "does not exist" in results[0].message
    assert (good / "scorecard.html").read_text() == "last good report"
    assert (tmp_path / "2016-03-31.failed" / "scorecard.ipynb").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no half-written temp folder


def _identifiers(folder):
    header = pd.read_csv(folder / "header.csv", dtype=str)
    return set(header["CHILD"]), set(header["UPN"].dropna()) - UNKNOWN_UPNS


def test_adoption_journey_notebook_shows_every_section(default_outputs, small_authority):
    html = page(default_outputs, "adoption_journey")
    for section in ("Summary", "Projected full year", "Timescales", "A1 and A2 against the DfE thresholds",
                    "Appendix A: the figures behind the distribution charts",
                    "Children waiting with a placement order",
                    "Children in proceedings", "Disruptions", "Data quality", "Definitions"):
        assert f">{section}" in html, section
    assert "children were adopted between 1 April 2015 and 31 March 2016" in html
    # at 31 March the 3-year window 2013-16 is complete: its forecasts are its averages, said once, not restated
    assert "The forecast A1 for 2013-16 is" not in html and "The forecast A2 for 2013-16 is" not in html
    assert html.count("The 3-year window 2013-16 ends at 31/03/2016: the forecasts for it are its actual averages") == 2
    assert "not shown at the year end" in html and "Projected full year from the run rate" not in html
    assert "A2 (placement order to the match decision): the 3-year average for 2013-16" in html
    assert "Traceback" not in html
    # small multiples: the timescales by year in one figure, each section's distributions in one (9 sections), A1, A2
    assert html.count("data:image/svg+xml;base64") == 12
    alts = " ".join(re.findall(r'alt="([^"]*)"', html))
    assert "Waiting by disability" in alts and "Celebration hearing to later life letter (timescale 10 working days)" in alts
    # every district's timescales in the workbook only, said in one line; the county and the districts' range shown
    assert "<caption>Timescales by district, current span</caption>" not in html
    assert "Timescales by district, current span: the county and the districts' range" in html
    children, upns = _identifiers(small_authority)
    assert not (set(re.findall(r"C\d{7}", html)) & children) and not any(u in html for u in upns)


def test_adoption_journey_runs_without_the_tracking_table(small_authority, tmp_path):
    import shutil
    data = tmp_path / "untracked"
    shutil.copytree(small_authority, data)
    (data / "adoption_tracking.csv").unlink()
    results = run_period("2015-09-30", data, tmp_path / "out", notebooks=["adoption_journey"],
                         parameters={"suppress_small": True})
    assert [r.ok for r in results] == [True], results
    html = (tmp_path / "out" / "2015-09-30" / "adoption_journey.html").read_text()
    assert "Shortlist to visit: not available, because this needs the local adoption tracking table" in html
    assert "between 1 April 2015 and 30 September 2015" in html and "&lt;6" in html


def test_adopters_journey_notebook_shows_every_section_and_the_forecast(default_outputs, small_authority):
    html = page(default_outputs, "adopters_journey")
    for section in ("Summary", "Initial enquiries", "Timeliness", "Stage 2 applications", "Assessments open",
                    "Withdrawals and de-registrations", "Approvals", "Approved households not yet matched",
                    "Adopter sufficiency forecast", "Definitions"):
        assert f">{section}" in html, section
    assert "With a recruitment lead time of 9 months" in html
    assert html.index("Adopter sufficiency forecast:</strong>") < html.index('<h2 id="Summary"')   # dates first
    assert html.count("data:image/svg+xml;base64") >= 5 and "Traceback" not in html
    households = set(pd.read_csv(small_authority / "adopters.csv", dtype=str)["HOUSEHOLD_ID"])
    assert not (set(re.findall(r"H\d{6}", html)) & households)


def test_sufficiency_strategy_notebook_shows_eight_measures_and_the_summary(default_outputs, small_authority):
    html = page(default_outputs, "sufficiency_strategy")
    for n in range(1, 5):
        assert f">Challenge {n}:" in html
    assert html.count("<strong>Analysis.</strong>") == 11 and ">Appendix A: Performance summary" in html
    # the measures in the strategy's order, the summary table once, at the end
    assert html.count("<caption>Performance summary</caption>") == 1
    assert (html.index('<h2 id="Headline"') < html.index('<h2 id="Progress-on-each-measure"')
            < html.index("<caption>Performance summary</caption>"))
    order = [html.index(f"alt=\"Line chart: {n}. ") for n in ("1a", "1b", "1c", "2", "3a", "3b", "4", "5", "6", "7", "8")]
    assert order == sorted(order)
    assert "a change of at most 2 percentage points" in html and "Traceback" not in html
    assert "Declining" not in html and "Improving" not in html and "Towards / Stable / Away" in html
    assert html.count("data:image/svg+xml;base64") >= 11
    children = set(pd.read_csv(small_authority / "header.csv", dtype=str)["CHILD"])
    assert not (set(re.findall(r"C\d{7}", html)) & children)
