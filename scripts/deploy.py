"""Deploy the city under Brownie: `brownie run scripts/deploy.py --network city-ganache`.

The work is done by :mod:`chaincity.deploy` on web3.py (the same code as `chaincity deploy`),
with Brownie's connection and its first account as the deployer on a devnet.
"""

from pathlib import Path

from brownie import accounts, network, web3

from chaincity.deploy import config_from_env, deploy_city

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def deploy(deployer=None, deployments_dir: Path | None = None):
    """Deploy (or find and verify) every city contract; returns the list of DeployedContract."""
    config = config_from_env(web3, PROJECT_ROOT / "build", deployments_dir)
    sender = deployer.address if deployer is not None else accounts[0].address
    return deploy_city(web3, sender, config)


def main():
    for contract in deploy():
        how = "deployed" if contract.newly_deployed else "already deployed, code verified"
        print(f"{contract.name:<20} {contract.address}  ({how}, block {contract.block})")
    print(f"network {network.show_active()}, chain id {web3.eth.chain_id}")
