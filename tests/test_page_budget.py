"""The page budget of the four reports' PDFs (issue 25: a pack a councillor reads in twenty minutes): the scorecard
in at most 24 A4 pages (its body, before the appendices, in 12: tests/test_panel_papers.py), the adoption journey in
16, the adopters' journey in 10, the sufficiency report in 8; no page but the last under a third full, and no
heading, caption or table header row as the last thing on a page (its table or chart on the next).

Measured on the rendered pages (pypdfium2): a page's fill is its lowest non-white pixel row above the footer band
as a fraction of the page's height; its last line is the lowest line of text above the footer, and it is alone at
the foot when nothing is drawn below it (a chart is an image: a heading above a chart is not alone)."""
import pytest
from pdf_pages import labels_of, page_layout

pytestmark = pytest.mark.slow   # the session's run of the reports, printed by chromium

BUDGET = {"scorecard": 24, "adoption_journey": 16, "adopters_journey": 10, "sufficiency_strategy": 8}


@pytest.mark.parametrize("name", sorted(BUDGET))
def test_each_report_meets_its_page_budget_and_fills_its_pages(default_outputs, name):
    folder = default_outputs / "2016-03-31"
    pages = page_layout(folder / f"{name}.pdf")
    assert len(pages) <= BUDGET[name], (name, len(pages))
    thin = [(k, round(fill, 2)) for k, (fill, _, _) in enumerate(pages[:-1], 1) if fill < 1 / 3]
    assert not thin, (name, thin)
    labels = labels_of((folder / f"{name}.html").read_text(encoding="utf-8"))
    alone = [(k, last) for k, (_, last, below) in enumerate(pages[:-1], 1) if last in labels and not below]
    assert not alone, (name, alone)


def test_the_page_measures_read_a_printed_page(tmp_path):
    """The fill on a PDF drawn by hand: boxes ending 500 and 700 points down two A4 pages (842 points high)."""
    from PIL import Image, ImageDraw
    a4 = (595, 842)
    first = Image.new("RGB", a4, "white")
    ImageDraw.Draw(first).rectangle((50, 60, 545, 500), fill="black")          # to 500 of 842 points: 0.59
    second = Image.new("RGB", a4, "white")
    ImageDraw.Draw(second).rectangle((50, 300, 545, 700), fill="black")
    pdf = tmp_path / "two.pdf"
    first.save(pdf, save_all=True, append_images=[second], resolution=72)
    (fill1, last1, _), (fill2, _, _) = page_layout(pdf)
    assert fill1 == pytest.approx(500 / 842, abs=0.01) and fill2 == pytest.approx(700 / 842, abs=0.01)
    assert last1 == ""                                                           # an image holds no text
