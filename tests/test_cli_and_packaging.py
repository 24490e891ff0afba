import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cicanalysis.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_validate_missing_folder_exits_2_with_one_line(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "does not exist" in err[0]


@pytest.mark.slow
def test_validate_prints_dq_summary(fixture_dir, capsys):
    (fixture_dir / "episodes.csv").write_text((fixture_dir / "episodes.csv").read_text().replace(",C1,", ",Q9,", 1))
    assert main(["validate", str(fixture_dir)]) == 0
    out = capsys.readouterr().out
    assert "LS must be one of the DfE codes" in out and "value treated as blank" in out
    assert main(["validate", "--data", str(fixture_dir)]) == 0                  # the spelling `run` uses
    assert "LS must be one of the DfE codes" in capsys.readouterr().out
    assert main(["validate", str(fixture_dir), "--data", str(fixture_dir / "x")]) == 2
    assert "two extract folders" in capsys.readouterr().err


def test_run_refuses_a_period_after_the_extract(fixture_dir, tmp_path, capsys):
    assert main(["run", "--period", "2016-06-30", "--data", str(fixture_dir), "--out", str(tmp_path / "o")]) == 2
    assert "after the extract date" in capsys.readouterr().err
    assert main(["run", "--period", "2016-02-30", "--data", str(fixture_dir)]) == 2


@pytest.mark.slow
def test_no_traceback_from_the_console_script(tmp_path):
    r = subprocess.run([sys.executable, "-m", "cicanalysis.cli", "validate", str(tmp_path / "nope")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr


def _names(requirements):
    return {re.split(r"[<>=!~ \[]", r.strip(), maxsplit=1)[0].lower() for r in requirements}


def test_environment_yml_in_step_with_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(py["dependencies"]).union(*(_names(extra) for extra in py["optional-dependencies"].values()))
    env = (ROOT / "environment.yml").read_text().splitlines()
    conda = _names(line.strip()[2:] for line in env if line.strip().startswith("- ") and ":" not in line
                   and not line.strip().startswith("- -e"))
    assert wanted - conda == set(), f"missing from environment.yml: {sorted(wanted - conda)}"


def test_notebooks_are_committed_without_outputs():
    import json
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        assert not any(c.get("outputs") for c in cells if c["cell_type"] == "code"), nb.name
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells), nb.name


def test_notebooks_are_valid_as_written_every_cell_with_its_id():
    """nbformat 4.5 gives every cell an id; a cell added without one made papermill print nbformat's
    MissingIDFieldWarning on every run of that notebook (in the analyst's terminal, not the report)."""
    import warnings

    import nbformat
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            nb = nbformat.read(str(path), as_version=4)
        ids = [c.get("id") for c in nb.cells]
        assert all(ids) and len(set(ids)) == len(ids), path.name
