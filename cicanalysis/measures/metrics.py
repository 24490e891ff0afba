"""The indicator catalogue, built from the registry (:mod:`cicanalysis.measures.indicators`).

An indicator is one declared function: to add one, write its counting function in the module of its group
under ``measures/indicators/`` with an ``@indicator(...)`` declaration directly above it (a supplied indicator:
``declare_supplied(...)``), give it its place in the display order (``order``), and either its target rows
(``data/reference/targets.csv``, or the authority's own ``targets.csv``) or ``rated=False``.
``tests/test_indicator_registry.py`` checks each of these.

``CATALOGUE`` is the scorecard's indicators in display order; ``EXTRA`` those only other reports use (the
sufficiency strategy); ``BY_ID`` both by id.
"""
from __future__ import annotations

import pandas as pd

from ..core.errors import CicError
from ..model.extract import Extract
from .indicators import REGISTRY
from .indicators.registry import Indicator

__all__ = ["Indicator", "CATALOGUE", "EXTRA", "BY_ID", "get", "missing_inputs", "unavailable", "catalogue_table"]

CATALOGUE: list[Indicator] = [i for i in REGISTRY.all() if i.on_scorecard]
EXTRA: list[Indicator] = [i for i in REGISTRY.all() if not i.on_scorecard]
BY_ID = {i.id: i for i in CATALOGUE + EXTRA}


def get(indicator_id: str) -> Indicator:
    try:
        return BY_ID[indicator_id]
    except KeyError:
        raise CicError(f"unknown indicator {indicator_id!r}; known: {', '.join(BY_ID)}") from None


def missing_inputs(x: Extract, ind: Indicator) -> list[str]:
    """The ``needs`` of an indicator that the extract's files did not have (a table absent counts too)."""
    return [n for n in ind.needs if not x.has_column(*n.split("."))]


def unavailable(x: Extract) -> dict[tuple[str, ...], list[str]]:
    """{the missing inputs: titles of the indicators they make not available}, for the reports' notices."""
    out: dict[tuple[str, ...], list[str]] = {}
    for ind in CATALOGUE:
        missing = missing_inputs(x, ind)
        if missing:
            out.setdefault(tuple(missing), []).append(ind.title)
    return out


def catalogue_table() -> pd.DataFrame:
    """The catalogue as a table an analyst can read (and the notebooks show)."""
    return pd.DataFrame([{"indicator": i.id, "title": i.title, "polarity": i.polarity,
                          "measure_type": i.measure_type, "unit": i.unit, "numerator": i.numerator,
                          "denominator": i.denominator, "source": i.source, "uasc": i.uasc,
                          "definition": i.definition_source} for i in CATALOGUE])
