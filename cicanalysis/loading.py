"""Loading an extract: read and validate it (:mod:`cicanalysis.validate.schema`), index it (:class:`Extract`), then
the rules that need the measures (supplied indicators against the catalogue, the adoption journey's date
consistency), and the notices every report shows (what the extract or the configuration lacks).

This is the one module that joins the layers, so that reading and validation import nothing from the
measures and the derived views import nothing from the reports.
"""
from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pandas as pd

from .config import reference
from .measures import metrics
from .model.build import build
from .model.extract import Extract
from .model.geography import derive_geography
from .model.journeys import journeys
from .validate.schema import DQ_COLUMNS, read_extract

# A batch run (``cicanalysis run``) loads the extract once, pickles it in a private cache folder and hands each
# notebook that pickle's path and the load options as papermill parameters (``extract_cache``, ``load_options``);
# ``load(..., cache=path)`` reads the pickle instead of the files, but only when every file under the data folder
# (and the authority folder) still has the size and modification time it had. Nothing is read from the environment.


def _signature(data_dir: Path, authority_dir) -> tuple:
    folders = [Path(data_dir)] + ([Path(authority_dir)] if authority_dir is not None else [])
    files = sorted({p.resolve() for d in folders if d.is_dir() for p in d.rglob("*") if p.is_file()})
    return tuple((str(p), st.st_size, st.st_mtime_ns) for p in files for st in [p.stat()])


def save_run_cache(x: Extract, data_dir, path) -> None:
    """Write ``x`` (loaded from ``data_dir``) to ``path``, for ``load(data_dir, cache=path)``, with the derived views
    the reports read (the episodes view, periods of care, placements, the adoption journeys) worked out first, once
    for every notebook of the run (``load`` itself leaves them until a report asks)."""
    journeys(x)
    with open(path, "wb") as fh:
        pickle.dump({"signature": _signature(Path(data_dir), x.authority_dir), "extract": x,
                     "options": x.load_options}, fh, protocol=5)


_READ: dict = {}   # the last run cache read in this process: (its path, size, mtime) -> what it holds


def _read_run_cache(path) -> dict | None:
    """The pickle at ``path`` as saved, read once per process while it is unchanged: a batch run's worker runs its
    notebooks one after another in one kernel, and each asks for the same extract (the object is shared, with the
    views and counts it has worked out so far; nothing in the package changes an extract once built)."""
    st = Path(path).stat()
    key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
    if key not in _READ:
        try:
            with open(path, "rb") as fh:
                saved = pickle.load(fh)
        except Exception:  # noqa: BLE001 - a cache that cannot be read is ignored, the files are read instead
            return None
        _READ.clear()
        _READ[key] = saved
    return _READ[key]


def _from_run_cache(path, data_dir: Path, authority_dir, options: dict):
    if not path or not Path(path).is_file():
        return None
    saved = _read_run_cache(path)
    if not isinstance(saved, dict):
        return None
    x = saved.get("extract")

    def same(a, b):
        return (a is None and b is None) or (a is not None and b is not None and Path(a).resolve() == Path(b).resolve())
    if (not isinstance(x, Extract) or not same(x.authority_dir, authority_dir)
            or saved.get("signature") != _signature(data_dir, authority_dir)
            or (options and saved.get("options") != options)):
        return None
    return x.replace(source=str(data_dir))


def load(data_dir, authority_dir=None, la: str | None = None, extract_date=None,
         authority_name: str | None = None, cache=None) -> Extract:
    """Read, validate and index an extract folder.

    ``authority_dir`` defaults to ``<data_dir>/authority`` when that folder exists (else none: see
    :mod:`cicanalysis.config.reference`); ``la`` picks one authority of pooled files; ``extract_date``
    overrides the one worked out from the data; ``authority_name`` names an authority that has no
    configuration; ``cache`` is the path of a batch run's pickled extract (:func:`save_run_cache`), used when
    it was loaded from the same files with the same options (else the files are read)."""
    data_dir = Path(data_dir)
    if authority_dir is None and (data_dir / "authority").is_dir():
        authority_dir = data_dir / "authority"
    if authority_dir is not None:    # absolute: a pickled extract is compared with it from another folder
        authority_dir = Path(authority_dir).resolve()
    options = {k: v for k, v in (("la", la), ("extract_date", extract_date), ("authority_name", authority_name))
               if v is not None}
    cached = _from_run_cache(cache, data_dir, authority_dir, options)
    if cached is not None:
        return cached
    for read in (reference.authority, reference.teams, reference.population, reference.targets,
                 reference.recruitment_freezes):
        read(authority_dir)   # a defect in the authority's files: one line now, not a traceback in a report
    units = {i.id: i.unit for i in metrics.CATALOGUE + metrics.EXTRA}
    loaded = read_extract(data_dir, la=la, extract_date=extract_date, indicator_units=units)
    tables, geo, geo_dq = derive_geography(loaded.tables, loaded.present)  # after the exclusions: no lookups for them
    _, comment_dq = reference.commentary(authority_dir, known=units)     # the officers' words: rows left out are DQ
    dq = pd.concat([d for d in (loaded.dq, geo_dq, comment_dq) if len(d)] or [loaded.dq], ignore_index=True)
    loaded = dataclasses.replace(loaded, tables=tables, geography=geo, dq=dq[DQ_COLUMNS].reset_index(drop=True))
    x = build(loaded, authority_dir=authority_dir, source=str(data_dir), authority_name=authority_name,
              load_options=options)
    return x.replace(notices=x.notices + extract_notices(x))


# ---------------------------------------------------------------- notices
LOCAL_TABLES = {   # table: (the table in members' words, what needs it, report)
    "supplied_indicators": ("the authority's table of supplied indicators", "the workforce and initial health "
                            "assessment indicators", "scorecard"),
    "adoption_tracking": ("the local adoption tracking table", "family-finding timescales, plan changes by new plan, "
                          "placement types, life story books and the tracking-based summary lines", "adoption_journey"),
    "adopters": ("the table of prospective adoptive households", "every section of the adopters' journey and the "
                 "adopter sufficiency forecast's supply of households", "adopters_journey"),
}


def extract_notices(x: Extract) -> list[str]:
    """One line per thing the extract or the configuration lacks, for every report."""
    out = []
    geo = getattr(x, "geography", None)
    if geo is not None and geo.notice:
        out.append(geo.notice)
    if not x.authority.get("configured"):
        named = x.authority["name"] != reference.DEFAULT_NAME
        out.append(f"No authority configuration was found: the reports {'use the name given' if named else 'say “Local authority”'}, "
                   "show the county only and leave the rate per 10,000 and local targets blank until an analyst sets up "
                   "the authority's configuration (its name, districts and areas, child population and targets).")
    elif x.teams.empty:
        out.append("The authority's configuration names no districts or teams: figures are shown for the county only.")
    out += comparison_notices(x.authority)
    if not x.has_column("episodes", "DISTRICT") and not x.teams.empty:
        out.append("The episodes have no DISTRICT column and none could be derived from HOME_POST: areas and teams are "
                   "“Unknown”; county figures are complete.")
    for columns, titles in metrics.unavailable(x).items():
        missing = " or ".join(f"{c.split('.')[1]} in the {c.split('.')[0]} table" for c in columns)
        out.append(f"Not available (the extract has no {missing}): {'; '.join(titles)}.")
    return out


def comparison_notices(authority: dict) -> list[str]:
    """What the comparison with published statistics is: none without an LA code; a real authority's published
    figures set beside fictional data for the synthetic authority."""
    if not authority.get("la_code"):
        return ["The authority's DfE LA code is not set in its configuration, so it is compared with no published "
                "figures (England, region, statistical neighbours); setting the code adds the comparison."]
    if authority.get("fictional"):
        return [f"The data are fictional; the comparison sets the published figures of a real authority, "
                f"{authority['la_name']} ({authority['la_code']}), beside them: it says nothing about "
                f"{authority['la_name']}."]
    return []


def notices(x: Extract, period=None, report: str | None = None) -> list[str]:
    """The notices a report shows: the extract's (:func:`extract_notices`), a population year missing for
    ``period``, and the local tables ``report`` needs but the extract lacks."""
    out = list(x.notices)
    if period is not None and pd.notna(x.extract_date) and x.extract_date < pd.Timestamp(period):
        out.append(f"The extract ends on {x.extract_date:%d/%m/%Y}, before this period ends ({pd.Timestamp(period):%d/%m/%Y}): "
                   f"{pd.Timestamp(period):%B %Y} is incomplete, its figures count only what had happened by "
                   f"{x.extract_date:%d/%m/%Y}.")
    if period is not None and x.authority.get("configured"):
        year = reference.population_year(period)
        if pd.isna(reference.population_at(period, x.authority_dir)):
            out.append(f"The child population for mid-{year} is not in the authority's configuration: the rate per "
                       f"10,000 is n/a (the ONS mid-year estimate for {year} is needed).")
    for table, (words, what, where) in LOCAL_TABLES.items():
        if (report is None or report == where) and not x.sources.get(table):
            out.append(f"Without {words} (not supplied with the extract), {what} are left out.")
    return out
