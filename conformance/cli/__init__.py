"""The ``icm-conformance`` command: one click group, one module per subcommand."""

from __future__ import annotations

import logging

import click

from conformance import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="icm-conformance")
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default="WARNING",
    show_default=True,
    help="Level of the log messages written to stderr.",
)
def main(log_level: str) -> None:
    """Test an ICM Customer REST API target against its published contract."""
    logging.basicConfig(
        level=log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


# Subcommands register themselves below, one import per module.
from conformance.cli.run import run  # noqa: E402

main.add_command(run)
from conformance.cli.serve import serve  # noqa: E402

main.add_command(serve)
from conformance.cli.report import compare, merge, report, verify  # noqa: E402

main.add_command(report)
main.add_command(verify)
main.add_command(compare)
main.add_command(merge)
from conformance.cli.cleanup import cleanup  # noqa: E402

main.add_command(cleanup)
from conformance.cli.selftest import selftest  # noqa: E402

main.add_command(selftest)
