"""The DfE XML submission layout (``<CHILD><HEADER>…</HEADER><EPISODE>…</EPISODE></CHILD>``), read with lxml.

Each ``CHILD`` holds a ``HEADER`` whose plain elements are the child's fields (the header table, plus the
UASC, AD1 and OC3 fields when they are filled in) and whose nested elements are rows of other tables
(``AREVIEW`` reviews, ``AMISSING`` missing episodes, ``OC2``, ``PERMANENCE``, ``AD_PLACED`` …), and one
``EPISODE`` element per episode. Element names are the CSV columns except ``CHILDID`` (CHILD) and ``PL``
(PLACE). Every nested element group becomes a table of its own, with the child's CHILD (and DOB, except
episodes) added, so that groups added to the layout in later years are read too and recognised by
their columns like any CSV file. ``_ROW`` is the number of the ``CHILD`` element (1 = the first), as a
submission is often one long line.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from lxml import etree

from ..core.errors import CicError
from .csvfile import tidy

RENAME = {"CHILDID": "CHILD", "PL": "PLACE"}
# header-level fields that belong to their own table (the row exists when any of them is filled in)
FLAT_TABLES = {
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
}
FLAT_KEYS = {"CHILD", "SEX", "DOB"}


def _leaves(element) -> dict:
    return {RENAME.get(e.tag, e.tag): e.text for e in element if isinstance(e.tag, str) and len(e) == 0}


def _drop_namespaces(root) -> None:
    """Element names without their namespace: an export may declare a default one (``xmlns="…"``), which makes
    every tag ``{uri}CHILD``; the layout's names are the same either way."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.split("}", 1)[1]


def read_xml(path: Path, source: str) -> dict[str, pd.DataFrame]:
    """{element group: text frame}: HEADER, UASC, AD1, OC3, EPISODE, AREVIEW, AMISSING, OC2, … ."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        line = getattr(exc, "lineno", None)
        raise CicError(f"cannot be read as XML ({str(exc).splitlines()[0][:150]})", file=source, row=line,
                       rule="readable file") from None
    _drop_namespaces(root)
    rows: dict[str, list[dict]] = {}
    children = root.iter("CHILD") if root.tag != "CHILD" else [root]
    for number, child in enumerate(children, start=1):
        header = child.find("HEADER")
        fields = _leaves(child)
        if header is not None:
            fields.update(_leaves(header))
        if not fields.get("CHILD"):
            fields.setdefault("CHILD", None)
        key = {"CHILD": fields.get("CHILD"), "DOB": fields.get("DOB")}
        flat = set()
        for table, columns in FLAT_TABLES.items():
            own = [c for c in columns if c not in FLAT_KEYS]
            flat.update(own)
            if any(fields.get(c) not in (None, "") for c in own):
                rows.setdefault(table, []).append(
                    {**{c: fields.get(c) for c in columns}, "_ROW": number})
        rows.setdefault("HEADER", []).append(
            {**{k: v for k, v in fields.items() if k not in flat}, "_ROW": number})
        groups = [g for g in (list(child) + (list(header) if header is not None else []))
                  if isinstance(g.tag, str) and len(g) and g.tag != "HEADER"]
        for g in groups:
            extra = {"CHILD": key["CHILD"]} if g.tag == "EPISODE" else key
            rows.setdefault(g.tag, []).append({**extra, **_leaves(g), "_ROW": number})
    if not rows:
        raise CicError("holds no CHILD elements: not the DfE SSDA903 XML layout", file=source,
                       rule="readable file")
    out = {}
    for tag, records in rows.items():
        df = pd.DataFrame.from_records(records)
        line = df.pop("_ROW").to_numpy()
        df = df.replace({None: np.nan}).astype(object)
        df = df.where(df.notna(), np.nan)
        df = tidy(df)
        df["_ROW"] = line
        out[tag] = df
    return out
