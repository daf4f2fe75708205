"""Exceptions of the suite.

Every error the suite raises on purpose derives from ``ConformanceError``::

    ConformanceError
    ├── ConfigurationError      a bad option, file or credential; exit code 2
    │   ├── SpecError           the contract file is missing, unparseable or has unknown defects
    │   └── CredentialsRejected the target rejected a configured login
    └── TargetUnreachable       no HTTP answer from the base URL; exit code 3

A check failure is not an exception of this tree: it is a ``CheckFailure``
record (see ``conformance.checks``), because a non-conformant target is a
result, not an error of the suite.
"""

from __future__ import annotations


class ConformanceError(Exception):
    """Base class of the errors the suite raises on purpose."""

    exit_code = 3


class ConfigurationError(ConformanceError):
    """An option, file or credential is invalid; the run cannot start."""

    exit_code = 2


class SpecError(ConfigurationError):
    """The contract file is missing, unparseable or has a defect the suite does not know."""


class CredentialsRejected(ConfigurationError):
    """The target answered 401 to a configured login."""


class TargetUnreachable(ConformanceError):
    """The base URL gave no HTTP answer (DNS, connection, TLS or timeout)."""

    exit_code = 3
