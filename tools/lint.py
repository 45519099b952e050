"""Slither on every contract of the project; fails on any high or medium finding not triaged.

Slither's Brownie mode reads only build/contracts, where Brownie keeps no artifact for our
interfaces or for OpenZeppelin's libraries, so it cannot resolve their imports. This runs the
same sources through the same compiler front end (compiler/solc-v<version>) with the
settings of brownie-config.yaml instead, in one standard-JSON compilation.

Triage: `slither-triage.json` lists accepted findings as {"detector", "element", "reason"},
where element is the "Contract.function" (or "Contract") the finding is about; every accepted
finding needs a reason, and a triage entry that no longer matches anything fails the run too,
so the file never goes stale.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path

import yaml
from crytic_compile import CryticCompile
from crytic_compile.platform.solc_standard_json import SolcStandardJson
from slither import Slither
from slither.detectors import all_detectors
from slither.detectors.abstract_detector import AbstractDetector

ROOT = Path(__file__).resolve().parent.parent
BLOCKING_IMPACTS = {"High", "Medium"}


def compilation() -> CryticCompile:
    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]
    solc = config["solc"]
    standard_json = SolcStandardJson()
    standard_json.add_source_files(sorted(str(p.relative_to(ROOT)) for p in (ROOT / "contracts").rglob("*.sol")))
    for remapping in solc.get("remappings", []):
        standard_json.add_remapping(remapping)
    settings = standard_json.to_dict()["settings"]
    settings["evmVersion"] = config["evm_version"]
    settings["optimizer"] = {"enabled": solc["optimizer"]["enabled"], "runs": solc["optimizer"]["runs"]}
    return CryticCompile(standard_json, solc=str(ROOT / "compiler" / f"solc-v{solc['version']}"), solc_working_dir=str(ROOT))


def findings() -> list[dict]:
    slither = Slither(compilation(), filter_paths=["node_modules"])
    for _, detector in inspect.getmembers(all_detectors, inspect.isclass):
        if issubclass(detector, AbstractDetector):
            slither.register_detector(detector)
    results = []
    for per_detector in slither.run_detectors():
        results.extend(per_detector)
    return results


def element_of(finding: dict) -> str:
    """"Contract.function" (or "Contract") of the finding's first source element."""
    for element in finding.get("elements", []):
        if element["type"] == "function":
            parent = element.get("type_specific_fields", {}).get("parent", {}).get("name", "")
            return f"{parent}.{element['name']}"
        if element["type"] == "contract":
            return element["name"]
    return ""


def main() -> int:
    triage = json.loads((ROOT / "slither-triage.json").read_text())
    used = [False] * len(triage)
    blocking, counts = [], {}
    for finding in findings():
        counts[finding["impact"]] = counts.get(finding["impact"], 0) + 1
        if finding["impact"] not in BLOCKING_IMPACTS:
            continue
        key = (finding["check"], element_of(finding))
        matches = [i for i, t in enumerate(triage) if (t["detector"], t["element"]) == key]
        for i in matches:
            used[i] = True
        if not matches:
            blocking.append(finding)
    for finding in blocking:
        print(f"UNTRIAGED {finding['impact']} {finding['check']}: {finding['description'].strip()}")
    for entry, was_used in zip(triage, used):
        if not was_used:
            print(f"STALE triage entry (matches no finding): {entry['detector']} {entry['element']}")
        elif not entry.get("reason", "").strip():
            print(f"triage entry without a reason: {entry['detector']} {entry['element']}")
            blocking.append(entry)
    summary = ", ".join(f"{impact} {n}" for impact, n in sorted(counts.items())) or "none"
    print(f"slither: findings by impact: {summary}; triaged high/medium: {sum(used)}; untriaged high/medium: {len(blocking)}")
    return 1 if blocking or not all(used) else 0


if __name__ == "__main__":
    sys.exit(main())
