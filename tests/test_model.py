"""The model layer: the Extract is built in one place, the same from files and from frames, and not changed
once built; load() takes its options as arguments only."""
import pandas as pd
import pytest

from cicanalysis.measures import scorecard
from conftest import extract_from_rows, load_fixture

PERIODS = ["2015-03-31", "2015-09-30", "2016-02-29"]


def test_an_extract_from_frames_equals_the_same_tables_read_from_csv(fixture_dir):
    """Property: validating in memory changes nothing the files would not (same tables but the file names, same
    DQ rules, same scorecard figures at three month ends)."""
    from_files = load_fixture(fixture_dir)
    in_memory = extract_from_rows()
    assert set(from_files.tables) == set(in_memory.tables)
    for name, table in from_files.tables.items():
        pd.testing.assert_frame_equal(table.drop(columns=["_FILE"], errors="ignore").reset_index(drop=True),
                                      in_memory[name].drop(columns=["_FILE"], errors="ignore").reset_index(drop=True),
                                      check_dtype=False, obj=name)
    assert from_files.dq["rule"].tolist() == in_memory.dq["rule"].tolist()
    for p in PERIODS:
        a = scorecard.values(from_files, p, levels=("county",)).set_index("indicator")["value"]
        b = scorecard.values(in_memory, p, levels=("county",)).set_index("indicator")["value"]
        pd.testing.assert_series_equal(a, b, obj=p)


def test_replace_gives_a_copy_sharing_the_derived_views():
    x = extract_from_rows()
    episodes = x.episodes                           # a derived view, worked out once
    y = x.replace(notices=["one more"])
    assert y.notices == ["one more"] and x.notices != ["one more"]    # the original is unchanged
    assert y.episodes is episodes and y.tables is x.tables
    with pytest.raises(TypeError):
        x.replace(tables={})


def test_load_reads_no_environment_variable(fixture_dir, monkeypatch):
    """The hidden channels of earlier versions do nothing: a stray extract-date or authority folder in the
    environment leaves what load() returns unchanged."""
    plain = load_fixture(fixture_dir, authority_dir=None)
    monkeypatch.setenv("CICANALYSIS_LOAD_OPTIONS", '{"extract_date": "2014-01-31", "authority_name": "Stray"}')
    monkeypatch.setenv("CICANALYSIS_AUTHORITY_DIR", str(fixture_dir / "authority"))
    monkeypatch.setenv("CICANALYSIS_RUN_EXTRACT", str(fixture_dir / "nothing.pkl"))
    again = load_fixture(fixture_dir, authority_dir=None)
    assert again.extract_date == plain.extract_date == pd.Timestamp("2016-03-15")
    assert again.authority["name"] == plain.authority["name"] != "Stray"


def test_scorecard_measures_need_a_loaded_extract(fixture_dir):
    with pytest.raises(TypeError, match="cicanalysis.load"):
        scorecard.build(str(fixture_dir), "2016-02-29")
