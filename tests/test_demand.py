"""Projected demand (cicanalysis.measures.demand): rates and a one-month projection on a hand-built fixture, worked out
by hand below; the states of children on dates from the hand-built extract of conftest.py; scenarios; the band
and the backtest.

The fixture (snapshots at three month ends; F = Fostering, R = Residential, Ad = Adoption):

    child  31/01/2015        28/02/2015        31/03/2015
    A      1 to 4, F         1 to 4, F         1 to 4, F
    B      1 to 4, F         1 to 4, R (moved) 1 to 4, R
    C      1 to 4, F         5 to 9, F (aged)  5 to 9, F
    D      1 to 4, F         - (left)          -
    E      10 to 15, R       10 to 15, R       16+, R (aged)
    F      10 to 15, R       - (left)          -
    G      under 1, F        1 to 4, F (aged)  1 to 4, Ad (moved)
    H      -                 10 to 15, R (in)  10 to 15, R
    I, J   -                 -                 under 1, F (in)
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cicanalysis.measures import demand as D

J31, F28, M31 = pd.Timestamp("2015-01-31"), pd.Timestamp("2015-02-28"), pd.Timestamp("2015-03-31")
ROWS = [
    (J31, "A", "1 to 4", "Fostering"), (J31, "B", "1 to 4", "Fostering"), (J31, "C", "1 to 4", "Fostering"),
    (J31, "D", "1 to 4", "Fostering"), (J31, "E", "10 to 15", "Residential"), (J31, "F", "10 to 15", "Residential"),
    (J31, "G", "under 1", "Fostering"),
    (F28, "A", "1 to 4", "Fostering"), (F28, "B", "1 to 4", "Residential"), (F28, "C", "5 to 9", "Fostering"),
    (F28, "E", "10 to 15", "Residential"), (F28, "G", "1 to 4", "Fostering"), (F28, "H", "10 to 15", "Residential"),
    (M31, "A", "1 to 4", "Fostering"), (M31, "B", "1 to 4", "Residential"), (M31, "C", "5 to 9", "Fostering"),
    (M31, "E", "16+", "Residential"), (M31, "G", "1 to 4", "Adoption"), (M31, "H", "10 to 15", "Residential"),
    (M31, "I", "under 1", "Fostering"), (M31, "J", "under 1", "Fostering"),
]


@pytest.fixture
def snaps():
    return pd.DataFrame(ROWS, columns=D.SNAPSHOT_COLUMNS)


@pytest.fixture
def rates(snaps):
    return D.estimate(D.Counts.of(D.flows(snaps)))


def _exit(r, band, group):
    return r.tables()["exits"].set_index(["age_band", "group"]).at[(band, group), "rate"]


def _moves(r, band, group):
    m = r.tables()["moves"]
    return m[(m["age_band"] == band) & (m["from_group"] == group)].set_index("to_group")["rate"]


def test_placement_groups_and_age_bands():
    assert D.group_of(["U1", "U6", "K2", "R1", "P3", "S1", "H5", "K3", "P2", "A3", "A6", "P1", "Z1", None]).tolist() == \
        ["Fostering"] * 2 + ["Residential"] * 4 + ["Supported"] * 3 + ["Adoption"] * 2 + ["Other"] * 3
    # bands by whole years of age: 0 | 1-4 | 5-9 | 10-15 | 16-17 (18 and over stays 16+)
    assert D.age_band([0, 1, 4, 5, 9, 10, 15, 16, 17, 18]).tolist() == \
        ["under 1", "1 to 4", "1 to 4", "5 to 9", "5 to 9", "10 to 15", "10 to 15", "16+", "16+", "16+"]


def test_flows_between_month_ends(snaps):
    f = D.flows(snaps).set_index(["month", "from_band", "from_group", "to_band", "to_group"])["children"]
    # January to February: D and F left, H entered, B moved, C and G aged, A and E stayed
    assert f[(F28, "1 to 4", "Fostering", "", D.LEFT)] == 1
    assert f[(F28, "10 to 15", "Residential", "", D.LEFT)] == 1
    assert f[(F28, "", D.ENTERED, "10 to 15", "Residential")] == 1
    assert f[(F28, "1 to 4", "Fostering", "1 to 4", "Residential")] == 1
    assert f[(F28, "1 to 4", "Fostering", "5 to 9", "Fostering")] == 1
    assert f[(F28, "under 1", "Fostering", "1 to 4", "Fostering")] == 1
    # February to March: I and J entered under 1 into fostering; no one left
    assert f[(M31, "", D.ENTERED, "under 1", "Fostering")] == 2
    assert not any(k[0] == M31 and k[4] == D.LEFT for k in f.index)
    assert f.groupby(level=0).sum().tolist() == [7 + 1, 6 + 2]   # Jan: 7 there + 1 in; Feb: 6 there + 2 in


def test_rates_worked_by_hand(rates):
    # 1 to 4 in fostering: 4 children at 31/01 (A B C D) + 2 at 28/02 (A G) = 6; D left: exit 1/6.
    # The 5 who stayed: fostering a month later A, C (aged into 5 to 9, still fostering), A again = 3;
    # residential B = 1; adoption G = 1 -> 3/5, 1/5, 1/5.
    assert _exit(rates, "1 to 4", "Fostering") == pytest.approx(1 / 6)
    assert _moves(rates, "1 to 4", "Fostering").to_dict() == pytest.approx(
        {"Fostering": 3 / 5, "Residential": 1 / 5, "Supported": 0, "Adoption": 1 / 5, "Other": 0})
    # 10 to 15 in residential: E F at 31/01, E H at 28/02 = 4; F left: 1/4; the 3 who stayed stayed residential
    assert _exit(rates, "10 to 15", "Residential") == pytest.approx(1 / 4)
    assert _moves(rates, "10 to 15", "Residential")["Residential"] == 1
    # a state no child was in borrows its group pooled over ages: residential had 1 (B, 28/02) + 4 = 5 children,
    # 1 left -> 1/5 for 16+ in residential; adoption had no one in the window: no exits, no moves
    assert _exit(rates, "16+", "Residential") == pytest.approx(1 / 5)
    assert ("16+", "Residential") in rates.borrowed
    assert _exit(rates, "1 to 4", "Adoption") == 0 and _moves(rates, "1 to 4", "Adoption")["Adoption"] == 1
    # ageing: of those who stayed in care, the share in the next band a month later.
    # under 1: G (1 of 1); 1 to 4: A B C in Jan (C aged), A G B in Feb -> 1/6; 5 to 9: C in Feb, 0/1;
    # 10 to 15: E in Jan, E (aged) and H in Feb -> 1/3; 16+ ages out of care through exits: 0
    assert rates.tables()["ageing"].set_index("age_band")["rate"].to_dict() == pytest.approx(
        {"under 1": 1, "1 to 4": 1 / 6, "5 to 9": 0, "10 to 15": 1 / 3, "16+": 0})
    # entries per month over the 2 months: H (10 to 15, residential) 1/2; I and J (under 1, fostering) 2/2
    e = rates.tables()["entries"].set_index(["age_band", "group"])["per_month"]
    assert e[("10 to 15", "Residential")] == 0.5 and e[("under 1", "Fostering")] == 1.0 and e.sum() == 1.5


def test_one_month_projection_worked_by_hand(snaps, rates):
    start = D.population(snaps, M31)
    assert start["children"].sum() == 8
    p = D.project(rates, start, M31, months=1)
    assert p["date"].max() == pd.Timestamp("2015-04-30")
    n = p[p["month"] == 1].set_index(["age_band", "group"])["children"]
    # I, J (under 1, F, 2): no exits, all age (rate 1) -> 2 in (1 to 4, F); plus 1 entry a month in (under 1, F)
    assert n[("under 1", "Fostering")] == pytest.approx(1.0)
    # A (1 to 4, F): stays 5/6; fostering 3/5 of that, ages 1/6:
    #   (1 to 4, F) 5/6 * 3/5 * 5/6 = 5/12, + 2 from I and J = 2 5/12;  (5 to 9, F) 5/6 * 3/5 * 1/6 = 1/12, + C's 1
    assert n[("1 to 4", "Fostering")] == pytest.approx(2 + 5 / 12)
    assert n[("5 to 9", "Fostering")] == pytest.approx(1 + 1 / 12)
    # residential from A: 5/6 * 1/5 * 5/6 = 5/36 (1 to 4), 5/6 * 1/5 * 1/6 = 1/36 (5 to 9);
    # B (1 to 4, R): no exits, ages 1/6 -> 5/6 and 1/6
    assert n[("1 to 4", "Residential")] == pytest.approx(5 / 36 + 5 / 6)
    assert n[("5 to 9", "Residential")] == pytest.approx(1 / 36 + 1 / 6)
    # adoption: A's 5/36 and 1/36, G (1 to 4, Ad: no exits, no moves) ages 1/6 -> 5/6 and 1/6
    assert n[("1 to 4", "Adoption")] == pytest.approx(5 / 36 + 5 / 6)
    assert n[("5 to 9", "Adoption")] == pytest.approx(1 / 36 + 1 / 6)
    # H (10 to 15, R): stays 3/4, ages 1/3 -> 1/2 stays in band, 1/4 to 16+; plus 1/2 an entry a month
    assert n[("10 to 15", "Residential")] == pytest.approx(1.0)
    # E (16+, R, borrowed exit 1/5) -> 4/5, + H's 1/4
    assert n[("16+", "Residential")] == pytest.approx(0.8 + 0.25)
    # in total: 8 - exits (1/6 + 1/4 + 1/5) + entries 1.5 = 8.883...
    assert n.sum() == pytest.approx(8 - (1 / 6 + 1 / 4 + 1 / 5) + 1.5)
    g = D.by_group(p)
    g1 = g[g["month"] == 1].set_index("group")["children"]
    assert g1.to_dict() == pytest.approx({"Fostering": 4.5, "Residential": 35 / 36 + 7 / 36 + 1 + 1.05,
                                          "Supported": 0, "Adoption": 42 / 36, "Other": 0,
                                          "Total": 8 - (1 / 6 + 1 / 4 + 1 / 5) + 1.5})


def test_scenarios(snaps, rates):
    start = D.population(snaps, M31)

    def total(scenario, months=1):
        g = D.by_group(D.project(rates, start, M31, months, scenario))
        return g[(g["month"] == months)].set_index("group")["children"]
    # twice the entries: 8 - 37/60 exits + 3 entries
    assert total(D.Scenario(entries=2))["Total"] == pytest.approx(8 - (1 / 6 + 1 / 4 + 1 / 5) + 3)
    # half of the moves and entries into residential go to fostering instead
    s = D.Scenario(shift_from="Residential", shift_to="Fostering", shift_share=0.5)
    r = s.apply(rates)
    assert _moves(r, "1 to 4", "Fostering")[["Fostering", "Residential"]].tolist() == pytest.approx([7 / 10, 1 / 10])
    assert _moves(r, "10 to 15", "Residential")["Residential"] == 1    # children already there are not moved
    e = r.tables()["entries"].set_index(["age_band", "group"])["per_month"]
    assert (e[("10 to 15", "Residential")], e[("10 to 15", "Fostering")]) == (0.25, 0.25)
    # nobody is added or lost by a shift in the first month; residential is smaller by the shifted 1/2 entry
    # and half of A's move (5/6 * 1/10 = 1/12)
    assert total(s)["Total"] == pytest.approx(total(None)["Total"])
    assert total(None)["Residential"] - total(s)["Residential"] == pytest.approx(0.25 + 1 / 12)
    with pytest.raises(ValueError):
        D.Scenario(shift_from="Residential", shift_to="Nowhere", shift_share=0.5).apply(rates)
    assert "50% of moves and entries into residential" in s.describe()


def test_band_resamples_the_months(snaps):
    counts = D.Counts.of(D.flows(snaps))
    start = D.population(snaps, M31)
    b = D.band(counts, start, M31, months=3, draws=50, seed=1)
    assert (b["low"] <= b["high"] + 1e-9).all()
    first = b[b["month"] == 0].set_index("group")
    assert first.at["Total", "low"] == first.at["Total", "high"] == 8          # the start is known
    # resampling the two months: the total a month ahead lies between "both months January" and "both February"
    only = [D.estimate(counts, w) for w in ([2, 0], [0, 2])]
    ends = [D.by_group(D.project(r, start, M31, 1)).query("month == 1 and group == 'Total'")["children"].iloc[0]
            for r in only]
    m1 = b[(b["month"] == 1) & (b["group"] == "Total")].iloc[0]
    assert min(ends) - 1e-9 <= m1["low"] <= m1["high"] <= max(ends) + 1e-9
    assert b.equals(D.band(counts, start, M31, months=3, draws=50, seed=1))   # seeded


def test_snapshots_of_the_hand_built_extract(extract):
    # 31/03/2015: A (DOB 01/06/2010, 4, U4), S (7, U4), S2 (4, U5), S3 (6, U5)
    s = D.snapshots(extract, ["2015-03-31"]).set_index("CHILD")
    assert s[["age_band", "group"]].to_dict("index") == {
        "A": {"age_band": "1 to 4", "group": "Fostering"}, "S": {"age_band": "5 to 9", "group": "Fostering"},
        "S2": {"age_band": "1 to 4", "group": "Fostering"}, "S3": {"age_band": "5 to 9", "group": "Fostering"}}
    # 29/02/2016: B (13, U6), U (17, H5, UASC), U2 (16 on 01/02/2016, H5, UASC until 01/03/2016), S2 placed for
    # adoption (A6) and 5 on 01/01/2016: age on the date, not at the start of the episode
    s = D.snapshots(extract, ["2016-02-29"]).set_index("CHILD")
    assert sorted(s.index) == ["A", "B", "S", "S2", "S3", "U", "U2"]
    assert s.loc["S2", ["age_band", "group"]].tolist() == ["5 to 9", "Adoption"]
    assert s.loc["U2", ["age_band", "group"]].tolist() == ["16+", "Supported"]
    assert s.loc["B", ["age_band", "group"]].tolist() == ["10 to 15", "Fostering"]
    assert sorted(D.snapshots(extract, ["2016-02-29"], uasc="only")["CHILD"]) == ["U", "U2"]
    assert "U" not in set(D.snapshots(extract, ["2016-02-29"], uasc="exclude")["CHILD"])
    # U2's DUC is 01/03/2016: a citizen child on 31/03/2016 (extract date 15/03/2016: still open then)
    assert "U2" in set(D.snapshots(extract, ["2016-03-31"], uasc="exclude")["CHILD"])
    with pytest.raises(ValueError):
        D.snapshots(extract, ["2016-02-29"], uasc="some")


def test_backtest_on_the_hand_built_extract(extract):
    # fit on 31/12/2015 -> 31/01/2016: no one enters or leaves, S2 ages from 1 to 4 into 5 to 9 (the only child
    # in 1 to 4: ageing 1); projecting 31/01 -> 29/02/2016 keeps everyone where they are, as happened
    bt = D.backtest(extract, "2016-02-29", reference_months=1, horizon=1, draws=20).set_index("group")
    assert bt["start"].to_dict() == bt["projected"].to_dict() == bt["actual"].to_dict() == {
        "Fostering": 4, "Residential": 0, "Supported": 2, "Adoption": 1, "Other": 0, "Total": 7}
    assert (bt["error"] == 0).all() and bt["within_band"].all()
    table = D.backtest_table(bt.reset_index())
    assert list(table.columns[:4]) == ["Placement group", "In care 31/01/2016", "Projected 29/02/2016",
                                       "Actual 29/02/2016"]


def test_run_and_milestones(extract):
    p = D.run(extract, "2016-02-29", reference_months=2, months=24, draws=20)
    m = D.milestones(p)
    assert list(m["Placement group"]) == list(D.GROUPS) + ["Total"]
    assert m.columns[1] == "In care 29/02/2016" and "+24 months (28/02/2018)" in m.columns
    assert m.iloc[-1, 1] == 7
    lines = D.summary(p)
    assert lines[0].startswith("7 children in care on 29/02/2016") and "Scenario: none" in lines[-1]


def _flows_pair_by_pair(snaps: pd.DataFrame) -> pd.DataFrame:
    """The plain version of ``flows``: an outer join of each pair of consecutive dates' children and a count."""
    dates = sorted(snaps["date"].unique())
    cols = ["month", "from_band", "from_group", "to_band", "to_group"]
    by_date = {d: g.set_index("CHILD")[["age_band", "group"]] for d, g in snaps.groupby("date")}
    parts = []
    for a, b in zip(dates[:-1], dates[1:]):
        j = by_date[a].join(by_date[b], how="outer", lsuffix="_0", rsuffix="_1")
        f = pd.DataFrame({"month": pd.Timestamp(b),
                          "from_band": j["age_band_0"].fillna(""), "from_group": j["group_0"].fillna(D.ENTERED),
                          "to_band": j["age_band_1"].fillna(""), "to_group": j["group_1"].fillna(D.LEFT)})
        parts.append(f.groupby(cols).size().rename("children").reset_index())
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols + ["children"])


def _random_snaps(seed: int) -> pd.DataFrame:
    """Random children in random states over a few month ends, some dates skipped (no child in care then)."""
    rng = np.random.default_rng(seed)
    dates = [d for d in pd.date_range("2015-01-31", periods=8, freq="ME") if rng.random() > 0.15]
    rows = [(d, f"C{c}", rng.choice(D.AGE_BANDS), rng.choice(D.GROUPS))
            for d in dates for c in rng.choice(40, size=rng.integers(0, 30), replace=False)]
    return pd.DataFrame(rows, columns=D.SNAPSHOT_COLUMNS)


@pytest.mark.parametrize("seed", range(6))
def test_flows_in_one_merge_are_the_pair_by_pair_counts(seed, snaps):
    frame = snaps if seed == 0 else _random_snaps(seed)
    pd.testing.assert_frame_equal(D.flows(frame), _flows_pair_by_pair(frame))


def test_flows_of_an_extract_are_the_pair_by_pair_counts(extract):
    snaps = D.snapshots(extract, D.reference_dates("2016-03-31", 12))
    assert snaps["date"].nunique() > 2
    pd.testing.assert_frame_equal(D.flows(snaps), _flows_pair_by_pair(snaps))
    assert D.flows(snaps.head(0)).empty and D.flows(snaps[snaps["date"] == snaps["date"].max()]).empty


def _plain_estimate_rates(counts: D.Counts, weights=None):
    """The plain version of ``estimate``'s exit and move rates and of ``Rates.transition``: state by state."""
    NB, NG = D.NB, D.NG
    stay, left, entered, months = counts.pooled(weights)
    stay4 = stay.reshape(NB, NG, NB, NG)
    to_group = stay4.sum(axis=2)
    stayed = to_group.sum(axis=2)
    stock = stayed + left.reshape(NB, NG)
    g_stay, g_stock, g_left = to_group.sum(axis=0), stock.sum(axis=0), left.reshape(NB, NG).sum(axis=0)
    exit_, move, borrowed = np.zeros((NB, NG)), np.zeros((NB, NG, NG)), []
    for b in range(NB):
        for g in range(NG):
            if stock[b, g] > 0:
                exit_[b, g] = left[b * NG + g] / stock[b, g]
            elif g_stock[g] > 0:
                exit_[b, g] = g_left[g] / g_stock[g]
                borrowed.append((D.AGE_BANDS[b], D.GROUPS[g]))
            if stayed[b, g] > 0:
                move[b, g] = to_group[b, g] / stayed[b, g]
            elif g_stay[g].sum() > 0:
                move[b, g] = g_stay[g] / g_stay[g].sum()
            else:
                move[b, g, g] = 1.0
    return exit_.reshape(-1), move, borrowed


def _plain_transition(r: D.Rates) -> np.ndarray:
    NB, NG = D.NB, D.NG
    T = np.zeros((D.NS, D.NS))
    for b in range(NB):
        up = r.ageing[b] if b < NB - 1 else 0.0
        for g in range(NG):
            s = b * NG + g
            stay = (1 - r.exit[s]) * r.move[b, g]
            T[s, b * NG:(b + 1) * NG] += stay * (1 - up)
            if b < NB - 1:
                T[s, (b + 1) * NG:(b + 2) * NG] += stay * up
    return T


@pytest.mark.parametrize("seed", range(6))
def test_rates_and_transition_worked_for_every_state_at_once_are_the_state_by_state_ones(seed):
    """Random monthly flows with empty states, an empty group and empty bands (the borrowing branches): the exit and
    move rates and the transition matrix are bit for bit those of the plain loops over states."""
    rng = np.random.default_rng(seed)
    k = 4
    stay = rng.integers(0, 4, (k, D.NS, D.NS)) * (rng.random((k, D.NS, D.NS)) < 0.15)
    left = rng.integers(0, 3, (k, D.NS)) * (rng.random((k, D.NS)) < 0.5)
    group = seed % D.NG                                        # one group with nobody in it at all
    stay[:, group::D.NG, :] = 0
    stay[:, :, group::D.NG] = 0
    left[:, group::D.NG] = 0
    stay[:, :D.NG, :] = 0                                       # the youngest band empty
    counts = D.Counts(list(range(k)), stay.astype(float), left.astype(float), rng.random((k, D.NS)))
    for w in (None, rng.integers(0, 3, k)):
        r = D.estimate(counts, w)
        exit_, move, borrowed = _plain_estimate_rates(counts, w)
        assert np.array_equal(r.exit, exit_) and np.array_equal(r.move, move) and r.borrowed == borrowed
        assert np.array_equal(r.transition(), _plain_transition(r))
        shifted = D.Scenario(1.1, "Residential", "Fostering", 0.3).apply(r)
        assert np.array_equal(shifted.transition(), _plain_transition(shifted))
    assert borrowed and any(np.array_equal(move[b, group], np.eye(D.NG)[group]) for b in range(D.NB))
