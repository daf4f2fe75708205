"""Requirement catalogues that ship with the suite, one YAML file per API version."""
