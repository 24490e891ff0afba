"""The loaded extract and the derived views every measure uses, each built once and reused.

``Extract`` wraps the validated tables and offers:
- ``episodes``: typed episodes, short breaks (LS V3/V4) left out as in the DfE's statistics, with PERIOD_ID, BLA,
  DOB, TEAM, DISTRICT, AREA;
- ``periods_of_care``: a period starts at a child's first episode or after an episode ending with a reason other
  than X1 (:func:`period_starts`); BLA is its first episode's DECOM;
- ``placements``: runs of episodes with the same carer (a new placement starts at RNE S, P or B);
- ``legal_status_spells``: runs with the same LS;
- ``in_care_on(date)``, ``uasc_on(children, date)``, ``age_on(children, date)``, ``units_of(children, dates)``:
  a child's team is the one ``allocations.csv`` names for the date (SPEC 2.3a), else their home district's; a child
  with no district is in the "No district" unit.
"""
from __future__ import annotations

import copy
from functools import cached_property

import numpy as np
import pandas as pd

from ..config import reference
from ..core.dq import NOTED, dq_rows
from ..core.dq import empty as dq_empty
from ..validate.schema import Loaded

NEW_PLACEMENT_RNE = ("S", "P", "B")
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
FOSTER_PLACEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6")
RELATIVE_FOSTER = ("U1", "U2", "U3")
LONG_TERM_FOSTER = ("U1", "U4")
ADOPTED_REC = ("E11", "E12")
# legal status of an agreed series of short-term placements (short breaks): the DfE's statistics leave these
# episodes out of every count and cohort (903 guide, LS codes V3/V4; DfE CLA methodology)
SHORT_BREAKS = ("V3", "V4")
UNKNOWN = "Unknown"
NO_DISTRICT = "No district"   # SPEC 2.3a: a child with no district (no home postcode): counted, never rated as a unit
UNIT_COLUMNS = ("TEAM", "DISTRICT_NAME", "AREA")
_DAY_OFFSET = 200_000   # days are counted from 1970; the offset keeps any date from 1423 to 2517 positive
_DAY_SPAN = 400_000     # and below this, so that child * span + day sorts by child, then day


def lookup(keys: pd.Series, values: pd.Series) -> pd.Series:
    """``keys.map(values)`` that also works when ``values`` is empty or has repeated keys (the last wins):
    pandas cannot map through an empty date Series."""
    values = values[~values.index.duplicated(keep="last")]
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=values.dtype)


def year_month_day(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(years since 1970, month 0-11, day 0-30) of datetime64 values, as int64 arrays (garbage where NaT)."""
    y, m = d.astype("datetime64[Y]"), d.astype("datetime64[M]")
    return (y.astype(np.int64), m.astype(np.int64) - y.astype("datetime64[M]").astype(np.int64),
            (d.astype("datetime64[D]") - m.astype("datetime64[D]")).astype(np.int64))


def whole_years(born, on) -> np.ndarray:
    """Whole years from ``born`` to ``on`` (datetime64 arrays, or their :func:`year_month_day` parts; int64): the
    difference of the years, less one when the month and day of ``on`` come before those of ``born``. Garbage where
    either is NaT (mask it)."""
    (by, bm, bd), (oy, om, od) = (d if isinstance(d, tuple) else year_month_day(d) for d in (born, on))
    return oy - by - ((om < bm) | ((om == bm) & (od < bd))).astype(np.int64)


def by_child_and_start(episodes: pd.DataFrame) -> pd.DataFrame:
    """The episodes sorted by CHILD, then DECOM (a stable sort: ties keep the file's order), with a new index 0, 1,
    2 ... A table already in that order with every DECOM given (as extracts are often written) is not sorted again:
    its stable sort is itself."""
    child, decom = episodes["CHILD"], episodes["DECOM"].to_numpy()
    if child.is_monotonic_increasing and not np.isnat(decom).any():
        same = child.to_numpy()[1:] == child.to_numpy()[:-1]
        if not (same & (decom[1:] < decom[:-1])).any():
            return episodes.reset_index(drop=True)
    return episodes.sort_values(["CHILD", "DECOM"], kind="stable").reset_index(drop=True)


def same_child_as_before(ep: pd.DataFrame) -> pd.Series:
    """True where an episode's child is the previous row's (``ep`` sorted by CHILD)."""
    return ep["CHILD"].eq(ep["CHILD"].shift())


def after_short_breaks(ep: pd.DataFrame, same_child: pd.Series | None = None) -> pd.Series:
    """True on the first episode under another legal status after a short-break episode (V3/V4): the DfE's
    statistics count the child as looked after, and so as starting, from then on (``ep`` sorted by CHILD, DECOM;
    ``same_child``: :func:`same_child_as_before`, when the caller has it)."""
    same_child = same_child_as_before(ep) if same_child is None else same_child
    return same_child & ep["LS"].shift().isin(SHORT_BREAKS) & ~ep["LS"].isin(SHORT_BREAKS)


def care_starts(ep: pd.DataFrame, same_child: pd.Series | None = None) -> pd.Series:
    """True where a child starts to be looked after, as the DfE counts starters: an episode with RNE S, or the
    first after short breaks. (A child's first episode in an extract that begins mid-care is not a start.)"""
    return (ep["RNE"] == "S") | after_short_breaks(ep, same_child)


def care_ceases(ep: pd.DataFrame) -> pd.Series:
    """True where a child ceases to be looked after, as the DfE counts leavers: an episode ending with a reason
    other than X1 (X1: a new episode follows in the same period of care)."""
    return ep["DEC"].notna() & ep["REC"].notna() & (ep["REC"] != "X1")


def period_starts(ep: pd.DataFrame, same_child: pd.Series | None = None, starts: pd.Series | None = None
                  ) -> pd.Series:
    """True where an episode (``ep`` sorted by CHILD, DECOM, one after another) starts a period of care, by the
    codes (SPEC 2.1: RNE S starts a period of care, REC other than X1 ends it): a child's first episode; an episode
    with RNE S; an episode after one that ended with a reason other than X1; the first episode after short breaks.
    Where the previous episode has no REC, the dates decide (a gap ends the period). Codes that disagree with
    each other are DQ rows of :func:`period_code_checks`. ``same_child`` (:func:`same_child_as_before`) and
    ``starts`` (:func:`care_starts`): when the caller has them."""
    same_child = same_child_as_before(ep) if same_child is None else same_child
    prev_rec, prev_dec = ep["REC"].shift(), ep["DEC"].shift()
    ceased = prev_rec.notna() & (prev_rec != "X1")
    gap = prev_rec.isna() & (prev_dec.isna() | (ep["DECOM"] > prev_dec))
    return ~same_child | ceased | gap | (care_starts(ep, same_child) if starts is None else starts)


CEASED_NOT_S_RULE = ("the previous episode ended with a reason other than X1 (the child ceased to be looked after) "
                     "but RNE is not S (DfE validation rule 432): a new period of care starts here")
X1_BUT_S_RULE = ("RNE is S but the previous episode ended X1 (care continued): a new period of care starts here "
                 "(counted as a start, as the DfE counts RNE S), with no leaving before it")


def period_code_checks(episodes: pd.DataFrame) -> pd.DataFrame:
    """DQ rows (reported only) where an episode's RNE disagrees with how the previous one ended; ``episodes`` is
    the validated table (any order). Short-break episodes (V3/V4) are not counted, so they are not checked."""
    ep = episodes.sort_values(["CHILD", "DECOM"], kind="stable")
    ep = ep[~ep["LS"].isin(SHORT_BREAKS)]
    same_child = ep["CHILD"].eq(ep["CHILD"].shift())
    prev_rec = ep["REC"].shift().where(same_child)
    ceased_not_s = prev_rec.notna() & (prev_rec != "X1") & (ep["RNE"] != "S")
    x1_but_s = (prev_rec == "X1") & (ep["RNE"] == "S")
    found = [dq_rows(ep, ceased_not_s, "RNE", CEASED_NOT_S_RULE, NOTED), dq_rows(ep, x1_but_s, "RNE", X1_BUT_S_RULE, NOTED)]
    found = [f for f in found if len(f)]
    return pd.concat(found, ignore_index=True) if found else dq_empty()


class Extract:
    """An authority's validated extract plus derived views. Build with :func:`cicanalysis.load` (or, in tests,
    :meth:`from_frames`); once built it is not changed: :meth:`replace` gives a copy with other checks or
    notices, sharing the tables and the derived views already worked out."""

    def __init__(self, loaded: Loaded, authority_dir=None, source: str = "", authority_name: str | None = None,
                 load_options: dict | None = None):
        self.tables = loaded.tables
        self.dq = loaded.dq
        self.sources = loaded.sources
        self.present = loaded.present            # the columns each table had in the files (or derived)
        self.geography = loaded.geography        # PL_DISTANCE/DISTRICT from the postcodes: what was found
        self.return_years = loaded.return_years
        self.extract_date = loaded.extract_date
        self.extract_date_rule = loaded.extract_date_rule
        self.source = source
        self.authority_dir = authority_dir
        self.authority = reference.authority(authority_dir)
        if authority_name:
            self.authority.update(name=authority_name, short_name=authority_name)
        self.teams = reference.teams(authority_dir)
        self.notices: list[str] = list(loaded.notices)   # one line each, shown at the top of every report
        self.load_options: dict = dict(load_options or {})  # la, extract_date, authority_name given to load()
        self.cache: dict = {}  # per-extract results reused across periods (see scorecard.values)

    def replace(self, **fields) -> "Extract":
        """A copy with ``fields`` (``dq``, ``notices``, ``source``) replaced; tables, derived views and the
        per-extract cache are shared, not recomputed."""
        unknown = set(fields) - {"dq", "notices", "source"}
        if unknown:
            raise TypeError(f"Extract.replace: cannot replace {', '.join(sorted(unknown))}")
        other = copy.copy(self)
        other.__dict__.update(fields)
        return other

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame], authority_dir=None, extract_date=None,
                    authority_name: str | None = None) -> "Extract":
        """An extract from in-memory tables (the 903 tables by name, cells as text as a CSV holds them, dates
        dd/mm/YYYY), validated exactly as files are (:func:`cicanalysis.validate.schema.validate_frames`):
        for tests and notebooks that build a small extract by hand. No file is read or written, and no
        postcode lookup is made: give DISTRICT and PL_DISTANCE where a measure needs them."""
        from ..validate.schema import validate_frames
        from .build import build
        return build(validate_frames(frames, extract_date=extract_date), authority_dir=authority_dir,
                     source="in-memory extract", authority_name=authority_name)

    def __repr__(self) -> str:
        return (f"<Extract {self.source!r}: {self.tables['header'].shape[0]} children, "
                f"{self.tables['episodes'].shape[0]} episodes, extract date {self.extract_date:%d/%m/%Y}, "
                f"{len(self.dq)} data-quality rows>")

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    # ------------------------------------------------------------ dates
    def has_column(self, table: str, column: str) -> bool:
        """Whether the extract's files gave ``table`` the column (an absent optional column is blank throughout,
        so the measures that need it are not available rather than 0)."""
        return column in self.present.get(table, ())

    @cached_property
    def first_date(self) -> pd.Timestamp:
        return pd.Timestamp(self.tables["episodes"]["DECOM"].min())

    # ------------------------------------------------------------ derived views
    @cached_property
    def episodes(self) -> pd.DataFrame:
        """The episodes the measures count, sorted by child and start: short breaks (LS V3/V4) left out, each
        with PERIOD_ID (see :func:`period_starts`), BLA, STARTS_CARE and CEASES_CARE (the DfE's starters and
        leavers: :func:`care_starts`, :func:`care_ceases`), DOB, TEAM, DISTRICT_NAME, AREA, PLACEMENT_ID and
        CHILD_CODE (the child's code, :meth:`child_codes`: 0, 1, 2 ... in the episodes' order)."""
        ep = by_child_and_start(self.tables["episodes"])
        same_child = same_child_as_before(ep)          # the strings compared once
        ep["STARTS_CARE"], ep["CEASES_CARE"] = care_starts(ep, same_child), care_ceases(ep)
        new_period = period_starts(ep, same_child, ep["STARTS_CARE"])
        child_run = (~same_child).cumsum().to_numpy()  # a number per child, in the sorted order
        counted = ~ep["LS"].isin(SHORT_BREAKS)
        ep, new_period = ep[counted].reset_index(drop=True), new_period[counted].reset_index(drop=True)
        child_run = child_run[counted.to_numpy()]
        ep["PERIOD_ID"] = new_period.cumsum()
        ep["BLA"] = ep.groupby("PERIOD_ID")["DECOM"].transform("min")
        ep["DOB"] = ep["CHILD"].map(self.tables["header"].set_index("CHILD")["DOB"])
        units = self._unit_table()
        # each distinct DISTRICT value (a few dozen) looked up once and spread back over the episodes
        codes, distinct = pd.factorize(ep["DISTRICT"].fillna(""))
        district = pd.Series(distinct).astype(str).str.strip()
        for col, unit in (("TEAM", "TEAM"), ("DISTRICT_NAME", "DISTRICT"), ("AREA", "AREA")):
            per_value = district.map(units[unit]).fillna(UNKNOWN).mask(district.eq(""), NO_DISTRICT)
            ep[col] = per_value.iloc[codes].set_axis(ep.index)
        new_pl = ep["RNE"].isin(NEW_PLACEMENT_RNE) | new_period
        ep["PLACEMENT_ID"] = new_pl.cumsum()
        ep["CHILD_CODE"] = np.cumsum(np.diff(child_run, prepend=-1) != 0, dtype=np.int64) - 1
        return ep

    @cached_property
    def short_break_children(self) -> pd.Index:
        """Children with short-break (V3/V4) episodes and no other: left out of every count."""
        ep = self.tables["episodes"]
        on_breaks = set(ep.loc[ep["LS"].isin(SHORT_BREAKS), "CHILD"])
        return pd.Index(sorted(on_breaks - set(ep.loc[~ep["LS"].isin(SHORT_BREAKS), "CHILD"])))

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
        """CHILD, PERIOD_ID, BLA, END (NaT while open), REC of the last episode, EPISODES; STARTED: the period began
        with a start the DfE counts (RNE S, or after short breaks); CEASED: it ended with a leaving the DfE counts
        (REC other than X1; a period that ends X1, e.g. into short breaks, ends without one); CHILD_CODE."""
        ep = self.episodes
        g = ep.groupby("PERIOD_ID", sort=False)
        out = g.agg(CHILD=("CHILD", "first"), BLA=("DECOM", "min"), EPISODES=("DECOM", "size"),
                    STARTED=("STARTS_CARE", "first"))
        last = ep.loc[g["DECOM"].idxmax()].set_index("PERIOD_ID")
        out["END"] = last["DEC"]
        out["REC"] = last["REC"]
        out["CEASED"] = last["CEASES_CARE"]
        out["CHILD_CODE"] = g["CHILD_CODE"].first()
        return out.reset_index()

    @cached_property
    def placements(self) -> pd.DataFrame:
        """CHILD, PLACEMENT_ID, PERIOD_ID, BLA, START, END, PLACE (latest type), PLACE_PROVIDER, PL_DISTANCE,
        CHILD_CODE."""
        ep = self.episodes
        g = ep.groupby("PLACEMENT_ID", sort=False)
        out = g.agg(CHILD=("CHILD", "first"), PERIOD_ID=("PERIOD_ID", "first"), BLA=("BLA", "first"),
                    START=("DECOM", "min"), FIRST_PLACE=("PLACE", "first"))
        last = ep.loc[g["DECOM"].idxmax()].set_index("PLACEMENT_ID")
        for c in ("DEC", "PLACE", "PLACE_PROVIDER", "PL_DISTANCE"):
            out[c if c != "DEC" else "END"] = last[c]
        out["CHILD_CODE"] = g["CHILD_CODE"].first()
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
        """Episodes open on ``date`` (DECOM ≤ date and DEC blank or after date): one row per child, the child's
        last such episode. Kept per date (several indicators ask for the same date); each caller gets its own
        shallow copy (columns added to it do not reach the others)."""
        d = pd.Timestamp(date)
        key = ("in_care_on", d)
        if key not in self.cache:
            self.cache[key] = self.episodes.iloc[self.in_care_rows(d)]
        return self.cache[key].copy(deep=False)

    def in_care_rows(self, date) -> np.ndarray:
        """The rows of ``episodes`` that :meth:`in_care_on` gives, in its order (kept per date)."""
        key = ("in_care_rows", pd.Timestamp(date))
        if key not in self.cache:
            self.cache[key] = self._open_rows(pd.Timestamp(date))
        return self.cache[key]

    @cached_property
    def _episode_spans(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(CHILD_CODE, DECOM, DEC with a blank DEC as the latest date) of ``episodes`` as plain arrays, built once
        for the interval tests of :meth:`_open_rows`."""
        ep = self.episodes
        dec = ep["DEC"].to_numpy().astype("datetime64[ns]")
        dec = np.where(np.isnat(dec), np.datetime64(pd.Timestamp.max, "ns"), dec)
        return ep["CHILD_CODE"].to_numpy(), ep["DECOM"].to_numpy().astype("datetime64[ns]"), dec

    def _open_rows(self, date: pd.Timestamp) -> np.ndarray:
        """Rows of ``episodes`` open on ``date`` (DECOM ≤ date < DEC, a blank DEC open), the last of each child: a
        vectorised interval test; the episodes are sorted by child, so a child's rows are next to each other."""
        code, decom, dec = self._episode_spans
        d = np.datetime64(date, "ns")
        rows = np.flatnonzero((decom <= d) & (dec > d))
        last = np.append(code[rows][1:] != code[rows][:-1], True) if len(rows) else np.zeros(0, dtype=bool)
        return rows[last]

    def in_care_during(self, start, end) -> pd.DataFrame:
        """CHILD and CHILD_CODE of the children looked after at any time from ``start`` to ``end`` (an episode with
        DECOM ≤ end and DEC blank or ≥ start), each once: the row of the child's first such episode."""
        code, decom, dec = self._episode_spans
        rows = np.flatnonzero((decom <= np.datetime64(pd.Timestamp(end), "ns"))
                              & (dec >= np.datetime64(pd.Timestamp(start), "ns")))
        first = np.diff(code[rows], prepend=-1) != 0
        return self.episodes[["CHILD", "CHILD_CODE"]].iloc[rows[first]]

    def placements_between(self, start, end) -> np.ndarray:
        """By child code: how many placements each child had at any time from ``start`` to ``end`` (START ≤ end and
        END blank or after start), counted with one ``bincount`` (the extra last slot: code -1, always 0)."""
        code, begun, ended = self._placement_spans
        overlapping = (begun <= np.datetime64(pd.Timestamp(end), "ns")) & (ended > np.datetime64(pd.Timestamp(start), "ns"))
        return np.bincount(code[overlapping], minlength=len(self._children) + 1)

    @cached_property
    def _placement_spans(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(CHILD_CODE, START, END with a blank END as the latest date) of ``placements`` as arrays."""
        pl = self.placements
        end = pl["END"].to_numpy().astype("datetime64[ns]")
        end = np.where(np.isnat(end), np.datetime64(pd.Timestamp.max, "ns"), end)
        return pl["CHILD_CODE"].to_numpy(), pl["START"].to_numpy().astype("datetime64[ns]"), end

    def count_by_code(self, codes: np.ndarray) -> np.ndarray:
        """How many times each child code appears in ``codes``, as an array indexed by code (one slot per child
        and the extra last one for code -1, left 0: a child the extract does not know is never counted)."""
        codes = np.asarray(codes)
        return np.bincount(codes[codes >= 0], minlength=len(self._children) + 1)

    def codes_of(self, table: str) -> np.ndarray:
        """The child code (:meth:`child_codes`) of every row of ``self[table]``, looked up once per table."""
        key = ("codes_of", table)
        if key not in self.cache:
            self.cache[key] = self.child_codes(self.tables[table]["CHILD"])
        return self.cache[key]

    # Array lookups by child. Every child of the episodes (in the episodes' order), then the other children
    # of the UASC list, has a code: its position in ``_children``; a child in neither has -1. Arrays indexed
    # by code carry one extra last slot, so that code -1 reads "not known" without a mask.
    @cached_property
    def _children(self) -> pd.Index:
        ep = self.episodes        # each child's first row: CHILD_CODE is the position in this list
        in_episodes = ep["CHILD"].to_numpy(dtype=object)[np.flatnonzero(np.diff(ep["CHILD_CODE"].to_numpy(), prepend=-1))]
        others = self._uasc_duc.index.difference(pd.Index(in_episodes))
        return pd.Index(np.concatenate([in_episodes, np.asarray(others, dtype=object)]), dtype=object)

    def child_codes(self, children) -> np.ndarray:
        """Each child's code (its position in the extract's list of children), -1 for a child not in it."""
        return self._children.get_indexer(np.asarray(children, dtype=object))

    @staticmethod
    def _datetimes(dates, n: int) -> np.ndarray:
        """Dates (one for all ``n`` rows, or one per row) as a datetime64[ns] array of length ``n``."""
        if np.isscalar(dates) or isinstance(dates, pd.Timestamp):
            return np.full(n, np.datetime64(pd.Timestamp(dates), "ns"))
        if np.asarray(dates).dtype.kind == "M":    # already dates: only the unit changes
            return np.asarray(dates).astype("datetime64[ns]")
        return pd.to_datetime(pd.Series(dates).to_numpy()).to_numpy().astype("datetime64[ns]")

    @classmethod
    def _days(cls, dates, n: int, default) -> np.ndarray:
        """Dates (one, or one per row) as integer days; blanks are ``default``."""
        when = cls._datetimes(dates, n)
        when = np.where(np.isnat(when), np.datetime64(pd.Timestamp(default), "ns"), when)
        return when.astype("datetime64[D]").astype(np.int64)

    def uasc_on(self, children: pd.Series, dates, codes: np.ndarray | None = None) -> pd.Series:
        """True where the child is UASC on the date: listed in ``uasc`` and the date is before its DUC.
        ``codes``: the children's :meth:`child_codes`, when the caller has them already."""
        code = self.child_codes(children) if codes is None else codes
        return pd.Series(self.uasc_of_codes(code, dates), index=children.index)

    def uasc_of_codes(self, code: np.ndarray, dates) -> np.ndarray:
        """:meth:`uasc_on` by child code, as an array."""
        listed, until = self._uasc_by_code
        duc, d = until[code], self._datetimes(dates, len(code))
        return listed[code] & (np.isnat(duc) | (duc > d))

    @cached_property
    def _uasc_duc(self) -> pd.Series:
        spells = self._uasc_spells.set_index("CHILD")["DUC"]
        return spells[~spells.index.duplicated(keep="last")]

    @cached_property
    def _uasc_by_code(self) -> tuple[np.ndarray, np.ndarray]:
        """(listed as UASC, the DUC or NaT) by child code."""
        duc = self._uasc_duc
        listed = np.zeros(len(self._children) + 1, dtype=bool)
        until = np.full(len(self._children) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
        at = self._children.get_indexer(np.asarray(duc.index, dtype=object))
        listed[at] = True
        until[at] = duc.to_numpy().astype("datetime64[ns]")
        return listed, until

    def age_on(self, children: pd.Series, dates, codes: np.ndarray | None = None) -> pd.Series:
        """Age in whole years on the date (NaN when the DOB or the date is unknown): the years between, less one when the
        birthday is still to come in the date's year. ``codes`` as for :meth:`uasc_on`."""
        code = self.child_codes(children) if codes is None else codes
        dob = self._dob_by_code[code]
        unknown = code < 0           # a child outside the episodes and the UASC list: the header's DOB
        if unknown.any():
            header = self.tables["header"].set_index("CHILD")["DOB"]
            dob[unknown] = children[unknown].map(header).to_numpy().astype("datetime64[ns]")
        if isinstance(dates, pd.Series):       # aligned by label, as a Series is
            dates = dates.reindex(children.index)
        on = self._datetimes(dates, len(code))
        if unknown.any() or not (np.isscalar(dates) or isinstance(dates, pd.Timestamp)):
            age = whole_years(dob, on)
        else:     # one date, children the extract knows: their DOBs' calendar parts kept, the date's worked out once
            age = whole_years(tuple(p[code] for p in self._dob_parts), year_month_day(on[:1]))
        known = ~np.isnat(dob) & ~np.isnat(on)
        if known.all():
            return pd.Series(age, index=children.index)
        return pd.Series(np.where(known, age, np.nan), index=children.index)

    @cached_property
    def _dob_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:func:`year_month_day` of ``_dob_by_code``, worked out once (the calendar arithmetic is the cost of an age)."""
        return year_month_day(self._dob_by_code)

    @cached_property
    def _dob_by_code(self) -> np.ndarray:
        """The header's DOB of each child, by child code (NaT when none; the extra last slot for code -1)."""
        header = self.tables["header"].set_index("CHILD")["DOB"]
        dob = pd.Series(self._children).map(header).to_numpy().astype("datetime64[ns]")
        return np.append(dob, np.datetime64("NaT", "ns"))

    def _rows_as_of(self, code: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Row in ``episodes`` of each child's latest episode starting on or before the day (-1 when none):
        one binary search over a sorted child-then-day key."""
        keys, rows = self._episodes_by_child_and_day
        if not len(rows):
            return np.full(len(code), -1)
        at = np.searchsorted(keys, self._as_of_key(code, days), side="right") - 1
        found = (code >= 0) & (at >= 0)
        found[found] &= keys[at[found]] // _DAY_SPAN == code[found]    # ... of the same child
        return np.where(found, rows[np.where(found, at, 0)], -1)

    def episode_as_of(self, children: pd.Series, dates, columns) -> pd.DataFrame:
        """``columns`` of each child's latest episode starting on or before each date (NaN when none),
        aligned with ``children``. A blank date is taken as the extract date."""
        if not len(self.episodes):
            return pd.DataFrame(np.nan, index=children.index, columns=list(columns))
        row = self._rows_as_of(self.child_codes(children), self._days(dates, len(children), self.extract_date))
        found = row >= 0
        picked = self.episodes[list(columns)].iloc[np.where(found, row, 0)].set_axis(children.index)
        return picked.where(pd.Series(found, index=children.index), axis=0)

    @staticmethod
    def _as_of_key(code: np.ndarray, days: np.ndarray) -> np.ndarray:
        return code.astype(np.int64) * _DAY_SPAN + (days + _DAY_OFFSET)

    @cached_property
    def _episodes_by_child_and_day(self) -> tuple[np.ndarray, np.ndarray]:
        """(a sorted integer key per episode: child code then DECOM day, the episode's row for each key): built
        once, so that each as-of lookup is one binary search instead of a merge."""
        ep = self.episodes
        days = ep["DECOM"].to_numpy().astype("datetime64[D]").astype(np.int64)
        keys = self._as_of_key(self.child_codes(ep["CHILD"]), days)
        rows = np.argsort(keys, kind="stable")      # ties keep the episodes' order, the later one wins
        return keys[rows], rows

    @cached_property
    def _unit_codes(self) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For TEAM, DISTRICT_NAME and AREA: (each episode's code, -1 when blank; the names; each child's code
        from its first episode, by child code)."""
        ep = self.episodes
        children, first = np.unique(self.child_codes(ep["CHILD"]), return_index=True)
        out = {}
        allocated = self.tables["allocations"]["TEAM"].astype(str).str.strip().to_numpy(dtype=object) \
            if "allocations" in self.tables else np.array([], dtype=object)
        for col in UNIT_COLUMNS:   # a team named only in allocations.csv has a code too (after the episodes')
            codes, names = pd.factorize(np.concatenate([ep[col].to_numpy(dtype=object),
                                                        allocated if col == "TEAM" else allocated[:0]]))
            codes = codes[:len(ep)]
            by_child = np.full(len(self._children) + 1, -1)
            by_child[children] = codes[first]
            out[col] = (codes, np.asarray(names, dtype=object), by_child)
        return out

    @cached_property
    def _allocations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """allocations.csv by child code then START day: (the sorted keys, each END day, each TEAM's code)."""
        a = self.tables.get("allocations")
        if a is None or a.empty:
            return np.array([], dtype=np.int64), np.array([], dtype=np.int64), np.array([], dtype=np.int64)
        code = self.child_codes(a["CHILD"])
        _, names, _ = self._unit_codes["TEAM"]
        team = pd.Index(names).get_indexer(a["TEAM"].astype(str).str.strip().to_numpy(dtype=object))
        start = a["START"].to_numpy().astype("datetime64[D]").astype(np.int64)
        end = self._days(a["END"], len(a), pd.Timestamp.max.normalize())
        keep = code >= 0
        keys = self._as_of_key(code[keep], start[keep])
        order = np.argsort(keys, kind="stable")
        return keys[order], end[keep][order], team[keep][order]

    def _allocated_team(self, code: np.ndarray, days: np.ndarray, team: np.ndarray) -> np.ndarray:
        """``team`` (codes) with the team of the child's allocation on the day where there is one (SPEC 2.3a): the
        latest allocation starting on or before the day, if it has not ended before it."""
        keys, end, allocated = self._allocations
        if not len(keys):
            return team
        at = np.searchsorted(keys, self._as_of_key(code, days), side="right") - 1
        safe = np.where(at >= 0, at, 0)
        found = (code >= 0) & (at >= 0) & (keys[safe] // _DAY_SPAN == code) & (end[safe] >= days)
        return np.where(found, allocated[safe], team)

    def _unit_code_at(self, col: str, row: np.ndarray, code: np.ndarray) -> np.ndarray:
        """The unit of episode ``row`` (the child's first episode's when there is none or it is blank)."""
        codes, _, by_child = self._unit_codes[col]
        at = np.where(row >= 0, codes[row], -1)
        return np.where(at >= 0, at, by_child[code])

    def unit_codes(self, children: pd.Series, dates, codes: np.ndarray | None = None
                   ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """TEAM, DISTRICT_NAME, AREA of each child on each date as (codes, names): ``names[codes]`` is the
        unit, code -1 unknown. From the latest episode starting on or before the date, else the child's first
        episode. The fast form of :meth:`units_of` for counting by unit. ``codes`` as for :meth:`uasc_on`."""
        code = self.child_codes(children) if codes is None else codes
        when = self._datetimes(dates, len(code))
        days = self._days(when, len(code), self.extract_date)
        row = self._rows_as_of(code, days)
        found = {col: self._unit_code_at(col, row, code) for col in UNIT_COLUMNS}
        found["TEAM"] = self._allocated_team(code, days, found["TEAM"])
        return {col: (codes, self._unit_codes[col][1]) for col, codes in found.items()}

    def units_of(self, children: pd.Series, dates) -> pd.DataFrame:
        """TEAM, DISTRICT, AREA of each child on each date: from the latest episode starting on or before
        the date (else the child's first episode), the team from allocations.csv where the child is allocated on
        the date; "No district" for a blank district, "Unknown" when neither is known."""
        found = self.unit_codes(children, dates)
        return pd.DataFrame({("DISTRICT" if col == "DISTRICT_NAME" else col): np.append(names, UNKNOWN)[codes]
                             for col, (codes, names) in found.items()}, index=children.index)
