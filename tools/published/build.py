"""Build the committed reference tables of DfE published statistics (issue 24).

Reads the DfE / ONS files gathered in ``shared/data/published`` (see its PROVENANCE.md) and writes
compact, tidy, sorted CSVs into ``data/reference/published``:

    figures.csv      one row per (INDICATOR, LEVEL, area, YEAR): England, regions (incl. Inner/Outer
                     London) and local authorities
    neighbours.csv   DfE children's services statistical neighbour groups (April 2021, May 2025)
    las.csv          local authority lookup (3-digit code, E-codes, region, Inner/Outer London)
    population.csv   ONS mid-year population estimates aged 0-17 (DfE-prepared file)

Usage (from the repository root):

    python tools/published/build.py [--source ../shared/data/published] [--out data/reference/published]

Plain pandas (+ openpyxl for the LAIT LA code list). Output is deterministic: rows sorted, floats
written as published. Each (indicator, year) is taken from the newest release holding that year;
the 2015-2017 SFR tables (first publication) are used only for years no EES slice holds.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve()
REPO = HERE.parents[2]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "published"
DEFAULT_OUT = REPO / "data" / "reference" / "published"

FIGURE_COLUMNS = ["INDICATOR", "LA_CODE", "NEW_LA_CODE", "LEVEL", "AREA_NAME", "YEAR",
                  "NUMERATOR", "DENOMINATOR", "VALUE", "SUPPRESSION", "RELEASE", "SOURCE"]
LEVEL_ORDER = {"England": 0, "Region": 1, "LA": 2}
EES_SOURCE = "DfE CLA (EES)"
SFR_SOURCE = "DfE SFR"
LAIT_SOURCE = "LAIT"
# canonical region names by E-code (releases differ: "Yorkshire and the Humber", SFR upper case)
REGIONS = {"E12000001": "North East", "E12000002": "North West", "E12000003": "Yorkshire and The Humber",
           "E12000004": "East Midlands", "E12000005": "West Midlands", "E12000006": "East of England",
           "E12000007": "London", "E12000008": "South East", "E12000009": "South West",
           "E13000001": "Inner London", "E13000002": "Outer London"}
REGION_CODES = {v.lower(): k for k, v in REGIONS.items()}

# --------------------------------------------------------------------------------------------
# Indicator definitions over the EES tables.
#   table   folder under ees_cla/
#   group   regex on the normalised group label (None: the table has a single label column)
#   item    regex on the normalised item label giving VALUE (and NUMERATOR, unless num given)
#   den     regex on the item label giving DENOMINATOR (same group), or None
#   num     regex on the item label giving NUMERATOR when VALUE comes from a different row
#   value   'pct' (percentage column), 'number' (count column), 'rate' (rate_per_10000),
#           'months' (national adoption 'Y:M' durations, converted to months)
#   pop     True: DENOMINATOR is the DfE's own population_estimate column
# Labels are normalised (lower case, "at 31 march" -> "on 31 march", "aged 17 to 18" ->
# "17 to 18 years", apostrophes dropped) before matching.
# --------------------------------------------------------------------------------------------
NR = "cla_number_and_rate_per_10k_children"
CEASED_T = "la_children_who_ceased_during_the_year"
STAB = "la_cla_placement_stability"
HEALTH = "la_conviction_health_outcome_cla"
ACT = "la_care_leavers_activity"
ACC = "la_care_leavers_accommodation_suitability"
TOUCH = "la_care_leavers_intouch"
MISS = "la_children_who_were_missing_or_away_from_placement_without_authorisation"
CHAR = "la_cla_on_31_march_by_characteristics"
ADOPT_T = "national_cla_adopted_average_time_between_adoption_process_stages"

INDICATORS: dict[str, list[dict]] = {
    "CIC_TOTAL": [dict(table=NR, group=None, item=r"^children looked after on 31 march", value="number")],
    "CIC_RATE": [dict(table=NR, group=None, item=r"^children looked after on 31 march", value="rate", pop=True)],
    "UASC_CIC": [dict(table=CHAR, group=r"^unaccompanied asylum-seeking children$", item=r"^uasc$",
                      den=r"^total$", value="number")],
    "STARTED": [dict(table=NR, group=None, item=r"^children starting to be looked after", value="number")],
    "STARTS_RATE": [dict(table=NR, group=None, item=r"^children starting to be looked after", value="rate", pop=True)],
    "CEASED": [dict(table=NR, group=None, item=r"^children ceasing to be looked after", value="number"),
               dict(table=CEASED_T, group=r"^reason episode ceased$", item=r"^total$", value="number")],
    "CEASED_RATE": [dict(table=NR, group=None, item=r"^children ceasing to be looked after", value="rate", pop=True)],
    "CEASED_ADOPTED_PCT": [dict(table=CEASED_T, group=r"^reason episode ceased$", item=r"^adopted$",
                                den=r"^total$", value="pct")],
    "CEASED_SGO_PCT": [dict(table=CEASED_T, group=r"^reason episode ceased$", item=r"^special guardianship orders$",
                            den=r"^total$", value="pct")],
    "PLACEMENTS_3PLUS": [dict(table=STAB, group=r"^(?:cla|children looked after) on 31 march$",
                              item=r"^with 3 or more placements during the year$", den=r"^total children$",
                              value="pct")],
    "LONG_TERM_STABILITY": [dict(table=STAB, group=r"continuously for at least 2\.5 years", item=r"^living ",
                                 den=r"^total children$", value="pct")],
    "PLACED_20_MILES_PLUS": [dict(table=CHAR, group=r"^distance between home and placement$",
                                  item=r"^placed more than 20 miles from home$", den=r"^total$", value="pct")],
    "OC2_HEALTH_CHECK": [dict(table=HEALTH, group=r"^health assessments", item=r"annual health assessment",
                              den=r"^total all ages$", value="pct")],
    "OC2_DENTAL": [dict(table=HEALTH, group=r"^health assessments", item=r"teeth checked",
                        den=r"^total all ages$", value="pct")],
    "OC2_IMMUNISATIONS": [dict(table=HEALTH, group=r"^health assessments", item=r"immunisations up to date",
                               den=r"^total all ages$", value="pct")],
    "OC2_DEVELOPMENT_CHECK": [dict(table=HEALTH, group=r"^development assessments",
                                   item=r"^development assessments up to date$", den=r"^total ages 0 to 4 years$",
                                   value="pct")],
    "OC2_SDQ_SCORED": [dict(table=HEALTH, group=r"^ages 5 to 16 years with sdq score$", item=r"^sdq score was received$",
                            den=r"^total ages 5 to 16 years$", value="pct")],
    "OC2_SDQ_AVERAGE": [dict(table=HEALTH, group=r"^ages 5 to 16 years with sdq score$", item=r"^sdq average score$",
                             num=r"^$", den=r"^sdq score was received$", value="number")],
    "OC2_SDQ_CONCERN_PCT": [dict(table=HEALTH, group=r"^ages 5 to 16 years with sdq score$",
                                 item=r"^sdq score is a cause for concern$", den=r"^sdq score was received$",
                                 value="pct")],
    "OC2_CONVICTED": [dict(table=HEALTH, group=r"^convictions", item=r"^convicted", den=r"^total ages 10 to 17 years$",
                           value="pct")],
    "OC2_SUBSTANCE": [dict(table=HEALTH, group=r"^substance misuse", item=r"^identified as having a substance misuse",
                           den=r"^total all ages$", value="pct")],
    "MISSING_PCT": [dict(table=MISS, group=None, item=r"^percentage of children who had a missing incident",
                         num=r"^children who had a missing incident during the year$",
                         den=r"^children looked after during the year$", value="number")],
    "MISSING_EPISODES_PER_CHILD": [dict(table=MISS, group=None,
                                        item=r"^average number of missing incidents per looked after child",
                                        num=r"^number of missing incidents during the year$",
                                        den=r"^children who had a missing incident during the year$", value="number")],
    "AWAY_PCT": [dict(table=MISS, group=None,
                      item=r"^percentage of children who were away from placement without authorisation",
                      num=r"^children who were away from placement without authorisation during the year$",
                      den=r"^children looked after during the year$", value="number")],
}
for age, tag in (("17 to 18 years", "1718"), ("19 to 21 years", "1921")):
    g = "^" + age + "$"
    INDICATORS[f"CL_{tag}_IN_TOUCH"] = [dict(table=TOUCH, group=g, item=r"^local authority in touch with care leaver$",
                                             den=r"^total$", value="pct")]
    INDICATORS[f"CL_{tag}_SUITABLE_ACCOM"] = [dict(table=ACC, group=g, item=r"^accommodation considered suitable$",
                                                   den=r"^(?:suitability )?total$", value="pct")]
    INDICATORS[f"CL_{tag}_EET"] = [dict(table=ACT, group=g, item=r"^total in education, employment or training$",
                                        den=r"^total$", value="pct")]
ADOPTION_STAGES = {
    "ADOPTION_ENTER_TO_DECISION_MONTHS": r"^1\. ",
    "ADOPTION_DECISION_TO_MATCH_MONTHS": r"^2\. ",
    "ADOPTION_MATCH_TO_PLACED_MONTHS": r"^3\. ",
    "ADOPTION_ENTER_TO_PLACED_MONTHS": r"^4\. ",
    "ADOPTION_PLACED_TO_ADOPTED_MONTHS": r"^5\. ",
    "ADOPTION_ENTER_TO_ADOPTED_MONTHS": r"^6\. ",
}
for ind, rx in ADOPTION_STAGES.items():
    INDICATORS[ind] = [dict(table=ADOPT_T, group=r"^age on starting final period of care$", item=rx,
                            value="months", age_total=True)]
INDICATORS["ADOPTED_PLACED_12M_OF_DECISION"] = [dict(table=ADOPT_T, group=r"^age on starting final period of care$",
                                                     item=r"placed for adoption within 12 months", value="number",
                                                     age_total=True)]

# 2015-2017 SFR tables (wide, first publication): only published counts (and the 2017 SDQ
# average) -- the SFR CSVs carry no percentages or rates, and derived ones would not be "as published".
#   indicator -> {year: (file, value column[, denominator column])}
SFR = {
    "CIC_TOTAL": {2015: ("SFR34_CLA2015.csv", "CLA_Mar2015"), 2016: ("SFR41_CLA2016.csv", "CLA_Mar2016"),
                  2017: ("SFR50_CLA2017.csv", "CLA_Mar2017")},
    "UASC_CIC": {2015: ("SFR34_CLA2015.csv", "CLA_UASC", "CLA_Mar2015"), 2016: ("SFR41_CLA2016.csv", "CLA_UASC", "CLA_Mar2016"),
                 2017: ("SFR50_CLA2017.csv", "CLA_UASC", "CLA_Mar2017")},
    "STARTED": {2015: ("SFR34_ADM2015.csv", "CLA_started2014"), 2016: ("SFR41_ADM2016.csv", "CLA_started2016"),
                2017: ("SFR50_ADM2017.csv", "CLA_started2017")},
    "CEASED": {2015: ("SFR34_CEA2015.csv", "CLA_cease"), 2016: ("SFR41_CEA2016.csv", "CLA_cease"),
               2017: ("SFR50_CEA2017.csv", "CLA_cease2017")},
    "OC2_SDQ_AVERAGE": {2017: ("SFR50_OC22017.csv", "OC2_SDQaverage", "OC2_SDQ")},
}
SFR_RELEASE = {2015: "SFR34/2015", 2016: "SFR41/2016", 2017: "SFR50/2017"}


# --------------------------------------------------------------------------------------------
def norm_label(s: str) -> str:
    s = str(s).strip().lower().replace("\u2019", "").replace("'", "")
    s = re.sub(r"\s+", " ", s)
    s = s.replace("at 31 march", "on 31 march")
    s = re.sub(r"^aged (\d+) to (\d+)$", r"\1 to \2 years", s)
    return s


def is_number(v: str) -> bool:
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False


def release_of(path: Path) -> str:
    m = re.search(r"^(.*)__release(\d{4})__", path.name)
    return f"EES{m.group(2)}:{m.group(1)}" if m else path.name


def read_ees(folder: Path) -> pd.DataFrame:
    """All slices of one EES table, normalised to: time_period, geographic_level, region_code,
    region_name, old_la_code, la_name, new_la_code, group, item, number, pct, rate, pop, age, release."""
    frames = []
    for path in sorted(folder.glob("*.csv*")):
        d = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        cols = set(d.columns)
        out = pd.DataFrame({c: d[c] if c in cols else "" for c in
                            ["time_period", "geographic_level", "region_code", "region_name", "old_la_code",
                             "la_name", "new_la_code"]})
        # label columns differ between releases
        if "breakdown" in cols:
            item = "breakdown"
            group = next(c for c in ("cla_group", "care_leaver_age", "characteristic") if c in cols)
        else:
            group = next((c for c in ("age", "cla_group", "CLA_group") if c in cols), None)
            item = next((c for c in ("placement_stability", "accommodation_suitability", "activity", "in_touch",
                                     "stay_put", "stage_of_adoption_process", "characteristic",
                                     "population_count", "population_type") if c in cols), None)
            if item is None:  # single label column (missing table)
                item, group = group, None
        out["group"] = d[group].map(norm_label) if group else ""
        out["item"] = d[item].map(norm_label)
        out["number"] = d[next(c for c in ("children_count", "care_leaver_count", "number") if c in cols)]
        pct = next((c for c in ("children_percent", "care_leaver_percent", "percentage") if c in cols), None)
        out["pct"] = d[pct] if pct else ""
        out["rate"] = d["rate_per_10000"] if "rate_per_10000" in cols else ""
        out["pop"] = d["population_estimate"] if "population_estimate" in cols else ""
        out["age"] = d["age_start_poc"].map(norm_label) if "age_start_poc" in cols else ""
        if "source_rds_blob" in cols:  # converted characteristics table: release named per row
            out["release"] = d["source_rds_blob"].str.extract(r"(\d{4}) release", expand=False).map(
                lambda y: f"EES{y}:la_cla_on_31_march_by_characteristics (DfE dashboard)")
        else:
            out["release"] = release_of(path)
        frames.append(out)
    df = pd.concat(frames, ignore_index=True)
    df["YEAR"] = df["time_period"].str[:4].astype(int)
    return df


def months(v: str):
    m = re.fullmatch(r"\s*(\d+):(\d+)\s*", str(v))
    return int(m.group(1)) * 12 + int(m.group(2)) if m else None


def geo_columns(df: pd.DataFrame) -> pd.DataFrame:
    lvl = df["geographic_level"].map({"National": "England", "Regional": "Region", "Local authority": "LA"})
    out = pd.DataFrame({"LEVEL": lvl})
    out["LA_CODE"] = df["old_la_code"].where(lvl == "LA", "")
    out["NEW_LA_CODE"] = df["new_la_code"].where(lvl == "LA", df["region_code"].where(lvl == "Region", "E92000001"))
    out["AREA_NAME"] = df["la_name"].where(lvl == "LA", df["region_name"].where(lvl == "Region", "England"))
    return out


def extract(table: pd.DataFrame, spec: dict) -> pd.DataFrame:
    t = table
    if spec.get("group"):
        t = t[t["group"].str.contains(spec["group"], regex=True)]
    if spec.get("age_total"):
        t = t[t["age"] == "total"]
    key = ["YEAR", "geographic_level", "old_la_code", "region_code", "new_la_code"]
    if t["geographic_level"].eq("National").all():
        key = ["YEAR"]
    main = t[t["item"].str.contains(spec["item"], regex=True)].copy()
    if main.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    if main.duplicated(key).any():
        raise ValueError(f"{spec['item']!r} matched more than one row per area/year in {spec['table']}")
    kind = spec["value"]
    raw = {"pct": main["pct"], "number": main["number"], "rate": main["rate"], "months": main["number"]}[kind]
    if kind == "months":
        val = raw.map(months)
    else:
        val = raw.where(raw.map(is_number), None)
    main["VALUE"] = pd.to_numeric(val, errors="coerce")
    main["SUPPRESSION"] = raw.where(main["VALUE"].isna(), "").str.strip()
    main.loc[main["VALUE"].isna() & main["SUPPRESSION"].eq(""), "SUPPRESSION"] = "blank"

    def side(rx):
        rows = t[t["item"].str.contains(rx, regex=True)]
        if rows.duplicated(key).any():
            raise ValueError(f"{rx!r} matched more than one row per area/year in {spec['table']}")
        return main[key].merge(rows[key + ["number"]], on=key, how="left")["number"].fillna("").to_numpy()

    if "num" in spec:
        main["NUMERATOR"] = side(spec["num"]) if spec["num"] != "^$" else ""
    elif kind in ("pct", "number", "rate"):
        main["NUMERATOR"] = main["number"]
    else:
        main["NUMERATOR"] = ""
    if spec.get("pop"):
        main["DENOMINATOR"] = main["pop"]
    elif spec.get("den"):
        main["DENOMINATOR"] = side(spec["den"])
    else:
        main["DENOMINATOR"] = ""
    for c in ("NUMERATOR", "DENOMINATOR"):
        main[c] = pd.to_numeric(main[c].where(main[c].map(is_number), None), errors="coerce")
    out = pd.concat([geo_columns(main), main[["YEAR", "NUMERATOR", "DENOMINATOR", "VALUE", "SUPPRESSION"]]], axis=1)
    out["RELEASE"] = main["release"]
    out["SOURCE"] = EES_SOURCE
    return out


def read_sfr(source: Path, indicator: str, year: int, spec: tuple) -> pd.DataFrame:
    fname, col = spec[0], spec[1]
    d = pd.read_csv(source / "sfr_2015_2017" / fname, dtype=str, keep_default_na=False, encoding="latin-1")
    d.columns = [c.strip() for c in d.columns]
    d = d[d["geog_l"].isin(["NATIONAL", "REGION", "LA"])]
    lvl = d["geog_l"].map({"NATIONAL": "England", "REGION": "Region", "LA": "LA"})
    raw = d[col].str.strip().str.replace(",", "", regex=False)
    out = pd.DataFrame({"INDICATOR": indicator, "LEVEL": lvl,
                        "LA_CODE": d["geog_c"].str.strip().where(lvl == "LA", ""),
                        "NEW_LA_CODE": d["New_geog_code"].str.strip(),
                        "AREA_NAME": d["geog_n"].str.strip(), "YEAR": year})
    out["VALUE"] = pd.to_numeric(raw.where(raw.map(is_number), None), errors="coerce")
    out["SUPPRESSION"] = raw.where(out["VALUE"].isna(), "")
    out["NUMERATOR"] = out["VALUE"] if len(spec) == 2 or indicator == "UASC_CIC" else float("nan")
    if len(spec) == 3:
        den = d[spec[2]].str.strip().str.replace(",", "", regex=False)
        out["DENOMINATOR"] = pd.to_numeric(den.where(den.map(is_number), None), errors="coerce")
    else:
        out["DENOMINATOR"] = float("nan")
    out["RELEASE"] = f"{SFR_RELEASE[year]}:{fname}"
    reg = out["LEVEL"] == "Region"
    out.loc[reg, "NEW_LA_CODE"] = out.loc[reg, "AREA_NAME"].str.lower().map(REGION_CODES)
    out["SOURCE"] = SFR_SOURCE
    return out


# --------------------------------------------------------------------------------------------
def build_las(source: Path, ees_codes: pd.DataFrame) -> pd.DataFrame:
    codes = pd.read_excel(source / "lait" / "la_code_list.xlsx", dtype=str)
    codes.columns = [c.strip() for c in codes.columns]
    codes = codes[codes["LA Number"].str.fullmatch(r"\d{3}") & codes["Type"].notna()]
    # E-codes as the EES files carry them; the newest is the current one, older ones are listed
    e = ees_codes[ees_codes["LEVEL"] == "LA"][["LA_CODE", "NEW_LA_CODE", "YEAR", "AREA_NAME", "REGION_CODE",
                                               "REGION_NAME"]]
    e = e[e["NEW_LA_CODE"].str.startswith("E")]
    latest = e.sort_values(["LA_CODE", "YEAR"]).groupby("LA_CODE").tail(1).set_index("LA_CODE")
    old = (e.sort_values(["LA_CODE", "YEAR"]).groupby("LA_CODE")
           .apply(lambda g: ";".join(sorted(set(g["NEW_LA_CODE"]) - {g["NEW_LA_CODE"].iloc[-1]})), include_groups=False))
    rows = []
    for _, r in codes.iterrows():
        c = r["LA Number"]
        region = str(r["Region"]).strip()
        io = region if region in ("Inner London", "Outer London") else ""
        rname = "London" if io else region
        rec = {"LA_CODE": c, "LA_NAME": str(r["LA Name"]).strip(), "LA_TYPE": r["Type"],
               "REGION_NAME": rname, "INNER_OUTER_LONDON": io}
        if c in latest.index:
            rec["NEW_LA_CODE"] = latest.at[c, "NEW_LA_CODE"]
            rec["OLD_LA_CODES"] = old.get(c, "")
            rec["EES_LA_NAME"] = latest.at[c, "AREA_NAME"]
            rec["LAST_PUBLISHED_YEAR"] = int(latest.at[c, "YEAR"])
        rows.append(rec)
    las = pd.DataFrame(rows)
    region_codes = {"North East": "E12000001", "North West": "E12000002", "Yorkshire and The Humber": "E12000003",
                    "Yorkshire and the Humber": "E12000003", "East Midlands": "E12000004",
                    "West Midlands": "E12000005", "East of England": "E12000006", "London": "E12000007",
                    "South East": "E12000008", "South West": "E12000009"}
    las["REGION_NAME"] = las["REGION_NAME"].replace({"Yorkshire and the Humber": "Yorkshire and The Humber"})
    las["REGION_CODE"] = las["REGION_NAME"].map(region_codes).fillna("")
    las["INNER_OUTER_LONDON_CODE"] = las["INNER_OUTER_LONDON"].map(
        {"Inner London": "E13000001", "Outer London": "E13000002"}).fillna("")
    cols = ["LA_CODE", "NEW_LA_CODE", "OLD_LA_CODES", "LA_NAME", "EES_LA_NAME", "LA_TYPE", "REGION_CODE",
            "REGION_NAME", "INNER_OUTER_LONDON", "INNER_OUTER_LONDON_CODE", "LAST_PUBLISHED_YEAR"]
    las = las.reindex(columns=cols)
    las["LAST_PUBLISHED_YEAR"] = las["LAST_PUBLISHED_YEAR"].astype("Int64")
    return las.fillna({"NEW_LA_CODE": "", "OLD_LA_CODES": "", "EES_LA_NAME": ""}).sort_values("LA_CODE")


def build_neighbours(source: Path, las: pd.DataFrame) -> pd.DataFrame:
    names = dict(zip(las["LA_CODE"], las["LA_NAME"]))
    out = []
    d21 = pd.read_csv(source / "neighbours" / "New_Statistical_Neighbour_Groupings_April_2021.csv", dtype=str,
                      keep_default_na=False, encoding="utf-8-sig", header=None, skiprows=1)
    # columns: LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, ... SN10, SNP
    for _, r in d21.iterrows():
        la = r[0].strip()
        if not re.fullmatch(r"\d{3}", la):
            continue
        for k in range(10):
            out.append({"LIST": "DfE statistical neighbours 2021", "LA_CODE": la, "LA_NAME": r[1].strip(),
                        "NEIGHBOUR_RANK": k + 1, "NEIGHBOUR_LA_CODE": r[5 + 2 * k].strip(),
                        "CLOSENESS": r[6 + 2 * k].strip(), "SOURCE_FILE": "New_Statistical_Neighbour_Groupings_April_2021.csv"})
    d25 = pd.read_csv(source / "neighbours" / "sn_model_2025_wide.csv", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    for _, r in d25.iterrows():
        for k in range(1, 11):
            out.append({"LIST": "DfE statistical neighbours 2025", "LA_CODE": r["old_la_code"].strip(),
                        "LA_NAME": r["la_name"].strip(), "NEIGHBOUR_RANK": k,
                        "NEIGHBOUR_LA_CODE": r[f"SN_{k}"].strip(), "CLOSENESS": r[f"SN_{k}P"].strip(),
                        "SOURCE_FILE": "sn_model_2025_wide.csv"})
    nb = pd.DataFrame(out)
    nb["NEIGHBOUR_LA_NAME"] = nb["NEIGHBOUR_LA_CODE"].map(names).fillna("")
    cols = ["LIST", "LA_CODE", "LA_NAME", "NEIGHBOUR_RANK", "NEIGHBOUR_LA_CODE", "NEIGHBOUR_LA_NAME", "CLOSENESS",
            "SOURCE_FILE"]
    return nb[cols].sort_values(["LIST", "LA_CODE", "NEIGHBOUR_RANK"])


def build_population(source: Path) -> pd.DataFrame:
    f = source / "population" / "ons_mid-year_population_estimates_2012_to_2024.csv"
    d = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    g = geo_columns(d)
    raw = d["population_estimate"].str.strip()
    out = pd.concat([g, pd.DataFrame({"MID_YEAR": d["time_period"].str[:4].astype(int),
                                      "AGE_GROUP": d["age_group"],
                                      "POPULATION": pd.to_numeric(raw.where(raw.map(is_number), None),
                                                                  errors="coerce")})], axis=1)
    out["SUPPRESSION"] = raw.where(out["POPULATION"].isna(), "")
    out["POPULATION"] = out["POPULATION"].astype("Int64")
    out["USED_FOR_RATE_YEAR"] = out["MID_YEAR"] + 1
    out["SOURCE"] = "ONS mid-year estimates (DfE-prepared, " + f.name + ")"
    return sort_geo(out, "MID_YEAR")[["LEVEL", "LA_CODE", "NEW_LA_CODE", "AREA_NAME", "MID_YEAR",
                                      "USED_FOR_RATE_YEAR", "AGE_GROUP", "POPULATION", "SUPPRESSION", "SOURCE"]]


def sort_geo(df: pd.DataFrame, year_col: str, first: list[str] | None = None) -> pd.DataFrame:
    """England, then regions (by E-code), then LAs (by 3-digit code); then year."""
    df = df.assign(_lv=df["LEVEL"].map(LEVEL_ORDER), _y=df[year_col].astype(int))
    df = df.sort_values((first or []) + ["_lv", "LA_CODE", "NEW_LA_CODE", "_y"], kind="mergesort")
    return df.drop(columns=["_lv", "_y"]).reset_index(drop=True)


def build_figures(source: Path) -> pd.DataFrame:
    ees = source / "ees_cla"
    cache: dict[str, pd.DataFrame] = {}
    parts = []
    for ind, specs in INDICATORS.items():
        chosen = []
        taken: set[int] = set()
        for spec in specs:  # earlier specs win a year over later ones
            if spec["table"] not in cache:
                cache[spec["table"]] = read_ees(ees / spec["table"])
            f = extract(cache[spec["table"]], spec)
            f = f[~f["YEAR"].isin(taken)]
            taken |= set(f["YEAR"])
            chosen.append(f)
        for year, sspec in SFR.get(ind, {}).items():
            if year not in taken:
                chosen.append(read_sfr(source, ind, year, sspec))
        f = pd.concat(chosen, ignore_index=True)
        f["INDICATOR"] = ind
        parts.append(f)
    fig = pd.concat(parts, ignore_index=True)[FIGURE_COLUMNS]
    fig["YEAR"] = fig["YEAR"].astype(int)
    for c in ("NUMERATOR", "DENOMINATOR"):
        fig[c] = fig[c].astype(float)
    fig["LA_CODE"] = fig["LA_CODE"].fillna("")
    return sort_geo(fig, "YEAR", first=["INDICATOR"])


# Rates per 10,000 for the SFR years (2015-2017), whose CSVs carry the counts only: worked out as the DfE works its
# published rates out (the count over the ONS mid-year estimate of children aged 0-17 of the year before, x 10,000,
# rounded to a whole number as the DfE publishes LA rates), marked SOURCE "derived" so they are never taken for
# the DfE's own figures. This is what a panel paper of those years quoted (SPEC 2.5: "CIC per 10,000 ... against
# England 62.0 ... at March 2017").
DERIVED_RATES = {"CIC_RATE": "CIC_TOTAL", "STARTS_RATE": "STARTED", "CEASED_RATE": "CEASED"}
DERIVED_SOURCE = "derived (DfE SFR count / ONS population)"


def derived_rates(fig: pd.DataFrame, pop: pd.DataFrame) -> pd.DataFrame:
    """Rate rows for the years that have a published count but no published rate (see DERIVED_RATES)."""
    key = lambda d: np.where(d["LEVEL"] == "LA", "LA:" + d["LA_CODE"].astype(str), d["NEW_LA_CODE"])  # noqa: E731
    people = pop.dropna(subset=["POPULATION"]).assign(_KEY=lambda d: key(d))
    people = people.set_index(["_KEY", "USED_FOR_RATE_YEAR"])["POPULATION"]
    out = []
    for rate, count in DERIVED_RATES.items():
        have = set(fig.loc[fig["INDICATOR"] == rate, "YEAR"])
        c = fig[(fig["INDICATOR"] == count) & fig["VALUE"].notna() & ~fig["YEAR"].isin(have)].copy()
        c["DENOMINATOR"] = [people.get((k, y), np.nan) for k, y in zip(key(c), c["YEAR"])]
        c = c[c["DENOMINATOR"].notna()]
        c["NUMERATOR"] = c["VALUE"]
        c["VALUE"] = (c["NUMERATOR"] / c["DENOMINATOR"].astype(float) * 10_000).round()
        out.append(c.assign(INDICATOR=rate, RELEASE="derived:" + c["RELEASE"], SOURCE=DERIVED_SOURCE))
    return pd.concat(out, ignore_index=True)


def canonical_names(df: pd.DataFrame, las: pd.DataFrame) -> pd.DataFrame:
    """One name per area: LAs as in the LAIT LA code list, regions by E-code."""
    df = df.copy()
    names = dict(zip(las["LA_CODE"], las["LA_NAME"]))
    la = df["LEVEL"] == "LA"
    df.loc[la, "AREA_NAME"] = df.loc[la, "LA_CODE"].map(names).fillna(df.loc[la, "AREA_NAME"])
    rg = df["LEVEL"] == "Region"
    df.loc[rg, "AREA_NAME"] = df.loc[rg, "NEW_LA_CODE"].map(REGIONS).fillna(df.loc[rg, "AREA_NAME"])
    return df


def fmt_num(s: pd.Series) -> pd.Series:
    """Integers without '.0'; other floats as the shortest repr (deterministic)."""
    def f(v):
        if pd.isna(v):
            return ""
        v = float(v)
        return str(int(v)) if v.is_integer() else repr(v)
    return s.map(f)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    a = ap.parse_args(argv)
    if not (a.source / "PROVENANCE.md").exists():
        print(f"source folder {a.source} has no PROVENANCE.md", file=sys.stderr)
        return 2
    a.out.mkdir(parents=True, exist_ok=True)

    fig = build_figures(a.source)
    # region code of each LA (for las.csv), taken from the cla_number_and_rate table
    nr = read_ees(a.source / "ees_cla" / NR)
    nr = nr[nr["item"].str.startswith("children looked after on 31 march")]
    g = geo_columns(nr)
    g["YEAR"] = nr["YEAR"]
    g["REGION_CODE"] = nr["region_code"]
    g["REGION_NAME"] = nr["region_name"]
    las = build_las(a.source, g)
    # every E-code the figures carry for an LA, so old codes are listed too
    ecodes = fig[fig["LEVEL"] == "LA"].groupby("LA_CODE")["NEW_LA_CODE"].agg(set)
    las["OLD_LA_CODES"] = [";".join(sorted((ecodes.get(c, set()) | set(filter(None, o.split(";"))))
                                           - {n, ""}))
                           for c, n, o in zip(las["LA_CODE"], las["NEW_LA_CODE"], las["OLD_LA_CODES"])]
    # years with a published (numeric) CIC_TOTAL: pre-reorganisation LAs stop, new ones start
    cic = fig[(fig["INDICATOR"] == "CIC_TOTAL") & (fig["LEVEL"] == "LA") & fig["VALUE"].notna()]
    span = cic.groupby("LA_CODE")["YEAR"].agg(["min", "max"])
    las["FIRST_CIC_YEAR"] = las["LA_CODE"].map(span["min"]).astype("Int64")
    las["LAST_CIC_YEAR"] = las["LA_CODE"].map(span["max"]).astype("Int64")
    las = las.drop(columns="LAST_PUBLISHED_YEAR")
    # figures: LA rows carry the current E-code (old ones are in las.csv)
    cur = dict(zip(las["LA_CODE"], las["NEW_LA_CODE"]))
    is_la = fig["LEVEL"] == "LA"
    fig.loc[is_la, "NEW_LA_CODE"] = fig.loc[is_la, "LA_CODE"].map(lambda c: cur.get(c) or "")
    fig = sort_geo(canonical_names(fig, las), "YEAR", first=["INDICATOR"])
    pop = canonical_names(build_population(a.source), las)
    fig = sort_geo(pd.concat([fig, derived_rates(fig, pop)], ignore_index=True), "YEAR", first=["INDICATOR"])
    nb = build_neighbours(a.source, las)

    out = fig.copy()
    for c in ("NUMERATOR", "DENOMINATOR", "VALUE"):
        out[c] = fmt_num(out[c])
    out.to_csv(a.out / "figures.csv", index=False, lineterminator="\n")
    las.to_csv(a.out / "las.csv", index=False, lineterminator="\n")
    nb.to_csv(a.out / "neighbours.csv", index=False, lineterminator="\n")
    pop.to_csv(a.out / "population.csv", index=False, lineterminator="\n")
    for name, df in (("figures.csv", fig), ("las.csv", las), ("neighbours.csv", nb), ("population.csv", pop)):
        print(f"{name}: {len(df):,} rows")
    print(fig.groupby("INDICATOR")["YEAR"].agg(["min", "max", "nunique"]).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
