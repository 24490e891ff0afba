"""``cicanalysis init``: an ``authority/`` configuration template written from an extract.

The template names nothing it cannot know: the authority's name is left for the user; its DfE LA code
(``la_code``, for the comparison with published statistics) is filled in when the extract carries it (a
pooled file's ``LA`` column, the ``LEA``/``LA`` element of a DfE XML header), else a comment line asks for it;
every DISTRICT value found in the episodes is listed with its AREA to fill in; the population has a row per year the data spans
with the ONS source named and the figure left blank; targets list every rated indicator with the DfE
thresholds already in force (``data/reference/targets.csv``) noted and local targets blank; the covering report's
cover keys (``cover_to`` ... ``cover_background``) are listed with their defaults, and ``commentary.csv`` (PERIOD,
INDICATOR, TEXT: the officers' explanations beside the scorecard) and the adoption ``comparators.csv`` have their
header only, and so do the local tables that sit beside the extract (``LOCAL_TABLES``: adopters, adoption tracking,
supplied indicators, allocations), written into ``templates/``, where they are never read as data (their layouts:
docs/local_tables.md).
"""
from __future__ import annotations

import csv
from pathlib import Path

from lxml import etree

import pandas as pd

from ..measures import metrics
from ..config import reference
from ..model.extract import Extract
from ..core.errors import CicError
from ..validate.schema import TABLES

LOCAL_TABLES = ("adopters", "adoption_tracking", "supplied_indicators", "allocations")   # beside the extract
TEMPLATES_README = ("Header-only layouts of the optional local tables (docs/local_tables.md gives every column and "
                    "code). Fill in the ones the authority keeps and put them beside the extract (not in this folder, "
                    "which is never read as data).\n")

POPULATION_SOURCE = ("ONS mid-year population estimates, children aged 0 to 17 (Nomis: population estimates - "
                     "local authority based by single year of age): fill in")


LA_CODE_QUESTION = ("# la_code: fill in the authority's 3-digit DfE LA code (e.g. 886) or its E-code "
                    "(data/reference/published/las.csv); without it the reports compare it with no published figures")


COVER_NOTE = ("# cover_*: the covering report's cover (who the scorecard goes to and is from, the lead officer, contact "
              "details, subject, a sentence for the summary, background documents); a blank one shows as to be added "
              "in drafts")


def _xml_la_codes(data_dir) -> set[str]:
    """LA codes in the headers of the DfE XML files under ``data_dir`` (``LEA`` or ``LA`` elements outside the
    ``CHILD`` elements, e.g. ``<Header><Source><LEA>886</LEA>``)."""
    codes = set()
    for path in sorted(Path(data_dir).rglob("*.xml")) if data_dir is not None else []:
        try:
            for _, el in etree.iterparse(str(path), events=("end",), tag=("LEA", "LA", "CHILD"),
                                         resolve_entities=False, no_network=True):
                if el.tag == "CHILD":
                    break                      # the header comes before the children
                if (el.text or "").strip():
                    codes.add(el.text.strip())
        except (etree.XMLSyntaxError, OSError):
            continue
    return codes


def la_code_of(x: Extract, data_dir=None) -> tuple[str, str]:
    """(the 3-digit LA code, the value found) when the extract names exactly one authority that ``las.csv``
    knows; ("", value) when it names one it does not know; ("", "") when it names none or several."""
    found = _xml_la_codes(data_dir)
    for table in ("header", "episodes"):
        if x.has_column(table, "LA"):
            found |= {str(v).strip() for v in x[table]["LA"].dropna().unique() if str(v).strip()}
    if len(found) != 1:
        return "", ""
    value = found.pop()
    try:
        row = reference.resolve_la_code(value)
    except CicError:
        return "", value
    return row["LA_CODE"], value


def _authority_rows(x: Extract, data_dir) -> list[list]:
    code, value = la_code_of(x, data_dir)
    rows = [["name", ""], ["short_name", ""]]
    if code:
        rows.append(["la_code", code])
    else:
        note = f" (the extract names {value!r}, which is not in las.csv)" if value else ""
        rows += [[LA_CODE_QUESTION + note], ["la_code", ""]]
    return rows + [["source", "SSDA903 extract and local tables"], [COVER_NOTE]] + [
        [key, default] for key, default in reference.COVER_KEYS.items()]


def template_rows(x: Extract, data_dir=None) -> dict[str, tuple[list[str], list[list]]]:
    """{file: (columns, rows)} of the template for this extract (``data_dir``: its folder, searched for the
    LA code of DfE XML files)."""
    districts = []
    if x.has_column("episodes", "DISTRICT"):
        districts = sorted(x["episodes"]["DISTRICT"].dropna().astype(str).unique())
    first = x.first_date.year if pd.notna(x.first_date) else x.extract_date.year
    years = range(first - 1, x.extract_date.year + 1) if pd.notna(x.extract_date) else []
    national = set(reference.targets(None)["INDICATOR"])
    rated = [i for i in metrics.CATALOGUE if i.rated and not i.activity and i.id not in national]
    return {
        "authority.csv": (["KEY", "VALUE"], _authority_rows(x, data_dir)),
        "teams.csv": (["TEAM", "DISTRICT", "AREA"], [[d, d, ""] for d in districts]),
        "population.csv": (["YEAR", "POPULATION_0_17", "SOURCE"], [[y, "", POPULATION_SOURCE] for y in years]),
        "recruitment_freezes.csv": (["START", "END", "NOTE"], []),
        "commentary.csv": (reference.COMMENTARY_COLUMNS, []),
        "targets.csv": (["INDICATOR", "FINANCIAL_YEAR", "TARGET", "AMBER_FLOOR", "TOLERANCE", "SOURCE"],
                        [[i.id, "", "", "", "", f"local target ({i.title}): fill in"] for i in rated]),
        "comparators.csv": (["INDICATOR", "DATE", "ENGLAND", "STATISTICAL_NEIGHBOURS", "SOURCE"], []),
        **{f"templates/{t}.csv": (list(TABLES[t].required + TABLES[t].optional), []) for t in LOCAL_TABLES},
    }


def write_template(x: Extract, data_dir, out_dir=None, force: bool = False) -> Path:
    """Write the template into ``out_dir`` (default ``<data_dir>/authority``); existing files are kept unless
    ``force``. Returns the folder."""
    folder = Path(out_dir) if out_dir is not None else Path(data_dir) / "authority"
    rows = template_rows(x, data_dir)
    existing = [f for f in rows if (folder / f).exists()]
    if existing and not force:
        raise CicError(f"already holds {', '.join(existing)}: edit them, or give --force to write the template "
                       f"over them", file=str(folder), rule="configuration kept")
    try:
        (folder / "templates").mkdir(parents=True, exist_ok=True)
        (folder / "templates" / "README.txt").write_text(TEMPLATES_README, encoding="utf-8")
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
