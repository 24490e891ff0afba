"""The counting engine against a plain columnar query, measured in the same run (issue 27, "Engine").

    PYTHONPATH=/tmp/benchlibs .venv/bin/python benchmarks/engine.py                  # scales 1 and 10
    PYTHONPATH=/tmp/benchlibs .venv/bin/python benchmarks/engine.py --scales 1 10 60 --before ../main

polars (and duckdb) are not dependencies of the workbook: install the ``bench`` extra (``pip install -e .[bench]``)
or put them on PYTHONPATH as above. Each run is a fresh interpreter that loads the generated authority once, then:

- **12 scorecards**: ``scorecard.build`` for the 12 month ends of 2015-16, county and areas, on the loaded extract
  (what ``run_benchmarks.py`` calls the engine), and the process's peak memory;
- **core counts, workbook**: children in care (CIC_TOTAL) and "3 or more placements in 12 months"
  (PLACEMENTS_3PLUS, numerator and denominator) at the same 12 month ends, county and areas, through
  ``scorecard.values`` on a copy of the extract with every derived view dropped (episodes, placements and the
  engine's arrays are built again, as on a fresh load);
- **core counts, polars** (and **duckdb** when installed): the same numbers from one query each over the same
  typed episodes (``x["episodes"]``, converted before the clock starts) and the authority's district -> area
  table: the periods of care and placements worked out in the query, as the workbook's rules say;
- the numbers of the three are checked identical (the run stops if not).
With ``--before TREE`` each measurement is made for that checkout too, alternately with this one (the cores are
shared: the ratio of the two in one run is what to read). Each figure is the median of ``--repeat`` runs, with the
range; the last table gives time per episode and its growth with the scale (it should not rise).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_benchmarks import MONTHS, PY, ROOT, ensure  # noqa: E402

CHILD = r'''
import copy, json, resource, sys, time
from functools import cached_property
import pandas as pd
from cicanalysis import load
from cicanalysis.model.extract import Extract
from cicanalysis.measures import scorecard
sys.path.insert(0, sys.argv[3])
import engine_queries as Q

months = sys.argv[2].split(",")
peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter(); x = load(sys.argv[1]); t1 = time.perf_counter()
for m in months:
    scorecard.build(x, m, levels=("county", "area"))
t2 = time.perf_counter()
out = {"load_s": t1 - t0, "scorecards_s": t2 - t1, "peak_mb": peak(), "episodes": len(x["episodes"])}

fresh = copy.copy(x)             # every derived view dropped: built again inside the clock
for name, attr in vars(Extract).items():
    if isinstance(attr, cached_property):
        fresh.__dict__.pop(name, None)
fresh.cache = {}
t3 = time.perf_counter()
frames = [scorecard.values(fresh, m, True, ["CIC_TOTAL", "PLACEMENTS_3PLUS"], levels=("county", "area"))
          for m in months]
out["workbook_s"] = time.perf_counter() - t3
workbook = Q.from_workbook(pd.concat(frames, ignore_index=True), x.authority["name"])

for engine in ("polars", "duckdb"):
    try:
        query = Q.QUERIES[engine](x, months)
    except ImportError:
        continue
    t4 = time.perf_counter(); got = query(); out[engine + "_s"] = time.perf_counter() - t4
    if got != workbook:
        diff = sorted(set(got.items()) ^ set(workbook.items()))[:10]
        raise SystemExit(f"{engine} and the workbook differ: {diff}")
out["figures"] = len(workbook)
print("ENGINE " + json.dumps(out))
'''


def run(tree: Path, data: Path) -> dict:
    """One measurement in a fresh interpreter with ``tree``'s cicanalysis first on the path."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")])))
    out = subprocess.run([PY, "-c", CHILD, str(data), ",".join(MONTHS), str(Path(__file__).resolve().parent)],
                         capture_output=True, text=True, cwd=tree, env=env)
    found = [line for line in out.stdout.splitlines() if line.startswith("ENGINE ")]
    if out.returncode or not found:     # reported and left out of the medians, not the end of the whole run
        print(f"  {tree}: run failed (exit {out.returncode}): {out.stderr[-1500:]}", file=sys.stderr)
        return None
    return json.loads(found[-1][7:])


def median(runs: list[dict], key: str) -> tuple[float, str]:
    values = sorted(r[key] for r in runs if key in r)
    if not values:
        return float("nan"), ""
    return values[(len(values) - 1) // 2], f"{values[0]:.2f}-{values[-1]:.2f}"


def table(results: dict, scales: list[float]) -> None:
    print(f"{'tree':<8} {'scale':>5} {'episodes':>9} {'12 scorecards (s)':>20} {'peak MB':>8} "
          f"{'core, workbook (s)':>20} {'polars (s)':>16} {'duckdb (s)':>16} {'workbook/polars':>15}")
    for (tree, scale), runs in results.items():
        sc, sc_r = median(runs, "scorecards_s")
        wb, wb_r = median(runs, "workbook_s")
        po, po_r = median(runs, "polars_s")
        du, du_r = median(runs, "duckdb_s")
        mb, _ = median(runs, "peak_mb")
        print(f"{tree:<8} {scale:>5g} {runs[0]['episodes']:>9,} {sc:>7.2f} ({sc_r:>11}) {mb:>8,.0f} "
              f"{wb:>7.2f} ({wb_r:>11}) {po:>5.2f} ({po_r:>9}) {du:>5.2f} ({du_r:>9}) {wb / po:>14.1f}x")
    print("\nper-run ratios (the same process: the machine's speed cancels)")
    for (tree, scale), runs in results.items():
        ratios = sorted(r["workbook_s"] / r["polars_s"] for r in runs if "polars_s" in r)
        if ratios:
            print(f"{tree:<8} {scale:>5g}  workbook/polars {ratios[(len(ratios) - 1) // 2]:.2f}x "
                  f"({ratios[0]:.2f}-{ratios[-1]:.2f})")
    trees = sorted({t for t, _ in results})
    print("\ngrowth (12 scorecards, microseconds per episode; the first scale = 1.00)")
    for tree in trees:
        per = {s: median(results[(tree, s)], "scorecards_s")[0] / results[(tree, s)][0]["episodes"] * 1e6
               for s in scales if (tree, s) in results}
        first = next(iter(per.values()))
        print(f"{tree:<8} " + "  ".join(f"scale {s:g}: {v:.2f} us ({v / first:.2f}x)" for s, v in per.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", nargs="*", type=float, default=[1, 10])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", type=Path, help="another checkout, measured alternately with this one")
    args = ap.parse_args()
    trees = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    results: dict = {}
    for scale in args.scales:
        data = ensure(scale)
        for i in range(args.repeat):
            for name, tree in (trees.items() if i % 2 == 0 else reversed(trees.items())):
                got = run(tree, data)
                if got is not None:
                    results.setdefault((name, scale), []).append(got)
                    print(f"  {name} scale {scale:g} run {i + 1}: {json.dumps(got)}", file=sys.stderr)
    load = os.getloadavg()
    print(f"{args.repeat} run(s) each, median (range); load average at the end {load[0]:.1f} {load[1]:.1f}; "
          f"{os.cpu_count()} CPUs")
    table(results, args.scales)


if __name__ == "__main__":
    main()
