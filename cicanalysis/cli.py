"""Command line: ``cicanalysis generate | validate | run``. Errors print one line and exit 2."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import CicError


def _generate(args) -> int:
    from .synthetic import generate
    t = time.perf_counter()
    counts = generate(args.out, seed=args.seed, scale=args.scale, extract_date=args.extract_date)
    rows = ", ".join(f"{k} {v:,}" for k, v in counts.items())
    print(f"Synthetic authority written to {args.out} in {time.perf_counter() - t:.1f}s: {rows}")
    return 0


def _validate(args) -> int:
    import pandas as pd

    from .episodes import load
    from .schema import dq_headline, dq_summary
    x = load(args.dir)
    print(repr(x))
    summary = dq_summary(x.dq)
    if not summary.empty:
        with pd.option_context("display.width", 200, "display.max_colwidth", 70, "display.max_rows", 200):
            print(summary.to_string(index=False))
    print(dq_headline(x.dq))
    return 0


def _run(args) -> int:
    from . import periods as P
    from .run import run_period
    periods = [P.month_end(p) for p in (args.period or [])]
    if args.from_ or args.to:
        if not (args.from_ and args.to):
            raise CicError("--from and --to go together: give both month ends of the range")
        periods += P.month_ends(P.month_end(args.from_), P.month_end(args.to))
    if not periods:
        raise CicError("give at least one --period (a month end such as 2016-03-31) or --from/--to")
    from .episodes import load
    from .scorecard import check_period
    x = load(args.data)
    for p in periods:
        check_period(x, p)
    failures = []
    for n, p in enumerate(sorted(set(periods)), 1):
        t = time.perf_counter()
        results = run_period(p, args.data, args.out, notebooks=args.notebooks)
        for r in results:
            state = "ok" if r.ok else f"FAILED: {r.message}"
            print(f"[{n}/{len(set(periods))}] {p:%Y-%m-%d} {r.notebook}: {state}")
            if not r.ok:
                failures.append(r)
        print(f"  {p:%Y-%m-%d} done in {time.perf_counter() - t:.1f}s -> {Path(args.out) / f'{p:%Y-%m-%d}'}")
    for r in failures:
        print(f"error: {r.period:%Y-%m-%d} {r.notebook} failed: {r.message} "
              f"(executed copy in {Path(args.out) / f'{r.period:%Y-%m-%d}.failed'})", file=sys.stderr)
    return 1 if failures else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="cicanalysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write the synthetic authority")
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("--out", default="data/synthetic")
    g.add_argument("--extract-date", default="2016-03-31")
    g.set_defaults(func=_generate)
    v = sub.add_parser("validate", help="load and validate an extract folder, print the data-quality summary")
    v.add_argument("dir")
    v.set_defaults(func=_validate)
    r = sub.add_parser("run", help="run the reports for one or more periods")
    r.add_argument("--period", action="append", help="month end, e.g. 2016-03-31 (repeatable)")
    r.add_argument("--from", dest="from_", help="first month end of a range")
    r.add_argument("--to", help="last month end of a range")
    r.add_argument("--data", default="data/synthetic")
    r.add_argument("--out", default="outputs")
    r.add_argument("--notebooks", nargs="*", help="notebook names (default: those due for the period)")
    r.set_defaults(func=_run)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CicError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; outputs of unfinished periods were not changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
