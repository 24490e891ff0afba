"""``cicanalysis init``: an ``authority/`` configuration template written from an extract.

The template names nothing it cannot know: the authority's name is left for the user; every DISTRICT value
found in the episodes is listed with its AREA to fill in; the population has a row per year the data spans
with the ONS source named and the figure left blank; targets list every rated indicator with the DfE
thresholds already in force (``data/reference/targets.csv``) noted and local targets blank.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..measures import metrics
from ..config import reference
from ..model.extract import Extract
from ..core.errors import CicError

POPULATION_SOURCE = ("ONS mid-year population estimates, children aged 0 to 17 (Nomis: population estimates - "
                     "local authority based by single year of age): fill in")


def template_rows(x: Extract) -> dict[str, tuple[list[str], list[list]]]:
    """{file: (columns, rows)} of the template for this extract."""
    districts = []
    if x.has_column("episodes", "DISTRICT"):
        districts = sorted(x["episodes"]["DISTRICT"].dropna().astype(str).unique())
    first = x.first_date.year if pd.notna(x.first_date) else x.extract_date.year
    years = range(first - 1, x.extract_date.year + 1) if pd.notna(x.extract_date) else []
    national = set(reference.targets(None)["INDICATOR"])
    rated = [i for i in metrics.CATALOGUE if i.rated and not i.activity and i.id not in national]
    return {
        "authority.csv": (["KEY", "VALUE"], [["name", ""], ["short_name", ""],
                                             ["source", "SSDA903 extract and local tables"]]),
        "teams.csv": (["TEAM", "DISTRICT", "AREA"], [[d, d, ""] for d in districts]),
        "population.csv": (["YEAR", "POPULATION_0_17", "SOURCE"], [[y, "", POPULATION_SOURCE] for y in years]),
        "recruitment_freezes.csv": (["START", "END", "NOTE"], []),
        "targets.csv": (["INDICATOR", "FINANCIAL_YEAR", "TARGET", "AMBER_FLOOR", "TOLERANCE", "SOURCE"],
                        [[i.id, "", "", "", "", f"local target ({i.title}): fill in"] for i in rated]),
    }


def write_template(x: Extract, data_dir, out_dir=None, force: bool = False) -> Path:
    """Write the template into ``out_dir`` (default ``<data_dir>/authority``); existing files are kept unless
    ``force``. Returns the folder."""
    folder = Path(out_dir) if out_dir is not None else Path(data_dir) / "authority"
    rows = template_rows(x)
    existing = [f for f in rows if (folder / f).exists()]
    if existing and not force:
        raise CicError(f"already holds {', '.join(existing)}: edit them, or give --force to write the template "
                       f"over them", file=str(folder), rule="configuration kept")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, (columns, data) in rows.items():
            with open(folder / name, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(columns)
                w.writerows(data)
    except OSError as exc:
        raise CicError(f"cannot write the template ({exc.strerror}): give --out with a folder you can write to "
                       f"and copy it into the data folder as authority/", file=str(folder),
                       rule="output folder writable") from None
    return folder
