"""What writes data rather than reads it: the synthetic authority and the `init` template.
Outside the library's layers: only the CLI imports it."""
