"""cicanalysis: performance workbook for children in care, adoption and placement sufficiency.

    import cicanalysis as cic
    x = cic.load("data/synthetic")            # validated SSDA903 extract + derived views
    card = cic.scorecard.build(x, "2016-03-31")
    print(cic.scorecard.performance_summary(card))
"""
from . import charts, metrics, periods, rag, reference, schema, scorecard  # noqa: F401
from .episodes import Extract  # noqa: F401
from .loading import load, notices  # noqa: F401
from .errors import CicError  # noqa: F401

__version__ = "0.1.0"
