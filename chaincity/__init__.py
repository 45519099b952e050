"""Chain City: department oracles and tools for a city's public registries on an EVM chain.

Runs on web3.py and eth-account alone; Brownie is only for compiling, deploying and testing
the contracts.
"""

__version__ = "0.1.0"
