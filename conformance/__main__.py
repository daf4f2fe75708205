"""Allow ``python -m conformance`` as a twin of the ``icm-conformance`` command."""

from conformance.cli import main

main()
