"""The default period's reports as officers get them: the index pages, no child identifiers anywhere,
and every page checked in a real browser (Debian chromium, headless, driven by playwright)."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cicanalysis.cli import main
from cicanalysis.reports import publish
from conftest import DEFAULT_RUN_PARAMETERS, UNKNOWN_UPNS

pytestmark = pytest.mark.slow   # the session's default_outputs, chromium and the PDFs, `cicanalysis run`

ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
REPORTS = ["scorecard", "adoption_journey", "adopters_journey", "sufficiency_strategy"]


def pages(out: Path) -> list[Path]:
    return sorted((out / "2016-03-31").glob("*.html")) + [out / "index.html"]


def test_index_pages_link_every_report_of_the_period(default_outputs):
    top = (default_outputs / "index.html").read_text()
    assert 'href="2016-03-31/index.html"' in top and "31 March 2016" in top
    period = (default_outputs / "2016-03-31" / "index.html").read_text()
    for name in REPORTS:
        assert f'href="{name}.html"' in period and f'href="2016-03-31/{name}.html"' in top


def test_no_child_identifiers_in_any_html(default_outputs, small_authority):
    """CHILD, UPN, household ids, postcodes and dates of birth of the input never appear. Dates of birth
    that fall on the 1st or last day of a month are not looked for: report dates (period ends, span starts)
    are such days and cannot be told apart."""
    header = pd.read_csv(small_authority / "header.csv", dtype=str)
    episodes = pd.read_csv(small_authority / "episodes.csv", dtype=str)
    households = pd.read_csv(small_authority / "adopters.csv", dtype=str)["HOUSEHOLD_ID"]
    tokens = set(header["CHILD"]) | (set(header["UPN"].dropna()) - UNKNOWN_UPNS) | set(households)
    postcodes = set(episodes["HOME_POST"].dropna()) | set(episodes["PL_POST"].dropna())
    dob = pd.to_datetime(header["DOB"], format="%d/%m/%Y")
    dobs = {f"{d:%d/%m/%Y}" for d in dob if d.day != 1 and d != d + pd.offsets.MonthEnd(0)}
    for path in pages(default_outputs):
        text = path.read_text()
        words = set(re.findall(r"[A-Za-z0-9]+", text))
        assert not (tokens & words), (path.name, sorted(tokens & words)[:5])
        assert not [p for p in postcodes if f">{p}<" in text or f" {p} " in text], path.name
        found = set(re.findall(r"\b\d{2}/\d{2}/\d{4}\b", text))
        assert not (found & dobs), (path.name, sorted(found & dobs)[:5])


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")


# what every page must pass in the browser (see _check_page)
RAW_VALUES = {"nan", "NaN", "None", "True", "False", "NaT", "<NA>", "inf"}
PAGE_FACTS = """() => ({
  cells: Array.from(document.querySelectorAll('td, th')).map(c => c.innerText.trim()),
  headers: Array.from(document.querySelectorAll('th[scope=col], thead th')).map(c => c.innerText.trim()),
  unscoped: document.querySelectorAll('th:not([scope])').length,
  images: Array.from(document.images).map(i => ({alt: i.getAttribute('alt'), ok: i.complete && i.naturalWidth > 0,
                                                  vector: i.getAttribute('src').startsWith('data:image/svg+xml;'),
                                                  natural: i.naturalWidth, shown: i.getBoundingClientRect().width})),
  headings: Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map(h => Number(h.tagName[1])),
  pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
  wideTables: Array.from(document.querySelectorAll('div.cic-table')).filter(d => d.scrollWidth > d.clientWidth + 1).length
})"""


def _check_page(name: str, facts: dict, width: int) -> None:
    """No raw value in any cell, headers in words (scoped), no sideways scroll, real alt text, headings in
    order (one h1, never a level skipped going down)."""
    from cicanalysis.reports.formatting import is_code_name
    raw = [c for c in facts["cells"] if c in RAW_VALUES or re.search(r"\b(nan|NaT|None)\b", c)]
    assert raw == [], (name, raw[:5])
    assert [h for h in facts["headers"] if is_code_name(h)] == [], name
    assert facts["unscoped"] == 0, name
    assert facts["pageWidth"] <= facts["viewport"], (name, width, facts["pageWidth"])
    if width >= 1280:
        assert facts["wideTables"] == 0, (name, "a table scrolls inside its box at 1280 px")
    for img in facts["images"]:
        assert img["ok"], name
        alt = img["alt"] or ""
        assert len(alt) > 40 and "No description" not in alt, (name, alt)
        # the kind of chart first: one chart, or the panels of a small-multiples figure
        assert re.match(r"(Line|Bar) chart( and bar chart)?: |(Bar charts|Bar and line charts|Small multiples), ",
                        alt), (name, alt)
        # sharp on a projector and in print: a vector image, or a bitmap drawn at twice its shown size
        assert img["vector"] or img["natural"] >= 2 * img["shown"] - 2, (name, "a bitmap drawn under twice its shown size")
    h = facts["headings"]
    assert h and h[0] == 1 and h.count(1) == 1, (name, h[:5])
    assert all(b <= a + 1 for a, b in zip(h, h[1:])), (name, h)


def _check_phone_table(page):
    """On a 390 px phone the county scorecard's box scrolls sideways: a cue above it says so, and after scrolling
    200 px the row's indicator name is still at the box's left edge (a sticky first column)."""
    box = page.locator("div.cic-table", has=page.locator("table.cic caption", has_text="including")).first
    cue = box.evaluate("d => getComputedStyle(d, '::before').content")
    assert "Swipe the table sideways" in cue, cue
    assert box.evaluate("d => d.scrollWidth > d.clientWidth"), "the county scorecard fits a phone: no cue needed"
    box.evaluate("d => { d.scrollLeft = 200; }")
    left = box.evaluate("d => d.getBoundingClientRect().left")
    name = box.evaluate("d => d.querySelector('tbody th').getBoundingClientRect().left")
    assert abs(name - left) <= 2, (name, left)


def test_every_page_in_a_real_browser(default_outputs):
    from playwright.sync_api import sync_playwright
    ARTEFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            for path in pages(default_outputs):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                errors = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(path.as_uri(), wait_until="load")
                assert errors == [], (path.name, errors)
                _check_page(path.name, page.evaluate(PAGE_FACTS), 1280)
                text = page.inner_text("body")
                assert "Traceback" not in text and "import cicanalysis" not in text, path.name
                assert page.locator(".jp-InputArea, .input_area, .jp-CodeCell .jp-Editor").count() == 0, path.name
                assert page.locator('meta[name="viewport"]').count() == 1, path.name
                if path.stem in REPORTS:
                    assert page.evaluate("document.images.length") >= 5, path.name
                    assert page.locator("header.house").inner_text().startswith("Middleshire County Council")
                    assert page.locator("header.house h1").count() == 1, path.name        # the title is the heading
                    first = "Covering report" if path.stem == "scorecard" else "Headline"     # SPEC 3.3: the paper first
                    assert page.locator("nav.contents li").first.inner_text() == first, path.name
                    assert page.locator("div.cic-headline").count() == 1, path.name
                    assert page.locator("text=Key to the codes").count() >= 1, path.name
                if path.stem == "scorecard":                     # the RAG table, colour and letter
                    rag = page.locator("td", has_text=re.compile(r"^[RAG]$"))
                    assert rag.count() >= 10
                    colour = rag.first.evaluate("e => getComputedStyle(e).backgroundColor")
                    assert colour in ("rgb(46, 125, 50)", "rgb(249, 168, 37)", "rgb(198, 40, 40)")
                    assert "Changed RAG band since last month" in text and "Off target (Red)" in text
                    teams = page.locator("table.cic caption", has_text="Teams")
                    assert teams.count() >= 2, "the team matrix is split into tables that fit"
                page.screenshot(path=str(ARTEFACTS / f"{path.parent.name}-{path.stem}.png"), full_page=False)
                # a phone: nothing scrolls the page sideways (wide tables scroll in their own box)
                page.set_viewport_size({"width": 390, "height": 844})
                facts = page.evaluate(PAGE_FACTS)
                assert facts["pageWidth"] <= 390, (path.name, facts["pageWidth"])
                if path.stem == "scorecard":      # a wide table says it scrolls, and its indicator names stay in view
                    _check_phone_table(page)
                page.screenshot(path=str(ARTEFACTS / f"{path.parent.name}-{path.stem}-390.png"), full_page=False)
                # print: on an A4 page (186 mm between the margins) no table is wider than the page
                page.emulate_media(media="print")
                page.set_viewport_size({"width": 703, "height": 1000})
                overflow = page.evaluate("() => { const w = document.body.getBoundingClientRect().right; return "
                                         "Array.from(document.querySelectorAll('table')).filter(t => "
                                         "t.getBoundingClientRect().right > w + 1).map(t => t.caption ? "
                                         "t.caption.innerText : t.rows[0].innerText.slice(0, 40)); }")
                assert overflow == [], (path.name, overflow)
                page.close()
        finally:
            browser.close()


def test_pdfs_are_a4_and_the_period_files_hold_every_report(default_outputs, small_authority):
    """Each report also as an A4 PDF; the period's tables as tables.xlsx and its figures as figures.csv,
    with no child identifier in any of them. The page counts are written to tests/artefacts/pdf_pages.txt."""
    from openpyxl import load_workbook
    from pypdf import PdfReader
    from cicanalysis.reports.publish import FIGURE_COLUMNS
    folder = default_outputs / "2016-03-31"
    header = pd.read_csv(small_authority / "header.csv", dtype=str)
    households = pd.read_csv(small_authority / "adopters.csv", dtype=str)["HOUSEHOLD_ID"]
    tokens = set(header["CHILD"]) | set(header["UPN"].dropna()) | set(households)
    counts = []
    for name in REPORTS:
        reader = PdfReader(str(folder / f"{name}.pdf"))
        sizes = {(round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72))
                 for p in reader.pages}
        assert sizes <= {(210, 297), (297, 210)}, (name, sizes)                # A4, the scorecards landscape
        assert 3 <= len(reader.pages) <= 60, (name, len(reader.pages))
        text = [p.extract_text() for p in reader.pages]
        assert all(f"Page {k} of {len(text)}" in t and "period ending 31/03/2016" in t
                   for k, t in enumerate(text, 1)), name                      # the footer on every page
        assert not (tokens & set(re.findall(r"[A-Za-z0-9]+", " ".join(text)))), name
        counts.append(f"{name}.pdf: {len(reader.pages)} A4 pages")
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "pdf_pages.txt").write_text("\n".join(counts) + "\n")
    assert 'href="scorecard.pdf"' in (folder / "index.html").read_text()
    rows = pd.read_csv(folder / "figures.csv", dtype=str, keep_default_na=False)
    assert list(rows.columns) == FIGURE_COLUMNS
    assert set(rows["report"]) == set(REPORTS) and set(rows["level"]) >= {"county", "area", "team"}
    assert rows["period"].max() == "2016-03-31" and set(rows.loc[rows["period"] == "2016-03-31", "report"]) == set(REPORTS)
    assert rows.loc[rows["report"] == "scorecard", "period"].nunique() == 13     # the scorecard's 13 months
    wb = load_workbook(folder / "tables.xlsx", read_only=True)
    contents = list(wb["Contents"].iter_rows(min_row=3, values_only=True))
    assert {r[0] for r in contents} == {"(all)", *REPORTS} and len(wb.sheetnames) == len(contents) + 1
    for report in REPORTS:          # each report's rows of figures.csv on its own sheet, in figures.csv's order
        sheet = wb[publish.figures_sheet(report)]
        assert sheet.max_row == (rows["report"] == report).sum() + 1
        indicators = [r[1] for r in sheet.iter_rows(min_row=2, max_col=2, values_only=True)]
        assert indicators == list(rows.loc[rows["report"] == report, "indicator"])
    words = set()
    for ws in wb.worksheets:
        for r in ws.iter_rows(values_only=True):
            words |= {w for v in r if isinstance(v, str) for w in re.findall(r"[A-Za-z0-9]+", v)}
    words |= set(re.findall(r"[A-Za-z0-9]+", (folder / "figures.csv").read_text()))
    assert not (tokens & words), sorted(tokens & words)[:5]


def test_a_failing_notebook_does_not_stop_the_others_and_the_cli_says_which(small_authority, tmp_path, capfd):
    out = tmp_path / "outputs"
    good = out / "2016-03-31"
    good.mkdir(parents=True)
    (good / "index.html").write_text("last good run")
    (good / "adopters_journey.html").write_text("last good adopters' journey")
    (good / "sufficiency_strategy.html").write_text("last good sufficiency report")
    # lead_time_months must be a number: the adopters' journey fails, the sufficiency report runs
    code = main(["run", "--period", "2016-03-31", "--data", str(small_authority), "--out", str(out), "--quiet",
                 "--jobs", "2", "--notebooks", "adopters_journey", "sufficiency_strategy",
                 "--param", "lead_time_months=soon"])
    captured = capfd.readouterr()      # file-descriptor level: the kernels' own stderr is caught too
    assert code == 1
    assert "without encryption" not in captured.err          # kernel sockets encrypted: no warning per kernel
    errors = [line for line in captured.err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "2016-03-31 adopters_journey failed" in errors[0], captured.err
    assert "1 of 2 notebooks ok" in captured.out
    # the report that succeeded replaces its previous version; the one that failed keeps its last good one,
    # and the period's index says it failed on this run, with its error
    assert (good / "adopters_journey.html").read_text() == "last good adopters' journey"
    assert "last good" not in (good / "sufficiency_strategy.html").read_text()
    index = (good / "index.html").read_text()
    assert "failed on the last run" in index and "(previous version)" in index
    assert (out / "2016-03-31.failed" / "adopters_journey.ipynb").exists()


def test_the_notebooks_of_a_run_share_the_extract_it_loaded(tiny_authority, tmp_path):
    """``run`` hands its loaded extract to the notebooks (a pickle named by the ``extract_cache`` parameter): the
    marked copy's authority name appears in the report, the executed notebook's parameters cell names the pickle,
    and the pickle is gone when the run ends. No environment variable carries it."""
    import json

    from cicanalysis import load
    from cicanalysis.batch import run
    x = load(tiny_authority)
    x.authority = {**x.authority, "name": "Shared Extract Marker"}
    out = tmp_path / "outputs"
    results = run(["2016-03-31"], tiny_authority, out, notebooks=["adopters_journey"], extract=x)
    assert results[0].ok, results
    assert "Shared Extract Marker" in (out / "2016-03-31" / "adopters_journey.html").read_text(encoding="utf-8")
    nb = json.loads((out / "2016-03-31" / "adopters_journey.ipynb").read_text(encoding="utf-8"))
    injected = "".join(next(c["source"] for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])))
    assert "extract_cache = " in injected and "extract.pkl" in injected and "load_options = {}" in injected
    assert not list(out.glob(".extract.*")) and not any(k.startswith("CICANALYSIS_RUN") for k in os.environ)


def test_a_run_with_a_relative_data_folder_shares_its_extract(tiny_authority, tmp_path, monkeypatch):
    """As ``make report`` calls it (``--data data/synthetic``, relative to the repository while the kernels run in
    notebooks/): the notebooks still use the run's extract (a marker in its authority name reaches the report)."""
    from cicanalysis import load
    from cicanalysis.batch import run
    work = tmp_path / "work"
    shutil.copytree(tiny_authority, work / "data" / "tiny")
    monkeypatch.chdir(work)
    x = load(Path("data") / "tiny")
    x.authority = {**x.authority, "name": "Relative Marker"}
    results = run(["2016-03-31"], Path("data") / "tiny", Path("outputs"), notebooks=["adopters_journey"], extract=x)
    assert results[0].ok, results
    assert "Relative Marker" in (work / "outputs" / "2016-03-31" / "adopters_journey.html").read_text(encoding="utf-8")


def test_the_shared_extract_is_used_only_while_the_files_are_unchanged(tiny_authority, tmp_path, monkeypatch):
    from cicanalysis import load
    from cicanalysis.loading import save_run_cache
    data = tmp_path / "data"
    shutil.copytree(tiny_authority, data)
    x = load(data)
    x.authority = {**x.authority, "name": "Marker"}
    cache = tmp_path / "x.pkl"
    save_run_cache(x, data, cache)
    assert load(data, cache=cache).authority["name"] == "Marker"
    assert load(data).authority["name"] != "Marker"   # without the parameter, the files are read
    assert load(data, cache=cache, authority_name="Other").authority["name"] == "Other"   # other options: read again
    other = tmp_path / "other"                        # another folder with the same files: not this extract
    shutil.copytree(tiny_authority, other)
    assert load(other, cache=cache).authority["name"] != "Marker"
    header = next(data.rglob("header*.csv"))          # a file changed since: read the CSVs again
    stat = header.stat()
    os.utime(header, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load(data, cache=cache).authority["name"] != "Marker"


def test_a_kernel_reads_the_shared_extract_once_while_the_pickle_is_unchanged(tiny_authority, tmp_path, monkeypatch):
    """A pool worker runs its notebooks in one kernel: the second notebook's load takes the extract already read
    (its views and counts so far shared), until the run's pickle changes."""
    import pickle

    from cicanalysis import load
    from cicanalysis.loading import save_run_cache
    data, cache = tmp_path / "data", tmp_path / "x.pkl"
    shutil.copytree(tiny_authority, data)
    x = load(data)
    save_run_cache(x, data, cache)
    reads = []
    real = pickle.load
    monkeypatch.setattr(pickle, "load", lambda fh: reads.append(fh.name) or real(fh))
    first, second = load(data, cache=cache), load(data, cache=cache)
    assert len(reads) == 1 and first.episodes is second.episodes
    x.authority = {**x.authority, "name": "Rewritten"}
    save_run_cache(x, data, cache)                   # another run's pickle at the same path
    stat = cache.stat()
    os.utime(cache, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load(data, cache=cache).authority["name"] == "Rewritten" and len(reads) == 2


def _sheets_by_report(xlsx: Path) -> dict[str, set[str]]:
    from openpyxl import load_workbook
    wb = load_workbook(xlsx, read_only=True)
    out: dict[str, set[str]] = {}
    for r in wb["Contents"].iter_rows(min_row=3, values_only=True):
        out.setdefault(r[0], set()).add(r[3])
    return out


def test_the_workbook_holds_numbers_as_numbers_under_stable_sheet_names(default_outputs, small_authority, tmp_path):
    """tables.xlsx of the default run: no figure stored as text in any table sheet ('1,456', '92.6%', '87.5% A *'
    were 663 cells), figures.csv's numeric columns numbers; the cell types counted into
    tests/artefacts/xlsx_cells.txt. The same reports for another period and another authority's name give the same
    sheet names (a Power BI query keeps working month to month)."""
    from openpyxl import load_workbook
    from cicanalysis import load
    from cicanalysis.batch import run
    from cicanalysis.reports.publish import number_from_text
    wb = load_workbook(default_outputs / "2016-03-31" / "tables.xlsx", read_only=True)   # the figures' sheets not parsed
    counts, as_text = {}, []
    figure_sheets = {publish.figures_sheet(r) for r in publish.NOTEBOOKS}
    for ws in [ws for ws in wb.worksheets if ws.title != "Contents" and ws.title not in figure_sheets]:
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if c.value is None:
                    continue
                kind = type(c.value).__name__
                counts[kind] = counts.get(kind, 0) + 1
                if isinstance(c.value, str) and c.column > 1 and number_from_text(c.value):
                    as_text.append((ws.title, c.coordinate, c.value))
                if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                    assert c.number_format != "General", (ws.title, c.coordinate)     # every number formatted
    assert as_text == [], as_text[:10]
    assert counts.get("int", 0) + counts.get("float", 0) > 5_000, counts
    assert len([s for s in wb.sheetnames if s.startswith("data_quality")]) == 1
    assert all(len(s) <= 31 and re.fullmatch(r"[a-z0-9_]+|Contents", s) for s in wb.sheetnames)
    team = [r for r in wb["sc_teams_value_rag_letter"].iter_rows(min_row=2, values_only=True)]
    assert {r[3] for r in team} >= {"UASC team", "Disability service", "Dartford"}     # allocations.csv's teams
    assert not [s for s in wb.sheetnames if "middleshire" in s.lower()]
    figures = pd.read_csv(default_outputs / "2016-03-31" / "figures.csv")
    for column in ("numerator", "denominator", "value", "previous_value", "outturn_value", "target", "floor"):
        assert pd.api.types.is_numeric_dtype(figures[column]), column
    county = figures[(figures["report"] == "scorecard") & (figures["level"] == "county")]
    for uasc in ("included", "excluded"):       # a Power BI-style read: 13 months x indicators, nothing cleaned
        pivot = county[county["uasc"] == uasc].pivot(index="period", columns="indicator", values="value")
        assert pivot.shape[0] == 13 and pivot.shape[1] >= 50, pivot.shape
    assert figures.loc[figures["value_unit"] == "%", "value"].dropna().between(0, 100).all()
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "xlsx_cells.txt").write_text(
        "tables.xlsx cells by type (table sheets): " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        + f"; figures stored as text: {len(as_text)}\n")
    # another period (31/03/2015: every report is due, and the 31 March reconciliation is there) and another
    # authority's name; no PDF (sheet names only: the PDFs are the default run's)
    x = load(small_authority)
    x.authority = {**x.authority, "name": "Otherton Borough Council", "short_name": "Otherton"}
    out = tmp_path / "other"
    parameters = {**DEFAULT_RUN_PARAMETERS, "compare_with": "2014-08-31"}     # the last Panel before it
    results = run(["2015-03-31"], small_authority, out, parameters=parameters, jobs=2, extract=x, pdf=False)
    assert all(r.ok for r in results), results
    assert not list(out.rglob("*.pdf")) and len(list((out / "2015-03-31").glob("*.html"))) == 5   # 4 reports, index
    ours = _sheets_by_report(default_outputs / "2016-03-31" / "tables.xlsx")
    theirs = _sheets_by_report(out / "2015-03-31" / "tables.xlsx")
    assert ours == theirs
