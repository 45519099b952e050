"""`python -m chaincity.demo`: the whole city on a devnet of its own (what `make demo` runs).

A command of its own, not one of `chaincity`'s: the demo drives the `chaincity` commands, so
the CLI must not depend on it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from chaincity import devnet as devnets
from chaincity.cli import EXIT_CHAIN_UNREACHABLE, fail
from chaincity.demo import report
from chaincity.demo.city import DemoError
from chaincity.demo.runner import running_demo

# Households per scale: the default finishes in a few minutes; Loudi's is its whole register
# (150,000 households, about 350,000 titles).
SCALES = {"small": 300, "default": 1_500, "loudi": 150_000}
# From this many households the demo runs on Anvil unless --chain says otherwise: Loudi's
# register imports in about half an hour there and takes hours on Ganache (README, "The city demo").
ANVIL_FROM = 20_000
DEMO_PORT = 8547  # its own port: never the devnet of `make deploy` (8545) nor the Anvil (8546)


@click.command("demo")
@click.option("--scale", type=click.Choice(sorted(SCALES)), default="default", show_default=True,
              help="How much data: small (a test), default (a few minutes), loudi (150,000 households).")
@click.option("--households", type=click.IntRange(1, 150_000), default=None, help="Overrides --scale.")
@click.option("--chain", type=click.Choice(sorted(devnets.DEVNETS)), default=None,
              help=f"Which devnet: Ganache, as users run it, or the faster Anvil. Default: Ganache, or Anvil "
                   f"from {ANVIL_FROM:,} households (--scale loudi).")
@click.option("--port", type=click.IntRange(1, 65535), default=DEMO_PORT, show_default=True,
              help="The demo devnet's port (it is reset at every run).")
@click.option("--dir", "root", type=click.Path(file_okay=False, path_type=Path), default=Path(".demo"),
              show_default=True, help="The run's chain, deployment, databases and exports (a folder the demo made is "
                   "emptied first; any other non-empty folder is refused).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("reports/demo.html"), show_default=True, help="Where the HTML report goes.")
def demo(scale: str, households: int | None, chain: str | None, port: int, root: Path, report_path: Path) -> None:
    """Run the chain city: start a devnet, deploy, onboard every department by the
    administrators' quorum, generate Loudi-shaped exports, run each department's oracle and
    play the city's stories; print a summary and write an HTML report. The devnet and every
    oracle stop at the end, and on Ctrl-C."""
    households = households or SCALES[scale]
    if chain is None:
        chain = "anvil" if households >= ANVIL_FROM else "ganache"
        if chain == "anvil":
            click.echo(f"{households:,} households: on Anvil (Ganache would take hours at this scale; --chain ganache "
                       "to run it there anyway)")
    try:
        with running_demo(households, chain, port, root, say=click.echo) as run:
            click.echo("\n" + report.summary_text(run))
            report.write_html(run, report_path)
    except (DemoError, devnets.DevnetError) as exc:
        fail(str(exc), EXIT_CHAIN_UNREACHABLE if isinstance(exc, devnets.DevnetError) else 1)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: the devnet, the oracles and the gateway are stopped", err=True)
        sys.exit(130)
    click.echo(f"\nreport: {report_path}")


if __name__ == "__main__":
    demo()
