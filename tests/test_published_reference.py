"""The committed DfE reference tables (data/reference/published, built by tools/published/build.py)
against the published source files in shared/data/published, read here independently with csv.

The expected numbers below were read by hand from the source rows named beside each check; the test
re-reads those rows from the source files too, so it fails if either side drifts.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
REF = REPO / "data" / "reference" / "published"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SRC = SHARED / "data" / "published"

PCT_INDICATORS = [
    "CEASED_ADOPTED_PCT", "CEASED_SGO_PCT", "PLACEMENTS_3PLUS", "LONG_TERM_STABILITY", "PLACED_20_MILES_PLUS",
    "OC2_HEALTH_CHECK", "OC2_DENTAL", "OC2_IMMUNISATIONS", "OC2_DEVELOPMENT_CHECK", "OC2_SDQ_SCORED",
    "OC2_SDQ_CONCERN_PCT", "OC2_CONVICTED", "OC2_SUBSTANCE", "MISSING_PCT", "AWAY_PCT",
    "CL_1718_IN_TOUCH", "CL_1718_SUITABLE_ACCOM", "CL_1718_EET", "CL_1921_IN_TOUCH", "CL_1921_SUITABLE_ACCOM",
    "CL_1921_EET",
]


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return _read("figures.csv")


@pytest.fixture(scope="module")
def src():
    if not SRC.is_dir():
        pytest.skip(f"published source files not found at {SRC} (shared/ must sit beside the repository)")
    return SRC


def source_rows(path: Path, **match) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return [r for r in csv.DictReader(fh) if all(r.get(k) == v for k, v in match.items())]


def one(figures: pd.DataFrame, **match) -> pd.Series:
    sel = figures
    for k, v in match.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, (match, len(sel))
    return sel.iloc[0]


NR25 = "ees_cla/cla_number_and_rate_per_10k_children/cla_number_and_rate_per_10k_children__release2025__2021-2025.csv"
CIC_LABEL = "Children looked after on 31 March each year"


# ---- values against the source files ---------------------------------------------------------
def test_kent_cic_total_and_rate_2024(figures, src):
    # source row: 2024,...,South East,886,Kent,E10000016,Children looked after on 31 March each year,350198,1956,56
    (row,) = source_rows(src / NR25, time_period="2024", old_la_code="886", population_type=CIC_LABEL)
    assert (row["children_count"], row["rate_per_10000"], row["population_estimate"]) == ("1956", "56", "350198")
    total = one(figures, INDICATOR="CIC_TOTAL", LA_CODE="886", YEAR="2024")
    assert total["VALUE"] == "1956" and total["LEVEL"] == "LA" and total["NEW_LA_CODE"] == "E10000016"
    rate = one(figures, INDICATOR="CIC_RATE", LA_CODE="886", YEAR="2024")
    assert (rate["VALUE"], rate["NUMERATOR"], rate["DENOMINATOR"]) == ("56", "1956", "350198")


def test_england_cic_rate_2023(figures, src):
    # source row: 2023,Reporting year,National,...,Children looked after on 31 March each year,11901267,83750,70
    (row,) = source_rows(src / NR25, time_period="2023", geographic_level="National", population_type=CIC_LABEL)
    assert (row["rate_per_10000"], row["children_count"]) == ("70", "83750")
    r = one(figures, INDICATOR="CIC_RATE", LEVEL="England", YEAR="2023")
    assert (r["VALUE"], r["NUMERATOR"], r["DENOMINATOR"]) == ("70", "83750", "11901267")


def test_south_east_cic_rate_2024(figures, src):
    # source row: 2024,Reporting year,Regional,E92000001,England,E12000008,South East,,,,...,2001043,11150,56
    (row,) = source_rows(src / NR25, time_period="2024", geographic_level="Regional", region_code="E12000008",
                         population_type=CIC_LABEL)
    assert row["rate_per_10000"] == "56"
    r = one(figures, INDICATOR="CIC_RATE", LEVEL="Region", NEW_LA_CODE="E12000008", YEAR="2024")
    assert (r["VALUE"], r["AREA_NAME"], r["LA_CODE"]) == ("56", "South East", "")


def test_suppressed_cell_city_of_london_2025(figures, src):
    # source row: 2025,...,Inner London,201,City of London,E09000001,Children looked after on 31 March each year,847,c,c
    (row,) = source_rows(src / NR25, time_period="2025", old_la_code="201", population_type=CIC_LABEL)
    assert row["children_count"] == "c"
    r = one(figures, INDICATOR="CIC_TOTAL", LA_CODE="201", YEAR="2025")
    assert r["VALUE"] == "" and r["SUPPRESSION"] == "c"


def test_kent_health_check_and_missing_2024(figures, src):
    # source rows (la_conviction_health_outcome_cla, 2025 release): Kent 2024 "Had their annual health
    # assessment",1152,92 and "Total all ages",1248,100
    f = src / "ees_cla/la_conviction_health_outcome_cla/la_conviction_health_outcome_cla__release2025__2021-2025.csv"
    (row,) = source_rows(f, time_period="2024", old_la_code="886", breakdown="Had their annual health assessment")
    assert (row["children_count"], row["children_percent"]) == ("1152", "92")
    r = one(figures, INDICATOR="OC2_HEALTH_CHECK", LA_CODE="886", YEAR="2024")
    assert (r["VALUE"], r["NUMERATOR"], r["DENOMINATOR"]) == ("92", "1152", "1248")
    # source rows (missing, 2024 release): Kent 2024 "Percentage of children who had a missing incident
    # during the year",10; "Children who had a missing incident during the year",471;
    # "Children looked after during the year",4670
    f = src / ("ees_cla/la_children_who_were_missing_or_away_from_placement_without_authorisation/"
               "la_children_who_were_missing_or_away_from_placement_without_authorisation__release2024__2020-2024.csv")
    (row,) = source_rows(f, time_period="2024", old_la_code="886",
                         CLA_group="Percentage of children who had a missing incident during the year")
    assert row["number"] == "10"
    r = one(figures, INDICATOR="MISSING_PCT", LA_CODE="886", YEAR="2024")
    assert (r["VALUE"], r["NUMERATOR"], r["DENOMINATOR"]) == ("10", "471", "4670")


def test_kent_cic_2017_from_sfr_first_publication(figures, src):
    # source row (SFR50_CLA2017.csv): 143,E10000016,LA,886,Kent,1898,...  (CLA_Mar2017)
    (row,) = source_rows(src / "sfr_2015_2017/SFR50_CLA2017.csv", geog_c="886")
    assert row["CLA_Mar2017"] == "1898"
    r = one(figures, INDICATOR="CIC_TOTAL", LA_CODE="886", YEAR="2017")
    assert r["VALUE"] == "1898" and r["SOURCE"] == "DfE SFR"


def test_kent_cic_rate_2017_worked_out_from_the_sfr_count_and_the_ons_estimate(figures, src):
    # SFR50_CLA2017.csv: Kent 1,898 at 31 March 2017; ONS mid-2016 estimate aged 0-17 (the DfE's rate for year Y
    # uses mid-(Y-1)): 327,405; 1,898 / 327,405 x 10,000 = 57.97 -> 58, as the DfE rounds LA rates
    (pop,) = [r for r in source_rows(src / "population/ons_mid-year_population_estimates_2012_to_2024.csv",
                                     new_la_code="E10000016") if r["time_period"].startswith("2016")]
    assert pop["population_estimate"] == "327405"
    r = one(figures, INDICATOR="CIC_RATE", LA_CODE="886", YEAR="2017")
    assert (r["NUMERATOR"], r["DENOMINATOR"], r["VALUE"]) == ("1898", "327405", "58")
    assert r["SOURCE"].startswith("derived") and r["RELEASE"].startswith("derived:SFR50/2017")


def test_england_adoption_entry_to_adoption_2025(figures, src):
    # source row: 2025,...,6. Total average time between entry into care and adoption,Total,02:03 (years:months)
    f = src / ("ees_cla/national_cla_adopted_average_time_between_adoption_process_stages/"
               "national_cla_adopted_average_time_between_adoption_process_stages__release2025__2021-2025.csv")
    (row,) = source_rows(f, time_period="2025", age_start_poc="Total",
                         stage_of_adoption_process="6. Total average time between entry into care and adoption")
    assert row["number"] == "02:03"
    r = one(figures, INDICATOR="ADOPTION_ENTER_TO_ADOPTED_MONTHS", LEVEL="England", YEAR="2025")
    assert r["VALUE"] == "27"


def test_kent_neighbours_2021(src):
    # source row: 886,Kent,886,6,South East,881,Extremely Close,845,Very Close,866,...,860,Very Close,
    with open(src / "neighbours/New_Statistical_Neighbour_Groupings_April_2021.csv", encoding="utf-8-sig") as fh:
        (row,) = [r for r in csv.reader(fh) if r and r[0] == "886"]
    expected = ["881", "845", "866", "885", "888", "941", "891", "937", "935", "860"]
    assert [row[5 + 2 * k] for k in range(10)] == expected
    nb = _read("neighbours.csv")
    kent = nb[(nb["LA_CODE"] == "886") & (nb["LIST"] == "DfE statistical neighbours 2021")]
    assert kent.sort_values("NEIGHBOUR_RANK", key=lambda s: s.astype(int))["NEIGHBOUR_LA_CODE"].tolist() == expected
    assert kent[kent["NEIGHBOUR_RANK"] == "1"]["NEIGHBOUR_LA_NAME"].item() == "Essex"


def test_kent_population_mid_2022(src):
    # source row: 2022,Reporting year,Local authority,...,South East,886,E10000016,Kent,Children aged 0 to 17 years,343294
    (row,) = source_rows(src / "population/ons_mid-year_population_estimates_2012_to_2024.csv",
                         time_period="2022", old_la_code="886")
    assert row["population_estimate"] == "343294"
    pop = _read("population.csv")
    r = pop[(pop["LA_CODE"] == "886") & (pop["MID_YEAR"] == "2022")]
    assert r["POPULATION"].tolist() == ["343294"] and r["USED_FOR_RATE_YEAR"].tolist() == ["2023"]


# ---- properties of the committed tables (no source needed) ------------------------------------
def test_no_duplicate_rows(figures):
    key = ["INDICATOR", "LEVEL", "LA_CODE", "NEW_LA_CODE", "YEAR"]
    assert not figures.duplicated(key).any()
    assert not figures.duplicated(["INDICATOR", "LEVEL", "LA_CODE", "AREA_NAME", "YEAR"]).any()
    assert set(figures["LEVEL"]) == {"England", "Region", "LA"}
    assert (figures.loc[figures["LEVEL"] == "LA", "LA_CODE"].str.fullmatch(r"\d{3}")).all()
    assert (figures.loc[figures["LEVEL"] != "LA", "LA_CODE"] == "").all()


def test_every_la_is_in_las(figures):
    las = _read("las.csv")
    assert las["LA_CODE"].is_unique
    assert set(figures.loc[figures["LEVEL"] == "LA", "LA_CODE"]) <= set(las["LA_CODE"])
    nb = _read("neighbours.csv")
    assert set(nb["LA_CODE"]) | set(nb["NEIGHBOUR_LA_CODE"]) <= set(las["LA_CODE"])


def test_each_la_has_ten_neighbours_per_list():
    nb = _read("neighbours.csv")
    counts = nb.groupby(["LIST", "LA_CODE"])["NEIGHBOUR_RANK"].agg(lambda s: sorted(map(int, s)))
    assert all(c == list(range(1, 11)) for c in counts)
    assert set(nb["LIST"]) == {"DfE statistical neighbours 2021", "DfE statistical neighbours 2025"}
    assert not (nb["LA_CODE"] == nb["NEIGHBOUR_LA_CODE"]).any()
    assert not nb.duplicated(["LIST", "LA_CODE", "NEIGHBOUR_LA_CODE"]).any()


def test_values_are_numeric_or_marked_and_percentages_in_range(figures):
    v = pd.to_numeric(figures["VALUE"], errors="coerce")
    assert (v.notna() == (figures["SUPPRESSION"] == "")).all()
    pct = figures["INDICATOR"].isin(PCT_INDICATORS)
    assert v[pct].dropna().between(0, 100).all()
    assert (v.dropna() >= 0).all()
    assert set(figures["SUPPRESSION"]) - {""} <= {"c", "z", "x", "k", "u", "low", "blank"}
    assert figures["YEAR"].astype(int).between(2015, 2025).all()


def test_rows_are_sorted(figures):
    lv = figures["LEVEL"].map({"England": 0, "Region": 1, "LA": 2})
    key = pd.DataFrame({"i": figures["INDICATOR"], "l": lv, "c": figures["LA_CODE"], "n": figures["NEW_LA_CODE"],
                        "y": figures["YEAR"].astype(int)})
    assert key.equals(key.sort_values(["i", "l", "c", "n", "y"]).reset_index(drop=True))
