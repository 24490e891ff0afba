"""The scorecard notebook runs with papermill on a small generated authority and exports clean HTML."""
import re

import pandas as pd

from cicanalysis.run import run_period


def test_scorecard_notebook_runs_and_exports_html_without_code_or_identifiers(small_authority, tmp_path):
    results = run_period("2016-03-31", small_authority, tmp_path)
    assert [r.ok for r in results] == [True], results
    html = (tmp_path / "2016-03-31" / "scorecard.html").read_text()
    assert "As at 31/03/2016" in html and "County scorecard" in html
    assert "Traceback" not in html and "cic.load(" not in html       # code cells hidden
    assert html.count("data:image/png;base64") >= 20                  # trend charts embedded
    assert (tmp_path / "2016-03-31" / "index.html").exists()
    children = set(pd.read_csv(small_authority / "header.csv", dtype=str)["CHILD"])
    found = set(re.findall(r"C\d{7}", html))
    assert not (found & children), sorted(found & children)[:5]
    upns = set(pd.read_csv(small_authority / "header.csv", dtype=str)["UPN"].dropna())
    assert not any(u in html for u in upns)


def test_a_failed_run_leaves_the_last_good_outputs_untouched(small_authority, tmp_path):
    good = tmp_path / "2016-03-31"
    good.mkdir(parents=True)
    (good / "scorecard.html").write_text("last good report")
    results = run_period("2016-03-31", small_authority, tmp_path, parameters={"data_dir": str(tmp_path / "gone")})
    assert not results[0].ok and "does not exist" in results[0].message
    assert (good / "scorecard.html").read_text() == "last good report"
    assert (tmp_path / "2016-03-31.failed" / "scorecard.ipynb").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no half-written temp folder
