"""Configuration: committed reference data and the authority folder (name, teams, population, targets),
read once and cached per file signature."""
