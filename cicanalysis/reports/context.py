"""One report's context: the extract, the period, whether small numbers are suppressed, the source line and the
authority, carried once instead of being passed to every table. A notebook makes one in its load cell:

    report = Report(x, p, "adoption_journey", suppress=suppress_small, source=source)
    report.table(frame, caption="...")        # an officers' table, small counts suppressed when publishing
    report.figures(publish.adoption_figures(...))

Every table and figure of a report goes through it, so suppression is decided in one place (SPEC 8).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..loading import notices
from ..model.extract import Extract
from . import charts, publish


@dataclass(frozen=True)
class Report:
    x: Extract
    period: pd.Timestamp
    name: str                  # the report's id (reports.specs.NOTEBOOKS): scorecard, adoption_journey, ...
    suppress: bool = False     # publishing: counts of 1-5 shown as <6 (suppress_small)
    source: str = ""           # the source line under each chart

    @property
    def authority(self) -> str:
        return self.x.authority["name"]

    def table(self, frame: pd.DataFrame, caption: str = "", **kw):
        """An officers' table (:func:`charts.plain_table`) with this report's suppression."""
        return charts.plain_table(frame, caption=caption, suppress=self.suppress, **kw)

    def figures(self, frame: pd.DataFrame) -> publish.Figures:
        """The report's tidy figures for figures.csv and tables.xlsx, suppressed as its tables are."""
        return publish.Figures(frame, suppress=self.suppress)

    def distribution_chart(self, d: dict):
        return charts.distribution_chart(d, self.source, self.period, suppress=self.suppress)

    def distribution_table(self, d: dict):
        return charts.distribution_table(d, suppress=self.suppress)

    def unit_matrix(self, card: pd.DataFrame, level: str):
        """The scorecard's areas or teams side by side (:func:`charts.unit_matrix`)."""
        return charts.unit_matrix(card, level, suppress=self.suppress)

    def notices(self) -> list[str]:
        """The notices this report shows (the extract's, a population year missing, local tables it lacks)."""
        return notices(self.x, self.period, self.name)
