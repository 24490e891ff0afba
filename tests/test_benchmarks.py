"""How the authority compares with the DfE's published statistics (issue 24): the authority's LA code, the
comparison (England, region, statistical neighbours, rank, quartile) and the reconciliation.

Published figures are from ``data/reference/published`` (built by ``tools/published/build.py``); each expected
value below is worked out by hand from the rows quoted beside it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cicanalysis import load
from cicanalysis.cli import main
from cicanalysis.config import reference
from cicanalysis.config.reference import SYNTHETIC_AUTHORITY_DIR
from cicanalysis.measures import benchmarks as B
from conftest import copy_authority, fixture_tables, write_fixture, write_table


def _authority_folder(tmp_path: Path, rows: list[str]) -> Path:
    folder = tmp_path / "authority"
    folder.mkdir(parents=True)
    (folder / "authority.csv").write_text("KEY,VALUE\nname,Testshire\n" + "".join(r + "\n" for r in rows))
    return folder


# ---------------------------------------------------------------- step 1: the authority names its LA
@pytest.mark.parametrize("given, code, name", [
    ("886", "886", "Kent"),                 # 3-digit code
    ("E10000016", "886", "Kent"),           # Kent's E-code
    ("e10000023", "815", "North Yorkshire"),  # North Yorkshire's old E-code (now E06000065), any case
    ("E06000065", "815", "North Yorkshire"),  # and its current one
])
def test_la_code_given_as_three_digits_or_e_code(tmp_path, given, code, name):
    a = reference.authority(_authority_folder(tmp_path, [f"la_code,{given}"]))
    assert (a["la_code"], a["la_name"], a["fictional"]) == (code, name, False)


def test_no_la_code_means_no_comparison_and_one_notice(tmp_path):
    from cicanalysis.loading import comparison_notices
    a = reference.authority(_authority_folder(tmp_path, []))
    assert a["la_code"] == "" and len(comparison_notices(a)) == 1
    assert "DfE LA code is not set" in comparison_notices(a)[0]


def test_unknown_la_code_is_a_one_line_error_exit_2(tmp_path, capsys):
    folder = write_fixture(tmp_path / "x", fixture_tables(), authority=False)
    _authority_folder(folder, ["la_code,999"])
    assert main(["validate", "--data", str(folder), "--extract-date", "2016-03-15"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "authority.csv" in err and "column la_code" in err and "'999'" in err and "3-digit DfE LA code" in err


def test_synthetic_authority_is_benchmarked_as_kent_with_a_notice():
    from cicanalysis.loading import comparison_notices
    a = reference.authority(SYNTHETIC_AUTHORITY_DIR)
    assert (a["la_code"], a["la_name"], a["fictional"]) == ("886", "Kent", True)
    notice = comparison_notices(a)
    assert len(notice) == 1 and "fictional" in notice[0] and "Kent (886)" in notice[0]


def test_synthetic_notice_on_every_report_of_the_extract(tmp_path):
    from cicanalysis import notices
    x = load(copy_authority(write_fixture(tmp_path / "x", fixture_tables(), authority=False)),
             extract_date="2016-03-15")
    for report in ("scorecard", "adoption_journey", "sufficiency_strategy"):
        assert sum("Kent (886)" in n for n in notices(x, "2016-03-31", report)) == 1


def test_init_fills_la_code_from_a_pooled_files_la_column(tmp_path):
    t = fixture_tables()
    folder = tmp_path / "pooled"
    folder.mkdir()
    from conftest import TABLE_COLUMNS
    for name in ("episodes", "header"):
        write_table(folder, name, [dict(r, LA="E10000016") for r in t[name]], columns=TABLE_COLUMNS[name] + ["LA"])
    assert main(["init", "--data", str(folder), "--extract-date", "2016-03-15"]) == 0
    assert reference.authority(folder / "authority")["la_code"] == "886"     # E10000016 is Kent's E-code


def test_init_fills_la_code_from_the_xml_header(tmp_path):
    folder = tmp_path / "xml"
    folder.mkdir()
    shared = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "dfe-validator-fake-903"
    if not (shared / "fake_903.xml").exists():
        pytest.skip("the shared fake extract is absent")
    body = (shared / "fake_903.xml").read_text()
    # the DfE's header (as the CIN census carries it) before the children: <Header><Source><LEA>
    body = body.replace("<EXPSSDA903>", "<EXPSSDA903><Header><Source><SourceLevel>L</SourceLevel><LEA>201</LEA>"
                                        "</Source></Header>", 1)
    (folder / "fake.xml").write_text(body)
    assert main(["init", "--data", str(folder)]) == 0
    assert reference.authority(folder / "authority")["la_code"] == "201"       # City of London


def test_init_asks_for_la_code_when_the_extract_has_none(tmp_path):
    folder = write_fixture(tmp_path / "x", fixture_tables(), authority=False)
    assert main(["init", "--data", str(folder), "--extract-date", "2016-03-15"]) == 0
    text = (folder / "authority" / "authority.csv").read_text()
    assert "# la_code: fill in" in text and "\nla_code,\n" in text
    assert reference.authority(folder / "authority")["la_code"] == ""          # the comment line is not a key


# ---------------------------------------------------------------- step 2: the comparison (measures/benchmarks.py)


# Kent (886), DfE statistical neighbours 2025 (neighbours.csv, closest first): 881 Essex, 845 East Sussex,
# 878 Devon, 303 Bexley, 935 Suffolk, 926 Norfolk, 891 Nottinghamshire, 938 West Sussex, 822 Bedford Borough,
# 933 Somerset. Region South East (E12000008). Published values 2025 (figures.csv VALUE), in that order:
KENT_2025 = {
    # indicator: (Kent, England, South East, [the ten neighbours' values in list order], neighbours' mean)
    "CIC_RATE": (53, 67, 55, [35, 66, 57, 49, 60, 62, 53, 54, 59, 55], 55.0),            # 550 / 10
    "PLACEMENTS_3PLUS": (12, 10, 12, [14, 11, 14, 10, 9, 11, 5, 11, 8, 18], 11.1),       # 111 / 10
    "STABILITY_2Y": (69, 69, 68, [69, 68, 72, 75, 67, 72, 86, 73, 66, 60], 70.8),        # LONG_TERM_STABILITY: 708 / 10
    "HEALTH_ASSESSMENT": (94, 90, 87, [92, 86, 91, 96, 93, 94, 97, 92, 96, 91], 92.8),   # OC2_HEALTH_CHECK: 928 / 10
    "CL_EET": (51, 54, 52, [48, 60, 47, 53, 46, 57, 51, 56, 56, 52], 52.6),              # CL_1921_EET: 526 / 10
}


@pytest.mark.parametrize("indicator", sorted(KENT_2025))
def test_kent_2025_against_england_region_and_neighbours(indicator):
    kent, england, region, values, mean = KENT_2025[indicator]
    assert sum(values) / 10 == pytest.approx(mean)                  # the hand sum above
    c = B.compare(indicator, "886")
    assert c.neighbour_list == "DfE statistical neighbours 2025"
    assert c.neighbours == ("881", "845", "878", "303", "935", "926", "891", "938", "822", "933")
    assert [y.year for y in c.years] == [2021, 2022, 2023, 2024, 2025]       # the latest year and the four before
    y = c.years[-1]
    assert (y.authority, y.england, y.region) == (kent, england, region)
    assert y.neighbours_mean == pytest.approx(mean) and y.neighbours_with_value == 10
    assert c.region == "South East" and c.inner_outer_london == "" and pd.isna(y.inner_outer_london)


def test_kent_2025_rank_and_quartile_of_placements_3plus():
    # PLACEMENTS_3PLUS 2025 (lower is better, LAIT "Low"): 151 LAs have a value; 103 have less than Kent's 12 and
    # 19 (Kent included) have 12, so Kent ranks 104 (ties share the best rank). Sorted values (0-based): s[37] =
    # s[38] = 8, s[75] = 10, s[112] = s[113] = 12, so the quartiles (type 7: positions 37.5, 75, 112.5) are 8, 10
    # and 12: 12 is above the median and up to the upper quartile, band C.
    y = B.compare("PLACEMENTS_3PLUS", "886").years[-1]
    assert (y.rank, y.ranked, y.quartile) == (104, 151, "C")


def test_rates_and_counts_are_not_ranked_as_in_lait():
    c = B.compare("CIC_RATE", "886")           # LAIT's polarity for the CLA rate is "-": no rank, no band
    assert c.polarity is None and c.years[-1].rank is None and c.years[-1].quartile is None
    assert c.years[-1].ranked == 151


def test_rank_and_quartile_on_a_tiny_table_where_ties_and_polarity_matter():
    values = pd.Series([10.0, 20.0, 20.0, 30.0, 40.0, float("nan")], index=list("abcdef"))   # f has no value
    # lower is better: 10 first, the two 20s share 2nd, 30 4th, 40 5th; f is not ranked
    assert B.rank_of(values, "L").tolist()[:5] == [1, 2, 2, 4, 5] and pd.isna(B.rank_of(values, "L")["f"])
    # higher is better: 40 first, 30 2nd, the 20s share 3rd, 10 5th
    assert B.rank_of(values, "H").tolist()[:5] == [5, 3, 3, 2, 1]
    # quartiles of 10, 20, 20, 30, 40 (type 7: positions 1, 2, 3 of 0..4): 20, 20, 30
    assert [B.quartile_band(v, values, "L") for v in (10, 20, 30, 40)] == ["A", "A", "C", "D"]
    # higher is better: A above the upper quartile (40), B above the median up to 30, D up to the lower quartile
    assert [B.quartile_band(v, values, "H") for v in (10, 20, 30, 40)] == ["D", "D", "B", "A"]
    assert B.quartile_band(20, values, None) is None and B.rank_of(values, "T").isna().all()


def test_london_borough_also_gets_inner_or_outer_london():
    # Camden (202), Inner London (las.csv); CIC_RATE 2025: Camden 58, London E12000007 48, Inner London E13000001 59
    c = B.compare("CIC_RATE", "202")
    y = c.years[-1]
    assert (c.region, c.inner_outer_london) == ("London", "Inner London")
    assert (y.year, y.authority, y.region, y.inner_outer_london) == (2025, 58, 48, 59)


def test_no_code_no_comparison_and_not_like_for_like_is_not_compared():
    assert B.compare("CIC_RATE", "") is None and B.comparisons("").empty
    c = B.compare("WITHIN_20_MILES", "886")
    assert not c.comparable and c.years == () and c.published == "PLACED_20_MILES_PLUS"
    assert c.reason == "published_counts_more_than_20_miles_including_uasc_and_not_known"
    assert B.compare("OWN_FOSTER", "886").reason == "no_published_counterpart"


def test_published_id_defaults_to_the_indicators_own_id_when_published():
    from cicanalysis.measures.indicators.registry import Indicator
    declared = dict(title="t", polarity="H", measure_type="SS", unit="%", numerator="n", denominator="d",
                    count=lambda x, p, w: None)
    assert B.published_id(Indicator(id="OC2_SDQ_SCORED", **declared)) == "OC2_SDQ_SCORED"   # in figures.csv
    assert B.published_id(Indicator(id="LOCAL_THING", **declared)) is None
    assert B.published_id(Indicator(id="X", published="CL_1718_EET", **declared)) == "CL_1718_EET"


def test_up_to_picks_the_latest_published_year_on_or_before():
    c = B.compare("CIC_TOTAL", "886", up_to=2017)
    # CIC_TOTAL: SFR 2015-2017 then EES 2019-: 2013-2017 shown, 2013 and 2014 with no figure
    assert [y.year for y in c.years] == [2013, 2014, 2015, 2016, 2017]
    assert pd.isna(c.years[0].authority) and c.years[-1].authority == 1898        # SFR50 as first published


# ---------------------------------------------------------------- step 3: the reconciliation
def _published(rows: list[tuple]) -> pd.DataFrame:
    """A tiny figures.csv: (INDICATOR, YEAR, NUMERATOR, DENOMINATOR, VALUE, SUPPRESSION, RELEASE) for Kent (886)."""
    cols = ["INDICATOR", "YEAR", "NUMERATOR", "DENOMINATOR", "VALUE", "SUPPRESSION", "RELEASE"]
    f = pd.DataFrame(rows, columns=cols)
    return f.assign(LA_CODE="886", NEW_LA_CODE="E10000016", LEVEL="LA", AREA_NAME="Kent", SOURCE="test")


def test_reconcile_each_31_march_equal_differs_suppressed_not_published(monkeypatch):
    from conftest import extract_from_rows
    monkeypatch.setattr(reference, "published_figures", lambda: _published([
        ("CIC_TOTAL", 2014, 7, None, 7, "", "EES2016:t"),   # workbook 6 at 31/03/2014 (S, S2, S3, D, E, F): differs
        ("CIC_TOTAL", 2015, 4, None, 4, "", "SFR34/2015:t"),  # workbook 4 at 31/03/2015 (A, S, S2, S3): equal
        ("UASC_CIC", 2015, None, None, None, "c", "SFR34/2015:t"),   # suppressed
        ("UASC_CIC", 2016, 1, 7, 1, "", "EES2016:t"),       # workbook 1 (U; U2 ceased to be UASC on 01/03/2016): equal
    ]))
    x = extract_from_rows(extract_date="2016-03-31")
    r = B.reconcile(x, "886", indicators=["CIC_TOTAL", "CIC_UASC"]).set_index(["indicator", "year"])
    assert list(r.index.get_level_values("year").unique()) == [2012, 2013, 2014, 2015, 2016]   # each 31 March
    assert r.loc[("CIC_TOTAL", 2015), "status"] == "equal" and r.loc[("CIC_UASC", 2016), "status"] == "equal"
    row = r.loc[("CIC_TOTAL", 2014)]
    assert (row["status"], row["difference"]) == ("differs", -1)
    # 6 against 7; the 2014 figure is from the 2016 release (revised)
    assert row["reasons"] == "numerator_differs;published_revised_in_later_release"
    assert r.loc[("CIC_UASC", 2015), "status"] == "suppressed"
    assert r.loc[("CIC_TOTAL", 2013), "status"] == "not_published"        # no 2013 row


def test_reconcile_a_year_whose_window_starts_before_the_data_is_not_computed(monkeypatch):
    """Data from 01/01/2012: the starters of the year to 31/03/2012 (from 01/04/2011) were counted from 01/01/2012 (2: S
    and E) and said to differ from the published 9; the year's window starts before the data, so there is no
    workbook figure and the status says why. The next year (from 01/04/2012) is within the data: counted, 2 against 1."""
    from conftest import extract_from_rows
    monkeypatch.setattr(reference, "published_figures", lambda: _published([
        ("STARTED", 2012, 9, None, 9, "", "SFR36/2012:t"), ("STARTED", 2013, 1, None, 1, "", "SFR36/2013:t")]))
    x = extract_from_rows(extract_date="2016-03-31")
    r = B.reconcile(x, "886", indicators=["STARTED"], years=[2012, 2013]).set_index("year")
    assert r.loc[2012, "status"] == "before_data" and np.isnan(r.loc[2012, "workbook_value"])
    assert r.loc[2012, "reasons"] == "" and np.isnan(r.loc[2012, "difference"])
    assert (r.loc[2013, "status"], r.loc[2013, "workbook_value"], r.loc[2013, "difference"]) == ("differs", 2, 1)
    from cicanalysis.reports import benchmark_text as T
    assert T.STATUS_WORDS["before_data"] == "not computed (its window starts before the extract's data do)"


def test_reconcile_rounds_as_published():
    assert B.round_as_published(12.5, "PLACEMENTS_3PLUS") == 13           # halves up, whole per cent
    assert B.round_as_published(12.49, "PLACEMENTS_3PLUS") == 12
    assert B.round_as_published(14.25, "OC2_SDQ_AVERAGE") == 14.3          # the SDQ average to one decimal


def test_reconcile_command_writes_table_and_csv(tmp_path, capsys):
    folder = copy_authority(write_fixture(tmp_path / "x", fixture_tables(), authority=False))
    out = tmp_path / "rec" / "reconcile.csv"
    assert main(["reconcile", "--data", str(folder), "--extract-date", "2016-03-31", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Kent (886)" in text and "CIC_TOTAL" in text
    csv = pd.read_csv(out)
    kent_2015 = csv[(csv["indicator"] == "CIC_TOTAL") & (csv["year"] == 2015)].iloc[0]
    # the fixture's 4 children in care at 31/03/2015 against Kent's published 1,870 (SFR34): differs by -1,866
    assert (kent_2015["workbook"], kent_2015["published"], kent_2015["difference"]) == (4, 1870, -1866)
    assert kent_2015["status"] == "differs" and "the counts differ" in kent_2015["likely_reason"]


def test_reconcile_without_a_code_is_a_one_line_error(tmp_path, capsys):
    folder = write_fixture(tmp_path / "x", fixture_tables(), authority=False)
    assert main(["reconcile", "--data", str(folder), "--extract-date", "2016-03-31"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--la" in err and "la_code" in err


# ---------------------------------------------------------------- the covering report's rate sentence
def test_rate_sentence_names_the_published_year_on_or_before_the_period():
    from cicanalysis.measures import scorecard
    from cicanalysis.reports.scorecard_text import rate_comparison_words
    p = pd.Timestamp("2025-11-30")
    words = rate_comparison_words(scorecard.comparator_at("CIC_RATE", p, "886"), p, "886")
    # England 67 (E92000001, 2025); Kent's ten neighbours 2025: 550 / 10 = 55.0
    assert words == (", against the latest published rate for England of 67 and statistical neighbours 55.0 "
                     "(both as at 31 March 2025)")
    # the synthetic authority's default period: the rate of 2016 worked out from the SFR count and the ONS estimate
    # (England 70,440 / 11,593,891 = 61; Kent's ten 2025 neighbours 46+66+52+50+33+51+63+46+53+38 = 498 / 10)
    p = pd.Timestamp("2016-03-31")
    assert rate_comparison_words(scorecard.comparator_at("CIC_RATE", p, "886"), p, "886") == (
        ", against the latest rate worked out from the DfE's published numbers for England of 61 and statistical "
        "neighbours 49.8 (both as at 31 March 2016)")
    p = pd.Timestamp("2014-03-31")      # nothing before 31 March 2015
    assert "as at March 2014 or earlier" in rate_comparison_words(scorecard.comparator_at("CIC_RATE", p, "886"), p, "886")
    assert "no LA code" in rate_comparison_words(scorecard.comparator_at("CIC_RATE", p, ""), p, "")


# ---------------------------------------------------------------- step 4: the comparison in the scorecard
def test_scorecard_comparison_table_and_figures():
    from conftest import extract_from_rows
    from cicanalysis.reports.context import Report
    r = Report(extract_from_rows(extract_date="2016-03-31"), pd.Timestamp("2025-11-30"), "scorecard")
    table = r.comparison(indicators=["CIC_RATE", "WITHIN_20_MILES"])
    assert len(r.handed["tables"]) == 1 and "Kent (886)" in table._repr_html_()
    from cicanalysis.reports.publish import FIGURE_COLUMNS
    figures = pd.DataFrame(r.handed["figures"], columns=FIGURE_COLUMNS)
    y2025 = figures[(figures["indicator"] == "CIC_RATE") & (figures["period"] == "2025-03-31")].set_index("level")
    # England 67, South East 55, Kent 53, neighbours 550 / 10 = 55.0 (10 with a value)
    assert y2025.loc["England", "value"] == 67 and y2025.loc["region", "value"] == 55
    assert y2025.loc["published (authority)", "value"] == 53
    assert (y2025.loc["statistical neighbours (mean)", "value"], y2025.loc["statistical neighbours (mean)", "numerator"]) \
        == (55, 10)
    assert not (figures["indicator"] == "WITHIN_20_MILES").any()          # not like-for-like: no figures
    assert "not compared" in table._repr_html_()                           # but the table says why


def test_scorecard_comparison_without_a_code_says_so_and_hands_nothing():
    from conftest import extract_from_rows
    from cicanalysis.reports.context import Report
    r = Report(extract_from_rows(extract_date="2016-03-31", authority=False), pd.Timestamp("2016-03-31"), "scorecard")
    assert "DfE LA code is not set" in r.comparison().data and r.handed["figures"] == [] and r.handed["tables"] == []


def test_scorecard_comparison_before_the_published_series_says_so_in_one_line(monkeypatch):
    """A period before the DfE's series (Kent's figures start at 31 March 2015): one line instead of the table, no
    figures handed over (the old table failed on the frame's missing columns), and one line for the charts."""
    from IPython.display import Markdown
    from conftest import extract_from_rows
    from cicanalysis.reports import benchmark_text as T, charts
    from cicanalysis.reports.context import Report
    r = Report(extract_from_rows(extract_date="2016-03-31"), pd.Timestamp("2011-01-31"), "scorecard")
    shown = r.comparison()
    assert isinstance(shown, Markdown) and r.handed["figures"] == [] and r.handed["tables"] == []
    assert shown.data == ("The DfE has published no figures for Kent on or before January 2011 to compare with (its "
                          "published figures start at 31 March 2015).")
    charted, lines = [], []         # the charts: none, and one line naming the measures (unpublished_note)
    monkeypatch.setattr(charts, "show", lambda fig, alt=None: charted.append(fig))
    monkeypatch.setattr("IPython.display.display", lambda obj: lines.append(getattr(obj, "data", obj)))
    r.comparison_charts(T.SCORECARD_CHARTS)
    assert charted == [] and len(lines) == 1 and lines[0].startswith("Nothing to chart yet, as the DfE has published "
                                                                     "no figure for Kent on or before January 2011")
    # a month after 31 March 2015 the table is back (the rate published for 2015)
    later = Report(r.x, pd.Timestamp("2015-04-30"), "scorecard")
    assert not isinstance(later.comparison(), Markdown) and len(later.handed["tables"]) == 1


def test_comparison_table_of_rows_with_no_published_year_has_blank_columns():
    from cicanalysis.reports import benchmark_text as T
    frame = B.comparisons("886", ["CIC_RATE", "WITHIN_20_MILES"], up_to=2011)
    assert "year" not in frame             # nothing published on or before 2011: no year columns at all
    t = T.comparison_table(frame)
    assert list(t["At 31 March"]) == ["", ""] and t["England"].isna().all() and t["Rank"].tolist() == ["", ""]


def test_a_comparison_is_made_once_per_figures_and_made_again_for_other_figures(monkeypatch):
    """``compare`` twice with the same arguments gives the one (frozen) comparison; equal to one made afresh; and
    figures handed in instead (a new frame) give their own comparison, not the kept one: Kent's CIC_TOTAL 2015 is
    1,870 published, 4 in the tiny frame below."""
    first = B.compare("CIC_TOTAL", "886", up_to=2015)
    assert B.compare("CIC_TOTAL", "886", up_to=2015) is first
    assert repr(first) == repr(B._compare(B.REGISTRY["CIC_TOTAL"], "886", 2015, "2025", B.YEARS_SHOWN))   # nan != nan
    assert first.years[-1].authority == 1870
    monkeypatch.setattr(reference, "published_figures", lambda: _published([
        ("CIC_TOTAL", 2015, 4, np.nan, 4, "", "SFR34/2015:t")]))
    assert B.compare("CIC_TOTAL", "886", up_to=2015).years[-1].authority == 4
