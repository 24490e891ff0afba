"""Command line: ``cicanalysis generate | validate | run``. Errors print one line and exit 2."""
from __future__ import annotations

import argparse
import json
import os
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
    if args.dir and args.data and args.dir != args.data:
        raise CicError(f"two extract folders given ({args.dir} and {args.data}); give one")
    x = load(args.dir or args.data or "data/synthetic")
    print(repr(x))
    summary = dq_summary(x.dq)
    if not summary.empty:
        with pd.option_context("display.width", 200, "display.max_colwidth", 70, "display.max_rows", 200):
            print(summary.to_string(index=False))
    print(dq_headline(x.dq))
    return 0


def _run(args) -> int:
    from . import periods as P
    from .run import run
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
    t = time.perf_counter()
    jobs = args.jobs or (os.cpu_count() or 1)
    parameters = {}
    for item in args.param or []:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            raise CicError(f"--param {item!r}: give NAME=VALUE, e.g. --param suppress_small=true")
        try:
            parameters[name] = json.loads(value)
        except json.JSONDecodeError:
            parameters[name] = value  # a plain string
    results = run(sorted(set(periods)), args.data, args.out, notebooks=args.notebooks, jobs=jobs,
                  progress=not args.quiet, parameters=parameters or None, extract=x)
    failures = [r for r in results if not r.ok]
    done = sorted({r.period for r in results} - {r.period for r in failures})
    print(f"{len(results) - len(failures)} of {len(results)} notebooks ok in {time.perf_counter() - t:.1f}s "
          f"({jobs} at a time); {len(done)} of {len(set(periods))} periods written; index: "
          f"{Path(args.out) / 'index.html'}")
    for r in failures:
        print(f"error: {r.period:%Y-%m-%d} {r.notebook} failed: {r.message} (executed copy in "
              f"{Path(args.out) / f'{r.period:%Y-%m-%d}.failed'}; the period's previous outputs were kept)",
              file=sys.stderr)
    for r in results:
        if r.ok and r.message:  # the report is written; something beside it (the PDF) is not
            print(f"warning: {r.period:%Y-%m-%d} {r.notebook}: {r.message}", file=sys.stderr)
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
    v.add_argument("dir", nargs="?", help="the extract folder (default: data/synthetic)")
    v.add_argument("--data", dest="data", help="the extract folder, as for run")
    v.set_defaults(func=_validate)
    r = sub.add_parser("run", help="run the reports for one or more periods")
    r.add_argument("--period", action="append", help="month end, e.g. 2016-03-31 (repeatable)")
    r.add_argument("--from", dest="from_", help="first month end of a range")
    r.add_argument("--to", help="last month end of a range")
    r.add_argument("--data", default="data/synthetic")
    r.add_argument("--out", default="outputs")
    r.add_argument("--notebooks", nargs="*", help="notebook names (default: those due for the period)")
    r.add_argument("--jobs", type=int, default=0, help="notebooks run at a time (default: the number of CPUs)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="notebook parameter, e.g. suppress_small=true or exclude_children='[\"C0000123\"]' (JSON, "
                        "else text); repeatable")
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
