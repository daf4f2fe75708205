"""Embedded reference server: an in-memory ICM 11 Customer REST API 1.2.1 with demo data.

It implements the contract with its own code and imports nothing else from ``conformance``, so
that a misreading of the contract cannot hide in both the server and the suite.
"""

from conformance.server.app import ReferenceApp, make_app
from conformance.server.context import B2B_SITE, B2C_SITE
from conformance.server.demo import DEMO_LOGINS, DEMO_PASSWORD
from conformance.server.faults import FAULTS, Fault
from conformance.server.runner import ReferenceServer

__all__ = [
    "B2B_SITE",
    "B2C_SITE",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "FAULTS",
    "Fault",
    "ReferenceApp",
    "ReferenceServer",
    "make_app",
]
