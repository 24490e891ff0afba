"""Batch runs: execute the notebooks due for each period with papermill (in parallel up to ``jobs``),
export each to HTML for officers in one house template, and write the index pages.

Each period is built in a temporary folder beside ``outputs/<period>`` and moved into place when its
notebooks have finished: a report that succeeded replaces its previous version, a report that failed keeps
its previous good version (if any) and is marked failed, with its error line, in the period's index; an
interrupted run changes nothing. A failing notebook's executed copy (with the error) is kept in
``outputs/<period>.failed/``.
``outputs/index.html`` lists every period with outputs.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .core import periods as P
from .reports import publish
from .reports.specs import NOTEBOOK_DIR, NOTEBOOKS, REQUIRES
from .config import reference
from .core.errors import CicError
from .loading import load, save_run_cache

ROOT = Path(__file__).resolve().parents[1]


# relative run time of each notebook on the synthetic authority (23/11/2026: scorecard ~16 s, adoption
# ~15 s, sufficiency ~7 s, adopters ~5 s): used only to order the work
RELATIVE_COST = {"scorecard": 4, "adoption_journey": 3, "sufficiency_strategy": 2, "adopters_journey": 1}


@dataclass
class Result:
    period: pd.Timestamp
    notebook: str
    ok: bool
    message: str = ""


def due(period, notebooks=None) -> list[str]:
    """The notebooks to run for a period: those named, else those due (scorecard monthly, sufficiency at
    quarter ends, the adoption reports at 30 September and 31 March)."""
    p = P.month_end(period)
    names = list(notebooks) if notebooks else [n for n, (_, _, is_due) in NOTEBOOKS.items() if is_due(p)]
    unknown = [n for n in names if n not in NOTEBOOKS]
    if unknown:
        raise CicError(f"unknown notebook(s) {', '.join(unknown)}; known: {', '.join(NOTEBOOKS)}")
    return names


# ---------------------------------------------------------------- the house template
STYLE = """
body{font-family:"Segoe UI",Arial,sans-serif;font-size:14px;color:#222;max-width:1100px;margin:0 auto;padding:0 1.5em 3em}
header.house{background:#1f4e79;color:#fff;padding:.8em 1.2em;margin:0 -1.5em 1em}
header.house .authority{font-size:13px;opacity:.85} header.house h1.title{font-size:22px;font-weight:bold;color:#fff;margin:.1em 0}
header.house .meta{font-size:12px;opacity:.9}
nav.contents{background:#f3f6f9;border:1px solid #d0d9e2;padding:.5em 1em;margin:1em 0;font-size:13px}
nav.contents ol{margin:.3em 0;padding-left:1.5em;columns:2}
h1{font-size:20px;color:#1f4e79} h2{font-size:18px;color:#1f4e79;border-bottom:2px solid #1f4e79;padding-top:.6em}
h3{font-size:15px;color:#1f4e79} a.anchor-link{display:none}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:12px} th,td{border:1px solid #d0d9e2;padding:2px 6px}
img{max-width:100%;height:auto} .jp-OutputPrompt,.jp-InputPrompt{display:none}
footer.house{margin-top:2em;font-size:11px;color:#555;border-top:1px solid #ccc;padding-top:.5em}
""" + """
table.cic caption{text-align:left;font-weight:bold;padding:.2em 0;color:#1f4e79}
table.cic thead th{background:#1f4e79;color:#fff;text-align:left;vertical-align:bottom}
table.cic tbody th{text-align:left;font-weight:normal;background:#f7f9fb}
table.cic td.num,table.cic .nw{text-align:right;white-space:nowrap} table.cic .text.nw{text-align:left} table.cic td.rag{white-space:nowrap}
table.cic thead th.num{text-align:right}
div.cic-table{max-width:100%} p.cic-note,p.cic-empty{font-size:12px;color:#444}
div.cic-headline{background:#f3f6f9;border-left:4px solid #1f4e79;padding:.4em 1em;margin:.5em 0 1em}
div.cic-notices{background:#fff4e5;border:1px solid #f0b45b;padding:.3em .8em;margin:.4em 0}
div.cic-charts img{flex:0 1 auto}
@media screen and (max-width:700px){
 table.cic tbody th,table.cic thead th:first-child{position:sticky;left:0;z-index:1}
 table.cic thead th:first-child{background:#1f4e79} table.cic tbody th{min-width:9em;max-width:45vw}
 div.cic-table:has(> table.cic thead th:nth-child(4))::before{content:"Swipe the table sideways for every column \\2192";
  display:block;position:sticky;left:0;font-size:11px;color:#555;padding:.2em 0}
}
"""
# A report that flows through (Report.flow()'s div.cic-flow-through: the scorecard, the sufficiency report; issue
# 25's page budget): its sections and appendices follow on from one another; a page is started only by a landscape
# block (the named page). Its landscape scorecards are set compact, so an indicator table of about 55 rows fits one
# landscape page, its charts are printed at 86% of the page's width (the text in them still 8 points), and its
# small-multiple trend grids (div.cic-multiples) a page wide, one figure a page at most. (Report.flow(appendix_pages=True)'s div.cic-flow
# alone, the adoption reports, still starts every appendix on a page: the rules below are for cic-flow-through only.)
FLOW_PRINT_STYLE = """
@media print{
 main:has(div.cic-flow-through) :is(div.cell,div.output_area):has(h2)~:is(div.cell,div.output_area) h2{break-before:auto}
 main:has(div.cic-flow-through) h2{padding-top:.2em;margin:.6em 0 .3em}
 main:has(div.cic-flow-through) div.cic-wide table.cic{font-size:6.6pt;margin:.2em 0 .4em}
 main:has(div.cic-flow-through) div.cic-wide table.cic :is(th,td){padding:0 3px;line-height:1.12}
 main:has(div.cic-flow-through) div.cic-wide table.cic caption{font-size:8pt;padding:0}
 main:has(div.cic-flow-through) :is(div.output_png,div.cic-chart) img{max-width:86%!important}
 div.cic-multiples img{display:block;width:100%!important;height:auto;break-inside:avoid;margin:0 0 2mm}
}
"""
# A4 print: page breaks between sections (in a report marked cic-flow, Report.flow, only before an appendix),
# nothing wider than the page, colours kept for RAG cells; the
# scorecard tables (div.cic-wide) on landscape pages with their section's heading; no heading, caption or
# header row alone at a page foot; a short table kept on one page; trend charts two to a row
PRINT_STYLE = """
@page{size:A4;margin:12mm 12mm 16mm}
@page wide{size:A4 landscape;margin:12mm 12mm 16mm}
@media print{
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 body{max-width:none;padding:0;font-size:10pt}
 header.house{margin:0 0 .6em}
 h2,h3,h4,p.cic-list-title{break-after:avoid}
 main div.cell:has(h2)~div.cell h2,main div.output_area:has(h2)~div.output_area h2{break-before:page}
 main:has(.cic-flow) :is(div.cell,div.output_area):has(h2)~:is(div.cell,div.output_area) h2:not([id^="Appendix"]){break-before:auto}
 img,tr,li,p,div.cic-notices{break-inside:avoid}
 p:has(+ div.cic-table){break-after:avoid}
 div.output_area:has(> div > :is(h2,h3,h4):last-child){break-after:avoid}
 main div.cell:has(h2):not(:has(table,img,ul)){break-after:avoid}
 thead{display:table-header-group}
 table.cic caption,table.cic thead{break-after:avoid;break-inside:avoid}
 table.cic:not(:has(tbody tr:nth-child(26))){break-inside:avoid}
 table{font-size:8pt} table.cic caption{font-size:9pt}
 div.cic-table{overflow:visible!important}
 main div.cell:has(div.cic-wide),main div.cell:has(h2):has(+ div.cell div.cic-wide){page:wide}
 div.cic-charts{display:flex!important;flex-wrap:wrap!important;gap:0 3mm!important}
 div.cic-charts img{display:block;width:calc(50% - 1.5mm)!important;height:auto;margin:0 0 3mm}
 a{color:inherit;text-decoration:none}
 footer.house{display:none}
}
""" + FLOW_PRINT_STYLE


def _page(title: str, body: str, authority: str, period: pd.Timestamp, source: str, contents: list[tuple[str, str]]):
    items = "".join(f'<li><a href="#{html.escape(i)}">{html.escape(t)}</a></li>' for i, t in contents)
    nav = f'<nav class="contents"><strong>Contents</strong><ol>{items}</ol></nav>' if contents else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(authority)}: {html.escape(title)} to {period:%d/%m/%Y}</title><style>{STYLE}{PRINT_STYLE}</style></head>
<body><header class="house"><div class="authority">{html.escape(authority)}</div>
<h1 class="title">{html.escape(title)}</h1>
<div class="meta">Period ending {period:%d %B %Y} · Source: {html.escape(source)} · Aggregates only: no child identifiers</div>
</header>{nav}<main>{body}</main>
<footer class="house">{html.escape(authority)} · {html.escape(title)} · period ending {period:%d/%m/%Y} · source: {html.escape(source)}
· <a href="index.html">all reports for this period</a></footer></body></html>
"""


_EXPORTERS: list = []    # the process's HTML exporter: its templates compiled once (0.08 s), then reused
_EXPORTER_LOCK = threading.Lock()


def _exporter():
    """nbconvert's HTML exporter for the reports (basic template; code, prompts hidden; images embedded), made
    once a process: a pool worker exports several notebooks with it (and makes it while its first notebook runs,
    :func:`_exporter_ahead`)."""
    with _EXPORTER_LOCK:
        if not _EXPORTERS:
            from nbconvert import HTMLExporter
            _EXPORTERS.append(HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                                           exclude_output_prompt=True, embed_images=True))
        return _EXPORTERS[0]


def _exporter_ahead() -> None:
    """In a pool worker, while its notebook runs in the kernel (the worker only waits for it): the HTML exporter
    made in a thread and used once on a small notebook of the reports' kinds of output (0.45 s of imports and
    templates, then ~0.15 s of their first use, off the path from the notebook's end to its HTML); then what the
    worker has made is frozen out of the garbage collector's walks (as in the kernels, :data:`_GC_FREEZE`: a full
    collection during the first export had walked pandas', papermill's and nbconvert's objects, ~0.1 s)."""
    def make():
        import gc
        try:
            _exporter().from_notebook_node(_warm_notebook())
        except Exception:  # noqa: BLE001 - export_html makes it again and reports what fails
            pass
        gc.collect()
        gc.freeze()
    if not _EXPORTERS:
        threading.Thread(target=make, daemon=True).start()


def _warm_notebook():
    """A notebook with a markdown cell and a cell showing HTML, Markdown and a stream, as the reports' do."""
    import nbformat
    v4 = nbformat.v4
    shown = [v4.new_output("display_data", data={"text/html": "<p>x</p>", "text/plain": "x"}),
             v4.new_output("display_data", data={"text/markdown": "## A section\n- a **b**", "text/plain": "x"}),
             v4.new_output("stream", name="stdout", text="x\n")]
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("## A section"), v4.new_code_cell("x", outputs=shown)])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def export_html(ipynb: Path, html_path: Path, title: str = "", period=None, authority: str = "", source: str = ""):
    """HTML for officers: code and prompts hidden, images embedded, stderr dropped, in the house template
    (authority, title, period, source, a contents list of the report's sections). Self-contained: no
    script or file is fetched from the internet."""
    import nbformat

    exporter = _exporter()
    nb = nbformat.read(str(ipynb), as_version=4)
    for cell in nb.cells:  # stderr streams (warnings, progress) are for analysts, not officers
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    body, _ = exporter.from_notebook_node(nb)
    contents = [(i, re.sub(r"<[^>]+>|¶", "", t).strip()) for i, t in re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', body)]
    period = pd.Timestamp(period) if period is not None else pd.Timestamp.today().normalize()
    html_path.write_text(_page(title or ipynb.stem, body, authority, period, source, contents), encoding="utf-8")


def execute(name: str, period: pd.Timestamp, data_dir: Path, dest: Path, parameters: dict | None = None,
            km=None) -> Path:
    """Execute a notebook with papermill into ``dest``: in ``km``'s kernel when given (one started ahead, see
    :class:`_Kernel`; the caller shuts it down), else in a kernel papermill starts and stops."""
    import papermill as pm

    file = NOTEBOOK_DIR / NOTEBOOKS[name][0]
    out = dest / file.name
    params = {"period": f"{period:%Y-%m-%d}", "data_dir": str(Path(data_dir).resolve()),
              "handover": str(publish.handover_path(dest, name).resolve())}  # its tables and figures, for the workbook
    params.update(parameters or {})
    pm.execute_notebook(str(file), str(out), parameters=params, kernel_name="python3", progress_bar=False,
                        cwd=str(NOTEBOOK_DIR), log_output=False, config=_kernel_config(), km=km,
                        engine_name=_engine())
    return out


def _engine() -> str:
    """papermill's own engine (nbclient), registered under a name of ours, saving the executed notebook once when it
    ends however it ends (a cell's error, a kernel that died) instead of at every cell's start and end: papermill
    writes the whole notebook, charts and all, twice a cell (0.7 of the workers' 0.95 CPU-seconds for the four
    reports), through papermill's engine registry."""
    from papermill.engines import NBClientEngine, papermill_engines

    class SavedAtTheEnd(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            path, nb_man.output_path = nb_man.output_path, None   # the manager saves nothing while cells run
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            finally:
                nb_man.output_path = path                           # then papermill saves it as the notebook ends

    papermill_engines.register("cicanalysis", SavedAtTheEnd)
    return "cicanalysis"


def _kernel_config():
    """Encrypt the kernel's local sockets (CurveZMQ) when pyzmq and the kernel support it: recent ipykernels
    print a warning on every start otherwise, which buried the progress bar."""
    import zmq
    from jupyter_client import KernelManager
    from traitlets.config import Config

    if KernelManager.class_traits().get("transport_encryption") is None or not zmq.has("curve"):
        return Config()  # an older jupyter_client, or libzmq without CurveZMQ: plain local sockets
    return Config({"KernelManager": {"transport_encryption": "auto"}})


def _authority_name(data_dir: Path) -> str:
    folder = Path(data_dir) / "authority"
    return reference.authority(folder if folder.is_dir() else None).get("name", "")


def source_line(extract, data_dir) -> str:
    """The source every page names: the authority's SSDA903 extract and its date (never a folder's name)."""
    if extract is None:
        return "the authority's SSDA903 extract"
    return f"the authority's SSDA903 extract dated {extract.extract_date:%d/%m/%Y}"


def write_not_available(name: str, period: pd.Timestamp, folder: Path, authority: str, data_dir: Path,
                        source: str = "") -> None:
    """The page of a report whose required local table the extract lacks: what it needs, in one line."""
    table, _ = REQUIRES[name]
    what = {"adopters": "the authority's table of prospective adoptive households"}.get(table, f"the {table} table")
    body = (f"<h1>{html.escape(NOTEBOOKS[name][1])}</h1><p><strong>Not produced for this period:</strong> every "
            f"section of this report needs {html.escape(what)}, which was not supplied with the extract. The report "
            f"is produced once it is.</p>")
    page = _page(NOTEBOOKS[name][1], body, authority, period, source or source_line(None, data_dir), [])
    (folder / f"{name}.html").write_text(page, encoding="utf-8")


def _task(name: str, period: pd.Timestamp, data_dir: str, tmp: str, parameters: dict | None,
          authority: str, source: str = "") -> tuple[bool, str]:
    """One notebook of one period, run in a worker process: execute, then export. (ok, message). Its PDF is
    printed by the run (:func:`_pdf`, one browser for every report)."""
    import signal
    in_worker = bool(_STOP_ON_INTERRUPT)
    if in_worker:                       # Ctrl-C stops this notebook (its kernel is shut down), quietly
        signal.signal(signal.SIGINT, signal.default_int_handler)
    kernel = _next_kernel()
    if _AHEAD["left"] is not None:
        _exporter_ahead()
    interrupted = True
    try:
        ipynb = execute(name, period, Path(data_dir), Path(tmp), parameters, kernel.take() if kernel else None)
        interrupted = False
        source = source or source_line(None, data_dir)
        export_html(ipynb, Path(tmp) / f"{name}.html", NOTEBOOKS[name][1], period, authority, source)
        return True, ""
    except KeyboardInterrupt:
        if not in_worker:
            raise
        return False, "interrupted"
    except Exception as exc:  # noqa: BLE001 - reported per notebook, the run goes on
        interrupted = False
        last = [line for line in str(exc).strip().splitlines() if line.strip()]
        return False, (last[-1] if last else type(exc).__name__)[:300]
    finally:
        if _AHEAD["left"] is not None:          # a pool worker: the kernel kept for its next notebook
            _after_notebook(kernel, interrupted)
        elif kernel is not None:
            kernel.shutdown()
        if in_worker:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pdf(name: str, period: pd.Timestamp, data_dir: Path, folder: Path, authority: str, source: str = "",
         printer: publish.Printer | None = None) -> str:
    """The report as an A4 PDF beside its HTML (with ``printer``'s browser when given); '' when written, else a
    one-line warning (the HTML stands)."""
    short = (source or source_line(None, data_dir)).replace("the authority's ", "")   # the footer names it already
    text = f"{authority} · {NOTEBOOKS[name][1]} · period ending {period:%d/%m/%Y} · source: {short}"
    try:
        publish.write_pdf(folder / f"{name}.html", folder / f"{name}.pdf", text, printer)
        return ""
    except CicError as exc:
        return f"PDF not written: {exc}"


# ---------------------------------------------------------------- index pages
def write_period_index(folder: Path, period: pd.Timestamp, done: list[str], data_dir: Path,
                       failed: dict[str, str] | None = None, authority: str | None = None, source: str = "") -> None:
    """The period's index: a link per report; a report that failed on the last run is marked with its error
    (and still linked when a previous good version was kept)."""
    name = authority if authority is not None else _authority_name(data_dir)
    failed = failed or {}
    items = []
    for n in NOTEBOOKS:
        title = html.escape(NOTEBOOKS[n][1])
        if n in failed:
            kept = (folder / f"{n}.html").exists()
            link = f'<a href="{n}.html">{title}</a> (previous version)' if kept else title
            items.append(f'<li class="failed">{link}: <strong>failed on the last run</strong> — '
                         f"{html.escape(failed[n])}</li>")
        elif n in done or (folder / f"{n}.html").exists():
            pdf = f' (<a href="{n}.pdf">A4 PDF</a>)' if (folder / f"{n}.pdf").exists() else ""
            items.append(f'<li><a href="{n}.html">{title}</a>{pdf}</li>')
    body = (f"<p>Children's services performance reports for the period ending <strong>{period:%d %B %Y}</strong>.</p>"
            f"<ul>{''.join(items)}</ul>{_downloads()}<p><a href=\"../index.html\">All periods</a></p>")
    page = _page("Reports", body, name, period, source or source_line(None, data_dir), [])
    folder.joinpath("index.html").write_text(page.replace('<a href="index.html">all reports for this period</a>',
                                                          '<a href="../index.html">all periods</a>'), encoding="utf-8")


def _downloads() -> str:
    """Links to the period's figures for analysts (written when the run ends)."""
    return (f'<p>For analysts: every table of the period as an Excel workbook (<a href="{publish.WORKBOOK}">'
            f'{publish.WORKBOOK}</a>) and every figure as tidy CSV (<a href="{publish.FIGURES_CSV}">'
            f'{publish.FIGURES_CSV}</a>: {", ".join(publish.FIGURE_COLUMNS)}).</p>')


def write_outputs_index(out_dir: Path, data_dir: Path, authority: str | None = None) -> Path:
    """``outputs/index.html``: every period folder with its reports, newest first."""
    out_dir = Path(out_dir)
    rows = []
    for folder in sorted((p for p in out_dir.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.name)),
                         reverse=True):
        reports = [n for n in NOTEBOOKS if (folder / f"{n}.html").exists()]
        links = " · ".join(f'<a href="{folder.name}/{n}.html">{html.escape(NOTEBOOKS[n][1])}</a>' for n in reports)
        rows.append(f'<tr><th scope="row"><a href="{folder.name}/index.html">{pd.Timestamp(folder.name):%d %B %Y}</a>'
                    f"</th><td>{links}</td></tr>")
    name = authority if authority is not None else _authority_name(data_dir)
    body = ("<p>Every reporting period with reports, newest first.</p><table><thead><tr><th scope=\"col\">Period "
            f"ending</th><th scope=\"col\">Reports</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(name)}: children's services performance reports</title>
<style>{STYLE}{PRINT_STYLE}</style></head><body><header class="house"><div class="authority">{html.escape(name)}</div>
<h1 class="title">Children's services performance reports</h1>
<div class="meta">Aggregates only: no child identifiers</div></header><main>{body}</main></body></html>
"""
    target = out_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


# ---------------------------------------------------------------- running
def _prepare(out_dir: Path, p: pd.Timestamp) -> Path:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for stale in out_dir.glob(f".{p:%Y-%m-%d}.*"):  # left by an interrupted run: never read, now removed
            shutil.rmtree(stale, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix=f".{p:%Y-%m-%d}.", dir=out_dir))
    except OSError as exc:
        raise CicError(f"cannot write to the output folder ({exc.strerror})", file=str(out_dir),
                       rule="output folder writable") from None


def _keep_previous(p: pd.Timestamp, tmp: Path, out_dir: Path, names: list[str], results: list[Result]) -> None:
    """Before a period's files are written: a report that failed has its partial files removed, its executed copy
    put in ``<period>.failed/`` and its previous good version (if any) copied in; reports not run this time
    (another ``--notebooks`` selection) are copied in as they were."""
    final, failed_dir = out_dir / f"{p:%Y-%m-%d}", out_dir / f"{p:%Y-%m-%d}.failed"
    for r in results:
        if r.ok:
            continue
        failed_dir.mkdir(exist_ok=True)
        src = tmp / NOTEBOOKS[r.notebook][0]
        if src.exists():
            shutil.copy2(src, failed_dir / src.name)
        for stale in tmp.glob(f"{r.notebook}.*"):        # the failed run's partial files
            stale.unlink()
        for keep in final.glob(f"{r.notebook}.*"):          # the previous good version, if any
            shutil.copy2(keep, tmp / keep.name)
    if final.exists():
        for keep in final.iterdir():
            stem = keep.name.split(".")[0]
            if stem in NOTEBOOKS and stem not in names and keep.is_file() and not (tmp / keep.name).exists():
                shutil.copy2(keep, tmp / keep.name)


def _finish(p: pd.Timestamp, tmp: Path, out_dir: Path, results: list[Result], data_dir: Path,
            authority: str | None = None, source: str = ""):
    """Move a period's outputs into place (after :func:`_keep_previous` and its files): each report that succeeded
    replaces its previous version, one that failed is marked in the index; ``<period>.failed/`` keeps the executed
    copies of the reports that failed this time only."""
    final, old = out_dir / f"{p:%Y-%m-%d}", out_dir / f".{p:%Y-%m-%d}.old"
    failed_dir = out_dir / f"{p:%Y-%m-%d}.failed"
    failed = {r.notebook: r.message for r in results if not r.ok}
    write_period_index(tmp, p, [r.notebook for r in results if r.ok], data_dir, failed, authority, source)
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    tmp.chmod(0o755)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    if not failed:
        shutil.rmtree(failed_dir, ignore_errors=True)
        return
    for stale in failed_dir.glob("*.ipynb"):              # copies of reports that now succeed
        if stale.stem in NOTEBOOKS and stale.stem not in failed:
            stale.unlink()


# the shared extract (child-level data) goes in a private folder here, never in the output folder officers are sent
CACHE_DIR_ENV = "CICANALYSIS_CACHE_DIR"
CACHE_PREFIX = "cicanalysis-run-"


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or tempfile.gettempdir())


def _remove_stale_caches(root: Path) -> None:
    """Cache folders of killed runs (their process is gone) hold child-level data: removed."""
    for stale in root.glob(f"{CACHE_PREFIX}*"):
        try:
            os.kill(int(stale.name[len(CACHE_PREFIX):].split("-")[0]), 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(stale, ignore_errors=True)
        except PermissionError:
            pass


def _share_extract(extract, data_dir: Path) -> Path | None:
    """Pickle the loaded extract for the run's notebooks (their ``extract_cache`` parameter) in a private cache
    folder outside the outputs; None if it cannot be loaded here (the notebooks then load it themselves and
    report the error). A full disk is a one-line error, with nothing left behind."""
    import errno

    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        _remove_stale_caches(root)
        x = extract if extract is not None else load(data_dir)
    except (CicError, OSError):
        return None
    folder = Path(tempfile.mkdtemp(prefix=f"{CACHE_PREFIX}{os.getpid()}-", dir=root))   # mode 0700
    try:
        save_run_cache(x, data_dir, folder / "extract.pkl")
        return folder / "extract.pkl"
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise CicError(f"no space left on the device for the run's extract cache ({exc.strerror})",
                           file=str(root), rule="disk space") from None
        return None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


class _Lock:
    def __init__(self, fd: int):
        self.fd = fd

    def close(self) -> None:
        os.close(self.fd)


def _lock(out_dir: Path) -> _Lock:
    """An exclusive lock on the output folder itself (flock on the directory: no file is written, and it is
    released when the process ends, however it ends): a second run into the same folder is refused in one line
    instead of deleting the first one's work."""
    import fcntl
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir, os.O_RDONLY)
    except OSError as exc:
        raise CicError(f"cannot write to the output folder ({exc.strerror})", file=str(out_dir),
                       rule="output folder writable") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise CicError("another cicanalysis run is writing to this output folder: wait for it to finish or give "
                       "another --out", file=str(out_dir), rule="one run per output folder") from None
    return _Lock(fd)


_STOP_ON_INTERRUPT: bool | None = None     # in a pool worker: whether Ctrl-C stops its notebook (None: not a worker)


def _ignore_interrupts(stop: bool) -> None:
    """Pool workers: Ctrl-C goes to the whole process group; the main process stops the run, the workers are
    told to stop by _task's own handler only while they run a notebook (no traceback from an idle worker), and
    not at all when the main process ignores Ctrl-C (started in the background, nohup)."""
    import signal
    global _STOP_ON_INTERRUPT
    _STOP_ON_INTERRUPT = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # what a worker and its kernels print is not for the command's user (a kernel orphaned by Ctrl-C during its
    # start says "Parent appears to have exited"); each notebook's outcome comes back as its result
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


# ---------------------------------------------------------------- kernels started ahead (pool workers)
def setup_imports() -> list[str]:
    """The modules every notebook's setup cell (tagged ``setup``) imports, and the names it imports from them
    (some are modules): what a kernel started ahead imports while it waits."""
    import ast
    import json
    names = set()
    for file, _, _ in NOTEBOOKS.values():
        for cell in json.loads((NOTEBOOK_DIR / file).read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code" or "setup" not in cell.get("metadata", {}).get("tags", []):
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    names |= {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
    return sorted(names)


def _warm_code(modules: list[str]) -> str:
    """Code that imports ``modules`` (those that are modules) and binds no name in the kernel's namespace; then the
    objects the imports made are frozen out of the garbage collector's scans (:data:`_GC_FREEZE`)."""
    return ("def _cic_warm(names):\n    import importlib\n    for n in names:\n        try:\n"
            f"            importlib.import_module(n)\n        except ImportError:\n            pass\n{_GC_FREEZE}"
            f"_cic_warm({modules!r})\ndel _cic_warm\n")


# Python's garbage collector, at each full collection, walks every object that can hold others: in a kernel that is
# first the ~400,000 that pandas, matplotlib and the package made on import, which live as long as the kernel.
# Frozen (``gc.freeze``, meant for objects made once and kept), they are left out of the walk: ~0.13 CPU-s a notebook
# (4 notebooks 7.2-7.4 -> 6.8 CPU-s measured in one process each). Cycles made later are collected as before.
_GC_FREEZE = "    import gc\n    gc.collect()\n    gc.freeze()\n"


# Between two notebooks in one kernel: figures closed, then IPython's own reset for a new session (every name the
# notebook bound, its inputs and outputs, history, and the execution count back to 1). Imported modules stay: that
# is the point; the package keeps no state a notebook sets (its caches are keyed by what they read).
# What outlives the reset (the run's extract, read once per process) is frozen too.
_RESET_CODE = ("def _cic_reset():\n    import sys\n    plt = sys.modules.get('matplotlib.pyplot')\n"
               "    if plt is not None:\n        plt.close('all')\n    get_ipython().reset(new_session=True)\n"
               f"{_GC_FREEZE}_cic_reset()\n")


def _kernel_manager():
    """A kernel manager that remembers the clients made from it (papermill's client is left connected when the
    kernel is not papermill's own: :meth:`_Kernel.reuse` disconnects it), and makes them :func:`_ready_client`."""
    from jupyter_client.manager import AsyncKernelManager

    class Manager(AsyncKernelManager):
        def client(self, **kwargs):
            made = super().client(**kwargs)
            self.__dict__.setdefault("_cic_clients", []).append(made)
            return made
    return Manager(kernel_name="python3", config=_kernel_config(), client_factory=_ready_client())


def _ready_client():
    """papermill's kernel client, ready for a notebook as soon as the kernel has answered: jupyter_client's
    ``wait_for_ready`` asks the kernel for its info, checks that IOPub delivers (a first message within 0.2 s, else
    it asks again), then waits until IOPub has been silent for 0.2 s, dropping what came. That last wait is 0.2 s
    of nothing at every notebook's start, twice on each worker's path; here IOPub is drained of what has already
    come instead (a message of the info request that comes later is not the first cell's: nbclient takes only the
    messages whose parent is the cell's request). Otherwise the same steps, and the same errors."""
    from jupyter_client.asynchronous import AsyncKernelClient
    return type("ReadyClient", (AsyncKernelClient,), {"wait_for_ready": _wait_for_ready})


async def _wait_for_ready(client, timeout: float | None = None) -> None:
    """:func:`_ready_client`'s ``wait_for_ready``."""
    import time
    end = time.time() + (float("inf") if timeout is None else timeout)
    while not await _info_and_iopub(client):
        if not await client._async_is_alive():
            raise RuntimeError("Kernel didn't reply to kernel_info: it has died")
        if time.time() > end:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
    while await _iopub_message(client, wait=0):     # what IOPub holds already dropped, without waiting for more
        pass


async def _info_and_iopub(client) -> bool:
    """The kernel's info asked and its reply read, and IOPub seen to deliver (jupyter_client's checks)."""
    from queue import Empty
    client.kernel_info()
    try:
        msg = await client.shell_channel.get_msg(timeout=1)
    except Empty:
        return False
    if msg["msg_type"] != "kernel_info_reply" or not await _iopub_message(client, wait=0.2):
        return False
    client._handle_kernel_info_reply(msg)
    return True


async def _iopub_message(client, wait: float) -> bool:
    """Whether a message came on IOPub within ``wait`` seconds (it is dropped)."""
    from queue import Empty
    try:
        await client.iopub_channel.get_msg(timeout=wait)
    except Empty:
        return False
    return True


class _Kernel:
    """A python3 kernel started ahead of the notebook it will run, in the notebooks' folder (as papermill starts
    one), importing the setup cells' modules (:func:`setup_imports`) silently while its worker runs another
    notebook or the run loads the extract; then reused for the worker's next notebooks (:meth:`reuse`). Nothing of
    it is left in a notebook: no name, no output, no execution count."""

    def __init__(self, code: str):
        from jupyter_core.utils import run_sync
        self.km = _kernel_manager()
        run_sync(self.km.start_kernel)(cwd=str(NOTEBOOK_DIR), extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self._send(code)

    def _send(self, code: str) -> None:
        self.kc = self._client()
        self.kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
        self.request = self.kc.execute(code, silent=True, store_history=False)

    def reuse(self) -> bool:
        """Ready the kernel for another notebook (papermill's client disconnected, :data:`_RESET_CODE` sent, and
        waited for by :meth:`take`); False when it has died."""
        from jupyter_core.utils import run_sync
        for client in self.km.__dict__.pop("_cic_clients", []):
            client.stop_channels()
        if not run_sync(self.km.is_alive)():
            return False
        self._send(_RESET_CODE)
        return True

    def _client(self):
        from jupyter_client.blocking import BlockingKernelClient
        kw = {**self.km.get_connection_info(session=True), "connection_file": self.km.connection_file, "parent": self.km}
        for key in ("curve_publickey", "curve_secretkey"):
            if isinstance(kw.get(key), str):
                kw[key] = kw[key].encode("ascii")
        return BlockingKernelClient(**kw)

    def take(self, timeout: float = 120):
        """The kernel's manager for papermill, once its imports are done (or ``timeout`` passed: the notebook's
        setup cell then imports what is left); None when the kernel has died (papermill then starts one). Asked
        again before :meth:`reuse`, the same manager."""
        import queue
        import time

        from jupyter_core.utils import run_sync
        if self.request is None:
            return self.km
        end = time.monotonic() + timeout
        try:
            while time.monotonic() < end:
                try:
                    if self.kc.get_shell_msg(timeout=1)["parent_header"].get("msg_id") == self.request:
                        self.request = None
                        break
                except queue.Empty:
                    if not run_sync(self.km.is_alive)():
                        return None
        finally:
            self.kc.stop_channels()
        return self.km

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - already gone
            pass


_AHEAD: dict = {"kernel": None, "left": None, "code": ""}   # a pool worker's kernel started ahead, the run's count
# of notebooks not yet begun (shared by the workers), the code that warms a kernel


def _start_kernel() -> "_Kernel | None":
    try:
        return _Kernel(_AHEAD["code"])
    except Exception:  # noqa: BLE001 - the notebook then starts its own kernel, as papermill does
        return None


def skip_iri_grammars() -> None:
    """Before papermill is imported: leave out ``rfc3987_syntax``, which jsonschema (imported by nbformat) loads
    when it is installed, to check the "iri" string format, compiling 39 lark grammars (0.7 s of CPU in each process
    that imports papermill or nbconvert). Notebook schemas use no string format, so every notebook is validated as
    before; jsonschema already runs without it when it is not installed. Nothing is done once jsonschema is in."""
    import sys
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)    # None: "import rfc3987_syntax" raises ImportError


def _start_worker(stop: bool, left, code: str) -> None:
    """A pool worker: Ctrl-C as :func:`_ignore_interrupts` says, then a kernel started for its first notebook
    (shut down when the worker ends if no notebook took it)."""
    from multiprocessing import util
    _ignore_interrupts(stop)
    skip_iri_grammars()
    _AHEAD.update(left=left, code=code)
    _AHEAD["kernel"] = _start_kernel()
    util.Finalize(None, _shutdown_ahead, exitpriority=10)


def _shutdown_ahead() -> None:
    kernel, _AHEAD["kernel"] = _AHEAD["kernel"], None
    if kernel is not None:
        kernel.shutdown()


def _next_kernel() -> "_Kernel | None":
    """In a pool worker: the worker's kernel for this notebook (started with the worker, or kept from its last
    notebook); None outside a pool. The run's count of notebooks not yet begun goes down by one."""
    kernel, _AHEAD["kernel"] = _AHEAD["kernel"], None
    left = _AHEAD["left"]
    if left is not None:
        with left.get_lock():
            left.value -= 1
    return kernel


def _after_notebook(kernel: "_Kernel | None", interrupted: bool) -> None:
    """In a pool worker, once a notebook has ended (run to its end or stopped by an error in a cell): its kernel is
    kept for the worker's next notebook, reset, while a notebook of the run has not begun; otherwise shut down,
    and a new one started if one is still needed (the kernel died, or papermill started its own). Ctrl-C shuts the
    kernel down and starts none."""
    left = _AHEAD["left"]
    with left.get_lock():
        more = left.value > 0 and not interrupted
    if kernel is not None and more and kernel.reuse():
        _AHEAD["kernel"] = kernel
        return
    if kernel is not None:
        kernel.shutdown()
    if more:
        _AHEAD["kernel"] = _start_kernel()


# ---------------------------------------------------------------- running
def _period_title(p: pd.Timestamp, authority: str) -> str:
    return f"{authority}: children's services performance reports, period ending {p:%d/%m/%Y}"


def run(periods, data_dir, out_dir, notebooks=None, parameters: dict | None = None, jobs: int = 1,
        progress: bool = False, extract=None, pdf: bool = True) -> list[Result]:
    """Run the notebooks due for every period, up to ``jobs`` at a time; one Result per notebook.

    The extract is loaded once (or ``extract``, already loaded from ``data_dir``, is used; or, when it is a function,
    what it returns: the caller's load and checks, run while the workers start their kernels, a CicError it raises
    ending the run before anything is written) and shared with
    the notebooks through a pickle in a private cache folder outside ``out_dir`` (:func:`cache_root`), removed
    however the run ends. ``out_dir`` is locked for the run: a second run into it is refused in one line.
    With ``jobs`` > 1 the workers start a kernel each while the extract loads, and run each of their notebooks in it
    (reset between two); a period's ``tables.xlsx`` is written as its notebooks end (each report's figures' sheet
    while the others run), finished with ``figures.csv`` while its last PDF prints, and the period is moved into
    place with them. ``pdf=False`` prints no PDF (the HTML, workbook and figures are written)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    plan = {P.month_end(p): due(p, notebooks) for p in periods}
    left, pool = _start_pool(jobs, sum(len(names) for names in plan.values()))
    try:
        if callable(extract):
            extract = extract()
        lock = _lock(out_dir)
        try:
            return _Run(plan, data_dir, out_dir, progress, pdf, left).run(parameters, pool, extract)
        finally:
            lock.close()
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _start_pool(jobs: int, n: int):
    """The worker processes for ``n`` notebooks (None to run them in this one), each starting a kernel at once,
    while the extract loads; and the run's shared count of notebooks not yet begun."""
    import multiprocessing
    import signal
    if jobs <= 1 or n <= 1:
        return None, None
    stop = signal.getsignal(signal.SIGINT) is not signal.SIG_IGN
    left = multiprocessing.Value("i", n)
    pool = ProcessPoolExecutor(max_workers=min(jobs, n), initializer=_start_worker,
                               initargs=(stop, left, _warm_code(setup_imports())))
    for _ in range(min(jobs, n)):         # workers are started as tasks come: start them all now
        pool.submit(int)
    return left, pool


class _Run:
    """One run's state: the plan (period -> notebooks), each period's temporary folder and its results so far."""

    def __init__(self, plan: dict, data_dir: Path, out_dir: Path, progress: bool, pdf: bool = True, left=None):
        self.plan, self.data_dir, self.out_dir = plan, data_dir, out_dir
        self.results: dict[pd.Timestamp, list[Result]] = {p: [] for p in plan}
        self.tmps: dict[pd.Timestamp, Path] = {}
        self.authority, self.source, self.bar, self.printer, self.files = "", "", None, None, None
        self.left = left            # the pool's shared count of notebooks not yet begun (None without a pool)
        self.prints, self.printing = None, {p: [] for p in plan}      # the browser's thread, each period's PDFs
        self.period_files: dict[pd.Timestamp, publish.PeriodFiles] = {}   # each period's tables.xlsx and figures.csv
        self.progress, self.pdf = progress, pdf

    def run(self, parameters, pool, extract) -> list[Result]:
        from concurrent.futures import ThreadPoolExecutor
        self.tmps = {p: _prepare(self.out_dir, p) for p in self.plan}
        shared = None
        try:
            extract, shared = self._load(extract)
            parameters = self._parameters(parameters, extract, shared)
            self.printer = publish.Printer()     # one browser for the run's PDFs, printed as each notebook ends
            self.prints = ThreadPoolExecutor(max_workers=1)   # in its own thread: the next results come in meanwhile
            self.files = ThreadPoolExecutor(max_workers=1)    # each period's tables.xlsx and figures.csv
            self._open_bar()
            tasks = self._not_available(self._tasks(), extract)
            self._execute(tasks, parameters, pool)
        except BaseException:
            for tmp in self.tmps.values():     # unfinished periods: the last good outputs stay as they were
                shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            self._close(pool, shared)
        write_outputs_index(self.out_dir, self.data_dir, self.authority)
        order = {n: i for i, n in enumerate(NOTEBOOKS)}
        return [r for p in self.plan for r in sorted(self.results[p], key=lambda r: order[r.notebook])]

    def _load(self, extract):
        if extract is None:
            try:
                extract = load(self.data_dir)
            except CicError:
                extract = None      # the notebooks load it themselves and report the error
        shared = _share_extract(extract, self.data_dir)
        self.authority = extract.authority["name"] if extract is not None else _authority_name(self.data_dir)
        self.source = source_line(extract, self.data_dir)
        return extract, shared

    @staticmethod
    def _parameters(parameters, extract, shared) -> dict:
        """The notebooks get the run's extract and its load options as papermill parameters (in each parameters
        cell)."""
        options = extract.load_options if extract is not None else {}
        return dict(parameters or {}, extract_cache=str(shared.resolve()) if shared is not None else "",
                    load_options={k: str(v) for k, v in options.items()})

    def _tasks(self) -> list[tuple]:
        """Longest notebooks first, so that parallel workers finish together (the pool takes tasks in order)."""
        tasks = ((p, n) for p, names in self.plan.items() for n in names)
        return sorted(tasks, key=lambda t: -RELATIVE_COST.get(t[1], 0))

    def _not_available(self, tasks: list[tuple], extract) -> list[tuple]:
        """The reports whose required local table the extract lacks get their one-line page; the others are left
        to run."""
        lacking = {n for n, (table, _) in REQUIRES.items() if extract is not None and not extract.sources.get(table)}
        for p, name in [t for t in tasks if t[1] in lacking]:
            write_not_available(name, p, self.tmps[p], self.authority, self.data_dir, self.source)
            self.record(p, name, True, f"not produced: needs {REQUIRES[name][1].split(' ')[0]}", pdf=False)
        if lacking and self.left is not None:
            with self.left.get_lock():
                self.left.value -= len([t for t in tasks if t[1] in lacking])
        return [t for t in tasks if t[1] not in lacking]

    def _execute(self, tasks: list[tuple], parameters: dict, pool) -> None:
        args = (parameters, self.authority, self.source)
        if pool is None:
            for p, name in tasks:
                self.record(p, name, *_task(name, p, str(self.data_dir), str(self.tmps[p]), *args))
            return
        futures = {pool.submit(_task, name, p, str(self.data_dir), str(self.tmps[p]), *args): (p, name)
                   for p, name in tasks}
        try:
            for f in as_completed(futures):
                try:
                    outcome = f.result()
                except Exception as exc:  # noqa: BLE001 - a worker that died: that notebook failed
                    outcome = (False, f"worker process failed ({type(exc).__name__})")
                self.record(*futures[f], *outcome)
        except BaseException:       # Ctrl-C: nothing more starts; running notebooks stop their kernels
            pool.shutdown(wait=True, cancel_futures=True)
            raise

    def record(self, p: pd.Timestamp, name: str, ok: bool, message: str, pdf: bool = True) -> None:
        """A notebook's outcome: its PDF queued for the browser's thread (the run takes the next outcome meanwhile)
        and its figures' sheet of tables.xlsx written in the files' thread (while the period's other notebooks run);
        when it is the period's last, the period's files finished (while its PDFs print), then, once every PDF of
        the period is printed (its result's message: '' or why not), the period moved into place."""
        results = self.results[p]
        last = len(results) + 1 == len(self.plan[p])
        files = None
        result = Result(p, name, ok, message)
        if p not in self.period_files:
            self.period_files[p] = publish.PeriodFiles(self.tmps[p], _period_title(p, self.authority))
        period_files = self.period_files[p]
        if ok:
            self.files.submit(period_files.add, name)      # its figures' sheet written while the others run
        if last:
            _keep_previous(p, self.tmps[p], self.out_dir, self.plan[p], results + [result])
            files = self.files.submit(period_files.close)
        if ok and pdf and self.pdf:
            self.printing[p].append((result, self.prints.submit(_pdf, name, p, self.data_dir, self.tmps[p],
                                                                self.authority, self.source, self.printer)))
        results.append(result)
        if all(len(self.results[q]) == len(names) for q, names in self.plan.items()):
            self.prints.submit(self.printer.close)  # the run's last PDF queued: the browser closed after it
        self._progress(p, name, ok)
        if last:
            for r, printed in self.printing.pop(p):
                r.message = printed.result()
            files.result()
            _finish(p, self.tmps[p], self.out_dir, results, self.data_dir, self.authority, self.source)

    def _open_bar(self) -> None:
        if self.progress:
            from tqdm import tqdm
            total = sum(len(names) for names in self.plan.values())
            self.bar = tqdm(total=total, unit="notebook", desc="cicanalysis run", leave=True)

    def _progress(self, p: pd.Timestamp, name: str, ok: bool) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(f"{p:%Y-%m-%d} {name} {'ok' if ok else 'FAILED'}")
            self.bar.update()

    def _close(self, pool, shared) -> None:
        try:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            if self.files is not None:
                self.files.shutdown(wait=True, cancel_futures=True)
        finally:
            if self.prints is not None:       # PDFs not begun are dropped; the browser closed in its own thread
                for queued in self.printing.values():
                    for _, printed in queued:
                        printed.cancel()
                self.prints.submit(self.printer.close)
                self.prints.shutdown(wait=True)
            if self.bar is not None:
                self.bar.close()
            if shared is not None:
                shutil.rmtree(shared.parent, ignore_errors=True)


def run_period(period, data_dir, out_dir, notebooks=None, parameters: dict | None = None, jobs: int = 1) -> list[Result]:
    """Run the notebooks due for ``period`` into ``out_dir/<period>``; return one Result per notebook."""
    return run([period], data_dir, out_dir, notebooks, parameters, jobs)
