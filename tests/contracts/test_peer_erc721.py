"""PeerERC721, the gas benchmark's peer (issue 16, figure 1): OpenZeppelin's ERC721 `_safeMint`
behind an owner guard. Its two mints work for the owner and are refused to anyone else, and its
ABI has no other mutating function without a row here (ERC721's own transfers and approvals are
the token holders', as OpenZeppelin tests them)."""

import brownie
import pytest
from brownie import PeerERC721, accounts

from conftest import abi_functions, typed_error

HOLDERS_OWN = {"approve", "safeTransferFrom", "setApprovalForAll", "transferFrom", "renounceOwnership",
               "transferOwnership"}  # OpenZeppelin's, not the benchmark's
MINTS = {
    "mint": lambda to: (to, 1),
    "mintBatch": lambda to: ([to, to], [2, 3]),
}


@pytest.fixture(scope="module")
def peer():
    return PeerERC721.deploy({"from": accounts[0]})


def test_peer_has_a_row_for_every_mutating_function_of_its_own():
    assert set(abi_functions(PeerERC721)) == HOLDERS_OWN | set(MINTS)


@pytest.mark.parametrize("function", sorted(MINTS))
def test_only_the_owner_mints(peer, stranger, function):
    with brownie.reverts(typed_error("OwnableUnauthorizedAccount", stranger)):
        getattr(peer, function)(*MINTS[function](accounts[5]), {"from": stranger})
    tx = getattr(peer, function)(*MINTS[function](accounts[5]), {"from": accounts[0]})
    minted = [event["tokenId"] for event in tx.events["Transfer"]]
    assert minted == ([1] if function == "mint" else [2, 3])
    assert all(peer.ownerOf(token) == accounts[5] for token in minted)
