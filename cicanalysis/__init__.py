"""cicanalysis: performance workbook for children in care, adoption and placement sufficiency.

    import cicanalysis as cic
    from cicanalysis.measures import scorecard
    x = cic.load("data/synthetic")            # validated SSDA903 extract + derived views
    card = scorecard.build(x, "2016-03-31")

The layers (imports run one way, held by the import-linter contract in pyproject.toml):
core -> readers -> config -> validate -> model -> measures -> loading -> reports -> batch -> cli.
"""
from .core.errors import CicError  # noqa: F401
from .loading import load, notices  # noqa: F401
from .model.extract import Extract  # noqa: F401

__version__ = "0.1.0"
