"""The indicators, one module per group, each counting function under its declaration (see ``registry``).

Importing this package registers them all in :data:`registry.REGISTRY`.
"""
from . import (adoption, care_leavers, children_in_care, flows, health, missing, placement_mix,  # noqa: F401
               placements, reviews, sufficiency_extras, workforce)
from .registry import REGISTRY, Indicator, Registry, declare_supplied, indicator  # noqa: F401
