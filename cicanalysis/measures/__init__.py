"""Measures: numbers only (frames, dataclasses, booleans). No prose, HTML or formatting: the reports layer writes the words."""
