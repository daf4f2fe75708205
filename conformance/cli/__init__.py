"""The ``icm-conformance`` command: one click group, one module per subcommand."""
