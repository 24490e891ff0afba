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

    @staticmethod
    def flow(appendix_pages: bool = False):
        """A marker (nothing shown) that lets the printed report's sections follow one another instead of each
        starting a page, so a short section shares its page (issue 25's page budget; the print styles in
        :mod:`cicanalysis.batch`). ``appendix_pages``: each appendix ("Appendix A: ...") still starts a page (the
        adoption reports); otherwise the appendices follow on too and the report is set compact (landscape
        scorecards in small type, charts at 86% of the page: the scorecard, the sufficiency report)."""
        from IPython.display import HTML
        return HTML(f'<div class="cic-flow{"" if appendix_pages else " cic-flow-through"}" hidden></div>')

    def appendix(self, letter: str, title: str, intro: str = "") -> Markdown:
        """An appendix's heading, "Appendix A: Trends against target"; the report's body is everything before the
        first. In print each starts a page only in a report marked ``flow(appendix_pages=True)``."""
        return self.section(f"Appendix {letter}: {title}", intro)

    def show(self, table):
        """Record a table for the period's workbook (when it is one to export) and return it for display."""
        if getattr(table, "exported", False):
            exported = table.export()
            names = [str(self.x.authority.get(k) or "") for k in ("name", "short_name", "la_name", "la_code")]
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

    def unit_matrix(self, card: pd.DataFrame, level: str, per_table: int = 7):
        """The scorecard's areas or teams side by side (:func:`charts.unit_matrix`); the workbook gets a row per
        indicator and unit, each figure in its own column (:func:`charts.scorecard_typed`)."""
        t = charts.unit_matrix(card, level, suppress=self.suppress, per_table=per_table)
        if not card[card["level"] == level].empty:
            t.typed = charts.scorecard_typed(card[card["level"] == level], self.suppress)
        return self.show(t)

    def comparison(self, indicators=None):
        """How the authority compares with the DfE's published statistics, as at the latest 31 March on or before
        the period (:func:`benchmarks.comparisons`): a table shown and handed over with its figures; a line
        saying there is none without an LA code."""
        from ..measures import benchmarks
        from .benchmark_text import comparison_table, with_published_figures
        code = self.x.authority.get("la_code", "")
        frame = benchmarks.comparisons(code, indicators, up_to=self.published_up_to) if code else pd.DataFrame()
        if frame.empty:
            return Markdown("The authority's DfE LA code is not set in its configuration: it is compared with no "
                            "published figures (no table, no charts).")
        la = self.x.authority
        compared = frame[frame["comparable"].astype(bool)]
        if len(compared) and ("year" not in compared or compared["year"].isna().all()):   # a period before the series
            from .benchmark_text import nothing_published_note
            return Markdown(nothing_published_note(la["la_name"], self.period, compared["published"]))
        self.figures(publish.comparison_figures(frame, self.name))
        shown, note = with_published_figures(frame)
        return self.table(comparison_table(shown), caption=f"{la['la_name']} ({la['la_code']}) against England, its "
                          f"region and its statistical neighbours: the DfE's published figures, latest year on or "
                          f"before {self.period:%B %Y} and the four before", counts=(), note=note)

    @property
    def published_up_to(self) -> int:
        """The latest year whose 31 March is on or before the period: published figures are compared up to it."""
        return self.period.year if self.period >= pd.Timestamp(self.period.year, 3, 31) else self.period.year - 1

    def comparison_charts(self, indicators) -> None:
        """Show, per indicator (a count as its published rate, :func:`benchmarks.compared_as`), the authority against
        England, its region and its neighbours over the published years beside its neighbour group ranked
        (:func:`charts.benchmark_chart`); a line instead when it is not like for like, one line naming those with
        nothing published yet, and one line for those with no published counterpart."""
        from IPython.display import display
        from ..measures import benchmarks
        from . import benchmark_text as T
        code = self.x.authority.get("la_code", "")
        if not code:        # :meth:`comparison` has said so, once
            return
        wanted = list(dict.fromkeys(benchmarks.compared_as(i) for i in indicators))
        found = {i: benchmarks.compare(i, code, up_to=self.published_up_to) for i in wanted}
        waiting = []            # nothing published yet: named together in one line after the charts
        for c in (c for c in found.values() if c is not None):
            if c.comparable and c.years and benchmarks.ranked_year(c):
                charts.show(charts.benchmark_chart(c, self.period))
            elif c.comparable:
                waiting.append((c, benchmarks.first_year(c.published)))
            else:
                display(Markdown(T.chart_note(c, self.period)))
        notes = [T.unpublished_note(waiting, self.period),
                 T.counts_as_rates_note([i for i in indicators if benchmarks.compared_as(i) != i]),
                 T.no_counterpart_note([i for i, c in found.items() if c is None])]
        display(Markdown("\n\n".join(n for n in notes if n)))

    def reconciliation(self):
        """On a 31 March with an LA code: the workbook's own figures at the period beside the DfE's published ones
        for the authority (:func:`benchmarks.reconcile`), shown and handed over; otherwise a line saying why not."""
        from ..measures import benchmarks
        from . import benchmark_text as T
        code = self.x.authority.get("la_code", "")
        if not code or (self.period.month, self.period.day) != (3, 31):
            return Markdown(T.reconciliation_absent(self.period, code))
        frame = benchmarks.reconcile(self.x, code, years=[self.period.year])
        la = self.x.authority
        return self.table(T.reconciliation_display(frame), caption=f"The workbook's figures at {self.period:%d/%m/%Y} "
                          f"beside the DfE's published figures for {la['la_name']} ({la['la_code']})", counts=(),
                          note=T.reconciliation_intro(frame, la, self.period))

    def notices(self) -> list[str]:
        """The notices this report shows (the extract's, a population year missing, local tables it lacks)."""
        return notices(self.x, self.period, self.name)



