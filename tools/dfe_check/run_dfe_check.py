"""Run the DfE's SSDA903 validation rules on the synthetic authority, one yearly return at a time.

Run it with the DfE validator's own environment, never the project's (``make dfe-check`` builds it from
``requirements.txt`` beside this file: the validator, ``csc-validator-be-903`` / ``lac_validator``, pins
pandas < 2)::

    .venv-dfe/bin/python tools/dfe_check/run_dfe_check.py data/synthetic

The extract (``cicanalysis generate``: every year in one set of CSVs) is cut into the returns an authority
would have submitted, each as it stood at its 31 March (``tools/split_returns.py``'s ``cut``, which also writes
them as folders): episodes open at any time in the year (an end after the 31 March is blank, as it was then),
the children of those episodes and the year's care leavers in the header, the year's reviews, missing
episodes, adoptions, decisions to place for adoption, OC2 and OC3. Each return is validated with the
previous year's return beside it (the validator's "Prev year" files, read by its cross-year rules) by the
oldest rule set the validator has, with the collection year of the return. The table shows every rule
that fired: code, message, rows flagged in each year.

Exit status: 0 when every rule that fired (or failed to run) is in the allow-list, the table in README.md
between the ``dfe-allow-list`` markers (code | reason); 1 otherwise; 2 when the extract cannot be read.
"""
from __future__ import annotations

import argparse
import importlib
import io
import logging
import re
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from split_returns import cut, with_dates  # noqa: E402  (the yearly cut, shared with tools/split_returns.py)

README = ROOT / "README.md"
ALLOW_START, ALLOW_END = "<!-- dfe-allow-list -->", "<!-- /dfe-allow-list -->"
# a fictional authority code in the DfE's format (no English authority has it); rules that compare a
# placement's authority with the child's own find no match for the synthetic postcodes either way
LOCAL_AUTHORITY = "E10000016"   # Kent: the synthetic authority's postcodes are in its districts

# the validator's tables (its config.column_names), by the file name `cicanalysis generate` writes
TABLES = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
    "placed_for_adoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "prev_perm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
}


def read_extract(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table the validator reads, as text (blank = ""), with the date columns the cut needs parsed beside it."""
    tables = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise SystemExit(f"error: {path} not found (run `make data` first)")
        tables[name] = pd.read_csv(path, dtype=str, keep_default_na=False)
    return with_dates(tables)


def to_files(tables: dict[str, pd.DataFrame], description: str) -> list[dict]:
    """The validator's uploaded files: CSV bytes with exactly its columns."""
    files = []
    for name, columns in TABLES.items():
        buf = io.StringIO()
        tables[name][columns].to_csv(buf, index=False)
        files.append({"name": f"{name}.csv", "file_content": buf.getvalue().encode("utf-8"),
                      "description": description})
    return files


def _fresh_copy(data_store: dict) -> dict:
    """A deep copy of the validator's tables for each rule. The validator hands each rule a shallow copy,
    and some rules write into it (rule 365 fills every blank DEC with the year end), so the rules after them
    read changed data: 575 and 577 then flag missing episodes of children still in care."""
    return {k: v.copy(deep=True) if k != "metadata" else dict(v) for k, v in data_store.items()}


def validate_year(tables, year: int, ruleset: str):
    """{rule code: rows flagged} and the codes of rules that failed to run, for one return."""
    import lac_validator.lac_validator as engine
    from lac_validator.lac_validator import LacValidator
    engine.copy_datastore = _fresh_copy
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    files = to_files(cut(tables, year), "This year") + to_files(cut(tables, year - 1), "Prev year")
    v = LacValidator(metadata={"collectionYear": str(year), "localAuthority": LOCAL_AUTHORITY},
                     files=files, registry=registry)
    flagged = {}
    for table, df in v.ds_results.items():
        if table == "metadata" or table.endswith("_last"):
            continue
        for col in df.columns:
            if col.startswith("ERR_"):
                n = int(df[col].fillna(False).astype(bool).sum())
                if n:
                    flagged[col[4:]] = flagged.get(col[4:], 0) + n
    return flagged, list(v.fails), {code: rule.message for code, rule in registry.items()}


def oldest_ruleset() -> str:
    import lac_validator.rules as rules
    folders = [Path(f) for f in rules.__path__]  # a namespace package: no __file__
    sets = sorted(p.name for f in folders for p in f.iterdir() if re.fullmatch(r"lac\d{4}_\d{2}", p.name))
    return sets[0]


def allow_list(readme: Path = README) -> dict[str, str]:
    """{rule code: reason} from the markdown table between the allow-list markers of README.md."""
    text = readme.read_text(encoding="utf-8")
    if ALLOW_START not in text or ALLOW_END not in text:
        raise SystemExit(f"error: no allow-list ({ALLOW_START} ... {ALLOW_END}) in {readme}")
    block = text.split(ALLOW_START, 1)[1].split(ALLOW_END, 1)[0]
    allowed = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0] and not set(cells[0]) <= set("-: ") and cells[0].lower() != "rule":
            allowed[cells[0].strip("`")] = cells[1]
    return allowed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", default=str(ROOT / "data" / "synthetic"), help="the extract folder")
    ap.add_argument("--years", type=int, nargs="*", help="collection years (the 31 March year); default: all "
                                                        "the extract's OC2 years")
    ap.add_argument("--ruleset", help="default: the oldest rule set the validator has")
    args = ap.parse_args(argv)
    logging.disable(logging.CRITICAL)  # the validator logs every rule at INFO: its results are read instead
    t0 = time.perf_counter()
    tables = read_extract(Path(args.data))
    years = args.years or sorted(int(y) for y in tables["oc2"]["YEAR"].unique())
    ruleset = args.ruleset or oldest_ruleset()
    allowed = allow_list()
    results, fails, messages = {}, {}, {}
    for year in years:
        flagged, failed, messages = validate_year(tables, year, ruleset)
        results[year] = flagged
        for code in failed:
            fails.setdefault(code, []).append(year)
    codes = sorted({c for r in results.values() for c in r} | set(fails), key=_code_key)
    import lac_validator
    version = getattr(lac_validator, "__version__", None) or _dist_version()
    print(f"DfE 903 validation (csc-validator-be-903 {version}, rule set {ruleset}, "
          f"{len(messages)} rules) of {args.data}: returns {', '.join(f'{y - 1}-{y % 100:02d}' for y in years)}")
    width = min(90, max([len(messages.get(c, "")) for c in codes] + [7]))
    head = f"{'rule':<6} {'message':<{width}} " + " ".join(f"{y:>6}" for y in years) + "   total  allowed"
    print(head)
    print("-" * len(head))
    bad = []
    for code in codes:
        msg = messages.get(code, "")
        msg = msg if len(msg) <= width else msg[:width - 1] + "…"
        counts = [results[y].get(code, 0) for y in years]
        cells = " ".join(f"{('fail' if y in fails.get(code, []) else n):>6}" for y, n in zip(years, counts))
        ok = code in allowed
        if not ok:
            bad.append(code)
        print(f"{code:<6} {msg:<{width}} {cells} {sum(counts):>7}  {'yes' if ok else 'NO'}")
    if not codes:
        print("(no rule fired)")
    stale = sorted(set(allowed) - set(codes), key=_code_key)
    if stale:
        print(f"note: allow-listed rules that did not fire: {', '.join(stale)}")
    print(f"{len(codes)} rules fired or failed to run ({len(bad)} not allowed) in {time.perf_counter() - t0:.0f}s")
    if bad:
        sys.stdout.flush()
        print(f"error: rules not in the README allow-list fired: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


def _code_key(code: str):
    m = re.match(r"(\d+)(.*)", code)
    return (int(m.group(1)), m.group(2)) if m else (10**9, code)


def _dist_version() -> str:
    from importlib.metadata import version
    return version("csc-validator-be-903")


if __name__ == "__main__":
    sys.exit(main())
