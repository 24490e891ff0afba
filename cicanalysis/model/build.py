"""Building the Extract: the one place it is assembled, from validated tables (files read by
:func:`cicanalysis.load`, or frames given in memory to :meth:`Extract.from_frames`): the checks that need the
authority's teams, the Extract itself, then the checks that need its episodes as a whole (the adoption journeys,
the OC2 rows against the DfE's OC2 cohort).
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from ..config import reference
from ..core.dq import DQ_COLUMNS, EXCLUDED, NOTED, dq_rows
from ..validate.schema import Loaded
from .cohorts import oc2_cohort_checks
from .extract import SHORT_BREAKS, Extract, period_code_checks
from .journeys import consistency_checks


def build(loaded: Loaded, authority_dir=None, source: str = "", authority_name: str | None = None,
          load_options: dict | None = None) -> Extract:
    """The Extract of ``loaded`` with every load-time check's DQ rows, in the order they are made."""
    tables, config_dq = configuration_checks(loaded.tables, reference.teams(authority_dir))
    loaded = dataclasses.replace(loaded, tables=tables, dq=_concat(loaded.dq, config_dq))
    x = Extract(loaded, authority_dir=authority_dir, source=source, authority_name=authority_name,
                load_options=load_options)
    return x.replace(dq=_concat(x.dq, period_code_checks(x.tables["episodes"]), consistency_checks(x),
                                oc2_cohort_checks(x)),
                     notices=x.notices + short_break_notice(x))


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


