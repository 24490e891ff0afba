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
from conftest import UNKNOWN_UPNS

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


def test_every_page_in_a_real_browser(default_outputs):
    from playwright.sync_api import sync_playwright
    ARTEFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            for path in pages(default_outputs):
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                errors = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(path.as_uri(), wait_until="load")
                assert errors == [], (path.name, errors)
                broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
                                       ".length")
                assert broken == 0, path.name
                text = page.inner_text("body")
                assert "Traceback" not in text and "import cicanalysis" not in text, path.name
                assert page.locator(".jp-InputArea, .input_area, .jp-CodeCell .jp-Editor").count() == 0, path.name
                if path.stem in REPORTS:
                    assert page.evaluate("document.images.length") >= 5, path.name
                    assert page.locator("header.house").inner_text().startswith("Middleshire County Council")
                    assert page.locator("nav.contents li").count() >= 3, path.name
                if path.stem == "scorecard":                     # the RAG table, colour and letter
                    rag = page.locator("td", has_text=re.compile(r"^[RAG]$"))
                    assert rag.count() >= 10
                    colour = rag.first.evaluate("e => getComputedStyle(e).backgroundColor")
                    assert colour in ("rgb(46, 125, 50)", "rgb(249, 168, 37)", "rgb(198, 40, 40)")
                page.screenshot(path=str(ARTEFACTS / f"{path.parent.name}-{path.stem}.png"), full_page=False)
                page.close()
        finally:
            browser.close()


def test_a_failing_notebook_does_not_stop_the_others_and_the_cli_says_which(small_authority, tmp_path, capfd):
    out = tmp_path / "outputs"
    good = out / "2016-03-31"
    good.mkdir(parents=True)
    (good / "index.html").write_text("last good run")
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
    assert (good / "index.html").read_text() == "last good run"      # previous outputs untouched
    assert (out / "2016-03-31.failed" / "adopters_journey.ipynb").exists()


def test_the_notebooks_of_a_run_share_the_extract_it_loaded(tiny_authority, tmp_path):
    """``run`` hands its loaded extract to the notebooks (a pickle named by an environment variable): the
    marked copy's authority name appears in the report, and the pickle is gone when the run ends."""
    from cicanalysis import load
    from cicanalysis.episodes import RUN_CACHE_ENV
    from cicanalysis.run import run
    x = load(tiny_authority)
    x.authority = {**x.authority, "name": "Shared Extract Marker"}
    out = tmp_path / "outputs"
    results = run(["2016-03-31"], tiny_authority, out, notebooks=["adopters_journey"], extract=x)
    assert results[0].ok, results
    assert "Shared Extract Marker" in (out / "2016-03-31" / "adopters_journey.html").read_text(encoding="utf-8")
    assert not list(out.glob(".extract.*")) and RUN_CACHE_ENV not in os.environ


def test_the_shared_extract_is_used_only_while_the_files_are_unchanged(tiny_authority, tmp_path, monkeypatch):
    from cicanalysis import load
    from cicanalysis.episodes import RUN_CACHE_ENV, save_run_cache
    data = tmp_path / "data"
    shutil.copytree(tiny_authority, data)
    x = load(data)
    x.authority = {**x.authority, "name": "Marker"}
    save_run_cache(x, data, tmp_path / "x.pkl")
    monkeypatch.setenv(RUN_CACHE_ENV, str(tmp_path / "x.pkl"))
    assert load(data).authority["name"] == "Marker"
    other = tmp_path / "other"                        # another folder with the same files: not this extract
    shutil.copytree(tiny_authority, other)
    assert load(other).authority["name"] != "Marker"
    header = next(data.rglob("header*.csv"))          # a file changed since: read the CSVs again
    stat = header.stat()
    os.utime(header, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load(data).authority["name"] != "Marker"
