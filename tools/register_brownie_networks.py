"""Add (or refresh) the Chain City devnets in Brownie's network list.

Brownie keeps its networks in ~/.brownie/network-config.yaml, outside the project, so every
new machine needs this step; the Makefile runs it before any Brownie command. The entries come
from :mod:`chaincity.devnet`, the one definition of how a devnet starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from chaincity.devnet import DEVNETS


def register(config_path: Path) -> None:
    config = yaml.safe_load(config_path.read_text())
    development = config.setdefault("development", [])
    for devnet in DEVNETS.values():
        entry = devnet.brownie_network()
        development[:] = [n for n in development if n.get("id") != entry["id"]]
        development.append(entry)
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))


if __name__ == "__main__":
    # Importing brownie creates ~/.brownie/network-config.yaml from its defaults on first use.
    from brownie._config import DATA_FOLDER

    path = DATA_FOLDER / "network-config.yaml"
    register(path)
    print(f"registered {', '.join(d.brownie_id for d in DEVNETS.values())} in {path}", file=sys.stderr)
