"""The covering report that opens the scorecard (SPEC 3.3): what an officer tables with it at the Corporate
Parenting Panel. A cover (to, from, lead officer, subject, summary, the recommendation that members CONSIDER and
COMMENT, contact) from the authority's configuration, then numbered sections: introduction, context, summary of
performance since the scorecard last reported to the panel, the measures significantly away from target (Red) with
the officer's explanation, the measures that changed RAG band (improving, then declining), the recommendation again,
background documents and contacts. Measures are grouped under their headings.

The figures come from :mod:`cicanalysis.measures.scorecard`; the explanations are the officers' own
(``commentary.csv``). In a draft (small numbers not suppressed) a measure that needs an explanation and has none
shows a highlighted placeholder; when publishing it reads "No explanation was provided."
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pandas as pd

from ..config import reference
from ..core import periods as P
from ..core.rag import RAG_NAMES
from ..measures import scorecard as S
from .formatting import format_value

HEADING = '<h4 style="break-after:avoid;margin:.8em 0 .3em">{}</h4>'   # a group heading, kept with what follows
PLACEHOLDER = "[Officer's explanation needed before this paper is tabled]"
NOT_PROVIDED = "No explanation was provided."
RECOMMENDATION = ("The {to} is asked to CONSIDER and COMMENT on the performance of services for children in care "
                  "shown in the scorecard for the period ending {period:%d %B %Y}.")


@dataclass
class Para:
    """A numbered paragraph (``number`` "4.2"); ``explanation`` the officer's words beneath it, if it has any."""
    number: str
    text: str
    explanation: str = ""
    placeholder: bool = False        # the explanation is the draft's placeholder


@dataclass
class Section:
    number: int
    title: str
    items: list = field(default_factory=list)     # Para, or a str: a heading the paragraphs after it go under

    def add(self, text: str, explanation: str = "", placeholder: bool = False) -> Para:
        para = Para(f"{self.number}.{sum(isinstance(i, Para) for i in self.items) + 1}", text, explanation,
                    placeholder)
        self.items.append(para)
        return para


@dataclass
class CoveringReport:
    """The cover (label, text rows) and the numbered sections; shows as HTML in a notebook and the reports."""
    cover: list[tuple[str, str]]
    sections: list[Section]

    @staticmethod
    def _inline(text: str) -> str:
        return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))

    def _para_html(self, p: Para) -> str:
        out = f'<p><span class="cic-para-no">{p.number}</span> {self._inline(p.text)}</p>'
        if p.placeholder:
            return out + f'<p class="cic-explanation"><mark>{html.escape(p.explanation)}</mark></p>'
        if p.explanation:
            return out + f'<p class="cic-explanation"><em>Explanation:</em> {html.escape(p.explanation)}</p>'
        return out

    def _repr_html_(self) -> str:
        rows = "".join(f'<tr><th scope="row" style="text-align:left;vertical-align:top;width:9em">{html.escape(k)}'
                       f'</th><td>{self._inline(v)}</td></tr>' for k, v in self.cover)
        out = [f'<div class="cic-covering"><table class="cic-cover" style="width:100%;font-size:inherit">{rows}'
               f"</table>"]
        for s in self.sections:
            out.append(f"<h3>{s.number}. {html.escape(s.title)}</h3>")
            out += [HEADING.format(html.escape(i)) if isinstance(i, str) else self._para_html(i) for i in s.items]
        return "\n".join(out) + "</div>"

    def __str__(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.cover]
        for s in self.sections:
            lines.append(f"\n{s.number}. {s.title}")
            for i in s.items:
                if isinstance(i, str):
                    lines.append(f"  {i}")
                else:
                    lines.append(f"{i.number} {i.text}" + (f"\n    Explanation: {i.explanation}" if i.explanation
                                                            and not i.placeholder else
                                                            f"\n    {i.explanation}" if i.explanation else ""))
        return re.sub(r"\*\*", "", "\n".join(lines))

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(), "text/plain": str(self)}

    def paragraphs(self) -> list[str]:
        """Every paragraph number in order ("1.1", "2.1", ...)."""
        return [i.number for s in self.sections for i in s.items if isinstance(i, Para)]


# ---------------------------------------------------------------- words
def _date(d) -> str:
    return f"{pd.Timestamp(d):%d %B %Y}".lstrip("0")


def _places(unit: str) -> int:
    return {"%": 1, "days": 0, "count": 0}.get(unit, 1)


def change_since(now, then, unit: str, dot: str, when) -> str:
    """'down 2.0 percentage points from 35.1% at 31 December 2015, worse': the change since the last report in
    words, judged by polarity (``dot``); values equal at the shown precision are 'the same'."""
    if pd.isna(then):
        return f"no value at {_date(when)}"
    places = _places(unit)
    diff = round(now, places) - round(then, places)
    before = f"{format_value(then, unit)} at {_date(when)}"
    if round(diff, places) == 0:
        return f"the same as at {_date(when)}"
    size = f"{abs(diff):.1f} percentage points" if unit == "%" else format_value(abs(diff), unit)
    judged = {"improved": ", better", "worse": ", worse"}.get(dot, "")
    return f"{'up' if diff > 0 else 'down'} {size} from {before}{judged}"


def _explanation(comments: dict, indicator: str, draft: bool, needed: bool) -> tuple[str, bool]:
    """(the officer's words, whether they are the placeholder): a measure ``needed`` explains itself; the
    placeholder in a draft, "No explanation was provided." when publishing."""
    text = comments.get(indicator, "")
    if text or not needed:
        return text, False
    return (PLACEHOLDER, True) if draft else (NOT_PROVIDED, False)


def _grouped(section: Section, frame: pd.DataFrame, line, comments: dict, draft: bool, needed) -> dict[str, str]:
    """A paragraph per row of ``frame`` (in ``GROUP_ORDER``) under its group's heading; {indicator: number}."""
    numbers, heading = {}, None
    for _, r in S.by_group(frame).iterrows():
        if r["group"] != heading:
            heading = r["group"]
            section.items.append(heading)
        text, placeholder = _explanation(comments, r["indicator"], draft, needed(r))
        numbers[r["indicator"]] = section.add(line(r), text, placeholder).number
    return numbers


def rate_words(now, before, p, then, la_code: str) -> str:
    """The rate per 10,000 now and at the last report, against England and the statistical neighbours."""
    if pd.isna(now):
        return (f"The rate of children in care per 10,000 children aged 0-17 cannot be given for {_date(p)}: the "
                "child population for that year is not known.")
    was = f" ({format_value(before, 'per 10,000')} at {_date(then)})" if pd.notna(before) else ""
    return (f"The rate of children in care per 10,000 children aged 0-17 was {format_value(now, 'per 10,000')} at "
            f"{_date(p)}{was}{rate_against(S.comparator_at('CIC_RATE', p, la_code), p, la_code)}")


def rate_against(comp, period, la_code: str) -> str:
    """', against the latest published rates for England (67) and the statistical neighbours (55.0), both as at
    31 March 2025.' for :func:`scorecard.comparator_at`'s figures, or why there are none."""
    if comp is not None:
        how = (" (worked out, as the DfE works its rates out, from the numbers it published and the ONS population "
               "estimates)") if comp.get("DERIVED") else ""
        return (f", against the latest published rates for England ({comp['ENGLAND']:.0f}) and the statistical "
                f"neighbours ({comp['STATISTICAL_NEIGHBOURS']:.1f}), both as at 31 March {comp['DATE']:%Y}{how}.")
    if not la_code:
        return ". It is not compared with published rates: the authority's DfE code has not been set."
    return (f". The DfE has published no rate for England or the statistical neighbours as at {period:%B %Y} or "
            "earlier to compare it with.")


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def _has_figures(earlier: pd.DataFrame) -> bool:
    """Whether the earlier scorecard has any figure (not one before the data start, all n/a:
    :func:`scorecard.build_compared`), so that changes since it can be given."""
    return bool(S._county(earlier)["value"].notna().any())


def _rag_counts(frame: pd.DataFrame) -> str:
    rag = S._county(frame)["rag"].value_counts()
    return f"{int(rag.get('G', 0))} Green, {int(rag.get('A', 0))} Amber and {int(rag.get('R', 0))} Red"


# ---------------------------------------------------------------- the sections
def introduction(n: int, period, then, to: str, data_start=None) -> Section:
    """What the report presents and the period it compares with; with ``data_start`` (the period compared with is
    before it), that there are no figures for that period to compare with."""
    s = Section(n, "Introduction")
    s.add(f"This report presents the Children in Care performance scorecard for the period ending {_date(period)}, "
          f"which follows it. It compares performance with {_date(then)}, the period of the scorecard last reported "
          f"to the {to}." + (f" The data start on {_date(data_start)}, so there are no figures for {_date(then)} to "
                             "compare with and no change since then is given." if data_start is not None else ""))
    return s


def context(n: int, x, card: pd.DataFrame, include_uasc: bool) -> Section:
    s = Section(n, "Context")
    county = S._county(card)
    rated = county[county["rag"].isin(["G", "A", "R"])]
    headings = [g for g in S.GROUP_ORDER if g in set(rated["indicator"].map(S.group_of))]
    s.add(f"The scorecard sets {_n(len(rated), 'measure')} of services for children in care against their targets, "
          f"under the headings {', '.join(h.lower() for h in headings[:-1])} and {headings[-1].lower()}. Each is "
          "rated Green (the target is met), Amber (not met, but within the tolerance set) or Red (significantly "
          "away from target); numbers of children are shown but not rated." if headings else
          "The scorecard has no measure rated against a target for this period.")
    local = " and the locally supplied workforce and health figures" if x.sources.get("supplied_indicators") else ""
    who = f"{x.authority['name']}'s" if x.authority.get("configured") else "the authority's"
    s.add(f"The figures are {who} own: its children looked after return (SSDA903) data as at "
          f"{_date(x.extract_date)}{local}. Unaccompanied asylum-seeking children (UASC) are "
          f"{'included' if include_uasc else 'left out'} unless a measure says otherwise.")
    return s


def _in_care_words(moves: pd.DataFrame, period, then) -> str:
    v = moves.set_index("indicator")
    parts = {i: v.loc[i] for i in v.index}
    now = (f"At {_date(period)} there were {parts['CIC_TOTAL']['now']:,.0f} children in care: "
           f"{parts['CIC_CITIZEN']['now']:,.0f} citizen children and {parts['CIC_UASC']['now']:,.0f} UASC. ")
    before = (f"At {_date(then)} there were {parts['CIC_TOTAL']['then']:,.0f}: {parts['CIC_CITIZEN']['then']:,.0f} "
              f"citizen children and {parts['CIC_UASC']['then']:,.0f} UASC. ")
    if pd.isna(parts["CIC_TOTAL"]["then"]):          # the last report is before the data start
        return now + f"There are no figures for {_date(then)} to compare with."
    total = parts["CIC_TOTAL"]["change"]
    net = f"The net change is {total:+,.0f}" if total else "There is no net change"
    return (now + before + f"{net}: citizen children {_signed(parts['CIC_CITIZEN']['change'])} and UASC "
            f"{_signed(parts['CIC_UASC']['change'])}.")


def _signed(change: float) -> str:
    return f"{change:+,.0f}" if change else "unchanged"


def summary_of_performance(n: int, earlier: pd.DataFrame, card: pd.DataFrame, la_code: str) -> Section:
    """Children in care then and now and the net change; the rate per 10,000 against England and the statistical
    neighbours (with the 31 March their published rates refer to); the RAG counts then and now."""
    s = Section(n, "Summary of performance")
    p, then = S._period_of(S._county(card)), S._period_of(S._county(earlier))
    moves = S.in_care_since(earlier, card)
    if set(moves["indicator"]) == {"CIC_CITIZEN", "CIC_UASC", "CIC_TOTAL"}:
        s.add(_in_care_words(moves, p, then))
    a, b = (S._county(f).set_index("indicator") for f in (earlier, card))
    if "CIC_RATE" in b.index:
        s.add(rate_words(b.loc["CIC_RATE", "value"], a["value"].get("CIC_RATE"), p, then, la_code))
    s.add(f"Of the measures rated, {_rag_counts(card)} at {_date(p)}; at {_date(then)}, "
          + (f"{_rag_counts(earlier)}." if _has_figures(earlier) else "there are no figures to compare with."))
    return s


def red_line(then):
    def line(r) -> str:
        change = change_since(r["value"], r["value_then"], r["unit"], r["dot"], then)
        return (f"**{r['title']}**: {format_value(r['value'], r['unit'])} against a target of "
                f"{format_value(r['target'], r['unit'])}; {change}.")
    return line


def away_from_target(n: int, earlier: pd.DataFrame, card: pd.DataFrame, comments: dict, draft: bool
                     ) -> tuple[Section, dict[str, str]]:
    """The Red measures, each with its value, target, change since the last report and the officer's explanation,
    under their headings; and {indicator: its paragraph number}."""
    s = Section(n, "Measures significantly away from target")
    p, then = S._period_of(S._county(card)), S._period_of(S._county(earlier))
    reds = S.significantly_away(earlier, card)
    if reds.empty:
        s.add(f"No measure is significantly away from target (Red) at {_date(p)}.")
        return s, {}
    s.add(f"{_n(len(reds), 'measure is', 'measures are')} significantly away from target (Red) at {_date(p)}, "
          "each with the change since the last report and the officer's explanation:")
    return s, _grouped(s, reds, red_line(then), comments, draft, lambda r: True)


def band_line(then, period, reds: dict):
    def line(r) -> str:
        unit = r.get("unit_b", r.get("unit_a", "%"))
        see = f" (explained at {reds[r['indicator']]})" if r["indicator"] in reds else ""
        return (f"**{r['title_b']}**: {RAG_NAMES[r['rag_a']]} at {_date(then)} ({format_value(r['value_a'], unit)}) "
                f"to {RAG_NAMES[r['rag_b']]} at {_date(period)} ({format_value(r['value_b'], unit)}), against a "
                f"target of {format_value(r['target_b'], unit)}{see}.")
    return line


def band_moves(n: int, earlier: pd.DataFrame, card: pd.DataFrame, comments: dict, draft: bool,
               reds: dict) -> Section:
    """Measures that changed RAG band since the last report: improving first, then declining, each with both
    values and the target, under their headings. A decline needs an explanation (a measure now Red points to its
    paragraph above instead of repeating it); an improvement shows one when the officer gave it."""
    s = Section(n, "Changes in RAG band since the last report")
    p, then = S._period_of(S._county(card)), S._period_of(S._county(earlier))
    if not _has_figures(earlier):
        s.add(f"There are no figures for {_date(then)} to compare with, so no change of RAG band is given.")
        return s
    moved = S.band_changes(earlier, card)
    up, down = moved[moved["better"]], moved[~moved["better"]]
    s.add(f"Since {_date(then)}, {_n(len(up), 'measure')} moved to a better RAG band and {len(down)} to a worse one.")
    line = band_line(then, p, reds)
    for label, rows, needed in (("Improving", up, lambda r: False),
                                ("Declining", down, lambda r: r["indicator"] not in reds)):
        if len(rows):
            s.add(f"{label}: {_n(len(rows), 'measure')}.")
            texts = {i: t for i, t in comments.items() if i not in reds}
            _grouped(s, rows, line, texts, draft, needed)
    return s


def _cover_value(value: str, what: str, draft: bool) -> str | None:
    if value:
        return value
    return f"[{what}: to be added]" if draft else None


def cover_rows(cover: dict, p, then, card: pd.DataFrame, earlier: pd.DataFrame, draft: bool) -> list[tuple[str, str]]:
    """To, From, Lead officer, Subject, Summary, Recommendation, Contact. A detail not configured shows
    "[...: to be added]" in a draft and is left out when publishing."""
    moved = S.band_changes(earlier, card)
    since = (f"Since the last report to the {cover['to']} ({_date(then)}), {_n(int(moved['better'].sum()), 'measure')} "
             f"moved to a better RAG band and {int((~moved['better']).sum())} to a worse one." if _has_figures(earlier)
             else f"There are no figures for the last report to the {cover['to']} ({_date(then)}) to compare with.")
    summary = f"The scorecard for the period ending {_date(p)}: {_rag_counts(card)}. {since}"
    rows = [("To", cover["to"]), ("From", _cover_value(cover["from"], "the director", draft)),
            ("Lead officer", _cover_value(cover["lead_officer"], "the lead officer", draft)),
            ("Subject", f"{cover['subject']}: period ending {_date(p)}"),
            ("Summary", summary + (f" {cover['summary']}" if cover["summary"] else "")),
            ("Recommendation", RECOMMENDATION.format(to=cover["to"], period=p)),
            ("Contact", _cover_value(cover["contact"], "contact details", draft))]
    return [(k, v) for k, v in rows if v is not None]


def closing(first: int, cover: dict, p, draft: bool) -> list[Section]:
    """The recommendation again, background documents and contacts."""
    rec, docs, who = Section(first, "Recommendation"), Section(first + 1, "Background documents"), \
        Section(first + 2, "Contacts")
    rec.add(RECOMMENDATION.format(to=cover["to"], period=p))
    docs.add(cover["background"] or "None.")
    named = [(label, _cover_value(cover[key], what, draft)) for label, key, what in
             (("Lead officer", "lead_officer", "the lead officer"), ("Contact", "contact", "contact details"))]
    named = [(label, v) for label, v in named if v]
    for label, v in named:
        who.add(f"{label}: {v}")
    if not named:
        who.add("Contact details are given with the papers for the meeting.")
    return [rec, docs, who]


def covering_report(x, card: pd.DataFrame, earlier: pd.DataFrame, draft: bool = True,
                    include_uasc: bool = True) -> CoveringReport:
    """The covering report for the scorecard ``card`` (its county rows) against ``earlier``, the scorecard last
    reported to the panel (:func:`scorecard.last_panel_period`); ``draft`` shows placeholders where an officer's
    explanation or a cover detail is missing (``suppress_small`` off)."""
    cover = reference.cover(x.authority_dir)
    p, then = P.month_end(S._period_of(S._county(card))), S._period_of(S._county(earlier))
    comments = S.commentary(x, p)
    reds_section, reds = away_from_target(4, earlier, card, comments, draft)
    start = x.first_date if pd.notna(x.first_date) and then < x.first_date else None
    sections = [introduction(1, p, then, cover["to"], start), context(2, x, card, include_uasc),
                summary_of_performance(3, earlier, card, x.authority.get("la_code", "")), reds_section,
                band_moves(5, earlier, card, comments, draft, reds)] + closing(6, cover, p, draft)
    return CoveringReport(cover_rows(cover, p, then, card, earlier, draft), sections)
