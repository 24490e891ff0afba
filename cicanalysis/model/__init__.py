"""The model: the loaded :class:`~cicanalysis.model.extract.Extract` and what is derived from it (periods of care,
placements, postcode geography, adoption journeys)."""
