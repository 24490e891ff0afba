"""One report's context: the extract, the period, whether small numbers are suppressed, the source line and the
authority, carried once instead of being passed to every table. A notebook makes one in its load cell:

    report = Report(x, p, "adoption_journey", suppress=suppress_small, source=source, handover=handover)
    report.section("Summary", "What the section shows.")   # a heading (h2): the section of the tables below it
    report.table(frame, caption="...")        # an officers' table, small counts suppressed when publishing
    report.figures(publish.adoption_figures(...))
    report.hand_over()                        # the last cell: the tables and figures for tables.xlsx and figures.csv

Every table and figure of a report goes through it, so suppression is decided in one place (SPEC 8), and the
report hands its sections, tables and figures to :mod:`cicanalysis.reports.publish` explicitly, as data written
to the file the run names (the ``handover`` notebook parameter): nothing is read back from the executed notebook.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

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
    handover: str = ""         # where the run wants the tables and figures (publish.handover_path); "" in JupyterLab
    handed: dict = field(default_factory=lambda: {"section": "", "tables": [], "figures": []}, repr=False,
                         compare=False)  # what the report has shown so far, for hand_over()

    @property
    def authority(self) -> str:
        return self.x.authority["name"]

    def section(self, title: str, intro: str = "") -> Markdown:
        """A section heading (h2) with its introduction; the tables shown after it belong to it."""
        self.handed["section"] = title
        return Markdown(f"## {title}" + (f"\n{intro}" if intro else ""))

    def show(self, table):
        """Record a table for the period's workbook (when it is one to export) and return it for display."""
        if getattr(table, "exported", False):
            exported = table.export()
            names = [self.x.authority.get(k, "") for k in ("name", "short_name", "la_name")]
            self.handed["tables"].append({**exported, "section": self.handed["section"],
                                          "id": publish.table_id(self.name, exported["caption"] or self.handed["section"],
                                                                 names)})
        return table

    def table(self, frame: pd.DataFrame, caption: str = "", **kw):
        """An officers' table (:func:`charts.plain_table`) with this report's suppression."""
        return self.show(charts.plain_table(frame, caption=caption, suppress=self.suppress, **kw))

    def figures(self, frame: pd.DataFrame) -> None:
        """The report's tidy figures for figures.csv and tables.xlsx, suppressed as its tables are. Nothing is
        shown in the report."""
        self.handed["figures"] += publish.Figures(frame, suppress=self.suppress).rows()

    def hand_over(self) -> None:
        """Write the report's tables and figures to ``handover`` (when the run gave one)."""
        if self.handover:
            publish.write_handover(Path(self.handover), self.handed["tables"], self.handed["figures"])

    def distribution_chart(self, d: dict):
        return charts.distribution_chart(d, self.source, self.period, suppress=self.suppress)

    def distribution_table(self, d: dict):
        return self.show(charts.distribution_table(d, suppress=self.suppress))

    def unit_matrix(self, card: pd.DataFrame, level: str):
        """The scorecard's areas or teams side by side (:func:`charts.unit_matrix`); the workbook gets a row per
        indicator and unit, each figure in its own column (:func:`charts.scorecard_typed`)."""
        t = charts.unit_matrix(card, level, suppress=self.suppress)
        if not card[card["level"] == level].empty:
            t.typed = charts.scorecard_typed(card[card["level"] == level], self.suppress)
        return self.show(t)

    def comparison(self, indicators=None):
        """How the authority compares with the DfE's published statistics, as at the latest 31 March on or before
        the period (:func:`benchmarks.comparisons`): a table shown and handed over with its figures; a line
        saying there is none without an LA code."""
        from ..measures import benchmarks
        from .benchmark_text import comparison_table
        code = self.x.authority.get("la_code", "")
        up_to = self.period.year if self.period >= pd.Timestamp(self.period.year, 3, 31) else self.period.year - 1
        frame = benchmarks.comparisons(code, indicators, up_to=up_to) if code else pd.DataFrame()
        if frame.empty:
            return Markdown("No LA code (la_code in authority/authority.csv): the authority is compared with no "
                            "published figures.")
        self.figures(publish.comparison_figures(frame, self.name))
        la = self.x.authority
        return self.table(comparison_table(frame), caption=f"{la['la_name']} ({la['la_code']}) against England, its "
                          f"region and its statistical neighbours: the DfE's published figures, latest year on or "
                          f"before {self.period:%B %Y} and the four before", counts=())

    def notices(self) -> list[str]:
        """The notices this report shows (the extract's, a population year missing, local tables it lacks)."""
        return notices(self.x, self.period, self.name)



