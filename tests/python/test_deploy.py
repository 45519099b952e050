"""The deployment on web3.py: one record per chain, found and verified on every re-run."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from web3 import Web3

from chaincity import devnet as devnets
from chaincity.cli import EXIT_OK, EXIT_USAGE, main
from chaincity.formats import LOUDI_COUNTIES
from chaincity.deploy import (
    CITY_CONTRACTS,
    DeployConfig,
    DeploymentError,
    code_matches,
    config_from_env,
    deploy_city,
    devnet_admin_keys,
    governance_missing,
)
from chaincity.chain.deployment import City, load_record
from chaincity.chain.signer import devnet_account
from chaincity.directory import Directory

from conftest import ROOT

DEPLOYER = devnet_account(0)
LOUDI = tuple(LOUDI_COUNTIES)


@pytest.fixture
def city_config(anvil, tmp_path, monkeypatch):
    for key in ("CITY_ADMINS", "CITY_ADMIN_THRESHOLD", "CHAINCITY_DEPLOYMENTS_DIR"):
        monkeypatch.delenv(key, raising=False)
    return config_from_env(anvil, ROOT / "build", tmp_path / "deployments")


def directory_at(w3: Web3, config: DeployConfig):
    record = load_record(config.deployments_dir, w3.eth.chain_id)["contracts"]["CityDirectory"]
    abi = json.loads((config.deployments_dir / record["abi"]).read_text())
    return w3.eth.contract(address=record["address"], abi=abi)


def test_first_deployment_writes_the_record_and_wires_the_admins(anvil, city_config):
    results = deploy_city(anvil, DEPLOYER, city_config, admin_keys=devnet_admin_keys(anvil, city_config))
    assert [r.name for r in results] == [spec.name for spec in CITY_CONTRACTS]
    assert all(r.newly_deployed for r in results)
    record = load_record(city_config.deployments_dir, 31337)
    assert record["chainId"] == 31337
    for result in results:
        entry = record["contracts"][result.name]
        assert entry["address"] == result.address and entry["block"] == result.block
        assert anvil.eth.get_transaction_receipt(entry["transaction"])["contractAddress"] == result.address
        assert len(anvil.eth.get_code(result.address)) > 0
    directory = directory_at(anvil, city_config)
    admin_role = directory.functions.CITY_ADMIN_ROLE().call()
    assert directory.functions.threshold().call() == 2
    assert directory.functions.getRoleMemberCount(admin_role).call() == 3
    assert [directory.functions.getRoleMember(admin_role, i).call() for i in range(3)] == anvil.eth.accounts[:3]
    registry_entry = record["contracts"]["PropertyRegistry"]
    registry = anvil.eth.contract(address=registry_entry["address"],
                                  abi=json.loads((city_config.deployments_dir / registry_entry["abi"]).read_text()))
    assert registry.functions.directory().call() == directory.address
    # The devnet's administrators allowed the registries as proposal targets and declared the counties.
    assert all(directory.functions.isCityContract(r.address).call() for r in results if r.name != "CityDirectory")
    assert all(registry.functions.isCounty(c.encode()).call() for c in LOUDI_COUNTIES)
    assert not registry.functions.isCounty(b"430102").call()


def test_a_deployer_without_the_administrators_keys_leaves_the_governance_to_them(anvil, city_config, caplog):
    """On a live chain the deployer is not an administrator: the contracts are deployed, and the
    proposals the administrators still have to make are named, not sent."""
    deploy_city(anvil, DEPLOYER, city_config)
    city = City(anvil, city_config.deployments_dir)
    missing = governance_missing(city, city_config.counties)
    assert [Directory(city).describe(*m).split("(")[0] for m in missing] == (
        ["CityDirectory.setCityContracts"] + ["PropertyRegistry.addCounty"] * len(LOUDI_COUNTIES))
    assert "the administrators still have to propose: CityDirectory.setCityContracts" in caplog.text


def test_second_run_finds_the_deployment_and_sends_nothing(anvil, city_config):
    first = deploy_city(anvil, DEPLOYER, city_config)
    nonce = anvil.eth.get_transaction_count(DEPLOYER.address)
    second = deploy_city(anvil, DEPLOYER, city_config)
    assert anvil.eth.get_transaction_count(DEPLOYER.address) == nonce
    assert [(r.name, r.address, r.block) for r in second] == [(r.name, r.address, r.block) for r in first]
    assert not any(r.newly_deployed for r in second)


def test_a_record_pointing_at_an_empty_address_is_refused(anvil, city_config):
    deploy_city(anvil, DEPLOYER, city_config)
    path = city_config.deployments_dir / "31337.json"
    record = json.loads(path.read_text())
    record["contracts"]["CityDirectory"]["address"] = anvil.eth.accounts[5]
    path.write_text(json.dumps(record))
    with pytest.raises(DeploymentError, match=r"CityDirectory: .* holds no code"):
        deploy_city(anvil, DEPLOYER, city_config)


def test_a_record_pointing_at_other_code_is_refused(anvil, city_config, tmp_path):
    deploy_city(anvil, DEPLOYER, city_config)
    path = city_config.deployments_dir / "31337.json"
    record = json.loads(path.read_text())
    # A different contract: the directory deployed again with other constructor arguments
    # has the same code, so point the record at a contract of another kind instead.
    other = anvil.eth.contract(abi=[], bytecode="0x600a600c600039600a6000f3602a60005260206000f3")
    receipt = anvil.eth.wait_for_transaction_receipt(other.constructor().transact({"from": anvil.eth.accounts[9]}))
    record["contracts"]["CityDirectory"]["address"] = receipt["contractAddress"]
    path.write_text(json.dumps(record))
    with pytest.raises(DeploymentError, match=r"code that differs from build"):
        deploy_city(anvil, DEPLOYER, city_config)


def test_deployment_survives_a_devnet_restart(anvil_net, tmp_path, monkeypatch):
    """`make deploy` twice with the devnet stopped in between: the chain keeps its state."""
    import dataclasses

    from conftest import free_port

    net = dataclasses.replace(anvil_net, port=free_port())
    state = tmp_path / "state"
    devnets.up(net, ROOT, state)
    w3 = Web3(Web3.HTTPProvider(net.rpc_url))
    config = DeployConfig(tuple(w3.eth.accounts[:3]), 2, ROOT / "build", tmp_path / "deployments", LOUDI)
    try:
        first = deploy_city(w3, DEPLOYER, config)
        devnets.down(net, state)
        devnets.up(net, ROOT, state)
        second = deploy_city(w3, DEPLOYER, config)
    finally:
        devnets.down(net, state)
    assert [r.address for r in second] == [r.address for r in first]
    assert not any(r.newly_deployed for r in second)


def test_cli_deploy_prints_addresses_and_json(anvil, anvil_net, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    for key in ("CITY_ADMINS", "CITY_ADMIN_THRESHOLD"):
        monkeypatch.delenv(key, raising=False)
    runner = CliRunner()
    args = ["deploy", "--rpc-url", anvil_net.rpc_url, "--deployments-dir", str(tmp_path)]
    text = runner.invoke(main, args)
    assert text.exit_code == EXIT_OK, text.output
    address = load_record(tmp_path, 31337)["contracts"]["CityDirectory"]["address"]
    assert f"CityDirectory        {address}  (deployed in block" in text.output
    as_json = runner.invoke(main, [*args, "--json"])
    assert json.loads(as_json.output)["contracts"]["CityDirectory"] == {
        "address": address, "block": load_record(tmp_path, 31337)["contracts"]["CityDirectory"]["block"],
        "deployed": False,
    }


def test_cli_deploy_rejects_bad_admin_settings(anvil, anvil_net, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CITY_ADMINS", ",".join(anvil.eth.accounts[:2]))
    monkeypatch.setenv("CITY_ADMIN_THRESHOLD", "3")
    result = CliRunner().invoke(main, ["deploy", "--rpc-url", anvil_net.rpc_url, "--deployments-dir", str(tmp_path)])
    assert result.exit_code == EXIT_USAGE
    assert "CITY_ADMIN_THRESHOLD 3 must be between 1 and the 2 admins" in result.output
    assert not (tmp_path / "31337.json").exists()


@pytest.mark.parametrize(
    ("env", "chain_id", "message"),
    [
        ({}, 5, "CITY_ADMINS is not set, and chain 5 is not a devnet"),
        ({"CITY_ADMINS": "0x" + "11" * 20}, 5, "CITY_ADMIN_THRESHOLD must be set when CITY_ADMINS is"),
        ({"CITY_ADMINS": "0x" + "11" * 20, "CITY_ADMIN_THRESHOLD": "two"}, 5, "must be a whole number, not 'two'"),
        ({"CITY_ADMINS": "0x" + "11" * 20, "CITY_ADMIN_THRESHOLD": "0"}, 5, "must be between 1 and the 1 admins"),
    ],
)
def test_admin_settings_are_checked(env, chain_id, message, monkeypatch):
    for key in ("CITY_ADMINS", "CITY_ADMIN_THRESHOLD"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    chain = SimpleNamespace(eth=SimpleNamespace(chain_id=chain_id, accounts=[]))
    with pytest.raises(DeploymentError, match=message):
        config_from_env(chain)


def test_admin_settings_from_the_environment(monkeypatch):
    admins = ["0x" + "11" * 20, "0x" + "22" * 20]
    monkeypatch.setenv("CITY_ADMINS", " , ".join(admins))
    monkeypatch.setenv("CITY_ADMIN_THRESHOLD", "2")
    config = config_from_env(SimpleNamespace(eth=SimpleNamespace(chain_id=1234, accounts=[])))
    assert config.admins == tuple(Web3.to_checksum_address(a) for a in admins) and config.threshold == 2


def test_code_matches_only_inside_immutable_slots():
    code = bytes.fromhex("6080") + bytes(32) + bytes.fromhex("5b00")
    filled = bytes.fromhex("6080") + bytes(12) + bytes.fromhex("ab" * 20) + bytes.fromhex("5b00")
    assert code_matches(code.hex(), code)
    assert code_matches("0x" + code.hex(), filled)  # an immutable filled in at deployment
    assert not code_matches(code.hex(), filled[:-1])  # other length
    assert not code_matches(code.hex(), bytes.fromhex("6081") + code[2:])  # outside a zero run
    short_run = bytes.fromhex("60") + bytes(31) + bytes.fromhex("60")
    assert not code_matches(short_run.hex(), bytes.fromhex("60") + bytes(30) + b"\x01" + bytes.fromhex("60"))
