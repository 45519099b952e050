"""Fixtures for the plain-Python tests: a private devnet on a free port, so these tests never
touch a chain the user (or the contract tests) started."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import pytest
from web3 import Web3

from chaincity import devnet as devnets

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def anvil_net():
    """A private Anvil (same flags as the project's) for the session; its definition."""
    return dataclasses.replace(devnets.DEVNETS["anvil"], port=free_port())


@pytest.fixture(scope="session")
def anvil(anvil_net, tmp_path_factory):
    """A running private Anvil; yields a web3 connection to it and stops it afterwards."""
    state_dir = tmp_path_factory.mktemp("anvil")
    devnets.up(anvil_net, ROOT, state_dir)
    yield Web3(Web3.HTTPProvider(anvil_net.rpc_url))
    devnets.down(anvil_net, state_dir)


@pytest.fixture
def city(anvil, tmp_path):
    """A fresh deployment on the private Anvil with a registration centre, two banks and a
    court onboarded (signers: devnet accounts 3, 4, 5, 6); returns the deployment record,
    the contracts by name and the signers by department code."""
    from chaincity.chain.contracts import load_contracts
    from chaincity.chain.signer import devnet_account
    from chaincity.deploy import DeployConfig, deploy_city
    from chaincity.onboard import DepartmentKind, register_department

    config = DeployConfig(tuple(anvil.eth.accounts[:3]), 2, ROOT / "build", tmp_path / "deployments")
    deploy_city(anvil, anvil.eth.accounts[0], config)
    contracts = load_contracts(anvil, config.deployments_dir)
    departments = {
        "LD-REC": (DepartmentKind.REAL_ESTATE_REGISTRATION, devnet_account(3)),
        "LD-BANK-ICBC": (DepartmentKind.BANK, devnet_account(4)),
        "LD-BANK-CCB": (DepartmentKind.BANK, devnet_account(5)),
        "LD-COURT-INT": (DepartmentKind.COURT, devnet_account(6)),
    }
    for code, (kind, signer) in departments.items():
        register_department(anvil, contracts["CityDirectory"], list(anvil.eth.accounts[:3]), code, kind,
                            f"name of {code}", [signer.address])
    return {"config": config, "contracts": contracts, "signers": {c: s for c, (_, s) in departments.items()}}


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the department-database tests: CHAINCITY_TEST_POSTGRES_URL
    (a server that lets this user create databases) if set, else a throwaway cluster started
    from Debian's postgresql package (.ci/run installs it); skipped only when neither exists."""
    import os
    import shutil
    import subprocess
    import tempfile

    url = os.environ.get("CHAINCITY_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    bin_dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bin_dirs or not (bin_dirs[-1] / "postgres").exists():
        pytest.skip("no PostgreSQL server: install Debian's postgresql or set CHAINCITY_TEST_POSTGRES_URL")
    bin_dir = bin_dirs[-1]
    # Not under pytest's tmp folder: that is private to this user, and the server may run as postgres.
    data = Path(tempfile.mkdtemp(prefix="chaincity-pg-"))
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: run the cluster as the postgres user
        shutil.chown(data, "postgres", "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-w", "-l", str(data / "log"),
                    "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-m", "fast", "stop"],
                       check=False, capture_output=True)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh database on the PostgreSQL server for one test."""
    import re

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "chaincity_" + re.sub(r"\W", "_", request.node.name)[:40].lower()
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
