"""Core: periods and calendars, the one data-quality vocabulary, the RAG and direction-of-travel rules, DfE code lists.
Imports nothing else of the package."""
