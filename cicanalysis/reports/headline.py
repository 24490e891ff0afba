"""The headline block that opens every report: what changed since last month and since the outturn (RAG
band moves included), what is off target as a list, the forecasts' dates and thresholds, changes in
numbers and in per cent, and any notices about the data (``notices``: one line each, shown first).

Each builder returns a :class:`Headline`, which shows as HTML in a notebook and in the reports.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pandas as pd

from ..core import periods as P
from ..measures.adoption import forecast_check, threshold_check
from ..measures.scorecard import _period_of, band_changes, comparator_at
from . import adopters_text as A
from . import adoption_text as ad
from . import sufficiency_text as S
from .scorecard_text import band_change_line, data_start_notice, performance_summary, rate_comparison_words
from .formatting import change_words, format_value


@dataclass
class Headline:
    """Sentences, then titled lists; notices (about the data or the configuration) come first."""
    sentences: list[str] = field(default_factory=list)
    lists: list[tuple[str, list[str]]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @staticmethod
    def _inline(text: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))

    def _repr_html_(self) -> str:
        out = ['<div class="cic-headline">']
        if self.notices:
            out.append('<div class="cic-notices" role="note"><strong>Notices</strong><ul>'
                       + "".join(f"<li>{self._inline(n)}</li>" for n in self.notices) + "</ul></div>")
        out += [f"<p>{self._inline(s)}</p>" for s in self.sentences]
        for title, items in self.lists:
            out.append(f'<p class="cic-list-title"><strong>{self._inline(title)}</strong></p>')
            if items:
                out.append("<ul>" + "".join(f"<li>{self._inline(i)}</li>" for i in items) + "</ul>")
        out += [f'<p class="cic-note">{self._inline(n)}</p>' for n in self.notes]
        return "".join(out) + "</div>"

    def _repr_markdown_(self) -> str:
        parts = [f"**Notice:** {n}" for n in self.notices] + list(self.sentences)
        for title, items in self.lists:
            parts.append(f"**{title}**" + ("\n\n" + "\n".join(f"- {i}" for i in items) if items else ""))
        return "\n\n".join(parts + list(self.notes))

    def __str__(self) -> str:
        return re.sub(r"\*\*", "", self._repr_markdown_())

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(), "text/markdown": self._repr_markdown_(), "text/plain": str(self)}


# ---------------------------------------------------------------- the scorecard
def _county(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["level"] == "county"] if "level" in frame else frame


def _band_list(moves: pd.DataFrame) -> list[str]:
    return [f"{'Better' if r['better'] else 'Worse'}: {band_change_line(r)}." for _, r in moves.iterrows()]


def scorecard(x, card: pd.DataFrame, last_month: pd.DataFrame, outturn: pd.DataFrame, notices=(),
              reds_in: str = "") -> Headline:
    """The scorecard's headline: the RAG and direction summary; children in care with changes in numbers
    and per cent; indicators that changed RAG band since last month and since the outturn; the Reds (counted
    only, pointing to ``reds_in``, when the covering report already lists them with their explanations)."""
    c = _county(card).set_index("indicator")
    p = _period_of(_county(card))
    prev, out = P.previous_month_end(p), P.outturn_date(p)
    name = x.authority["name"] if x is not None else "the authority"
    start = data_start_notice(x.first_date, p) if x is not None else ""
    h = Headline(sentences=[performance_summary(card, name)], notices=list(notices) + ([start] if start else []))
    if {"CIC_CITIZEN", "CIC_UASC"} <= set(c.index):
        cz, ua = c.loc["CIC_CITIZEN"], c.loc["CIC_UASC"]
        total = cz["value"] + ua["value"]
        h.sentences.append(
            f"**Children in care:** {total:,.0f} at {p:%d/%m/%Y}: {cz['value']:,.0f} citizen children and "
            f"{ua['value']:,.0f} UASC. Since last month: citizen children "
            f"{change_words(cz['value'], cz['previous_value'])}, UASC {change_words(ua['value'], ua['previous_value'])}. "
            f"Since {out:%B %Y}: citizen children {change_words(cz['value'], cz['outturn_value'])}, UASC "
            f"{change_words(ua['value'], ua['outturn_value'])}.")
    if "CIC_RATE" in c.index:
        r = c.loc["CIC_RATE"]
        la_code = x.authority.get("la_code", "") if x is not None else ""
        vs = rate_comparison_words(comparator_at("CIC_RATE", p, la_code), p, la_code)
        h.sentences.append(f"**Rate per 10,000 children aged 0-17:** {format_value(r['value'], 'per 10,000')} "
                           f"({format_value(r['outturn_value'], 'per 10,000')} at {out:%B %Y}){vs}.")
    for label, earlier in ((f"last month ({prev:%B %Y})", last_month), (f"the outturn ({out:%B %Y})", outturn)):
        moves = band_changes(earlier, card)
        none = _county(earlier)["value"].isna().all()       # before the data start: nothing to compare with
        h.lists.append((f"Changed RAG band since {label}: " + ("no figures to compare with" if none else
                                                               str(len(moves))), [] if none else _band_list(moves)))
    reds = _county(card)[_county(card)["rag"] == "R"]
    if reds_in:
        h.lists.append((f"Off target (Red): {len(reds)}, listed with the officers' explanations in {reds_in}", []))
        return h
    h.lists.append((f"Off target (Red): {len(reds)}", [
        f"{r['title']}: {format_value(r['value'], r['unit'])} against a target of {format_value(r['target'], r['unit'])}"
        f" (last month {format_value(r['previous_value'], r['unit'])})." for _, r in reds.iterrows()]))
    return h


# ---------------------------------------------------------------- the adoption journey
def adoption(summary: pd.DataFrame, a1a2: pd.DataFrame, forecasts, period, notices=()) -> Headline:
    """The adoption journey's headline: the span against the same span last year (numbers and per cent),
    A1 and A2 against their DfE thresholds, the forecasts for the 3-year window, partial windows named. Each
    is stated once: a measure off target in the off-target list only, a forecast only while it differs from
    the actual average (not at the window's end)."""
    h = Headline(sentences=ad.summary_bullets(summary, period)[:4], notices=list(notices))
    off = []
    for m in ("A1", "A2"):
        check = threshold_check(a1a2, m)
        sentence = ad.threshold_sentence(check)
        (off if check.missed else h.sentences).append(sentence)
    complete = [f for f in forecasts if ad.forecast_adds_nothing(f, a1a2)]
    for f in forecasts:
        if any(f is c for c in complete):
            continue
        check = forecast_check(f)
        (off if check.missed else h.sentences).append(ad.forecast_sentence(check))
    if complete:
        h.sentences.append(ad.forecast_complete_note(forecast_check(complete[0]).window, period))
    h.lists.append((f"Off target: {len(off)}", off))
    partial = a1a2[a1a2["partial"]].drop_duplicates("window")
    if len(partial):
        h.notes.append("3-year averages marked partial cover less than three full years of adoptions (the data "
                       "start, or the current year to date): " + ", ".join(partial["window"]) + ".")
    return h


# ---------------------------------------------------------------- the adopters' journey
def adopters(summary: pd.DataFrame, forecast, notes=(), period=None, notices=()) -> Headline:
    """The adopters' journey's headline: the forecast's dates first, then the span against the same span
    last year (numbers and per cent), with the notes that explain the forecast's inputs."""
    f = forecast
    p = f.period if period is None else P.month_end(period)
    if f.run_out is None:
        dates = "on these figures the supply of approved and assessed households does not run out."
    else:
        restart = ("recruitment should already have restarted: it must restart now" if f.restart_by <= p else
                   f"recruitment must restart by the end of **{f.restart_by:%B %Y}**")
        dates = (f"the supply of {f.supply:,.0f} households lasts about {f.months_of_supply:,.1f} months and runs out "
                 f"at the end of **{f.run_out:%B %Y}**; with a lead time of {f.inputs['lead_time_months']} months "
                 f"{restart}.")
    h = Headline(sentences=[f"**Adopter sufficiency forecast:** {dates}"] + A.summary_bullets(summary, p),
                 notices=list(notices), notes=list(notes))
    return h


# ---------------------------------------------------------------- the sufficiency strategy
def sufficiency(trend: pd.DataFrame, period, tolerance: float = 1.0, notices=()) -> Headline:
    """The sufficiency strategy's headline: directions since the previous quarter, what declined and what
    moved against the strategy's expectation (the summary table follows it in the report)."""
    return Headline(sentences=S.headline(trend, period, tolerance), notices=list(notices))
