"""Department keys from an encrypted eth-account keystore: what a city runs outside a devnet."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from eth_account import Account

from chaincity.cli import EXIT_OK, EXIT_USAGE, main
from chaincity.config import ConfigError, signer_for
from chaincity.departments.real_estate import unit_key
from chaincity.onboard import DepartmentKind, register_department

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
    register_department(anvil, city["contracts"]["CityDirectory"], list(anvil.eth.accounts[:3]), "LD-REC-2",
                        DepartmentKind.REAL_ESTATE_REGISTRATION, "second registration centre", [account.address])
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
