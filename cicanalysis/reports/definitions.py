"""Every indicator's definition as an analyst looks it up: what it counts, whether it follows a DfE definition (and
which published measure it is compared with) or is a local measure, and its source. Rendered into README.md (the
short list) and docs/definitions.md (in full) by ``python tools/definitions.py --write``; tests/test_definitions.py
keeps both in step with the indicator registry."""
from __future__ import annotations

import re

import pandas as pd

from ..measures.benchmarks import published_id
from ..measures.indicators import REGISTRY

BEGIN, END = "<!-- definitions: begin (python tools/definitions.py --write) -->", "<!-- definitions: end -->"


def basis(ind) -> str:
    """'Local' for a local measure (its source says so), else 'DfE'."""
    return "Local" if ind.definition_source.startswith("Local measure") else "DfE"


def definitions_table() -> pd.DataFrame:
    """One row per indicator in display order: id, title, unit, basis (DfE or Local), the published measure it is
    compared with (blank when none), the numerator and denominator, and the definition's source."""
    return pd.DataFrame([{"id": i.id, "title": i.title, "unit": i.unit, "basis": basis(i),
                          "published": published_id(i) or "", "numerator": i.numerator, "denominator": i.denominator,
                          "source": i.definition_source} for i in REGISTRY.all()])


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def readme_list() -> str:
    """The short list for README.md: id, title, basis and published measure, one row per indicator."""
    t = definitions_table()
    rows = ["| indicator | what it measures | basis | DfE published measure |", "| --- | --- | --- | --- |"]
    rows += [f"| `{r.id}` | {_cell(r.title)} | {r.basis} | {f'`{r.published}`' if r.published else ''} |"
             for r in t.itertuples()]
    return "\n".join(rows)


def full_document() -> str:
    """docs/definitions.md: each indicator with its counting rules and the source of its definition."""
    out = ["# Indicator definitions", "",
           "Generated from the indicator registry (`cicanalysis/measures/indicators/`) by "
           "`python tools/definitions.py --write`; do not edit by hand. *DfE* indicators follow the definition of the "
           "DfE's published statistics named in their source; *Local* ones are the authority's own measures.", ""]
    for r in definitions_table().itertuples():
        out += [f"## `{r.id}`: {r.title}", "",
                f"- **Basis:** {r.basis}" + (f"; compared with the DfE's published `{r.published}`" if r.published else ""),
                f"- **Unit:** {r.unit}", f"- **Counts:** {r.numerator}", f"- **Out of:** {r.denominator}",
                f"- **Source:** {r.source}", ""]
    return "\n".join(out)


def with_readme_list(readme: str) -> str:
    """README.md's text with the list between the markers replaced by the current one."""
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{readme_list()}\n{END}{tail}"


# ---------------------------------------------------------------- the scorecard's appendix: one row an indicator
_LONG_ASIDE = re.compile(r"\s*\([^()]{40,}\)")        # a long parenthesis: code lists, history of a release
_DFE_TITLE = re.compile(r"DfE, ([^,:;()]+)")


def counted_words(numerator: str, denominator: str) -> str:
    """What an indicator counts, in one plain sentence: its numerator, and what it is out of when it has a
    denominator; long asides in brackets (code lists, how releases differed) are left to the full definitions."""
    what = _LONG_ASIDE.sub("", str(numerator)).strip()
    of = _LONG_ASIDE.sub("", str(denominator or "")).strip()
    text = what[:1].upper() + what[1:] + (f", out of {of}" if of and of != "-" else "")
    return text.rstrip(".") + "."


def short_source(source: str) -> str:
    """The source of a definition as a short title: "DfE: Children looked after" (the DfE's Children looked after in
    England including adoptions), "DfE: Adoption scorecards", or "Local measure" ("Local; DfE counterpart" when the
    DfE publishes a like one)."""
    text = str(source)
    if text.startswith("Local measure"):
        return "Local measure"
    if text.startswith("DfE counterpart"):
        return "Local; DfE counterpart"
    found = _DFE_TITLE.search(text)
    title = found.group(1).split(": methodology")[0].strip() if found else text.split(":")[0]
    return "DfE: " + title.replace(" in England including adoptions", "")


COMPACT_WIDTHS = {"Code": "width:19%;overflow-wrap:anywhere;font-size:7pt", "Indicator": "width:27%",
                  "What is counted": "width:41%", "Source": "width:13%"}


def compact_styles(frame: pd.DataFrame) -> pd.DataFrame:
    """Column widths for :func:`compact_table` on an A4 page: a code may break anywhere (CEASED_RETURNED_HOME_PCT
    would otherwise set the first column's width)."""
    return pd.DataFrame({c: [COMPACT_WIDTHS[c]] * len(frame) for c in frame.columns})


def compact_table(catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator of ``catalogue`` (:func:`cicanalysis.measures.metrics.catalogue_table`): its code, its
    name, what it counts (:func:`counted_words`) and its source (:func:`short_source`); the full text of each
    definition stays in the definitions document."""
    return pd.DataFrame({"Code": catalogue["indicator"], "Indicator": catalogue["title"],
                         "What is counted": [counted_words(n, d) for n, d in
                                             zip(catalogue["numerator"], catalogue["denominator"])],
                         "Source": catalogue["definition"].map(short_source)})
