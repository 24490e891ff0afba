"""Batch runs: execute the notebooks for a period with papermill, export HTML for officers.

Each period is built in a temporary folder beside ``outputs/<period>`` and moved into place only when
every notebook succeeded, so a failed run never overwrites the last good outputs. A failing notebook's
executed copy (with the error) is kept in ``outputs/<period>.failed/`` for the analyst.
"""
from __future__ import annotations

import html
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import periods as P
from . import reference
from .errors import CicError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
# name → (file, title, due(period) -> bool)
NOTEBOOKS = {
    "scorecard": ("scorecard.ipynb", "Children in Care performance scorecard", lambda p: True),
    # six-monthly: spans ending 30 September and 31 March (any month end can be run by naming the notebook)
    "adoption_journey": ("adoption_journey.ipynb", "The children's adoption journey", lambda p: p.month in (3, 9)),
    "adopters_journey": ("adopters_journey.ipynb", "The adopters' journey and adopter sufficiency", lambda p: p.month in (3, 9)),
    "sufficiency_strategy": ("sufficiency_strategy.ipynb", "Placement sufficiency strategy progress (quarterly)",
                             P.is_quarter_end),
}


@dataclass
class Result:
    period: pd.Timestamp
    notebook: str
    ok: bool
    message: str = ""


def export_html(ipynb: Path, html_path: Path) -> None:
    """HTML for officers: code cells and prompts hidden, images embedded (nbconvert)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    nb = nbformat.read(str(ipynb), as_version=4)
    # stderr streams (warnings, progress) are for analysts, not officers
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    body, _ = exporter.from_notebook_node(nb)
    html_path.write_text(body, encoding="utf-8")


def execute(name: str, period: pd.Timestamp, data_dir: Path, dest: Path, parameters: dict | None = None) -> Path:
    import papermill as pm

    file = NOTEBOOK_DIR / NOTEBOOKS[name][0]
    out = dest / file.name
    params = {"period": f"{period:%Y-%m-%d}", "data_dir": str(Path(data_dir).resolve())}
    params.update(parameters or {})
    pm.execute_notebook(str(file), str(out), parameters=params, kernel_name="python3", progress_bar=False,
                        cwd=str(NOTEBOOK_DIR), log_output=False)
    return out


def write_period_index(folder: Path, period: pd.Timestamp, done: list[str], data_dir: Path) -> None:
    name = reference.authority().get("name", "")
    items = "\n".join(f'<li><a href="{n}.html">{html.escape(NOTEBOOKS[n][1])}</a></li>' for n in done)
    folder.joinpath("index.html").write_text(f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)}: reports to {period:%d/%m/%Y}</title>
<style>body{{font-family:sans-serif;max-width:50em;margin:2em auto}} h1{{color:#1f4e79}}</style></head>
<body><h1>{html.escape(name)}</h1><p>Children's services performance reports for the period ending
<strong>{period:%d %B %Y}</strong>.</p><ul>{items}</ul>
<p style="color:#555;font-size:small">Source: {html.escape(Path(data_dir).name)} extract. Aggregates only: no child
identifiers are shown.</p></body></html>
""", encoding="utf-8")


def run_period(period, data_dir, out_dir, notebooks=None, parameters: dict | None = None) -> list[Result]:
    """Run the notebooks due for ``period`` into ``out_dir/<period>``; return one Result per notebook."""
    p = P.month_end(period)
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    names = list(notebooks) if notebooks else [n for n, (_, _, due) in NOTEBOOKS.items() if due(p)]
    unknown = [n for n in names if n not in NOTEBOOKS]
    if unknown:
        raise CicError(f"unknown notebook(s) {', '.join(unknown)}; known: {', '.join(NOTEBOOKS)}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for stale in out_dir.glob(f".{p:%Y-%m-%d}.*"):  # left by an interrupted run: never read, now removed
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{p:%Y-%m-%d}.", dir=out_dir))
    except OSError as exc:
        raise CicError(f"cannot write to the output folder ({exc.strerror})", file=str(out_dir),
                       rule="output folder writable") from None
    results, done = [], []
    for name in names:
        try:
            ipynb = execute(name, p, data_dir, tmp, parameters)
            export_html(ipynb, tmp / f"{name}.html")
            results.append(Result(p, name, True))
            done.append(name)
        except Exception as exc:  # noqa: BLE001 - reported per notebook, the run goes on
            failed = out_dir / f"{p:%Y-%m-%d}.failed"
            failed.mkdir(exist_ok=True)
            src = tmp / NOTEBOOKS[name][0]
            if src.exists():
                shutil.copy2(src, failed / src.name)
            last = str(exc).strip().splitlines()
            results.append(Result(p, name, False, last[-1] if last else type(exc).__name__))
    if all(r.ok for r in results):
        write_period_index(tmp, p, done, data_dir)
        final = out_dir / f"{p:%Y-%m-%d}"
        old = out_dir / f".{p:%Y-%m-%d}.old"
        if old.exists():
            shutil.rmtree(old)
        if final.exists():
            final.rename(old)
        tmp.chmod(0o755)
        tmp.rename(final)
        if old.exists():
            shutil.rmtree(old)
        shutil.rmtree(out_dir / f"{p:%Y-%m-%d}.failed", ignore_errors=True)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return results
