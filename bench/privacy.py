"""No personal data on chain, measured: the city demo at its default scale (every department
imports its exports and plays its stories), then `chaincity audit personal-data`'s scan of the
whole chain for every secret-ish value of every department database.

`python -m bench.privacy` (Ganache, as `make demo` runs; `--chain anvil`: the demo's Anvil keeps
no past states, so the scan reads the storage at the head from `anvil_dumpState` instead of
before the last block). ``quick``: 120 households on Anvil.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.figure import Figure
from chaincity.audit.personal_data import scan_chain
from chaincity.audit.values import Needles, secrets_in
from chaincity.demo.__main__ import SCALES
from chaincity.demo.city import DEPARTMENTS
from chaincity.demo.runner import running_demo
from chaincity.devnet import free_port


def measure(quick: bool = False, chain: str | None = None) -> list[Figure]:
    chain = chain or ("anvil" if quick else "ganache")
    households = 120 if quick else SCALES["default"]
    with tempfile.TemporaryDirectory() as folder, \
            running_demo(households, chain, free_port(), Path(folder) / ".demo", say=lambda _: None) as run:
        needles = Needles(s for d in DEPARTMENTS if d.oracle for s in secrets_in(run.city.engine(d)))
        scan = scan_chain(run.city.w3, needles)
    read = (f"{scan.values} values ({scan.needles} forms) of {sum(1 for d in DEPARTMENTS if d.oracle)} departments in "
            f"{scan.transactions} transactions, {scan.logs} events, {scan.slots} storage slots ({scan.storage}); seconds "
            + ", ".join(f"{part} {seconds:.1f}" for part, seconds in scan.parts.items()) + "; "
            f"demo {run.seconds:.0f} s; python -m bench.privacy{' --quick' if quick else ''}"
            f"{' --chain ' + chain if chain != ('anvil' if quick else 'ganache') else ''}")
    return [
        Figure(0, f"personal data on chain after the demo ({households} households)", chain, scan.values,
               len(scan.hits), "hits", goal=0, goal_is_max=True, note=read),
        Figure(0, "personal-data scan of the demo's chain", chain, scan.transactions, scan.seconds, "s", note=read),
    ]


if __name__ == "__main__":
    for figure in measure(quick="--quick" in sys.argv, chain=sys.argv[sys.argv.index("--chain") + 1]
                          if "--chain" in sys.argv else None):
        print(figure.as_dict())
