"""How the authority compares with the DfE's published statistics (issue 24): the authority's LA code, the
comparison (England, region, statistical neighbours, rank, quartile) and the reconciliation.

Published figures are from ``data/reference/published`` (built by ``tools/published/build.py``); each expected
value below is worked out by hand from the rows quoted beside it.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from cicanalysis import load
from cicanalysis.cli import main
from cicanalysis.config import reference
from cicanalysis.config.reference import SYNTHETIC_AUTHORITY_DIR
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
    assert "No LA code" in comparison_notices(a)[0]


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
