"""Benchmarks (not tests): wall time and peak memory of the workbook, printed as a table.

    .venv/bin/python benchmarks/run_benchmarks.py                 # scale 1 and 10 (generated if missing)
    .venv/bin/python benchmarks/run_benchmarks.py --scales 1 10 60 # national size too (generation ~20 min)

Measures
1. `cicanalysis run` for one period (2016-03-31: all four notebooks, --jobs = CPUs), synthetic scale 1;
2. the metric engine alone: load the extract, then 12 monthly county + area scorecards
   (`scorecard.build`, April 2015 to March 2016) on one Extract, reusing the derived views and results;
3. the same 12 scorecards period by period without reuse (a fresh load for each month), and the ratio.
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
from cicanalysis import load, scorecard
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
from cicanalysis import load, scorecard
months = sys.argv[2].split(",")
t0 = time.perf_counter()
for m in months:
    scorecard.build(load(sys.argv[1]), m, levels=("county", "area"))   # nothing carried between months
print(json.dumps({"total_s": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", nargs="*", type=float, default=[1, 10])
    ap.add_argument("--no-reuse-scales", nargs="*", type=float, default=[1],
                    help="scales at which the period-by-period comparison runs (it loads 12 times)")
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the median is shown")
    args = ap.parse_args()
    rows = []
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
