import numpy as np
import pytest
import pandas as pd

from cicanalysis.measures import scorecard
from cicanalysis.reports import scorecard_text


def hand_frame(period="2015-11-30"):
    """A scorecard typed in by hand: 2 Green, 1 Amber, 1 Red, one activity count not rated."""
    return pd.DataFrame({
        "indicator": ["X1", "X2", "X3", "X4", "CIC_CITIZEN"],
        "title": ["Alpha", "Beta", "Gamma", "Delta", "Citizen CIC"],
        "unit": ["%", "%", "days", "%", "count"],
        "level": "county", "period": period,
        "value": [80.0, 91.0, 500.0, 40.0, 1400.0], "target": [75, 90, 426, 60, None],
        "rag": ["G", "G", "R", "A", None],
        "dot_previous": ["improved", "same", "worse", "improved", "worse"],
        "dot_outturn": ["worse", "improved", "worse", "improved", "improved"]})


def test_performance_summary_on_a_hand_typed_frame():
    text = scorecard_text.performance_summary(hand_frame(), "Middleshire")
    assert text == ("As at 30/11/2015, Middleshire has 2 indicators rated as Green, 1 as Amber and 1 as Red. "
                    "Compared with last month 2 improved, 1 stayed the same and 1 worsened. "
                    "Compared with the outturn (March 2015) 2 improved, 0 stayed the same and 2 worsened.")


def test_changes_between_lists_band_moves_and_reds():
    earlier = hand_frame("2015-08-31").assign(rag=["A", "G", "R", "R", None], value=[70.0, 91.0, 520.0, 30.0, 1380.0])
    text = scorecard_text.changes_between(earlier, hand_frame())
    assert text.startswith("1. 2 indicators moved to a better RAG band between August 2015 and November 2015: "
                           "Alpha: 70.0% (Amber) to 80.0% (Green) against a target of 75.0%; "
                           "Delta: 30.0% (Red) to 40.0% (Amber)")
    assert "2. 0 indicators moved to a worse RAG band" in text
    assert "3. At November 2015, 1 indicator is significantly away from target (Red): Gamma at 500 days" in text
    assert "citizen children in care changed from 1,380 to 1,400 (+20, +1.4%)" in text      # 20 / 1,380


def test_performance_summary_works_out_the_directions_of_a_frame_without_them():
    """Values, last month's and the outturn's typed in, no DoT columns: directions by polarity (H: up is
    better, L: down is better, T: closer to the target is better) on values as shown (a % to one place); RAG
    from the targets where the frame has no rag column."""
    f = pd.DataFrame({
        "title": ["Up H", "Up L", "Closer T", "Same", "Count"], "period": "2016-03-31",
        "polarity": ["H", "L", "T", "H", "L"], "unit": ["%", "%", "ratio", "%", "count"],
        "value": [80.0, 12.0, 18.0, 50.0, 10.0], "target": [75.0, 10.0, 18.0, 60.0, None],
        "floor": [70.0, 15.0, 20.0, 55.0, None],
        "previous_value": [79.0, 11.0, 21.0, 50.0, 12.0], "outturn_value": [85.0, 14.0, 17.5, 49.9999, 9.0]})
    text = scorecard_text.performance_summary(f, "A council")
    # RAG: 80 >= 75 G; 12 <= 15 (not <= 10) A; |18-18| = 0 G; 50 < 55 R; the count is not rated.
    # Last month: 79->80 H improved; 11->12 L worse; 21->18 T closer improved; 50->50 same.
    # Outturn: 85->80 worse; 14->12 L improved; 17.5->18 T (0.5 -> 0 away) improved; 49.9999->50 same: both
    # read 50.0%, so a reader sees no change (issue 25: equal at the shown precision is "same").
    assert text == ("As at 31/03/2016, A council has 2 indicators rated as Green, 1 as Amber and 1 as Red. "
                    "Compared with last month 2 improved, 1 stayed the same and 1 worsened. "
                    "Compared with the outturn (March 2015) 2 improved, 1 stayed the same and 1 worsened.")
    card = scorecard.with_directions(f)
    assert list(card["rag"][:4]) == ["G", "A", "G", "R"] and pd.isna(card["rag"][4])
    assert list(card["dot_previous"]) == ["improved", "worse", "improved", "same", "improved"]


def test_performance_summary_without_polarity_or_target_says_what_is_missing():
    import pytest
    from cicanalysis import CicError
    f = pd.DataFrame({"title": ["A"], "period": "2016-03-31", "value": [1.0], "previous_value": [2.0],
                      "outturn_value": [3.0], "rag": ["G"]})
    with pytest.raises(CicError, match="polarity"):
        scorecard_text.performance_summary(f)
    # catalogue ids give the polarity: CIC_CITIZEN is L, so 1 after 2 improved
    text = scorecard_text.performance_summary(f.assign(indicator="CIC_CITIZEN"))
    assert "Compared with last month 1 improved, 0 stayed the same and 0 worsened" in text


def test_comparators_are_never_from_after_the_report_period():
    # the DfE's published CIC rate starts at 31/03/2019; for 2015-2017 the reference tables hold the rate worked out
    # from the published count (SFR) and the ONS estimate (England 2016: 70,440 / 11,593,891 x 10,000 = 61; 2017:
    # 72,670 / 11,671,521 = 62); none for 2018. England 69 at 31/03/2024, 67 at 31/03/2025.
    at_2016 = scorecard.comparator_at("CIC_RATE", "2016-03-31", "886")
    assert (at_2016["ENGLAND"], at_2016["DATE"], at_2016["DERIVED"]) == (61, pd.Timestamp("2016-03-31"), True)
    assert scorecard.comparator_at("CIC_RATE", "2016-02-29", "886")["DATE"] == pd.Timestamp("2015-03-31")
    assert scorecard.comparator_at("CIC_RATE", "2018-06-30", "886")["ENGLAND"] == 62          # 2017: none for 2018
    assert scorecard.comparator_at("CIC_RATE", "2025-02-28", "886")["ENGLAND"] == 69        # 2024: 2025 not yet
    assert scorecard.comparator_at("CIC_RATE", "2025-03-31", "886")["ENGLAND"] == 67
    assert scorecard.comparator_at("CIC_RATE", "2025-03-31", "886")["DERIVED"] is False
    assert scorecard.comparator_at("CIC_RATE", "2025-03-31") is None                         # no LA code: none
    assert scorecard.comparator_at("CIC_RATE", "2014-03-31", "886") is None                  # nothing before 2015
    earlier = hand_frame("2015-03-31").assign(indicator=["X1", "X2", "X3", "X4", "CIC_RATE"], unit="per 10,000")
    text = scorecard_text.changes_between(earlier, hand_frame("2016-03-31").assign(indicator=earlier["indicator"]),
                                          "886")
    assert "2019" not in text and "England of 61" in text and "(both as at 31 March 2016)" in text


def test_build_rates_and_compares_with_last_month_and_outturn(extract):
    card = scorecard.build(extract, "2016-03-31", levels=("county",)).set_index("indicator")
    assert list(card.columns[:3]) == ["title", "polarity", "measure_type"]
    own = card.loc["OWN_FOSTER"]           # 2 of 4 = 50%: a denominator under 5 is not rated, and is small
    assert own["value"] == 50 and pd.isna(own["rag"]) and own["small_denominator"]
    moves = card.loc["PLACEMENTS_3PLUS"]    # 1 of 7 = 14.3% (L) against target 10, floor 12: Red, small
    assert moves["rag"] == "R" and moves["small_denominator"] and moves["value"] == 100 / 7
    uasc = card.loc["CIC_UASC"]             # 1 now, 2 last month (U2's DUC 01/03/2016)
    assert (uasc["value"], uasc["previous_value"], uasc["dot_previous"]) == (1, 2, "improved")
    assert pd.isna(uasc["rag"])             # activity counts are never rated
    a1 = card.loc["A1_3Y"]                  # 2 children: not rated, flagged small
    assert a1["value"] == 303.5 and pd.isna(a1["rag"]) and a1["small_denominator"]
    # outturn = 31/03/2015: B (moved 4 times) was not yet in care, so 0 of 4 had 3+ placements
    assert moves["outturn_value"] == 0 and moves["dot_outturn"] == "worse"


def test_uasc_impact_variance(extract):
    imp = scorecard.uasc_impact(extract, "2016-03-31").set_index("indicator")
    assert imp.loc["CIC_TOTAL", "including_uasc"] == 7 and imp.loc["CIC_TOTAL", "excluding_uasc"] == 6
    assert imp.loc["CIC_TOTAL", "variance"] == 1
    assert imp.loc["WITHIN_20_MILES", "variance"] == 0   # always excludes UASC


def test_both_uasc_settings_come_from_one_count_of_the_period(extract, monkeypatch):
    """Once both UASC settings have been asked of an extract, ``values`` with UASC excluded, asked after included, is
    worked out from the cases counted for the first (no counting function runs again) and equals the same values
    worked out on a fresh extract on their own, every indicator at every level. Until then only the setting asked is
    worked out. The fixture's one UASC child at 31/03/2016 makes the two settings differ."""
    import copy
    fresh, fresh_too = copy.deepcopy(extract), copy.deepcopy(extract)
    counts = []
    monkeypatch.setattr(scorecard, "as_cases", lambda found: counts.append(1) or as_cases(found))
    scorecard.values(extract, "2016-01-31", include_uasc=True)
    assert not [k for k in extract.cache if k[:1] == ("values",) and k[3] is False]    # one setting asked: one made
    scorecard.values(extract, "2016-01-31", include_uasc=False)
    counts.clear()
    included = scorecard.values(extract, "2016-03-31", include_uasc=True)
    first = len(counts)
    excluded = scorecard.values(extract, "2016-03-31", include_uasc=False)
    assert first > 20 and len(counts) == first
    monkeypatch.undo()
    pd.testing.assert_frame_equal(excluded, scorecard.values(fresh, "2016-03-31", include_uasc=False))
    pd.testing.assert_frame_equal(included, scorecard.values(fresh_too, "2016-03-31", include_uasc=True))
    county = lambda v, i: v[(v["indicator"] == i) & (v["level"] == "county")]["value"].iloc[0]  # noqa: E731
    assert (county(included, "CIC_TOTAL"), county(excluded, "CIC_TOTAL")) == (7, 6)


as_cases = scorecard.as_cases


def test_the_catalogues_values_kept_joined_are_each_indicators_and_a_caller_cannot_change_them(extract):
    """``values`` of the whole catalogue (kept joined on the extract) equal the indicators' values asked one by one,
    level by level; a caller writing into what it got does not change the next answer."""
    import copy
    fresh = copy.deepcopy(extract)
    whole = scorecard.values(extract, "2016-03-31", levels=("area",))
    whole["value"] = -1.0
    again = scorecard.values(extract, "2016-03-31", levels=("area",))
    assert (again["value"] != -1.0).any() and len(again) == len(whole) > 57
    one_by_one = pd.concat([scorecard.values(fresh, "2016-03-31", indicators=[i.id], levels=("area",))
                            for i in scorecard.M.CATALOGUE], ignore_index=True)
    pd.testing.assert_frame_equal(again, one_by_one)


def test_counting_both_settings_said_up_front_counts_each_period_once(extract, monkeypatch):
    """After :func:`scorecard.count_both_uasc_settings`, the first ``values`` of a period works out both settings from
    one count (the other setting asked later runs no counting function) with the values of a fresh extract; and a
    setting already worked out is kept when the other is worked out later (the same rows, not counted again)."""
    import copy
    fresh, fresh_too, late = copy.deepcopy(extract), copy.deepcopy(extract), copy.deepcopy(extract)
    counts = []
    monkeypatch.setattr(scorecard, "as_cases", lambda found: counts.append(1) or as_cases(found))
    scorecard.count_both_uasc_settings(extract)
    included = scorecard.values(extract, "2016-03-31", include_uasc=True)
    first = len(counts)
    excluded = scorecard.values(extract, "2016-03-31", include_uasc=False)
    assert first > 20 and len(counts) == first
    scorecard.values(late, "2016-03-31", include_uasc=True)          # one setting asked: the other not made
    kept = {k: v for k, v in late.cache.items() if k[:1] == ("values",) and k[2] == pd.Timestamp("2016-03-31")}
    assert kept and all(k[3] is True for k in kept)
    scorecard.values(late, "2016-02-29", include_uasc=False)         # the other asked now, of another month
    scorecard.values(late, "2016-03-31", include_uasc=False)
    assert all(late.cache[k] is v for k, v in kept.items())
    monkeypatch.undo()
    pd.testing.assert_frame_equal(excluded, scorecard.values(fresh, "2016-03-31", include_uasc=False))
    pd.testing.assert_frame_equal(included, scorecard.values(fresh_too, "2016-03-31", include_uasc=True))


def _plain_build(x, period, include_uasc=True, levels=scorecard.LEVELS):
    """``build`` as it was written before its columns were worked out on arrays: every row through the scalar
    rules (:func:`rag_rating`, :func:`direction_of_travel`, :func:`is_small_denominator`), columns one at a time."""
    from cicanalysis.core import periods as P
    from cicanalysis.core.rag import direction_of_travel, is_small_denominator, rag_rating
    M = scorecard.M
    p = P.month_end(period)
    key = ["indicator", "level", "unit_name"]
    cur, prev, outt = (scorecard.values(x, d, include_uasc, None, levels)
                       for d in (p, P.previous_month_end(p), P.outturn_date(p)))
    df = (cur.merge(prev[key + ["value"]].rename(columns={"value": "previous_value"}), on=key, how="left")
             .merge(outt[key + ["value"]].rename(columns={"value": "outturn_value"}), on=key, how="left"))
    cat = M.catalogue_table().set_index("indicator")
    for c in ("title", "polarity", "measure_type", "unit"):
        df[c] = df["indicator"].map(cat[c])
    tgt = {i: scorecard.target_for(i, p, x.authority_dir) for i in df["indicator"].unique()}
    df["target"] = df["indicator"].map(lambda i: tgt[i][0])
    df["floor"] = df["indicator"].map(lambda i: tgt[i][1])
    tol = df["indicator"].map(lambda i: tgt[i][2])
    df["rag"] = [rag_rating(r.value, r.target, r.floor, r.polarity, r.denominator if r.unit != "per 10,000" else None,
                            r.unit == "count", t) for r, t in zip(df.itertuples(), tol)]
    df.loc[df["unit_name"].eq(scorecard.NO_DISTRICT) & df["level"].ne("county"), "rag"] = None
    for dot, then in (("dot_previous", "previous_value"), ("dot_outturn", "outturn_value")):
        df[dot] = [direction_of_travel(r.value, getattr(r, then), r.polarity, r.target, r.unit) for r in df.itertuples()]
    df["small_denominator"] = [is_small_denominator(r.denominator) and r.unit != "per 10,000" for r in df.itertuples()]
    order = {i.id: n for n, i in enumerate(M.CATALOGUE)}
    lvl = {lv: n for n, lv in enumerate(scorecard.LEVELS)}
    df = df.assign(_o=df["indicator"].map(order), _l=df["level"].map(lvl))
    return df.sort_values(["_l", "unit_name", "_o"], kind="stable")[scorecard.COLUMNS].reset_index(drop=True)


@pytest.mark.parametrize("period", ["2015-11-30", "2016-03-31"])
@pytest.mark.parametrize("include_uasc", [True, False])
def test_build_is_the_plain_row_by_row_scorecard(extract, period, include_uasc):
    """``build`` (targets, RAG, directions and the small-denominator flag worked out on arrays) equals the plain
    row-by-row scorecard, column by column and dtype by dtype, every level and county only; the fixture's months
    have rated rows, directions each way and small denominators, so a wrong column could not pass."""
    for levels in (scorecard.LEVELS, ("county",)):
        card = scorecard.build(extract, period, include_uasc, levels)
        pd.testing.assert_frame_equal(card, _plain_build(extract, period, include_uasc, levels))
    assert {"improved", "worse"} <= set(card["dot_previous"].dropna()) or {"improved", "worse"} <= set(
        card["dot_outturn"].dropna())
    assert card["rag"].notna().any()


def _plain_target(indicator, fy, folder):
    """The target as it was looked up before: the indicator's rows filtered, its year's first row, else its first
    every-year row."""
    from cicanalysis.config import reference
    t = reference._targets(folder)
    t = t[t["INDICATOR"] == indicator]
    row = t[t["FINANCIAL_YEAR"] == fy]
    if row.empty:
        row = t[t["FINANCIAL_YEAR"] == ""]
    if row.empty:
        return (np.nan, np.nan, np.nan)
    r = row.iloc[0]
    return (r["TARGET"], r["AMBER_FLOOR"], r["TOLERANCE"])


def test_targets_of_a_year_in_one_pass_are_the_plain_look_up(tmp_path):
    """An authority's targets.csv with a year's row after an every-year row, two rows of one year (the first wins), a
    year with no row of its own (the every-year row) and an indicator with only another year's row (none): each
    indicator's (target, floor, tolerance) as the plain per-indicator look-up finds it, in both years, value and type."""
    from cicanalysis.core import periods as P
    folder = tmp_path / "authority"
    folder.mkdir()
    (folder / "targets.csv").write_text(
        "INDICATOR,FINANCIAL_YEAR,TARGET,AMBER_FLOOR,TOLERANCE,SOURCE\n"
        "CIC_RATE,,55,62,,every year\nCIC_RATE,2015-16,50,60,,this year\nCIC_RATE,2015-16,40,45,,second: ignored\n"
        "PLACEMENTS_3PLUS,2014-15,10,12,,last year only\nCIC_TOTAL,,0,0,2.5,tolerance\n")
    ids = [i.id for i in scorecard.M.CATALOGUE] + ["NOT_AN_INDICATOR"]
    for period in ("2016-03-31", "2015-03-31"):
        fast = scorecard.targets_for(ids, period, folder)
        for i in ids:
            plain = _plain_target(i, P.financial_year_label(period), str(folder))
            assert [type(v) for v in fast[i]] == [type(v) for v in plain]
            np.testing.assert_array_equal(np.array(fast[i], dtype=float), np.array(plain, dtype=float))
    assert scorecard.target_for("CIC_RATE", "2016-03-31", folder)[:2] == (50, 60)
    assert scorecard.target_for("CIC_RATE", "2015-03-31", folder)[:2] == (55, 62)
    assert np.isnan(scorecard.target_for("PLACEMENTS_3PLUS", "2016-03-31", folder)[0])
    assert scorecard.target_for("CIC_TOTAL", "2016-03-31", folder)[2] == 2.5


def _plain_supplied(x, indicator, period):
    """The supplied rows as they were filtered before: the whole table, for one indicator and period."""
    s = x["supplied_indicators"]
    s = s[(s["INDICATOR"] == indicator) & (s["PERIOD"] == pd.Timestamp(period))]
    s = s[s["NUMERATOR"].notna() & s["DENOMINATOR"].notna() & (s["NUMERATOR"] >= 0) & (s["DENOMINATOR"] >= 0)]
    name = np.where(s["LEVEL"] == "county", x.authority["name"], s["UNIT_NAME"])
    return list(zip(s["LEVEL"], name, s["NUMERATOR"].astype(float), s["DENOMINATOR"].astype(float)))


def test_supplied_figures_looked_up_by_indicator_and_month_are_the_filtered_rows():
    """Supplied rows for two indicators and two months (a county row, teams, one with no denominator): each
    indicator's values at each month are its own rows of that month in file order, the county named as the
    authority, as a filter of the whole table finds them; AGENCY_STAFF's county 12 of 60 posts reads 20%."""
    from conftest import extract_from_rows, fixture_tables
    rows = [{"PERIOD": p, "INDICATOR": i, "LEVEL": lv, "UNIT_NAME": u, "NUMERATOR": n, "DENOMINATOR": d}
            for p, i, lv, u, n, d in [
                ("31/03/2016", "AGENCY_STAFF", "county", "", "12", "60"),
                ("31/03/2016", "AGENCY_STAFF", "team", "Team North", "5", "20"),
                ("29/02/2016", "AGENCY_STAFF", "county", "", "10", "50"),
                ("31/03/2016", "CASELOAD", "team", "Team North", "80", ""),
                ("31/03/2016", "CASELOAD", "county", "", "300", "20"),
                ("29/02/2016", "CASELOAD", "county", "", "310", "20")]]
    x = extract_from_rows({**fixture_tables(), "supplied_indicators": rows})
    for period in ("2016-03-31", "2016-02-29", "2016-01-31"):
        for ind in ("AGENCY_STAFF", "CASELOAD"):
            got = scorecard.values(x, period, indicators=[ind])
            assert list(zip(got["level"], got["unit_name"], got["numerator"], got["denominator"])) == \
                _plain_supplied(x, ind, period)
    march = scorecard.values(x, "2016-03-31", indicators=["AGENCY_STAFF", "CASELOAD"]).set_index(["indicator", "level"])
    assert march.loc[("AGENCY_STAFF", "county"), "value"] == 20.0 and march.loc[("CASELOAD", "county"), "value"] == 15
    assert march.loc[("AGENCY_STAFF", "county"), "unit_name"] == x.authority["name"]


def test_value_of_another_month_looked_up_is_the_left_merge():
    """``_with_value_of`` against the plain left merge on indicator, level and unit: keys found, missing (NaN), a key
    given twice (two rows, as the merge gives) and a blank key (the merge matches blank with blank); an empty month."""
    cur = pd.DataFrame({"indicator": ["A", "A", "B", "C"], "level": ["county", "team", "team", "team"],
                        "unit_name": ["Shire", "North", "North", None], "value": [1.0, 2.0, 3.0, 4.0]})
    then = pd.DataFrame({"indicator": ["B", "A", "Z"], "level": ["team", "county", "team"],
                         "unit_name": ["North", "Shire", "North"], "value": [30.0, 10.0, 99.0]})
    key = ["indicator", "level", "unit_name"]

    def merged(t):
        return cur.merge(t[key + ["value"]].rename(columns={"value": "previous_value"}), on=key, how="left")
    for t in (then, pd.concat([then, then.iloc[[0]]], ignore_index=True), then.iloc[:0],
              pd.concat([then, pd.DataFrame({"indicator": ["C"], "level": ["team"], "unit_name": [None],
                                             "value": [40.0]})], ignore_index=True)):
        pd.testing.assert_frame_equal(scorecard._with_value_of(cur, t, "previous_value"), merged(t))
    np.testing.assert_array_equal(scorecard._with_value_of(cur, then, "previous_value")["previous_value"],
                                  [10.0, np.nan, 30.0, np.nan])


def test_sums_and_rows_by_unit_worked_out_by_hand(extract):
    """Codes 0 and 2 are both 'North' (a name with two codes: summed), 1 is 'South' with no case, 3 is 'Elsewhere'
    (cases in a unit the scorecard does not list: after the listed ones, by name). Numerators 1+2+4 = 7 for North over
    denominators 2+2+4 = 8 (87.5%), Elsewhere 8 of 8; a count's denominator is blank."""
    labels = np.array(["North", "South", "North", "Elsewhere"], dtype=object)
    which = np.array([0, 0, 2, 3])
    sums = scorecard._sums_by_unit(which, labels, np.array([1.0, 2.0, 4.0, 8.0]), np.array([2.0, 2.0, 4.0, 8.0]))
    assert sums == {"North": (7.0, 8.0), "Elsewhere": (8.0, 8.0)}
    units = scorecard._all_units(extract)["team"]
    pct = next(i for i in scorecard.M.CATALOGUE if i.unit == "%")
    rows = scorecard._unit_rows(extract, pct, pd.Timestamp("2016-03-31"), "team", {units[0]: (7.0, 8.0), "Zed": (1.0, 2.0),
                                                                                   "Elsewhere": (8.0, 8.0)})
    assert [r[2] for r in rows] == units + ["Elsewhere", "Zed"]
    assert rows[0][4:] == (7.0, 8.0, 87.5) and rows[-2][4:] == (8.0, 8.0, 100.0)
    assert all(r[4:6] == (0.0, 0.0) and np.isnan(r[6]) for r in rows[1:len(units)])      # no case: 0 of 0, no value
    count = next(i for i in scorecard.M.CATALOGUE if i.unit == "count")
    row = scorecard._unit_rows(extract, count, pd.Timestamp("2016-03-31"), "county", {"Shire": (5.0, 5.0)})
    assert [(r[2], r[4], r[6]) for r in row] == [(extract.authority["name"], 0.0, 0.0), ("Shire", 5.0, 5.0)]
    assert all(np.isnan(r[5]) for r in row)                  # a count has no denominator
    rate = next(i for i in scorecard.M.CATALOGUE if i.unit == "per 10,000")
    assert scorecard._unit_rows(extract, rate, pd.Timestamp("2016-03-31"), "team", {units[0]: (1.0, 1.0)}) == []
