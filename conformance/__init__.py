"""Contract conformance suite for the ICM Customer REST API."""

__version__ = "0.1.0"
