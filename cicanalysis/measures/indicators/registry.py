"""The indicator registry: an indicator is one declared function.

A counting function ``fn(x, period, window) -> Cases`` (one entry per case: CHILD, NUM, DEN and optionally
DATE, see :func:`cicanalysis.measures.indicators.cases.cases`; a DataFrame with those columns is read too) is
declared with :func:`indicator`, directly above it, in the module of its group; a supplied indicator (SPEC 2.4:
figures typed in, no function) is declared with :func:`declare_supplied`. Everything about an indicator is in its
declaration: the display order (``order``), the annual return it comes from (``annual``), whether it is RAG-rated
(``rated``) and where its definition comes from (``definition_source``) and its counterpart in the DfE's published
figures (``published``, see :mod:`cicanalysis.measures.benchmarks`).

Units: ``%`` (100 x sum NUM / sum DEN), ``days`` and ``ratio`` (sum NUM / sum DEN, an average), ``count``
(sum NUM; an activity indicator, never RAG-rated), ``per 10,000`` (sum NUM per 10,000 children aged 0-17,
county only).

The package's indicators are in :data:`REGISTRY`; a test can make its own ``Registry()``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...core.errors import CicError

POLARITIES = ("H", "L", "T")                       # higher is better, lower is better, closest to target
MEASURE_TYPES = ("SS", "YTD", "R12M", "R36M", "Q")  # snapshot, year to date, rolling 12 / 36 months, quarter
UNITS = ("%", "days", "ratio", "count", "per 10,000")
UASC_RULES = ("include", "exclude", "only")       # include follows the scorecard's UASC switch
ANNUAL_RETURNS = ("", "OC2", "OC3")
SOURCES = ("SSDA903", "supplied")


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    polarity: str                 # H higher is better, L lower is better, T closest to target
    measure_type: str             # SS snapshot, YTD, R12M, R36M (3 years), Q (quarter)
    unit: str                     # %, days, ratio, count, per 10,000
    numerator: str                # plain-English counting rules, shown in the reports
    denominator: str
    count: Callable | None = None  # the counting function; None for supplied indicators
    source: str = "SSDA903"       # or "supplied"
    uasc: str = "include"         # include (follows the scorecard's UASC switch), exclude, only
    group: str = ""
    needs: tuple[str, ...] = ()   # "table.COLUMN"s beyond header and episodes: without them, not available
    annual: str = ""              # the annual return it comes from ('OC2', 'OC3'); '' when it can change monthly
    order: int = 0                # display order (the scorecard, the catalogue table)
    rated: bool = True            # False: never given a target (shown unrated)
    on_scorecard: bool = True     # False: used by other reports (the sufficiency strategy) only
    definition_source: str = ""   # where the definition comes from (a DfE publication, or "Local measure: ...")
    published: str | None = None  # its id in the DfE's published figures (data/reference/published/figures.csv);
    #                               None: its own id when figures.csv has it (see measures/benchmarks.py)

    @property
    def activity(self) -> bool:
        return self.unit == "count"


def _check(ind: Indicator) -> None:
    """Refuse a declaration with a value outside its field's list (a typo would otherwise be silent)."""
    allowed = {"polarity": POLARITIES, "measure_type": MEASURE_TYPES, "unit": UNITS, "uasc": UASC_RULES,
               "annual": ANNUAL_RETURNS, "source": SOURCES}
    for name, values in allowed.items():
        value = getattr(ind, name)
        if value not in values:
            raise CicError(f"indicator {ind.id!r}: unknown {name} {value!r}; known: {', '.join(map(repr, values))}",
                           rule="indicator declaration")
    if (ind.count is None) != (ind.source == "supplied"):
        raise CicError(f"indicator {ind.id!r}: a supplied indicator has no counting function, any other has one",
                       rule="indicator declaration")
    if not ind.id or not ind.title:
        raise CicError("an indicator needs an id and a title", rule="indicator declaration")


class Registry:
    """Indicators by id; :meth:`all` in display order."""

    def __init__(self) -> None:
        self._by_id: dict[str, Indicator] = {}

    def add(self, ind: Indicator) -> Indicator:
        _check(ind)
        if ind.id in self._by_id:
            raise CicError(f"indicator {ind.id!r} is declared twice", rule="indicator id unique")
        taken = {i.order: i.id for i in self._by_id.values()}
        if ind.order in taken:
            raise CicError(f"indicator {ind.id!r}: order {ind.order} is already {taken[ind.order]!r}'s",
                           rule="indicator order unique")
        self._by_id[ind.id] = ind
        return ind

    def indicator(self, **declaration) -> Callable[[Callable], Callable]:
        """Decorator: register the decorated counting function as the indicator declared (keywords of
        :class:`Indicator` except ``count`` and ``source``). The function is returned unchanged, so one
        function can carry several declarations (e.g. the same count over 12 months and 3 years)."""
        def register(fn: Callable) -> Callable:
            self.add(Indicator(count=fn, **declaration))
            return fn
        return register

    def declare_supplied(self, **declaration) -> Indicator:
        """Register a supplied indicator: its figures come from ``supplied_indicators.csv``, no function."""
        return self.add(Indicator(source="supplied", **declaration))

    def all(self) -> list[Indicator]:
        return sorted(self._by_id.values(), key=lambda i: i.order)

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)


REGISTRY = Registry()
indicator = REGISTRY.indicator
declare_supplied = REGISTRY.declare_supplied
