"""How full each page of a report's PDF is, measured on the rendered page as a reader sees it (issue 25).

A page's fill is the lowest non-white pixel row above the footer band, as a fraction of the page's height: 1.0
would be ink down to the foot of the paper, 0.3 a page whose content stops a third of the way down. The footer
(authority, report, period, page number) sits in the bottom margin, 16 mm of the print stylesheet's page, so the
band below ``FOOTER_MM`` from the foot is left out; charts are images and count, as they are ink a reader sees.

    from pdf_pages import underfilled       # in a test (tests/ is on the path, as for conftest)
    underfilled(Path("scorecard.pdf"))      # [(page number, fill), ...] of the pages under a third full but the last
"""
from __future__ import annotations

import html as _html
import re
from pathlib import Path

import numpy as np

FOOTER_MM = 16.0          # the print stylesheet's bottom margin (@page margin 12mm 12mm 16mm): the footer's band
WHITE = 245               # a pixel lighter than this on every channel is paper
SCALE = 0.5               # rendered at 36 dpi: enough to see a line of 8-point text


def fills(pdf: Path, scale: float = SCALE) -> list[float]:
    """Each page's fill (:mod:`this module <tests.pdf_pages>`), in page order, rendered with pypdfium2."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [page_fill(doc[i], scale) for i in range(len(doc))]
    finally:
        doc.close()


def page_fill(page, scale: float = SCALE) -> float:
    """The lowest non-white row above the footer band of one pypdfium2 page, as a fraction of its height."""
    width_pt, height_pt = page.get_size()
    pixels = np.asarray(page.render(scale=scale).to_pil().convert("L"))
    return ink_depth(pixels, FOOTER_MM / 25.4 * 72 / height_pt)


def ink_depth(pixels: np.ndarray, footer_share: float) -> float:
    """The lowest row holding a non-white pixel, over the rows above the bottom ``footer_share`` of the image,
    as a fraction of the image's height (0.0 for a blank page)."""
    rows = pixels.shape[0]
    body = pixels[: int(rows * (1 - footer_share))]
    inked = np.flatnonzero((body < WHITE).any(axis=1))
    return 0.0 if inked.size == 0 else (inked[-1] + 1) / rows


def underfilled(pdf: Path, least: float = 1 / 3) -> list[tuple[int, float]]:
    """The pages (numbered from 1) whose fill is under ``least``, the last page excepted (a report may end
    anywhere on its last page), with their fill."""
    f = fills(pdf)
    return [(k, round(v, 2)) for k, v in enumerate(f[:-1], 1) if v < least]


def page_layout(pdf: Path, scale: float = SCALE) -> list[tuple[float, str, bool]]:
    """Each page: (fill, its last line of text above the footer, whether anything is drawn below that line)."""
    import pypdfium2 as pdfium
    pages = []
    doc = pdfium.PdfDocument(str(pdf))
    for i in range(len(doc)):
        page = doc[i]
        width, height = page.get_size()                        # points
        footer = FOOTER_MM / 25.4 * 72
        pixels = np.asarray(page.render(scale=scale).to_pil().convert("L"))
        lowest_ink = ink_depth(pixels, footer / height)           # from the top, a fraction of the page
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
