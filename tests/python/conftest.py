"""Fixtures for the plain-Python tests: a private devnet on a free port, so these tests never
touch a chain the user (or the contract tests) started."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from web3 import Web3

from chaincity import devnet as devnets
from chaincity.devnet import free_port  # noqa: F401  (the tests' and benchmarks' free port)
from chaincity.formats import LOUDI_COUNTIES
from chaincity.oracle.spec import RowContext

ROOT = Path(__file__).resolve().parents[2]


def private_devnet(name: str, fixture: str | None = None, extra_args: tuple[str, ...] = ()):
    """Session fixtures of a private devnet (same flags as the project's, plus ``extra_args``)
    on a free port, so these tests never touch a chain the user (or the contract tests) started:
    its definition (`<fixture>_net`) and a web3 connection to it running (`<fixture>`; the
    fixture's name defaults to the devnet's), stopped afterwards."""
    fixture = fixture or name

    @pytest.fixture(scope="session", name=f"{fixture}_net")
    def definition():
        net = {**devnets.DEVNETS, **devnets.PROFILES}[name]
        return dataclasses.replace(net, port=free_port(), extra_args=net.extra_args + extra_args)

    @pytest.fixture(scope="session", name=fixture)
    def running(request, tmp_path_factory):
        net = request.getfixturevalue(f"{fixture}_net")
        state_dir = tmp_path_factory.mktemp(fixture)
        devnets.up(net, ROOT, state_dir)
        yield Web3(Web3.HTTPProvider(net.rpc_url))
        devnets.down(net, state_dir)

    return definition, running


# Ganache is our users' devnet (it runs a transaction at send time and says so); Anvil is faster.
anvil_net, anvil = private_devnet("anvil")
ganache_net, ganache = private_devnet("ganache")
# The city's production chain as a devnet plays it: 2 s blocks, free gas (devnet.PROFILES).
qbft_net, qbft = private_devnet("qbft")


# Test accounts: 0-2 the city administrators (2 of 3), then the departments' signers.
ADMINS = (0, 1, 2)
DEPARTMENT_SIGNERS = {
    "LD-REC": ("REAL_ESTATE_REGISTRATION", 3),
    "LD-BANK-ICBC": ("BANK", 4),
    "LD-BANK-CCB": ("BANK", 5),
    "LD-COURT-INT": ("COURT", 6),
}
PEPPER = bytes(range(32))
LOUDI = RowContext(frozenset(LOUDI_COUNTIES))


def deploy_devnet_city(w3: Web3, deployments_dir: Path, **config):
    """Deploy the city with the devnet administrators (who also allow the registries and declare the counties)."""
    from chaincity.chain.signer import devnet_account
    from chaincity.deploy import DeployConfig, deploy_city

    admins = [devnet_account(i) for i in ADMINS]
    deploy_config = DeployConfig(tuple(a.address for a in admins), 2, ROOT / "build", deployments_dir,
                                 **{"counties": tuple(LOUDI_COUNTIES), **config})
    deploy_city(w3, admins[0], deploy_config, admin_keys=admins)
    return deploy_config


def administrators(w3: Web3, deployments_dir: Path):
    """The directory as each devnet administrator signs it."""
    from chaincity.chain.deployment import City
    from chaincity.chain.sender import TransactionSender
    from chaincity.chain.signer import devnet_account
    from chaincity.directory import Directory

    city = City(w3, deployments_dir)
    return [Directory(city, TransactionSender(w3, devnet_account(i))) for i in ADMINS]


def onboard(w3: Web3, deployments_dir: Path, code: str, kind, signers: list[str]) -> None:
    """Register a department through a 2-of-3 proposal."""
    from chaincity.directory import run_proposal

    admins = administrators(w3, deployments_dir)
    run_proposal(admins, *admins[0].register_call(code, kind, f"name of {code}", signers))


def make_city(w3: Web3, tmp_path: Path) -> dict:
    """A fresh deployment with a registration centre, two banks and a court onboarded (signers:
    devnet accounts 3, 4, 5, 6): the deployment config, the contracts by name and the signers
    by department code."""
    from chaincity.chain.deployment import load_contracts
    from chaincity.chain.enums import DepartmentKind
    from chaincity.chain.signer import devnet_account

    with devnets.block_per_transaction(w3):
        config = deploy_devnet_city(w3, tmp_path / "deployments")
        signers = {}
        for code, (kind, index) in DEPARTMENT_SIGNERS.items():
            signers[code] = devnet_account(index)
            onboard(w3, config.deployments_dir, code, DepartmentKind[kind], [signers[code].address])
    return {"config": config, "contracts": load_contracts(w3, config.deployments_dir), "signers": signers}


@pytest.fixture
def chain(request):
    """The chain a test runs on: the private Anvil, or the devnet a test names by parametrizing
    this fixture indirectly (``@pytest.mark.parametrize("chain", ["anvil", "qbft"], indirect=True)``)."""
    return request.getfixturevalue(getattr(request, "param", "anvil"))


@pytest.fixture
def city(chain, tmp_path):
    """The city on the test's chain, the private Anvil unless it names another (see make_city)."""
    return make_city(chain, tmp_path)


@pytest.fixture(params=["anvil", "ganache"])
def devnet_city(request, tmp_path):
    """The city on each devnet in turn: (web3, its net, the city)."""
    w3 = request.getfixturevalue(request.param)
    return w3, request.getfixturevalue(f"{request.param}_net"), make_city(w3, tmp_path)


class Oracles:
    """The department oracles of the `city` fixture, each with its own database under tmp_path."""

    def __init__(self, w3: Web3, city: dict, tmp_path: Path):
        self.w3, self.city, self.tmp_path = w3, city, tmp_path

    def config(self, code: str, **overrides):
        from chaincity.config import OracleConfig

        return OracleConfig(**{"rpc_url": "", "database_url": "", "deployments_dir": self.city["config"].deployments_dir,
                               "department_code": code, "pepper": PEPPER, "confirmations": 1, "batch_size": 50,
                               "pipeline": 4, **overrides})

    def database(self, code: str):
        from chaincity.db import open_database

        return open_database(f"sqlite:///{self.tmp_path / (code + '.db')}")

    def load(self, department: str, path: Path, code: str | None = None, context=LOUDI):
        from chaincity.cli import DEPARTMENTS
        from chaincity.load import load_csv

        return load_csv(self.database(code or department), DEPARTMENTS[department], path, context)

    def sync(self, department: str, code: str, *, signer=None, w3: Web3 | None = None, engine=None, **overrides):
        """Every mapping of the department, as `chaincity oracle sync` runs them; the summaries."""
        from chaincity.cli import DEPARTMENTS
        from chaincity.oracle.run import sync_department

        return sync_department(w3 or self.w3, engine or self.database(code), DEPARTMENTS[department],
                               self.config(code, **overrides), signer or self.city["signers"][code])

    def engine(self, department: str, kind: str, code: str, engine=None, **options):
        """The sync engine of one mapping, wired as the oracle wires it."""
        from chaincity.chain.deployment import City
        from chaincity.chain.errors import ErrorDecoder
        from chaincity.chain.sender import TransactionSender
        from chaincity.cli import DEPARTMENTS
        from chaincity.hashing import Hasher
        from chaincity.oracle.stops import Authority
        from chaincity.oracle.history import ChainReader
        from chaincity.oracle.sync import SyncEngine

        spec = DEPARTMENTS[department]
        mapping = spec.chain_of(kind)
        city = City(self.w3, self.city["config"].deployments_dir)
        signer = self.city["signers"][code]
        engine = engine or self.database(code)
        return SyncEngine(engine, department, mapping,
                          ChainReader(city[mapping.contract]),
                          TransactionSender(self.w3, signer), ErrorDecoder(*(c.abi for c in city.contracts.values())),
                          Hasher(PEPPER), Authority(city["CityDirectory"], signer.address, code, spec.kinds), **options)


@pytest.fixture
def oracles(chain, city, tmp_path) -> Oracles:
    return Oracles(chain, city, tmp_path)


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
