"""Validation: table specs, column checks with pandera, the rules; text in, typed tables plus data-quality rows out.
No geography, no measures."""
