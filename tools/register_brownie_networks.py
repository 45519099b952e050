"""Add (or refresh) the Chain City devnets in Brownie's network list.

Brownie keeps its networks in ~/.brownie/network-config.yaml, outside the project, so every
new machine needs this step; the Makefile runs it before any Brownie command. The entries come
from :mod:`chaincity.devnet`, the one definition of how a devnet starts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from chaincity.devnet import DEVNETS


def register(config_path: Path, suffix: str = "", port_offset: int = 0) -> list[str]:
    """Upsert the devnets; a suffix and port offset give a second, parallel set of them."""
    config = yaml.safe_load(config_path.read_text())
    development = config.setdefault("development", [])
    ids = []
    for devnet in DEVNETS.values():
        entry = devnet.brownie_network()
        entry["id"] += suffix
        entry["cmd_settings"]["port"] += port_offset
        ids.append(entry["id"])
        development[:] = [n for n in development if n.get("id") != entry["id"]]
        development.append(entry)
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return ids


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suffix", default="", help="appended to each network id, e.g. -alt")
    parser.add_argument("--port-offset", type=int, default=0, help="added to each devnet port")
    args = parser.parse_args()
    # Importing brownie creates ~/.brownie/network-config.yaml from its defaults on first use.
    from brownie._config import DATA_FOLDER

    path = DATA_FOLDER / "network-config.yaml"
    ids = register(path, args.suffix, args.port_offset)
    print(f"registered {', '.join(ids)} in {path}", file=sys.stderr)
