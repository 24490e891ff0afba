"""The page budget of the two adoption reports' PDFs (issue 25): the adoption journey in at most 16 A4 pages, the
adopters' journey in at most 10, no page but the last under a third full, and no heading, caption or table header
row as the last thing on a page (its table or chart on the next).

Measured on the rendered pages (pypdfium2): a page's fill is its lowest non-white pixel row above the footer band
as a fraction of the page's height; its last line is the lowest line of text above the footer, and it is alone at
the foot when nothing is drawn below it (a chart is an image: a heading above a chart is not alone)."""
import html as _html
import re
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow   # the session's run of the reports, printed by chromium

FOOTER_MM = 16          # the bottom margin holding the footer (publish.Printer.print)
BUDGET = {"adoption_journey": 16, "adopters_journey": 10}


def page_layout(pdf: Path, scale: float = 0.5) -> list[tuple[float, str, bool]]:
    """Each page: (fill, its last line of text above the footer, whether anything is drawn below that line)."""
    import pypdfium2 as pdfium
    pages = []
    doc = pdfium.PdfDocument(str(pdf))
    for i in range(len(doc)):
        page = doc[i]
        width, height = page.get_size()                        # points
        footer = FOOTER_MM / 25.4 * 72
        ink = np.asarray(page.render(scale=scale).to_pil().convert("L")) < 240
        rows = np.where(ink[:int(ink.shape[0] * (1 - footer / height))].any(axis=1))[0]
        lowest_ink = (rows.max() + 1) / ink.shape[0] if len(rows) else 0.0   # from the top, a fraction of the page
        text = page.get_textpage()
        rects = [r for r in (text.get_rect(k) for k in range(text.count_rects())) if r[1] > footer]
        if not rects:
            pages.append((lowest_ink, "", True))
            continue
        low = min(r[1] for r in rects)                         # the lowest line's bottom, points from the foot
        line = [r for r in rects if r[1] < low + 3]
        last = " ".join(text.get_text_bounded(0, low - 1, width, max(r[3] for r in line) + 1).split())
        below = lowest_ink > 1 - (low - 4) / height            # ink more than 4 points under the line's bottom
        pages.append((lowest_ink, last, below))
    return pages


def labels_of(page: str) -> set[str]:
    """The report's headings, captions and table header rows (their cells' text joined), as a reader sees them."""
    def clean(s):
        return " ".join(_html.unescape(re.sub(r"<[^>]+>|¶", " ", s)).split())
    found = {clean(c) for c in re.findall(r"<caption>(.*?)</caption>", page, flags=re.S)}
    found |= {clean(h) for h in re.findall(r"<h[234][^>]*>(.*?)</h[234]>", page, flags=re.S)}
    found |= {clean(" ".join(re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)))
              for head in re.findall(r"<thead>(.*?)</thead>", page, flags=re.S)}
    return found - {""}


@pytest.mark.parametrize("name", sorted(BUDGET))
def test_adoption_reports_meet_their_page_budget_and_fill_their_pages(default_outputs, name):
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
