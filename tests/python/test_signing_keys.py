"""Department keys from an encrypted eth-account keystore: what a city runs outside a devnet.
A file that is not a usable keystore is a configuration error naming the file (exit 2), never a
traceback, and never a quiet fall-back to the devnet mnemonic."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from eth_account import Account

from chaincity.chain.signer import devnet_account
from chaincity.cli import EXIT_OK, EXIT_USAGE, main
from chaincity.config import ConfigError, signer_for
from chaincity.chain.enums import DepartmentKind
from chaincity.devnet import DEVNET_CHAIN_IDS
from chaincity.formats import unit_key
from conftest import onboard

from test_sync_bank_court import UNITS, write

PASSWORD = "correct horse battery staple"
MAINNET = 1


@pytest.fixture
def keystore(tmp_path, monkeypatch):
    """A fresh key in an encrypted keystore, configured as the oracle's key."""
    account = Account.create()
    path = tmp_path / "department.keystore.json"
    path.write_text(json.dumps(Account.encrypt(account.key, PASSWORD)))
    monkeypatch.delenv("CHAINCITY_DEVNET_ACCOUNT", raising=False)
    monkeypatch.setenv("CHAINCITY_KEYSTORE", str(path))
    monkeypatch.setenv("CHAINCITY_KEYSTORE_PASSWORD", PASSWORD)
    return account, path


def test_the_keystore_unlocks_to_its_account_on_any_chain(keystore):
    account, _ = keystore
    assert signer_for(MAINNET).address == account.address


def test_a_wrong_password_names_the_keystore_not_the_password(keystore, monkeypatch):
    _, path = keystore
    monkeypatch.setenv("CHAINCITY_KEYSTORE_PASSWORD", "not the password")
    with pytest.raises(ConfigError) as error:
        signer_for(MAINNET)
    assert str(path) in str(error.value) and "not the password" not in str(error.value)


def test_a_missing_password_or_file_is_named(keystore, monkeypatch, tmp_path):
    monkeypatch.delenv("CHAINCITY_KEYSTORE_PASSWORD")
    with pytest.raises(ConfigError, match="CHAINCITY_KEYSTORE_PASSWORD"):
        signer_for(MAINNET)
    monkeypatch.setenv("CHAINCITY_KEYSTORE_PASSWORD", PASSWORD)
    monkeypatch.setenv("CHAINCITY_KEYSTORE", str(tmp_path / "absent.json"))
    with pytest.raises(ConfigError, match="absent.json"):
        signer_for(MAINNET)


def test_the_devnet_mnemonic_is_refused_outside_a_devnet(monkeypatch):
    monkeypatch.delenv("CHAINCITY_KEYSTORE", raising=False)
    monkeypatch.setenv("CHAINCITY_DEVNET_ACCOUNT", "3")
    with pytest.raises(ConfigError, match="devnets only"):
        signer_for(MAINNET)


def test_the_oracle_signs_with_the_keystore_key(anvil, anvil_net, city, keystore, tmp_path, monkeypatch):
    """A registration centre whose only signer is the keystore's key syncs its titles; with a
    wrong password the oracle stops with exit 2 and sends nothing."""
    account, _ = keystore
    anvil.eth.wait_for_transaction_receipt(anvil.eth.send_transaction(
        {"from": anvil.eth.accounts[0], "to": account.address, "value": 10**18}))
    onboard(anvil, city["config"].deployments_dir, "LD-REC-2", DepartmentKind.REAL_ESTATE_REGISTRATION, [account.address])
    rows = [{"unit_code": u, "owner_id_numbers": "431302198005171236", "shares": "10000",
             "right_type": "house_ownership", "certificate_no": f"湘(2021)娄底市不动产权第{i:07d}号",
             "registered_at": "2021-01-01"} for i, u in enumerate(UNITS, 1)]
    export = write(tmp_path / "titles.csv", "real-estate", rows)
    for key, value in {"CHAINCITY_DEPARTMENT": "LD-REC-2", "CHAINCITY_PEPPER": "11" * 32,
                       "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'rec2.db'}",
                       "CHAINCITY_DEPLOYMENTS_DIR": str(city["config"].deployments_dir),
                       "CHAINCITY_RPC_URL": anvil_net.rpc_url}.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "load", "real-estate", str(export)]).exit_code == EXIT_OK

    monkeypatch.setenv("CHAINCITY_KEYSTORE_PASSWORD", "not the password")
    refused = runner.invoke(main, ["oracle", "sync", "real-estate", "--json"])
    assert refused.exit_code == EXIT_USAGE and "cannot unlock the keystore" in refused.output
    assert anvil.eth.get_transaction_count(account.address) == 0

    monkeypatch.setenv("CHAINCITY_KEYSTORE_PASSWORD", PASSWORD)
    synced = runner.invoke(main, ["oracle", "sync", "real-estate", "--json"])
    assert synced.exit_code == EXIT_OK, synced.output
    registry = city["contracts"]["PropertyRegistry"]
    events = registry.events.TitleRegistered().get_logs(from_block=0)
    mine = [e for e in events if anvil.eth.get_transaction(e["transactionHash"])["from"] == account.address]
    assert sorted(bytes(e["args"]["unit"]) for e in mine) == sorted(unit_key(u) for u in UNITS)


def damaged(path):
    """The keystore with its key-derivation parameters cut off, as by a bad copy or edit."""
    keyfile = json.loads(path.read_text())
    del keyfile["crypto"]["kdfparams"]
    return json.dumps(keyfile).encode()


# Files an operator may point CHAINCITY_KEYSTORE at by mistake (None: a folder).
NOT_KEYSTORES = {
    "folder": None,
    "empty file": b"",
    "binary file": b"\x89PNG\r\n\x1a\n\x00\xff\xfe",
    "deployment record": json.dumps({"chain_id": 1337, "contracts": {}}).encode(),
    "JSON list": b"[]",
    "damaged keystore": damaged,
}


@pytest.mark.parametrize("kind", NOT_KEYSTORES)
def test_a_file_that_is_not_a_keystore_is_a_config_error_naming_it(kind, keystore, tmp_path, monkeypatch):
    _, good = keystore
    target = tmp_path / kind.replace(" ", "_")
    content = NOT_KEYSTORES[kind]
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content(good) if callable(content) else content)
    monkeypatch.setenv("CHAINCITY_KEYSTORE", str(target))
    with pytest.raises(ConfigError) as error:
        signer_for(MAINNET)
    assert str(target) in str(error.value) and PASSWORD not in str(error.value)


@pytest.mark.parametrize("chain_id", sorted(DEVNET_CHAIN_IDS))
def test_a_set_keystore_wins_over_the_devnet_account_and_a_broken_one_does_not_fall_back(
        chain_id, keystore, monkeypatch):
    """An oracle given both must sign with the department's key, and a keystore it cannot
    unlock must stop it rather than let it sign with a public test key instead."""
    account, _ = keystore
    monkeypatch.setenv("CHAINCITY_DEVNET_ACCOUNT", "3")
    assert signer_for(chain_id).address == account.address != devnet_account(3).address
    monkeypatch.setenv("CHAINCITY_KEYSTORE_PASSWORD", "not the password")
    with pytest.raises(ConfigError, match="cannot unlock the keystore"):
        signer_for(chain_id)


def test_the_oracle_exits_2_on_a_keystore_that_is_not_one(anvil, anvil_net, keystore, tmp_path, monkeypatch):
    """The exit code tells a supervisor what to fix: 2 is configuration, 1 would claim rejected records."""
    wrong = tmp_path / "1337.json"
    wrong.write_text(json.dumps({"chain_id": 1337, "contracts": {}}))
    for key, value in {"CHAINCITY_KEYSTORE": str(wrong), "CHAINCITY_DEPARTMENT": "LD-REC",
                       "CHAINCITY_PEPPER": "11" * 32, "CHAINCITY_RPC_URL": anvil_net.rpc_url,
                       "CHAINCITY_DATABASE_URL": f"sqlite:///{tmp_path / 'rec.db'}"}.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["oracle", "sync", "real-estate", "--json"])
    assert result.exit_code == EXIT_USAGE, (result.output, result.exception)
    assert f"error: cannot unlock the keystore {wrong}" in result.output and PASSWORD not in result.output


def test_the_deployer_keystore_unlocks_or_fails_naming_the_setting(keystore, monkeypatch):
    """`chaincity deploy` on a live chain signs with DEPLOYER_KEYSTORE; a wrong password is a
    DeploymentError (exit 2), not a traceback."""
    from chaincity.deploy import DeploymentError, deployer_account

    account, path = keystore
    monkeypatch.setenv("DEPLOYER_KEYSTORE", str(path))
    monkeypatch.setenv("DEPLOYER_PASSWORD", PASSWORD)
    assert deployer_account(None).address == account.address  # a keystore needs no chain to unlock
    monkeypatch.setenv("DEPLOYER_PASSWORD", "not the password")
    with pytest.raises(DeploymentError, match="DEPLOYER_KEYSTORE") as error:
        deployer_account(None)
    assert str(path) in str(error.value) and "not the password" not in str(error.value)
