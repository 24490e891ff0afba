import hashlib

import pandas as pd

from cicanalysis import load, scorecard
from cicanalysis.synthetic import generate


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    generate(tmp_path / "a", seed=3, scale=0.05)
    generate(tmp_path / "b", seed=3, scale=0.05)
    generate(tmp_path / "c", seed=4, scale=0.05)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert digest(tmp_path / "a")["episodes.csv"] != digest(tmp_path / "c")["episodes.csv"]


def test_generated_extract_loads_clean(small_authority):
    x = load(small_authority)
    assert x.dq.empty, x.dq.head()
    assert x.extract_date == pd.Timestamp("2016-03-31")


def test_default_authority_looks_like_a_real_county(tmp_path_factory):
    """SPEC 7: about 1,400 citizen CIC, a UASC surge of a few hundred, about 100 adoptions a year."""
    folder = tmp_path_factory.mktemp("county")
    generate(folder, seed=42)
    x = load(folder)
    card = scorecard.values(x, "2016-03-31", levels=("county",)).set_index("indicator")["value"]
    assert 1200 <= card["CIC_CITIZEN"] <= 1650
    assert 150 <= card["CIC_UASC"] <= 450
    assert scorecard.values(x, "2014-03-31", levels=("county",)).set_index("indicator")["value"]["CIC_UASC"] < 100
    adopted = x.periods_of_care[x.periods_of_care["REC"].isin(["E11", "E12"])]
    per_year = adopted.groupby(adopted["END"].dt.to_period("Q-MAR").dt.qyear).size()
    assert per_year.loc[2014:2016].between(70, 140).all(), per_year
    assert 5 <= card["PLACEMENTS_3PLUS"] <= 20 and card["HEALTH_ASSESSMENT"] > 80
    assert len(x["oc3"]) > 100 and len(x["missing"]) > 100
