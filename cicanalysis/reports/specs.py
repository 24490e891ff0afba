"""The reports: each notebook's file, title and when it is due, and the local table without which it cannot run.
The batch run and the publishing step both read this one list."""
from __future__ import annotations

from pathlib import Path

from ..core import periods as P

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
# name → (file, title, due(period) -> bool)
NOTEBOOKS = {
    "scorecard": ("scorecard.ipynb", "Children in Care performance scorecard", lambda p: True),
    # six-monthly: spans ending 30 September and 31 March (any month end can be run by naming the notebook)
    "adoption_journey": ("adoption_journey.ipynb", "The children's adoption journey", lambda p: p.month in (3, 9)),
    "adopters_journey": ("adopters_journey.ipynb", "The adopters' journey and adopter sufficiency", lambda p: p.month in (3, 9)),
    "sufficiency_strategy": ("sufficiency_strategy.ipynb", "Placement sufficiency strategy progress (quarterly)",
                             P.is_quarter_end),
}


# a report that cannot run at all without a local table: without it the period gets a one-page note instead
REQUIRES = {"adopters_journey": ("adopters", "adopters.csv (one row per prospective adoptive household: SPEC 2.3)")}
