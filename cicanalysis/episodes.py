"""The loaded extract and the derived views every measure uses, each built once and reused.

``Extract`` wraps the validated tables and offers:
- ``periods_of_care``: runs of episodes with no gap; BLA is the first episode's DECOM;
- ``episodes``: typed episodes with PERIOD_ID, BLA, DOB, TEAM, DISTRICT, AREA;
- ``placements``: runs of episodes with the same carer (a new placement starts at RNE S, P or B);
- ``legal_status_spells``: runs with the same LS;
- ``in_care_on(date)``, ``uasc_on(children, date)``, ``age_on(children, date)``, ``units_of(children, dates)``.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from . import reference
from .schema import Loaded, read_extract

NEW_PLACEMENT_RNE = ("S", "P", "B")
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
FOSTER_PLACEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6")
RELATIVE_FOSTER = ("U1", "U2", "U3")
LONG_TERM_FOSTER = ("U1", "U4")
ADOPTED_REC = ("E11", "E12")
UNKNOWN = "Unknown"
_DAY_OFFSET = 200_000   # days are counted from 1970; the offset keeps any date from 1423 to 2517 positive
_DAY_SPAN = 400_000     # and below this, so that child * span + day sorts by child, then day


def lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``keys.map(values)`` that also works when ``values`` is empty or has repeated keys (the last wins):
    pandas cannot map through an empty date Series."""
    values = values[~values.index.duplicated(keep="last")]
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=values.dtype)


class Extract:
    """An authority's validated extract plus derived views. Build with :func:`load`."""

    def __init__(self, loaded: Loaded, authority_dir=None, source: str = ""):
        self.tables = loaded.tables
        self.dq = loaded.dq
        self.sources = loaded.sources
        self.source = source
        self.authority_dir = authority_dir
        self.authority = reference.authority(authority_dir)
        self.teams = reference.teams(authority_dir)
        self.cache: dict = {}  # per-extract results reused across periods (see scorecard.values)

    def __repr__(self) -> str:
        return (f"<Extract {self.source!r}: {self.tables['header'].shape[0]} children, "
                f"{self.tables['episodes'].shape[0]} episodes, extract date {self.extract_date:%d/%m/%Y}, "
                f"{len(self.dq)} data-quality rows>")

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    # ------------------------------------------------------------ dates
    @cached_property
    def extract_date(self) -> pd.Timestamp:
        """The latest event date in the child-level tables (episodes, reviews, missing, adoption), taken
        as the date of the extract. Future-dated fields such as DUC are not events and are ignored."""
        t = self.tables
        dates = [t["episodes"]["DECOM"], t["episodes"]["DEC"], t["reviews"]["REVIEW"], t["missing"]["MIS_END"],
                 t["placed_for_adoption"]["DATE_PLACED"], t["ad1"]["DATE_MATCH"]]
        latest = pd.concat([d.astype("datetime64[ns]") for d in dates]).max()
        return pd.Timestamp(latest).normalize() if pd.notna(latest) else pd.NaT

    @cached_property
    def first_date(self) -> pd.Timestamp:
        return pd.Timestamp(self.tables["episodes"]["DECOM"].min())

    # ------------------------------------------------------------ derived views
    @cached_property
    def episodes(self) -> pd.DataFrame:
        ep = self.tables["episodes"].sort_values(["CHILD", "DECOM"], kind="stable").reset_index(drop=True)
        prev_dec = ep.groupby("CHILD")["DEC"].shift()
        new_period = prev_dec.isna() | (ep["DECOM"] > prev_dec) | (ep["CHILD"] != ep["CHILD"].shift())
        ep["PERIOD_ID"] = new_period.cumsum()
        ep["BLA"] = ep.groupby("PERIOD_ID")["DECOM"].transform("min")
        ep["DOB"] = ep["CHILD"].map(self.tables["header"].set_index("CHILD")["DOB"])
        units = self._unit_table()
        district = ep["DISTRICT"].fillna("")
        ep["TEAM"] = district.map(units["TEAM"]).fillna(UNKNOWN)
        ep["DISTRICT_NAME"] = district.map(units["DISTRICT"]).fillna(UNKNOWN)
        ep["AREA"] = district.map(units["AREA"]).fillna(UNKNOWN)
        new_pl = ep["RNE"].isin(NEW_PLACEMENT_RNE) | new_period
        ep["PLACEMENT_ID"] = new_pl.cumsum()
        return ep

    def _unit_table(self) -> pd.DataFrame:
        """DISTRICT column value → TEAM, DISTRICT, AREA. A value naming a district (not a team) maps to
        that district and area with the team unknown."""
        t = self.teams.set_index("TEAM")
        by_team = pd.DataFrame({"TEAM": t.index, "DISTRICT": t["DISTRICT"], "AREA": t["AREA"]}, index=t.index)
        d = self.teams.drop_duplicates("DISTRICT").set_index("DISTRICT")
        by_district = pd.DataFrame({"TEAM": UNKNOWN, "DISTRICT": d.index, "AREA": d["AREA"]}, index=d.index)
        return pd.concat([by_team, by_district[~by_district.index.isin(by_team.index)]])

    @cached_property
    def periods_of_care(self) -> pd.DataFrame:
        """CHILD, PERIOD_ID, BLA, END (NaT while open), REC of the last episode, EPISODES."""
        ep = self.episodes
        g = ep.groupby("PERIOD_ID", sort=False)
        out = g.agg(CHILD=("CHILD", "first"), BLA=("DECOM", "min"), EPISODES=("DECOM", "size"))
        last = ep.loc[g["DECOM"].idxmax()].set_index("PERIOD_ID")
        out["END"] = last["DEC"]
        out["REC"] = last["REC"]
        return out.reset_index()

    @cached_property
    def placements(self) -> pd.DataFrame:
        """CHILD, PLACEMENT_ID, PERIOD_ID, BLA, START, END, PLACE (latest type), PLACE_PROVIDER, PL_DISTANCE."""
        ep = self.episodes
        g = ep.groupby("PLACEMENT_ID", sort=False)
        out = g.agg(CHILD=("CHILD", "first"), PERIOD_ID=("PERIOD_ID", "first"), BLA=("BLA", "first"),
                    START=("DECOM", "min"), FIRST_PLACE=("PLACE", "first"))
        last = ep.loc[g["DECOM"].idxmax()].set_index("PLACEMENT_ID")
        for c in ("DEC", "PLACE", "PLACE_PROVIDER", "PL_DISTANCE"):
            out[c if c != "DEC" else "END"] = last[c]
        return out.reset_index()

    @cached_property
    def legal_status_spells(self) -> pd.DataFrame:
        ep = self.episodes
        change = (ep["LS"] != ep.groupby("PERIOD_ID")["LS"].shift()) | ep["PERIOD_ID"].ne(ep["PERIOD_ID"].shift())
        sid = change.cumsum()
        g = ep.groupby(sid, sort=False)
        return pd.DataFrame({"CHILD": g["CHILD"].first(), "PERIOD_ID": g["PERIOD_ID"].first(),
                             "LS": g["LS"].first(), "START": g["DECOM"].min(), "END": g["DEC"].last()}
                            ).reset_index(drop=True)

    @cached_property
    def adoption_dates(self) -> pd.DataFrame:
        """Per period of care: BLA, PO date (first E1), date placed for adoption (first A3–A6 start),
        adoption order date (END when REC is E11/E12)."""
        ep = self.episodes
        poc = self.periods_of_care.set_index("PERIOD_ID")
        po = ep[ep["LS"] == "E1"].groupby("PERIOD_ID")["DECOM"].min()
        placed = ep[ep["PLACE"].isin(ADOPTION_PLACEMENTS)].groupby("PERIOD_ID")["DECOM"].min()
        out = poc[["CHILD", "BLA", "END", "REC"]].copy()
        out["PO_DATE"] = po
        out["PLACED_FOR_ADOPTION"] = placed
        out["ADOPTION_ORDER"] = out["END"].where(out["REC"].isin(ADOPTED_REC))
        return out.reset_index()

    @cached_property
    def _uasc_spells(self) -> pd.DataFrame:
        u = self.tables["uasc"][["CHILD", "DUC"]].dropna(subset=["CHILD"])
        hd = self.tables["header"]
        if "UASC" in hd and hd["UASC"].notna().any():
            flagged = hd.loc[hd["UASC"].astype(str).isin(["1", "Y", "True", "true"]), ["CHILD"]]
            u = pd.concat([u, flagged.assign(DUC=pd.NaT)]).drop_duplicates("CHILD")
        return u

    # ------------------------------------------------------------ point-in-time views
    def in_care_on(self, date) -> pd.DataFrame:
        """Episodes open on ``date`` (DECOM ≤ date and DEC blank or after date): one row per child."""
        d = pd.Timestamp(date)
        ep = self.episodes
        open_ = ep[(ep["DECOM"] <= d) & (ep["DEC"].isna() | (ep["DEC"] > d))]
        return open_.drop_duplicates("CHILD", keep="last")

    def uasc_on(self, children: pd.Series, dates) -> pd.Series:
        """True where the child is UASC on the date: listed in ``uasc`` and the date is before its DUC."""
        spells = self._uasc_duc
        listed = children.isin(spells.index)
        duc = pd.Series(spells.reindex(children.to_numpy()).to_numpy(), index=children.index)  # map() fails when empty
        d = pd.Series(pd.to_datetime(dates), index=children.index) if not np.isscalar(dates) else pd.Timestamp(dates)
        return (listed & (duc.isna() | (duc > d))).astype(bool)

    @cached_property
    def _uasc_duc(self) -> pd.Series:
        spells = self._uasc_spells.set_index("CHILD")["DUC"]
        return spells[~spells.index.duplicated(keep="last")]

    def age_on(self, children: pd.Series, dates) -> pd.Series:
        """Age in whole years on the date (NaN when the DOB is unknown)."""
        dob = children.map(self.tables["header"].set_index("CHILD")["DOB"])
        d = pd.Series(pd.to_datetime(dates), index=children.index) if not np.isscalar(dates) \
            else pd.Series(pd.Timestamp(dates), index=children.index)
        years = d.dt.year - dob.dt.year
        before_birthday = (d.dt.month < dob.dt.month) | ((d.dt.month == dob.dt.month) & (d.dt.day < dob.dt.day))
        return (years - before_birthday.astype(int)).where(dob.notna())

    def episode_as_of(self, children: pd.Series, dates, columns) -> pd.DataFrame:
        """``columns`` of each child's latest episode starting on or before each date (NaN when none),
        aligned with ``children``. A blank date is taken as the extract date."""
        if np.isscalar(dates) or isinstance(dates, pd.Timestamp):
            dates = pd.Series(pd.Timestamp(dates), index=children.index)
        when = pd.Series(pd.to_datetime(dates).to_numpy().astype("datetime64[ns]"))
        codes, keys, rows = self._episodes_by_child_and_day
        if not len(rows):
            return pd.DataFrame(np.nan, index=children.index, columns=list(columns))
        code = codes.get_indexer(children.to_numpy())                  # -1: a child with no episode
        days = when.fillna(pd.Timestamp(self.extract_date)).to_numpy().astype("datetime64[D]").astype(np.int64)
        at = np.searchsorted(keys, self._as_of_key(code, days), side="right") - 1  # last episode on or before
        found = (code >= 0) & (at >= 0)
        found[found] &= keys[at[found]] // _DAY_SPAN == code[found]    # ... of the same child
        picked = self.episodes[list(columns)].iloc[rows[np.where(found, at, 0)]].set_axis(children.index)
        return picked.where(pd.Series(found, index=children.index), axis=0)

    @staticmethod
    def _as_of_key(code: np.ndarray, days: np.ndarray) -> np.ndarray:
        return code.astype(np.int64) * _DAY_SPAN + (days + _DAY_OFFSET)

    @cached_property
    def _episodes_by_child_and_day(self) -> tuple[pd.Index, np.ndarray, np.ndarray]:
        """(the children as an index, a sorted integer key per episode: child then DECOM day, the episode's row
        for each key): built once, so that each as-of lookup is one binary search instead of a merge."""
        ep = self.episodes
        codes = pd.Index(ep["CHILD"].astype(object).unique())
        days = ep["DECOM"].to_numpy().astype("datetime64[D]").astype(np.int64)
        keys = self._as_of_key(codes.get_indexer(ep["CHILD"].astype(object)), days)
        rows = np.argsort(keys, kind="stable")      # ties keep the episodes' order, the later one wins
        return codes, keys[rows], rows

    @cached_property
    def _first_units(self) -> pd.DataFrame:
        return self.episodes.drop_duplicates("CHILD").set_index("CHILD")[["TEAM", "DISTRICT_NAME", "AREA"]]

    def _units_on(self, date) -> pd.DataFrame:
        """TEAM, DISTRICT_NAME, AREA of every child on ``date``: from the latest episode starting on or before
        it, else the child's first episode (cached per date)."""
        key = ("units_on", pd.Timestamp(date))
        if key not in self.cache:
            ep = self.episodes
            latest = ep[ep["DECOM"] <= pd.Timestamp(date)].drop_duplicates("CHILD", keep="last")
            latest = latest.set_index("CHILD")[["TEAM", "DISTRICT_NAME", "AREA"]]
            first = self._first_units
            self.cache[key] = latest.reindex(first.index).fillna(first)
        return self.cache[key]

    @staticmethod
    def _reindex(table: pd.DataFrame, children: pd.Series) -> pd.DataFrame:
        """Rows of ``table`` (indexed by unique CHILD) aligned with ``children``; NaN for a child not in it."""
        return pd.DataFrame(table.reindex(children.to_numpy()).to_numpy(), index=children.index,
                            columns=table.columns)

    def units_of(self, children: pd.Series, dates) -> pd.DataFrame:
        """TEAM, DISTRICT, AREA of each child on each date: from the latest episode starting on or before
        the date (else the child's first episode)."""
        single = np.isscalar(dates) or isinstance(dates, pd.Timestamp)
        if not single:
            d = pd.Series(pd.to_datetime(dates))
            single = len(d) > 0 and d.notna().all() and (d == d.iloc[0]).all()
            if single:
                dates = d.iloc[0]
        if single:  # one date for every child (snapshots): a cached table instead of an as-of merge
            units = self._reindex(self._units_on(dates), children)
        else:
            units = self.episode_as_of(children, dates, ["TEAM", "DISTRICT_NAME", "AREA"])
            units = units.where(units.notna(), self._reindex(self._first_units, children).to_numpy())
        return units.fillna(UNKNOWN).rename(columns={"DISTRICT_NAME": "DISTRICT"})


# A batch run (``cicanalysis run``) loads the extract once and names a pickle of it here; ``load`` in the
# notebooks of that run reads it instead of re-reading and re-validating the CSVs, but only when every file
# under the data folder (and the authority folder) still has the size and modification time it had.
RUN_CACHE_ENV = "CICANALYSIS_RUN_EXTRACT"


def _signature(data_dir: Path, authority_dir) -> tuple:
    folders = [Path(data_dir)] + ([Path(authority_dir)] if authority_dir is not None else [])
    files = sorted({p.resolve() for d in folders if d.is_dir() for p in d.rglob("*") if p.is_file()})
    return tuple((str(p), st.st_size, st.st_mtime_ns) for p in files for st in [p.stat()])


def save_run_cache(x: "Extract", data_dir, path) -> None:
    """Write ``x`` (loaded from ``data_dir``) where :func:`load` looks when ``RUN_CACHE_ENV`` names ``path``."""
    import pickle
    with open(path, "wb") as fh:
        pickle.dump({"signature": _signature(Path(data_dir), x.authority_dir), "extract": x}, fh, protocol=5)


def _from_run_cache(data_dir: Path, authority_dir):
    import os
    import pickle
    path = os.environ.get(RUN_CACHE_ENV)
    if not path or not Path(path).is_file():
        return None
    try:
        with open(path, "rb") as fh:
            saved = pickle.load(fh)
    except Exception:  # noqa: BLE001 - a cache that cannot be read is ignored, the CSVs are read instead
        return None
    x = saved.get("extract")
    def same(a, b):
        return (a is None and b is None) or (a is not None and b is not None and Path(a).resolve() == Path(b).resolve())
    if (not isinstance(x, Extract) or not same(x.authority_dir, authority_dir)
            or saved.get("signature") != _signature(data_dir, authority_dir)):
        return None
    x.source, x.authority_dir = str(data_dir), authority_dir
    return x


def load(data_dir, authority_dir=None) -> Extract:
    """Read, validate and index an extract folder. ``authority_dir`` defaults to ``<data_dir>/authority``
    when that folder exists, else the committed reference configuration."""
    data_dir = Path(data_dir)
    if authority_dir is None and (data_dir / "authority").is_dir():
        authority_dir = data_dir / "authority"
    cached = _from_run_cache(data_dir, authority_dir)
    if cached is not None:
        return cached
    x = Extract(read_extract(data_dir), authority_dir=authority_dir, source=str(data_dir))
    from .adoption import consistency_checks  # needs the derived views, so it runs after the table rules
    extra = consistency_checks(x)
    if len(extra):
        x.dq = pd.concat([x.dq, extra], ignore_index=True)
    return x
