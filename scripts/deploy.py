"""Deploy the city under Brownie: `brownie run scripts/deploy.py --network city-ganache`.

The work is done by :mod:`chaincity.deploy` on web3.py (the same code as `chaincity deploy`),
with Brownie's connection; the deployer is DEPLOYER_KEYSTORE's key, or on a devnet its first
test account (the devnet's administrators then also allow the registries and declare the counties).
"""

from pathlib import Path

from brownie import network, web3

from chaincity.deploy import config_from_env, deploy_city, deployer_account, devnet_admin_keys

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def deploy(deployments_dir: Path | None = None):
    """Deploy (or find and verify) every city contract; returns the list of DeployedContract."""
    config = config_from_env(web3, PROJECT_ROOT / "build", deployments_dir)
    return deploy_city(web3, deployer_account(web3), config, admin_keys=devnet_admin_keys(web3, config))


def main():
    for contract in deploy():
        how = "deployed" if contract.newly_deployed else "already deployed, code verified"
        print(f"{contract.name:<20} {contract.address}  ({how}, block {contract.block})")
    print(f"network {network.show_active()}, chain id {web3.eth.chain_id}")
