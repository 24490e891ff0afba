import hashlib

import pandas as pd
import pytest

from cicanalysis.measures import adoption, scorecard
from cicanalysis.model import geography
from cicanalysis import load
from cicanalysis.core import periods
from cicanalysis.scaffold.synthetic import POSTCODES as SYNTHETIC_POSTCODES
from cicanalysis.scaffold.synthetic import _add_working_days, generate


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


@pytest.mark.slow
def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    generate(tmp_path / "a", seed=3, scale=0.05)
    generate(tmp_path / "b", seed=3, scale=0.05)
    generate(tmp_path / "c", seed=4, scale=0.05)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a")["episodes.csv"] != digest(tmp_path / "c")["episodes.csv"]


def test_the_generators_working_days_are_the_engines():
    """The generator's scalar shortcut gives the dates periods.add_working_days gives (bank holidays included:
    Friday 1 May 2015 + 1 working day is Tuesday 5 May)."""
    assert _add_working_days("2015-05-01", 1) == pd.Timestamp("2015-05-05")
    starts = pd.Series(pd.date_range("2012-12-20", periods=60, freq="5D"))
    for n in (-7, -1, 0, 1, 3, 20):
        assert [_add_working_days(d, n) for d in starts] == list(periods.add_working_days(starts, n)), n


@pytest.mark.slow
def test_generated_extract_loads_clean(small_authority):
    """Every postcode is in the directory; the only DQ rows are the UASC children's districts, who have no home
    postcode (as in a real 903) and so no district."""
    x = load(small_authority)
    assert x.geography.looked_up and x.geography.found == x.geography.looked_up
    assert set(x.dq["rule"]) <= {geography.RULE_DISTRICT}, x.dq.head()
    assert set(x.dq["CHILD"]) <= set(x["uasc"]["CHILD"])
    assert x.extract_date == pd.Timestamp("2016-03-31")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The default synthetic authority (seed 42, scale 1), as `make data` writes it."""
    folder = tmp_path_factory.mktemp("county")
    generate(folder, seed=42)
    return load(folder)


@pytest.mark.slow
def test_default_authority_looks_like_a_real_county(county):
    """SPEC 7: about 1,400 citizen CIC, a UASC surge of a few hundred, about 100 adoptions a year."""
    x = county
    card = scorecard.values(x, "2016-03-31", levels=("county",)).set_index("indicator")["value"]
    assert 1200 <= card["CIC_CITIZEN"] <= 1650
    assert 150 <= card["CIC_UASC"] <= 450
    assert scorecard.values(x, "2014-03-31", levels=("county",)).set_index("indicator")["value"]["CIC_UASC"] < 100
    adopted = x.periods_of_care[x.periods_of_care["REC"].isin(["E11", "E12"])]
    per_year = adopted.groupby(adopted["END"].dt.to_period("Q-MAR").dt.qyear).size()
    assert per_year.loc[2014:2016].between(70, 140).all(), per_year
    assert 5 <= card["PLACEMENTS_3PLUS"] <= 20 and card["HEALTH_ASSESSMENT"] > 80
    assert len(x["oc3"]) > 100 and len(x["missing"]) > 100


# ---------------------------------------------------------------- the DfE's definitions, on the whole history
# (the DfE validator that `make dfe-check` runs sees two yearly returns at a time: these are the rules it
# allows for in README's allow-list, checked here on every year of the extract)
def _periods(x):
    p = x.periods_of_care.merge(x["header"][["CHILD", "DOB"]], on="CHILD")
    return p.assign(END=p["END"].fillna(x.extract_date))


@pytest.mark.slow
def test_care_leavers_are_the_dfe_cohort(county):
    """OC3 (rules 1001/1002): looked after 13 weeks or more since the 14th birthday, a day or more after the
    16th, not adopted, in the year of the 19th, 20th or 21st birthday."""
    x = county
    p = _periods(x)
    since14 = (p["END"] - p[["BLA"]].assign(D=p["DOB"] + pd.DateOffset(years=14)).max(axis=1)).dt.days.clip(lower=0)
    after16 = p["END"] > p["DOB"] + pd.DateOffset(years=16)
    per_child = pd.DataFrame({"CHILD": p["CHILD"], "DAYS": since14, "AFTER16": after16,
                              "ADOPTED": p["REC"].isin(["E11", "E12"])}).groupby("CHILD").agg(
        DAYS=("DAYS", "sum"), AFTER16=("AFTER16", "any"), ADOPTED=("ADOPTED", "any"))
    oc3 = x["oc3"].merge(per_child, left_on="CHILD", right_index=True, how="left")
    assert len(oc3) > 300
    assert (oc3["DAYS"] >= 91).all() and oc3["AFTER16"].all() and not oc3["ADOPTED"].any()
    age = (pd.to_datetime(oc3["YEAR"].astype(int).astype(str) + "-03-31") - oc3["DOB"]).dt.days / 365.25
    assert age.between(19, 22).all()


@pytest.mark.slow
def test_mothers_and_placement_change_reasons_as_the_dfe_asks(county):
    """MOTHER 0/1 for every girl, blank for boys (393/165); no first child born after the mother left care
    (625); the reason for a placement change on the episode that ended (225), none otherwise."""
    x = county
    h = x["header"]
    girls = h["SEX"].astype(str) == "2"
    assert h.loc[girls, "MOTHER"].astype(str).isin(["0", "1"]).all() and h.loc[~girls, "MOTHER"].isna().all()
    mothers = h[h["MC_DOB"].notna()].merge(_periods(x).groupby("CHILD")["END"].max().rename("LEFT"),
                                          left_on="CHILD", right_index=True)
    assert len(mothers) >= 3 and (mothers["MC_DOB"] <= mothers["LEFT"]).all()
    assert (mothers["MC_DOB"] > mothers["DOB"] + pd.DateOffset(years=12)).all()
    e = x["episodes"].sort_values(["CHILD", "DECOM"])
    nxt = e.groupby("CHILD")["RNE"].shift(-1)
    moved = nxt.isin(["P", "B", "T", "U"])
    assert e.loc[moved, "REASON_PLACE_CHANGE"].notna().all()
    assert e.loc[~moved, "REASON_PLACE_CHANGE"].isna().all()
    assert (e.loc[nxt.isin(["T", "U"]), "REASON_PLACE_CHANGE"] == "PLACE").all()


# ---------------------------------------------------------------- uneven like a real county
@pytest.mark.slow
def test_areas_differ_and_change_over_the_years(county):
    """Placed within 20 miles (derived from the real postcodes): North near home, East far (the old generator
    had every area at 80-85 % every quarter); West improving its share with its own foster carers from a
    recruitment drive. (With real postcodes the agency placements' distances vary enough from year to year
    that West's gain within 20 miles is not the 3 points a test could rely on.)"""
    def by_area(period, indicator):
        v = scorecard.values(county, period, levels=("area",), indicators=[indicator])
        return v.set_index("unit_name")["value"]
    now = by_area("2016-03-31", "WITHIN_20_MILES")
    assert now.max() - now.min() >= 8, now
    assert now["North"] >= now["East"] + 8
    own_now, own_then = by_area("2016-03-31", "OWN_FOSTER"), by_area("2013-03-31", "OWN_FOSTER")
    assert own_now["West"] >= own_then["West"] + 3, (own_then, own_now)


@pytest.mark.slow
def test_entries_rise_with_a_season_and_a_few_journeys_are_outliers(county):
    x = county
    p = x.periods_of_care
    p = p[~p["CHILD"].isin(x["uasc"]["CHILD"]) & (p["BLA"] >= "2011-04-01")]
    by_year = p.groupby(p["BLA"].dt.to_period("Q-MAR").dt.qyear).size()
    assert by_year[2016] >= 1.1 * by_year[2012], by_year
    by_month = p.groupby(p["BLA"].dt.month).size()
    assert by_month[10] >= 1.3 * by_month[8] and by_month[10] >= 1.2 * by_month[12], by_month
    j = adoption.journeys(x)
    a1 = (j["PLACED_DATE"] - j["BLA"]).dt.days.dropna()
    assert a1.median() < 450 and (a1 > 900).sum() >= 5, a1.describe()


# ---------------------------------------------------------------- real postcodes (issue 15)
@pytest.mark.slow
def test_derived_geography_equals_the_given_columns(county, tmp_path):
    """Like a real extract the default files have no DISTRICT or PL_DISTANCE: they are derived from HOME_POST and
    PL_POST. Generated with them (``--with-columns``, worked out from the pool's grid references), every county,
    area and team figure of 31/03/2016 is the same as derived, and a given value wins when both are there."""
    default_header = (county.source and open(f"{county.source}/episodes.csv").readline().strip().split(","))
    assert "DISTRICT" not in default_header and "PL_DISTANCE" not in default_header
    assert {"DISTRICT", "PL_DISTANCE"} <= set(county.present["episodes"])       # derived: counted as present
    assert county.geography.derived["PL_DISTANCE"] > 10_000 and county.geography.share_found == 1.0
    generate(tmp_path, seed=42, with_columns=True)
    given = load(tmp_path)
    assert not any(given.geography.derived.values())                       # nothing derived: all supplied
    cols = ["indicator", "level", "unit_name", "numerator", "denominator", "value", "rag"]
    a, b = (scorecard.build(x, "2016-03-31")[cols].reset_index(drop=True) for x in (county, given))
    assert set(a["level"]) == {"county", "area", "team"} and len(a) > 400
    assert set(county.teams["TEAM"]) <= set(a.loc[a["level"] == "team", "unit_name"])   # Kent's 12 districts
    pd.testing.assert_frame_equal(a, b)
    near = a[(a["indicator"] == "WITHIN_20_MILES") & (a["level"] == "team")]
    assert near["denominator"].sum() > 1000 and near["value"].nunique() > 6     # real figures, not n/a


@pytest.mark.slow
def test_homes_and_placements_are_real_postcodes_of_the_county(county):
    e = county["episodes"]
    citizens = e[~e["CHILD"].isin(county["uasc"]["CHILD"])]
    pool = pd.read_csv(SYNTHETIC_POSTCODES)
    in_county = set(pool.loc[pool["POOL"] == "county", "POSTCODE"])
    assert set(citizens["HOME_POST"]) <= in_county                      # a home in one of Kent's districts
    assert (e["HOME_POST"] != e["PL_POST"]).all()                        # never placed at home (no P1 here)
    new_own = (e["PLACE_PROVIDER"] == "PR1") & e["RNE"].isin(["S", "P", "B"])   # a new carer of our own ...
    assert set(e.loc[new_own, "PL_POST"]) <= in_county                  # ... is in the county
    assert set(e["PL_POST"]) - in_county                                  # others may be out of county
    assert (citizens["PL_DISTANCE"] > 100).any() and (citizens["PL_DISTANCE"] < 1).any()
