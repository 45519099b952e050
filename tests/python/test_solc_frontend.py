"""The project's `solc` front end over the npm solc JS API, as py-solc-x (and so Brownie) runs it."""

from __future__ import annotations

import json
import os
import subprocess

import yaml

from conftest import ROOT

VERSION = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())["compiler"]["solc"]["version"]
FRONTEND = ROOT / "compiler" / f"solc-v{VERSION}"


def solc(*args: str, stdin: str = "", cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(FRONTEND), *args], input=stdin, capture_output=True, text=True, cwd=cwd, check=False)


def standard_json(sources: dict[str, str], **settings) -> str:
    return json.dumps({
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {"outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}}, **settings},
    })


def test_version_is_the_pinned_one_in_native_solc_format():
    result = solc("--version")
    assert result.returncode == 0
    assert result.stdout.splitlines()[1].startswith(f"Version: {VERSION}+commit.")


def test_compiles_an_openzeppelin_import_through_the_remapping():
    source = 'pragma solidity ^0.8.24; import "@openzeppelin/contracts/access/Ownable.sol"; contract C is Ownable { constructor() Ownable(msg.sender) {} }'
    output = json.loads(solc(
        "--standard-json", "--allow-paths", str(ROOT),
        stdin=standard_json({"C.sol": source}, remappings=["@openzeppelin/contracts=node_modules/@openzeppelin/contracts"]),
    ).stdout)
    assert not [e for e in output.get("errors", []) if e["severity"] == "error"]
    assert output["contracts"]["C.sol"]["C"]["evm"]["bytecode"]["object"]


def test_output_larger_than_the_solcjs_cli_limit_is_complete():
    # Many contracts make an output well over the 128 KiB the solcjs command line cuts at.
    sources = {f"C{i}.sol": f"pragma solidity ^0.8.24; contract C{i} {{ function f{i}(uint a) external pure returns (uint) {{ return a * {i}; }} }}" for i in range(120)}
    result = solc("--standard-json", stdin=standard_json(sources))
    assert len(result.stdout.encode()) > 128 * 1024
    output = json.loads(result.stdout)  # parses: nothing cut off
    assert len(output["contracts"]) == 120


def test_imports_outside_the_allowed_paths_are_refused(tmp_path):
    secret = tmp_path / "Outside.sol"
    secret.write_text("pragma solidity ^0.8.24; contract Outside {}")
    source = f'pragma solidity ^0.8.24; import "{secret}"; contract C {{}}'
    output = json.loads(solc("--standard-json", stdin=standard_json({"C.sol": source})).stdout)
    errors = [e["message"] for e in output["errors"] if e["severity"] == "error"]
    assert any("File not found inside the allowed paths" in message for message in errors)


def test_unknown_options_and_a_misnamed_version_are_refused(tmp_path):
    result = solc("--combined-json", "abi")
    assert result.returncode == 1 and "unrecognised option '--combined-json'" in result.stderr
    wrong = tmp_path / "solc-v0.8.1"
    os.symlink(ROOT / "compiler" / "solc-frontend.js", wrong)
    result = subprocess.run([str(wrong), "--version"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 1 and f"pin solc@0.8.1" in result.stderr
