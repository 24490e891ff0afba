"""Issue 23's proof: the DfE's measures at 31/03/2018 on the DfE validator's fake extract, read twice.

1. A reference reading written for this test in plain pandas over the raw CSV files (it imports nothing from
   cicanalysis): one small function per DfE measure, its docstring quoting the DfE's rule and its source, and
   saying the reading chosen where the DfE's text leaves a detail open.
2. The workbook's county figure for the same measure (``scorecard.values``), which must equal it: numerator,
   denominator and value, one parametrised test per measure.
3. The same comparison on the extract cut into yearly returns (``tools/split_returns.py``), in folders named
   by the year each return starts (``2017/`` for 2017-18) and by the year it ends (``2018/``).

The extract (``shared/data/external/dfe-validator-fake-903``, see its PROVENANCE.md) was written by the
validator's authors with codes drawn at random, so its journeys are often implausible (overlapping episodes,
X1 endings followed by a gap, ceasing codes followed by more episodes): the readings below say how each is taken.

Sources (text in double quotes was read from them while writing this test; "paraphrased" marks wording not
re-read):
- DfE, Children looked after in England including adoptions, methodology:
  https://explore-education-statistics.service.gov.uk/methodology/children-looked-after-in-england-including-adoptions
- the release's data guidance and data-set footnotes, e.g. "LA - Accommodation of care leavers":
  https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/568c178a-392a-4ae0-a7c4-d0f876cc56e6
- DfE, Children looked after by local authorities in England: guide to the SSDA903 collection 1 April 2017 to
  31 March 2018 (the 903 guide: code lists of the year), https://www.gov.uk/government/collections/children-looked-after-return
- the DfE validator (data-to-insight/csc-validator-be-903, package lac_validator, lac_validator/utils.py
  add_col_to_episodes_CONTINUOUSLY_LOOKED_AFTER, after the DfE's CLA SSDA903 2021-22 validation rules v1.2) for
  the OC2 cohort; its code lists (rules 131, 132, 133) for OC3 codes.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
FAKE = "data/external/dfe-validator-fake-903"
FOLDER = next((p for p in (REPO.parent / "shared" / FAKE, Path("/work/shared") / FAKE) if p.is_dir()), None)
needs_fake = pytest.mark.skipif(FOLDER is None, reason="the shared DfE fake extract is not on this machine")

ASAT = pd.Timestamp(2018, 3, 31)            # the 31 March of the collection year 2017-18
YEAR_START = pd.Timestamp(2017, 4, 1)
SHORT_BREAKS = ("V3", "V4")
ADOPTED = ("E11", "E12")
SGO = ("E43", "E44", "E45", "E46", "E47", "E48")
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
NEW_CARER = ("S", "P", "B")
SUITABLE_ACCOM = ("B1", "C1", "D1", "E1", "G1", "H1", "K1", "R1", "T1", "U1", "V1", "W1", "Y1", "Z1")
EET = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")
DATE_COLUMNS = {"DOB", "DECOM", "DEC", "DUC", "MIS_START", "MIS_END"}
CODE_COLUMNS = {"RNE", "LS", "REC", "PLACE", "MISSING", "IN_TOUCH", "ACTIV", "ACCOM"}


# ------------------------------------------------------------------------------------------------------------------
# 1. The reference reading: plain pandas, nothing from cicanalysis
# ------------------------------------------------------------------------------------------------------------------
class Figure(NamedTuple):
    numerator: float
    denominator: float
    value: float


def count(n) -> Figure:
    """A count: the number, no denominator (as the workbook reports counts)."""
    return Figure(float(n), math.nan, float(n))


def percent(num, den) -> Figure:
    return Figure(float(num), float(den), 100.0 * num / den if den else math.nan)


def ratio(num, den) -> Figure:
    return Figure(float(num), float(den), num / den if den else math.nan)


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """A CSV table as text (blank = missing), dates parsed dd/mm/YYYY, codes upper-cased and trimmed."""
    df = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    df = df.apply(lambda s: s.str.strip()).replace("", pd.NA)
    for col in df.columns:
        if col in DATE_COLUMNS:
            df[col] = pd.to_datetime(df[col], format="%d/%m/%Y", errors="coerce")
        elif col in CODE_COLUMNS:
            df[col] = df[col].str.upper()
    return df


def read_fake(folder: Path) -> dict[str, pd.DataFrame]:
    names = ("episodes", "header", "uasc", "missing", "oc2", "oc3")
    return {name: read_table(folder, name) for name in names}


def age_on(dob: pd.Series, day: pd.Timestamp) -> pd.Series:
    """Age in completed years on ``day``."""
    before_birthday = (dob.dt.month > day.month) | ((dob.dt.month == day.month) & (dob.dt.day > day.day))
    return day.year - dob.dt.year - before_birthday.astype(int)


def episodes(t) -> pd.DataFrame:
    """Every episode (short breaks included) in order, with END: the day the child left the episode.

    Readings (the DfE's validation rejects these cases, so its text is silent): the figures at 31 March 2018 use
    what the year's return knew on that day, so an end (DEC, REC) after it is blank, as in the 2017-18 return;
    an episode overlapping the child's next one ends where the next starts (the later record is the current
    one); an X1 ending ("episode ceases and a new episode begins on the same day") followed by a later start is
    taken to run on to that start."""
    ep = t["episodes"].sort_values(["CHILD", "DECOM"], kind="stable").reset_index(drop=True)
    ep.loc[ep["DEC"] > ASAT, ["DEC", "REC"]] = [pd.NaT, pd.NA]
    nxt = ep.groupby("CHILD")["DECOM"].shift(-1)
    overlaps = nxt.notna() & (ep["DEC"].isna() | (nxt < ep["DEC"]))
    x1_gap = nxt.notna() & (ep["REC"] == "X1") & (nxt > ep["DEC"])
    ep["END"] = ep["DEC"].mask(overlaps | x1_gap, nxt)
    ep["SHORT_BREAK"] = ep["LS"].isin(SHORT_BREAKS)
    ep["AFTER_SHORT_BREAK"] = ep.groupby("CHILD")["SHORT_BREAK"].shift(1, fill_value=False).astype(bool)
    return ep


def care_episodes(t) -> pd.DataFrame:
    """Episodes other than short breaks (LS V3/V4), with their period of care and placement.

    903 guide: a period of care is a run of episodes with no gap; RNE S ("started to be looked after") starts
    one and a REC other than X1 ends one. A period starts here at the child's first care episode, at RNE S,
    after a REC other than X1, or after a gap (e.g. where short breaks came between). A placement is a new carer:
    RNE S, P ("change of placement and carer(s)") or B ("change of legal status and placement and carer(s)"), or
    a new period; T and U ("change of placement (but same carer(s))") and L (legal status only) keep the
    placement (the 903 guide's RNE codes; the DfE counts carers, the T/U codes exist to tell a move with the
    same carers apart)."""
    ep = episodes(t)
    ep = ep[~ep["SHORT_BREAK"]].reset_index(drop=True)
    g = ep.groupby("CHILD")
    prev_end, prev_rec = g["END"].shift(1), g["REC"].shift(1)
    first = g.cumcount() == 0
    new_period = first | (ep["RNE"] == "S") | (prev_rec.notna() & (prev_rec != "X1")) | (prev_end != ep["DECOM"])
    ep["PERIOD"] = new_period.astype(int).groupby(ep["CHILD"]).cumsum()
    ep["BLA"] = ep.groupby(["CHILD", "PERIOD"])["DECOM"].transform("min")
    ep["PLACEMENT"] = (new_period | ep["RNE"].isin(NEW_CARER)).astype(int).groupby(ep["CHILD"]).cumsum()
    ep["PLACEMENT_START"] = ep.groupby(["CHILD", "PLACEMENT"])["DECOM"].transform("min")
    return ep


def open_on(ep: pd.DataFrame, day) -> pd.DataFrame:
    """Episodes the child was in at the end of ``day``: started on or before it, not left by it."""
    return ep[(ep["DECOM"] <= day) & (ep["END"].isna() | (ep["END"] > day))]


def during_year(ep: pd.DataFrame) -> pd.DataFrame:
    """Episodes open at any time in 1 April 2017 - 31 March 2018 (the year's return: an episode ending on
    1 April is still in it, as the validator's ``during_year`` reads the 903 guide)."""
    return ep[(ep["DECOM"] <= ASAT) & (ep["END"].isna() | (ep["END"] >= YEAR_START))]


def looked_after_at_31_march(t) -> pd.DataFrame:
    """The care episode of each child looked after at 31 March 2018, short breaks excluded."""
    return open_on(care_episodes(t), ASAT).drop_duplicates("CHILD", keep="last")


def ref_cic_total(t) -> Figure:
    """Children looked after at 31 March, excluding those looked after under an agreed series of short-term
    placements (methodology; the data sets' footnote "Numbers and percentage exclude children looked after under
    an agreed series of short term placements"): a care episode (LS not V3/V4) open at the
    end of 31/03/2018 (DECOM on or before it, DEC blank or after it)."""
    return count(len(looked_after_at_31_march(t)))


def ref_cic_uasc(t) -> Figure:
    """Unaccompanied asylum-seeking children looked after at 31 March: of those, the children in the uasc table
    whose DUC ("date UASC status ceased") is blank or after 31 March (903 guide: UASC until the DUC)."""
    cic = looked_after_at_31_march(t)
    u = t["uasc"]
    uasc = set(u.loc[u["DUC"].isna() | (u["DUC"] > ASAT), "CHILD"])
    return count(cic["CHILD"].isin(uasc).sum())


def starts(t) -> pd.DataFrame:
    """Starts in the year: care episodes with RNE S (903 guide: "started to be looked after") beginning in
    1 April 2017 - 31 March 2018, and an episode that follows a short break (the child moved from V3/V4 into
    other care: the methodology excludes short breaks, so the child starts to be looked after with it)."""
    ep = episodes(t)
    start = ~ep["SHORT_BREAK"] & ((ep["RNE"] == "S") | ep["AFTER_SHORT_BREAK"])
    return ep[start & ep["DECOM"].between(YEAR_START, ASAT)]


def ref_started(t) -> Figure:
    """Children who started to be looked after during the year, each child once, by the first occasion in the
    year (methodology, paraphrased)."""
    return count(starts(t)["CHILD"].nunique())


def ceased(t) -> pd.DataFrame:
    """Each child's last ceasing in the year (methodology, paraphrased: only the last occasion on which a child
    ceased to be looked after in the year is counted): a care episode (not V3/V4) with a REC other than X1 (the
    DfE's ceased tables are by these reasons; X1 is no reason for ceasing, so a move from care into short breaks
    is not one) ending in 1 April 2017 - 31 March 2018. Reading: the end is the END of :func:`episodes` (an
    episode overlapping the next ends where the next starts, with its REC)."""
    ep = care_episodes(t)
    out = ep[ep["REC"].notna() & (ep["REC"] != "X1") & ep["END"].between(YEAR_START, ASAT)]
    return out.sort_values(["CHILD", "END"], kind="stable").drop_duplicates("CHILD", keep="last")


def ref_ceased(t) -> Figure:
    """Children who ceased to be looked after during the year, each once."""
    return count(len(ceased(t)))


def ref_ceased_adopted_pct(t) -> Figure:
    """% of the children who ceased in the year whose (last) reason was adoption: REC E11 ("adopted - application
    unopposed") or E12 ("adopted - consent dispensed with") (903 guide 2017-18 REC codes)."""
    c = ceased(t)
    return percent(c["REC"].isin(ADOPTED).sum(), len(c))


def ref_ceased_sgo_pct(t) -> Figure:
    """% of the children who ceased in the year whose (last) reason was a special guardianship order: REC E45-E48
    (SGO to former foster carers / other carers, relatives or friends or not), and the E43/E44 they replaced
    (903 guide REC codes; reading: both generations counted, none of E43/E44 in a valid 2017-18 return)."""
    c = ceased(t)
    return percent(c["REC"].isin(SGO).sum(), len(c))


def placements_in_year(t) -> pd.Series:
    """Placements (carers, see :func:`care_episodes`) each child was in at any time during the year."""
    return during_year(care_episodes(t)).groupby("CHILD")["PLACEMENT"].nunique()


def ref_placements_3plus(t) -> Figure:
    """% of the children looked after at 31 March who had three or more placements during the year (methodology,
    placement stability, paraphrased; short breaks excluded). Reading: a placement counts when open at any time
    from 1 April (one ending on 1 April included, as the year's return holds it)."""
    cic = looked_after_at_31_march(t)
    n = cic["CHILD"].map(placements_in_year(t)).fillna(0)
    return percent((n >= 3).sum(), len(cic))


def ref_stability_2y(t) -> Figure:
    """Long-term stability (methodology, paraphrased: children aged under 16 at 31 March who had been looked
    after continuously for at least 2.5 years, living in the same placement for at least 2 years, or placed for
    adoption with their adoptive placement and the placement before it together lasting at least 2 years).
    Reading: at least 2.5 years at 31/03/2018 = in care from 01/10/2015 or earlier, at least 2 years = from
    01/04/2016 or earlier (both ends' days counted, as the validator's 12 months at 31 March
    include a start on 1 April); placed for adoption = the episode at 31 March in A3-A6; the previous
    placement is the one before in the same period of care."""
    ep = care_episodes(t)
    cic = open_on(ep, ASAT).drop_duplicates("CHILD", keep="last")
    dob = cic["CHILD"].map(t["header"].drop_duplicates("CHILD").set_index("CHILD")["DOB"])
    cohort = cic[(age_on(dob, ASAT) < 16) & (cic["BLA"] <= pd.Timestamp(2015, 10, 1))]
    two_years = pd.Timestamp(2016, 4, 1)
    before = ep.groupby(["CHILD", "PLACEMENT"], as_index=False).agg(PREV_START=("PLACEMENT_START", "first"),
                                                                      PREV_PERIOD=("PERIOD", "first"))
    before["PLACEMENT"] += 1   # keyed by the placement that follows it
    cohort = cohort.merge(before, on=["CHILD", "PLACEMENT"], how="left")
    adoptive = (cohort["PLACE"].isin(PLACED_FOR_ADOPTION) & (cohort["PREV_PERIOD"] == cohort["PERIOD"])
                & (cohort["PREV_START"] <= two_years))
    stable = (cohort["PLACEMENT_START"] <= two_years) | adoptive
    return percent(stable.sum(), len(cohort))


def looked_after_in_year(t) -> pd.Series:
    """Children looked after at any time in the year, short breaks excluded (the missing tables' denominator,
    paraphrased)."""
    return pd.Series(during_year(care_episodes(t))["CHILD"].unique())


def incidents(t, kind: str) -> pd.DataFrame:
    """The year's incidents of one kind (M missing, A away from placement without authorisation) of children
    looked after in the year. Reading: an incident is the year's when it starts in it (MIS_START in 1 April
    2017 - 31 March 2018), so one running over 1 April counts in the year it began."""
    m = t["missing"]
    m = m[(m["MISSING"] == kind) & m["MIS_START"].between(YEAR_START, ASAT)]
    return m[m["CHILD"].isin(set(looked_after_in_year(t)))]


def ref_missing_pct(t) -> Figure:
    """% of children looked after during the year who had a missing incident (methodology, "children who were
    missing or away from placement without authorisation": MISSING = M)."""
    return percent(incidents(t, "M")["CHILD"].nunique(), len(looked_after_in_year(t)))


def ref_away_pct(t) -> Figure:
    """% of children looked after during the year who were away from placement without authorisation
    (MISSING = A)."""
    return percent(incidents(t, "A")["CHILD"].nunique(), len(looked_after_in_year(t)))


def ref_missing_per_child(t) -> Figure:
    """Missing incidents per child who went missing (the DfE's average number of incidents per child, paraphrased):
    the year's M incidents over the children who had one."""
    m = incidents(t, "M")
    return ratio(len(m), m["CHILD"].nunique())


def oc2_cohort(t) -> pd.Series:
    """Children looked after continuously for at least 12 months at 31 March 2018 (the OC2 cohort), by the DfE
    validator's rule (lac_validator utils, after the CLA SSDA903 2021-22 validation rules): a child with an
    episode in the year (any LS) is continuously looked after unless an episode with RNE S starts after 1 April
    2017 (to 31 March), an episode with REC other than X1 ends from 1 April 2017 to 30 March 2018, or a V3/V4
    episode is open in the year. Read as the validator reads it: recorded DEC (not trimmed); a child who leaves
    on 31 March itself stays in the cohort; any short break in the year takes the child out."""
    ep = t["episodes"]
    in_year = (ep["DECOM"] <= ASAT) & (ep["DEC"].isna() | (ep["DEC"] >= YEAR_START))
    enters = (ep["RNE"] == "S") & (ep["DECOM"] > YEAR_START) & (ep["DECOM"] <= ASAT)
    leaves = (ep["REC"] != "X1") & (ep["DEC"] >= YEAR_START) & (ep["DEC"] < ASAT)
    breaks = ep["LS"].isin(SHORT_BREAKS) & in_year
    broken = set(ep.loc[enters | leaves | breaks, "CHILD"])
    children = pd.Series(ep.loc[in_year, "CHILD"].unique())
    return children[~children.isin(broken)].reset_index(drop=True)


def oc2_rows(t) -> pd.DataFrame:
    """The OC2 cohort with its oc2 row (a child of the cohort without one has every item blank) and age at
    31 March (header DOB)."""
    cohort = pd.DataFrame({"CHILD": oc2_cohort(t)})
    rows = cohort.merge(t["oc2"].drop(columns="DOB").drop_duplicates("CHILD"), on="CHILD", how="left")
    dob = rows["CHILD"].map(t["header"].drop_duplicates("CHILD").set_index("CHILD")["DOB"])
    rows["AGE"] = age_on(dob, ASAT)
    return rows


def oc2_share(t, column: str, ages=None) -> Figure:
    rows = oc2_rows(t)
    if ages is not None:
        rows = rows[rows["AGE"].between(*ages)]
    return percent((rows[column] == "1").sum(), len(rows))


def ref_health_assessment(t) -> Figure:
    """% of the OC2 cohort (children looked after continuously for at least 12 months at 31 March) whose annual
    health assessment was up to date (HEALTH_ASSESSMENT = 1)."""
    return oc2_share(t, "HEALTH_ASSESSMENT")


def ref_dental(t) -> Figure:
    """% of the OC2 cohort whose teeth were checked by a dentist (TEETH_CHECK = 1)."""
    return oc2_share(t, "TEETH_CHECK")


def ref_immunisations(t) -> Figure:
    """% of the OC2 cohort whose immunisations were up to date (IMMUNISATIONS = 1)."""
    return oc2_share(t, "IMMUNISATIONS")


def ref_dev_check_u5(t) -> Figure:
    """% of the OC2 cohort aged under 5 at 31 March whose development assessments were up to date
    (HEALTH_CHECK = 1)."""
    return oc2_share(t, "HEALTH_CHECK", ages=(0, 4))


def sdq_scores(t) -> tuple[pd.Series, int]:
    """(valid SDQ scores 0-40, number of children) of the OC2 cohort aged 5 to 16 at 31 March (the DfE's SDQ
    figures are for children aged 5 to 16, age at 31 March, paraphrased; reading: 5 and 16 inclusive)."""
    rows = oc2_rows(t)
    rows = rows[rows["AGE"].between(5, 16)]
    score = pd.to_numeric(rows["SDQ_SCORE"], errors="coerce")
    return score[score.between(0, 40)], len(rows)


def ref_sdq_scored(t) -> Figure:
    """% of the OC2 cohort aged 5-16 with an SDQ score."""
    scores, n = sdq_scores(t)
    return percent(len(scores), n)


def ref_sdq_average(t) -> Figure:
    """Average SDQ score of those with one (numerator the scores' sum, denominator their number)."""
    scores, _ = sdq_scores(t)
    return ratio(scores.sum(), len(scores))


def care_leavers(t, ages) -> pd.DataFrame:
    """The OC3 care leavers of the year aged ``ages`` (inclusive) at 31 March 2018 (the age reached on the
    birthday in the collection year, "on or around their birthday"), without those the DfE leaves out: data-set
    footnote "Figures exclude young people who were looked after under an agreed series of short term
    placements, those who have died since leaving care, those who have returned home to parents or someone with
    parental responsibility for a continuous period of at least 6 months and those whose care was transferred to
    another local authority" = IN_TOUCH DIED or RHOM; episodes in the extract all V3/V4; last episode REC E3
    (care taken over by another authority; validator rule 1011)."""
    oc3 = t["oc3"].drop_duplicates("CHILD")
    ep = t["episodes"].sort_values(["CHILD", "DECOM"], kind="stable")
    only_breaks = ep.groupby("CHILD")["LS"].agg(lambda s: s.isin(SHORT_BREAKS).all())
    transferred = ep.groupby("CHILD")["REC"].last() == "E3"
    out = oc3[age_on(oc3["DOB"], ASAT).between(*ages) & ~oc3["IN_TOUCH"].isin(["DIED", "RHOM"])]
    drop = set(only_breaks[only_breaks].index) | set(transferred[transferred].index)
    return out[~out["CHILD"].isin(drop)]


def in_touch(cl) -> pd.Series:
    """In touch: IN_TOUCH = YES (903 guide codes YES, NO, DIED, REFU, NREQ, RHOM; validator rule 131)."""
    return cl["IN_TOUCH"] == "YES"


def suitable(cl) -> pd.Series:
    """Suitable accommodation: a valid ACCOM code (validator rule 133's list) with suffix 1 ("considered
    suitable"). The list has no S1 or X1 (S and X are never suitable); 0 (not known), suffix 2 and codes
    outside the list (e.g. "01", "S1") are not suitable."""
    return cl["ACCOM"].isin(SUITABLE_ACCOM)


def in_eet(cl) -> pd.Series:
    """In education, employment or training: ACTIV F1-F5 or P1-P5 (full/part time in higher education, other
    education, training or employment, apprenticeship); G4-G6 are NEET, 0 not known. Reading: F3/P3 ("engaged
    in training or employment", the code F4/F5 later split) counted as EET whatever the year's list says."""
    return cl["ACTIV"].isin(EET)


def leaver_share(t, ages, rule) -> Figure:
    cl = care_leavers(t, ages)
    return percent(rule(cl).sum(), len(cl))


REFERENCE = {
    "CIC_TOTAL": ref_cic_total,
    "CIC_UASC": ref_cic_uasc,
    "STARTED": ref_started,
    "CEASED": ref_ceased,
    "LEFT_CARE_ADOPTED": ref_ceased_adopted_pct,    # published as CEASED_ADOPTED_PCT
    "CEASED_SGO_PCT": ref_ceased_sgo_pct,
    "PLACEMENTS_3PLUS": ref_placements_3plus,
    "STABILITY_2Y": ref_stability_2y,
    "MISSING_CHILDREN_PCT": ref_missing_pct,
    "AWAY_PCT": ref_away_pct,
    "MISSING_EPISODES_PER_CHILD": ref_missing_per_child,
    "HEALTH_ASSESSMENT": ref_health_assessment,
    "DENTAL_CHECK": ref_dental,
    "IMMUNISATIONS": ref_immunisations,
    "DEV_CHECK_U5": ref_dev_check_u5,
    "OC2_SDQ_SCORED": ref_sdq_scored,
    "OC2_SDQ_AVERAGE": ref_sdq_average,
    "CL_IN_TOUCH": lambda t: leaver_share(t, (19, 21), in_touch),
    "CL_SUITABLE_ACCOM": lambda t: leaver_share(t, (19, 21), suitable),
    "CL_EET": lambda t: leaver_share(t, (19, 21), in_eet),
    "CL_1718_IN_TOUCH": lambda t: leaver_share(t, (17, 18), in_touch),
    "CL_1718_SUITABLE_ACCOM": lambda t: leaver_share(t, (17, 18), suitable),
    "CL_1718_EET": lambda t: leaver_share(t, (17, 18), in_eet),
}


# ------------------------------------------------------------------------------------------------------------------
# 2. The comparison with the workbook
# ------------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def raw():
    if FOLDER is None:
        pytest.skip("the shared DfE fake extract is not on this machine")
    return read_fake(FOLDER)


def workbook_figures(folder: Path, ids) -> dict[str, Figure]:
    import cicanalysis
    from cicanalysis.measures import scorecard
    x = cicanalysis.load(folder)
    v = scorecard.values(x, "2018-03-31", True, list(ids), levels=("county",)).set_index("indicator")
    return {i: Figure(*(float(v.loc[i, c]) for c in ("numerator", "denominator", "value"))) for i in ids}


def known_ids() -> set[str]:
    from cicanalysis.measures.indicators.registry import REGISTRY
    return {i.id for i in REGISTRY.all()}


def present(ids) -> list[str]:
    known = known_ids()
    return [i for i in ids if i in known]


@pytest.fixture(scope="module")
def workbook():
    if FOLDER is None:
        pytest.skip("the shared DfE fake extract is not on this machine")
    return workbook_figures(FOLDER, present(REFERENCE))


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-9)


def assert_equal(indicator: str, ours: Figure, theirs: Figure):
    assert all(same(a, b) for a, b in zip(ours, theirs)), (
        f"{indicator}: reference {tuple(ours)} vs workbook {tuple(theirs)}")


def skip_unless_registered(indicator: str):
    if indicator not in known_ids():
        pytest.skip(f"{indicator} is not in the registry on this branch (a colleague's branch adds it)")


# Differences found and reported to the lead (issue 23), each expected to fail until one side changes: strict, so a
# fix shows as XPASS-failure and its line here is removed. The reasons name which side the audit believes wrong.
# The single extract (taken 30/04/2018) knows of ends on 01/04/2018 that the 2017-18 return did not: one episode
# ending E11 then, overlapping the child's next episode (from March 2018), is ended where that one starts and
# counts as a leaving in 2017-18; the reference reads what the 2017-18 return knew (that DEC and REC blank). On
# the yearly returns (below) the two agree.
LATER_END = ("an episode ending E11 on 01/04/2018 (after the year; the single extract is taken 30/04/2018) overlaps "
             "the child's next episode and is ended where that starts, in March 2018: the workbook counts a leaving "
             "the 2017-18 return did not know of (658 vs 657); on yearly returns the two agree")
KNOWN = {"CEASED": LATER_END, "LEFT_CARE_ADOPTED": LATER_END, "CEASED_SGO_PCT": LATER_END}
KNOWN_YEARLY: dict[str, str] = {}


def cases(known: dict[str, str]) -> list:
    return [pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=known[i])) if i in known else i
            for i in REFERENCE]


@needs_fake
@pytest.mark.parametrize("indicator", cases(KNOWN))
def test_workbook_equals_the_reference_reading(indicator, raw, workbook):
    skip_unless_registered(indicator)
    assert_equal(indicator, REFERENCE[indicator](raw), workbook[indicator])


# ------------------------------------------------------------------------------------------------------------------
# The reference reading checked on what can be worked by hand (so that it is not the thing being trusted blindly)
# ------------------------------------------------------------------------------------------------------------------
def tiny(rows, **tables) -> dict[str, pd.DataFrame]:
    cols = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]
    ep = pd.DataFrame(rows, columns=cols).replace("", pd.NA)
    for c in ("DECOM", "DEC"):
        ep[c] = pd.to_datetime(ep[c], format="%d/%m/%Y")
    empty = {"header": ["CHILD", "DOB"], "uasc": ["CHILD", "DUC"], "missing": ["CHILD", "MISSING", "MIS_START"],
             "oc2": ["CHILD", "DOB"], "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]}
    out = {name: pd.DataFrame(columns=c) for name, c in empty.items()}
    out.update(tables)
    out["episodes"] = ep
    return out


def test_reference_reading_by_hand():
    t = tiny([
        ("A", "01/01/2016", "S", "C2", "U1", "01/06/2017", "X1"),   # A: placement 1, open on 1 April
        ("A", "01/06/2017", "T", "C2", "U2", "01/07/2017", "X1"),   # same carer (T): still placement 1
        ("A", "01/07/2017", "P", "C2", "U3", "01/09/2017", "X1"),   # placement 2
        ("A", "01/09/2017", "B", "E1", "U4", "", ""),               # placement 3: A has 3
        ("B", "01/03/2017", "S", "V3", "U1", "01/05/2017", "X1"),   # B: short break, not counted
        ("B", "01/05/2017", "L", "C1", "U1", "", ""),               # B starts with this episode
        ("C", "01/05/2017", "S", "V2", "R1", "01/02/2018", "E11"),  # C: started and adopted
        ("C", "01/03/2018", "S", "V2", "R1", "", ""),               # C starts again (counted once) and is in care
        ("D", "01/01/2018", "S", "V4", "R1", "", ""),               # D: short breaks only
    ])
    assert ref_cic_total(t) == count(3)                 # A, B, C (D on short breaks)
    assert ref_started(t) == count(2)                   # B (from its short break), C once
    assert ref_ceased_adopted_pct(t) == percent(1, 1)   # C adopted
    assert ref_placements_3plus(t) == percent(1, 3)     # A only (B 1, C 2)
    assert set(oc2_cohort(t)) == {"A"}                  # B had a short break, C and D started in the year


def test_stability_by_hand():
    header = pd.DataFrame({"CHILD": ["S", "P", "N"], "DOB": pd.to_datetime(["01/01/2008"] * 3, format="%d/%m/%Y")})
    t = tiny([
        ("S", "01/10/2015", "S", "C2", "U1", "", ""),               # S: in care and placed since 01/10/2015: stable
        ("P", "01/01/2015", "S", "C2", "U1", "01/06/2017", "X1"),   # P: foster carer from 01/01/2015 ...
        ("P", "01/06/2017", "P", "E1", "A4", "", ""),               # ... placed for adoption 01/06/2017: counted
        ("N", "01/01/2015", "S", "C2", "U1", "02/04/2016", "X1"),   # N: moved 02/04/2016, under 2 years
        ("N", "02/04/2016", "P", "C2", "U2", "", ""),
    ], header=header)
    assert ref_stability_2y(t) == percent(2, 3)


# ------------------------------------------------------------------------------------------------------------------
# 3. Yearly returns cut from the extract, folders named by the year they start and by the year they end
# ------------------------------------------------------------------------------------------------------------------
def load_splitter():
    path = REPO / "tools" / "split_returns.py"
    if not path.is_file():
        pytest.skip("tools/split_returns.py is not on this branch (issue-23-years adds it)")
    spec = importlib.util.spec_from_file_location("split_returns", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=["start", "end"])
def yearly(request, tmp_path_factory):
    if FOLDER is None:
        pytest.skip("the shared DfE fake extract is not on this machine")
    out = tmp_path_factory.mktemp(f"returns-{request.param}")
    load_splitter().split(FOLDER, out, naming=request.param)
    names = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert ("2017" if request.param == "start" else "2018") in names
    return workbook_figures(out, present(REFERENCE))


@needs_fake
@pytest.mark.parametrize("indicator", cases(KNOWN_YEARLY))
def test_yearly_returns_give_the_same_figures(indicator, raw, yearly):
    skip_unless_registered(indicator)
    assert_equal(indicator, REFERENCE[indicator](raw), yearly[indicator])
