"""``icm-conformance serve``: run the embedded reference server until Ctrl-C."""

from __future__ import annotations

import threading

import click

from conformance.server import B2B_SITE, B2C_SITE, DEMO_LOGINS, FAULTS, ReferenceServer


def _print_faults() -> None:
    width = max(len(name) for name in FAULTS)
    for fault in FAULTS.values():
        click.echo(f"{fault.name:<{width}}  [{fault.category}] {fault.description}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="TCP port; 0 picks a free one.",
)
@click.option("--fault", metavar="NAME", help="Run with one seeded fault (see --list-faults).")
@click.option(
    "--token-lifetime",
    type=click.FloatRange(min=0.001),
    default=3600.0,
    show_default=True,
    help="Lifetime of authentication and bearer tokens, in seconds.",
)
@click.option(
    "--no-simple-registration",
    is_flag=True,
    help="Switch POST /privatecustomers/simple off (it then responds with 501).",
)
@click.option("--list-faults", is_flag=True, help="Print the seeded faults and exit.")
def serve(
    host: str,
    port: int,
    fault: str | None,
    token_lifetime: float,
    no_simple_registration: bool,
    list_faults: bool,
) -> None:
    """Serve the in-memory reference ICM Customer REST API 1.2.1 with demo data."""
    if list_faults:
        _print_faults()
        return
    if fault is not None and fault not in FAULTS:
        known = ", ".join(sorted(FAULTS))
        raise click.BadParameter(
            f"unknown fault {fault!r}; known faults: {known}", param_hint="--fault"
        )
    server = ReferenceServer(
        host=host,
        port=port,
        fault=fault,
        token_lifetime=token_lifetime,
        simple_registration=not no_simple_registration,
    )
    try:
        server.start()
    except (OSError, RuntimeError) as error:
        raise click.ClickException(
            f"cannot serve on {host}:{port}: {error}; choose another --host or --port"
        ) from error

    _print_banner(server, fault)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("Stopping.")
    finally:
        server.stop()


def _print_banner(server: ReferenceServer, fault: str | None) -> None:
    click.echo(f"B2C base URL: {server.base_url(site=B2C_SITE)}")
    click.echo(f"B2B base URL: {server.base_url(site=B2B_SITE)}")
    if fault:
        click.echo(f"Seeded fault: {fault}")
    click.echo("Demo logins (password: the inSPIRED demo password):")
    for demo in DEMO_LOGINS:
        click.echo(f"  {demo.login:<30} {demo.name:<18} {demo.customer_no:<8} {demo.role}")
    click.echo("Press Ctrl-C to stop.")
