"""Command line: ``cicanalysis generate | init | validate | reconcile | run``. Errors print one line and exit 2."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from .core.errors import CicError


def _generate(args) -> int:
    from .scaffold.synthetic import generate
    t = time.perf_counter()
    counts = generate(args.out, seed=args.seed, scale=args.scale, extract_date=args.extract_date,
                      with_columns=args.with_columns)
    rows = ", ".join(f"{k} {v:,}" for k, v in counts.items())
    print(f"Synthetic authority written to {args.out} in {time.perf_counter() - t:.1f}s: {rows}")
    return 0


def _load(args, folder):
    from .loading import load
    return load(folder, la=args.la, extract_date=args.extract_date, authority_name=args.authority_name)


def _validate(args) -> int:
    import pandas as pd

    from .validate.schema import dq_headline, dq_summary
    if args.dir and args.data and args.dir != args.data:
        raise CicError(f"two extract folders given ({args.dir} and {args.data}); give one")
    x = _load(args, args.dir or args.data or "data/synthetic")
    print(repr(x))
    print(f"Extract date {x.extract_date:%d/%m/%Y} ({x.extract_date_rule}); tables: "
          + "; ".join(f"{t} from {', '.join(f)}" for t, f in x.sources.items()))
    ignored = x.dq[x.dq["action"] == "file ignored"]
    for _, r in ignored.iterrows():
        print(f"ignored: {r['file']}: {r['rule']}")
    for line in x.notices:
        print(f"notice: {line}")
    summary = dq_summary(x.dq[x.dq["action"] != "file ignored"])
    if not summary.empty:
        with pd.option_context("display.width", 200, "display.max_colwidth", 70, "display.max_rows", 200):
            print(summary.to_string(index=False))
    print(dq_headline(x.dq, x.geography))
    return 0


def _init(args) -> int:
    from .scaffold.authority_template import write_template
    x = _load(args, args.data)
    written = write_template(x, args.data, args.out, force=args.force)
    from .config.reference import authority
    code = authority(written)["la_code"]
    print(f"LA code {code} ({authority(written)['la_name']}) taken from the extract." if code else
          "The extract names no LA code: add la_code to authority.csv to compare with published figures.")
    print(f"Authority template written to {written}: fill in authority.csv (name), teams.csv (the AREA of each "
          f"DISTRICT found), population.csv (ONS mid-year estimates aged 0-17) and targets.csv; then run validate.")
    return 0


def _reconcile(args) -> int:
    """The workbook's figures at each 31 March of the extract beside the DfE's published figures for the authority."""
    import pandas as pd

    from .measures.benchmarks import reconcile
    from .reports.benchmark_text import reconcile_table
    x = _load(args, args.data)
    code = args.la or x.authority.get("la_code", "")
    if not code:
        raise CicError("no LA code to reconcile with: give --la CODE (3-digit DfE code or E-code) or add la_code to "
                       "authority/authority.csv", rule="authority named")
    from .config.reference import resolve_la_code
    la = resolve_la_code(code, file="--la" if args.la else None)
    table = reconcile_table(reconcile(x, la["LA_CODE"]))
    print(f"{x.authority['name']}: the workbook's figures at each 31 March beside the DfE's published figures for "
          f"{la['LA_NAME']} ({la['LA_CODE']}), counted as the DfE counts (UASC included), compared at the published "
          f"rounding.")
    with pd.option_context("display.width", 250, "display.max_colwidth", 60, "display.max_rows", 1000):
        print(table.drop(columns=["release"]).to_string(index=False))
    counts = table["status"].value_counts()
    print("; ".join(f"{n} {s}" for s, n in counts.items()))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, index=False)
        print(f"Written to {args.out}")
    return 0


def _run(args) -> int:
    import gc

    from .core import periods as P
    from .batch import run
    periods = [P.month_end(p) for p in (args.period or [])]
    if args.from_ or args.to:
        if not (args.from_ and args.to):
            raise CicError("--from and --to go together: give both month ends of the range")
        periods += P.month_ends(P.month_end(args.from_), P.month_end(args.to))
    if not periods:
        raise CicError("give at least one --period (a month end such as 2016-03-31) or --from/--to")
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
    _check_parameters(parameters, periods, args.data)

    def checked():            # run while the run's workers start their kernels
        from .measures.scorecard import check_period
        x = _load(args, args.data)
        for p in periods:
            check_period(x, p)
        gc.freeze()           # the extract, kept for the run, left out of the garbage collector's walks too
        return x
    gc.freeze()               # the imports' objects left out of the garbage collector's walks (batch._GC_FREEZE),
    # before the run's workers are forked (they keep it)
    results = run(sorted(set(periods)), args.data, args.out, notebooks=args.notebooks, jobs=jobs,
                  progress=not args.quiet, parameters=parameters or None, extract=checked)
    failures = [r for r in results if not r.ok]
    print(f"{len(results) - len(failures)} of {len(results)} notebooks ok in {time.perf_counter() - t:.1f}s "
          f"({jobs} at a time); {len(set(periods))} period(s) written; index: {Path(args.out) / 'index.html'}")
    for r in failures:
        print(f"error: {r.period:%Y-%m-%d} {r.notebook} failed: {r.message} (executed copy in "
              f"{Path(args.out) / f'{r.period:%Y-%m-%d}.failed'}; its previous version, if any, was kept)",
              file=sys.stderr)
    for r in results:
        if r.ok and r.message:  # the report is written but incomplete (no PDF), or a one-line page (no adopters.csv)
            print(f"warning: {r.period:%Y-%m-%d} {r.notebook}: {r.message}", file=sys.stderr)
    return 1 if failures else 0


def _check_parameters(parameters: dict, periods, data) -> None:
    """``--param period=`` or ``--param data_dir=`` that says otherwise than ``--period``/``--data`` is refused (the
    notebooks would report one thing and the index another); one that agrees is dropped."""
    import pandas as pd

    from .core import periods as P
    if "period" in parameters:
        try:
            given = P.month_end(str(parameters["period"]))
        except CicError:
            given = None
        if given is None or len(set(periods)) != 1 or given != pd.Timestamp(periods[0]):
            raise CicError(f"--param period={parameters['period']} contradicts --period "
                           f"{', '.join(sorted({f'{p:%Y-%m-%d}' for p in periods}))}: give the period with --period only",
                           rule="one period per run")
        del parameters["period"]
    if "data_dir" in parameters:
        if Path(str(parameters["data_dir"])).resolve() != Path(data).resolve():
            raise CicError(f"--param data_dir={parameters['data_dir']} contradicts --data {data}: give the folder "
                           f"with --data only", rule="one extract per run")
        del parameters["data_dir"]


def _terminate(signum, frame):
    """SIGTERM ends a run like Ctrl-C: the clean-up (temporary folders, the extract cache) still happens."""
    raise KeyboardInterrupt


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="cicanalysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write the synthetic authority")
    g.add_argument("--seed", type=int, default=42)
    g.add_argument("--scale", type=float, default=1.0)
    g.add_argument("--out", default="data/synthetic")
    g.add_argument("--extract-date", default="2016-03-31")
    g.add_argument("--with-columns", action="store_true",
                   help="also write the episodes' DISTRICT and PL_DISTANCE (a real extract has neither: they are "
                        "derived from HOME_POST and PL_POST)")
    g.set_defaults(func=_generate)
    def extract_options(p):
        p.add_argument("--la", help="pooled files (an LA column): the code of the authority to keep; reconcile: the "
                                    "authority whose published figures to compare with (default: authority.csv)")
        p.add_argument("--extract-date", dest="extract_date",
                       help="the date the extract was taken (default: the end of the latest collection year of "
                            "yearly returns, else the latest episode start or end)")
        p.add_argument("--authority-name", dest="authority_name",
                       help="the authority's name when the data folder has no authority/ configuration")

    v = sub.add_parser("validate", help="load and validate an extract folder, print the data-quality summary")
    v.add_argument("dir", nargs="?", help="the extract folder (default: data/synthetic)")
    v.add_argument("--data", dest="data", help="the extract folder, as for run")
    extract_options(v)
    v.set_defaults(func=_validate)
    i = sub.add_parser("init", help="write an authority/ configuration template from an extract")
    i.add_argument("--data", required=True, help="the extract folder; the template goes in <data>/authority")
    i.add_argument("--out", help="where to write the template (default: <data>/authority)")
    i.add_argument("--force", action="store_true", help="overwrite an existing authority/ folder's files")
    extract_options(i)
    i.set_defaults(func=_init)
    c = sub.add_parser("reconcile", help="the workbook's figures at each 31 March beside the DfE's published figures "
                                         "for the authority: run it first on a new extract")
    c.add_argument("--data", required=True, help="the extract folder")
    c.add_argument("--out", help="also write the table to this CSV file")
    extract_options(c)
    c.set_defaults(func=_reconcile)
    r = sub.add_parser("run", help="run the reports for one or more periods")
    r.add_argument("--period", action="append", help="month end, e.g. 2016-03-31 (repeatable)")
    r.add_argument("--from", dest="from_", help="first month end of a range")
    r.add_argument("--to", help="last month end of a range")
    r.add_argument("--data", default="data/synthetic")
    r.add_argument("--out", default="outputs")
    r.add_argument("--notebooks", nargs="*", help="notebook names (default: those due for the period)")
    r.add_argument("--jobs", type=int, default=0, help="notebooks run at a time (default: the number of CPUs)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    extract_options(r)
    r.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="notebook parameter, e.g. suppress_small=true or exclude_children='[\"C0000123\"]' (JSON, "
                        "else text); repeatable")
    r.set_defaults(func=_run)
    args = parser.parse_args(argv)
    import signal
    import threading
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except CicError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:   # a full disk, a folder that vanished: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc} [rule: {'disk space' if exc.errno == 28 else 'file system'}]",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; outputs of unfinished periods were not changed", file=sys.stderr)
        return 130
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
