"""Building the Extract: the one place it is assembled, from validated tables (files read by
:func:`cicanalysis.load`, or frames given in memory to :meth:`Extract.from_frames`): the checks that need the
authority's teams, the Extract itself, then the checks that need its episodes as a whole (the adoption journeys,
worked out for the children they concern only; the OC2 rows against the DfE's OC2 cohort).
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from ..config import reference
from ..core.dq import DQ_COLUMNS, EXCLUDED, NOTED, dq_rows
from ..validate.schema import Loaded
from .cohorts import oc2_cohort_checks
from .extract import ADOPTED_REC, ADOPTION_PLACEMENTS, SHORT_BREAKS, Extract, period_code_checks
from .journeys import consistency_checks


def build(loaded: Loaded, authority_dir=None, source: str = "", authority_name: str | None = None,
          load_options: dict | None = None) -> Extract:
    """The Extract of ``loaded`` with every load-time check's DQ rows, in the order they are made."""
    tables, config_dq = configuration_checks(loaded.tables, reference.teams(authority_dir))
    loaded = dataclasses.replace(loaded, tables=tables, dq=_concat(loaded.dq, config_dq))
    x = Extract(loaded, authority_dir=authority_dir, source=source, authority_name=authority_name,
                load_options=load_options)
    return x.replace(dq=_concat(x.dq, period_code_checks(x.tables["episodes"]), adoption_checks(loaded, authority_dir),
                                oc2_cohort_checks(x)),
                     notices=x.notices + short_break_notice(x))


ADOPTION_TABLES = ("placed_for_adoption", "ad1", "adoption_tracking")


def adoption_checks(loaded: Loaded, authority_dir=None) -> pd.DataFrame:
    """The adoption journeys' load-time checks (:func:`consistency_checks`: dates out of order) on an Extract of the
    children they concern only: those with a row in placed_for_adoption, ad1 or adoption_tracking, or an episode
    with a placement order (LS E1), an adoptive placement (A3-A6) or an adoption (REC E11/E12). Every journey is
    one of theirs and a journey reads only its own child's rows, so the DQ rows (and their order, by child) are
    those of the whole extract; the extract's own journeys and derived views are built when a report asks."""
    t = loaded.tables
    ep = t["episodes"]
    concerned = ep["LS"].eq("E1") | ep["PLACE"].isin(ADOPTION_PLACEMENTS) | ep["REC"].isin(ADOPTED_REC)
    children = set(ep.loc[concerned, "CHILD"].dropna())
    for name in ADOPTION_TABLES:
        children |= set(t[name]["CHILD"].dropna())
    # (the header is kept whole: a child's DOB is looked up in it, and an empty lookup table has no dates)
    mine = {name: t[name][t[name]["CHILD"].isin(children)] for name in ("episodes",) + ADOPTION_TABLES}
    if mine["episodes"].empty:      # a journey is a period of care: none without episodes (as consistency_checks)
        return pd.DataFrame(columns=DQ_COLUMNS)
    sub = Extract(dataclasses.replace(loaded, tables=dict(t, **mine)), authority_dir=authority_dir)
    return consistency_checks(sub)


def short_break_notice(x: Extract) -> list[str]:
    """One line when the extract has short-break episodes (LS V3/V4), which no figure counts."""
    ep = x.tables["episodes"]
    breaks = ep["LS"].isin(SHORT_BREAKS)
    if not breaks.any():
        return []
    only = len(x.short_break_children)
    return [f"{int(breaks.sum()):,} short-break episodes (legal status V3/V4, an agreed series of short-term placements) "
            f"are left out of every figure, as in the DfE's statistics; {only:,} of the "
            f"{ep.loc[breaks, 'CHILD'].nunique():,} children they belong to were looked after only on short breaks."]


def _concat(*frames: pd.DataFrame) -> pd.DataFrame:
    kept = [f for f in frames if len(f)]
    return pd.concat(kept, ignore_index=True)[DQ_COLUMNS] if kept else frames[0]


def configuration_checks(tables: dict[str, pd.DataFrame], teams: pd.DataFrame
                         ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Rules that need the authority's teams: a supplied indicator for a team or area not in teams.csv is
    excluded (it would be a phantom unit); a DISTRICT value of episodes that teams.csv does not know is
    reported (its area and team are "Unknown"). Without teams.csv (county only) there is nothing to check.
    Returns the tables (supplied indicators without the excluded rows) and the DQ rows."""
    if teams.empty:
        return tables, pd.DataFrame(columns=DQ_COLUMNS)
    s = tables["supplied_indicators"]
    known = {"team": set(teams["TEAM"]), "area": set(teams["AREA"])}
    unknown = pd.Series([lv in known and u not in known[lv] for lv, u in zip(s["LEVEL"], s["UNIT_NAME"])],
                        index=s.index, dtype=bool)
    dq = [dq_rows(s, unknown, "UNIT_NAME", "team or area not in authority/teams.csv (row ignored)", EXCLUDED)]
    ep = tables["episodes"]
    values = set(teams["TEAM"]) | set(teams["DISTRICT"])
    stray = ep["DISTRICT"].notna() & ~ep["DISTRICT"].isin(values) & ~ep.duplicated(["CHILD", "DISTRICT"])
    dq.append(dq_rows(ep, stray, "DISTRICT", "DISTRICT not in authority/teams.csv (area and team Unknown)", NOTED))
    return (dict(tables, supplied_indicators=s[~unknown]),
            pd.concat([d for d in dq if len(d)] or [pd.DataFrame(columns=DQ_COLUMNS)], ignore_index=True))


