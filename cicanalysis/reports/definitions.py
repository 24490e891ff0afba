"""Every indicator's definition as an analyst looks it up: what it counts, whether it follows a DfE definition (and
which published measure it is compared with) or is a local measure, and its source. Rendered into README.md (the
short list) and docs/definitions.md (in full) by ``python tools/definitions.py --write``; tests/test_definitions.py
keeps both in step with the indicator registry."""
from __future__ import annotations

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
