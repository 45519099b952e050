// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title PeerERC721
/// @notice The benchmark's peer for gas per record (issue 16, figure 1): the registry a user
/// would reach for, OpenZeppelin's ERC721 with an owner-guarded `_safeMint`. Never deployed by
/// the city; `bench/gas.py` deploys it on its private devnet only.
/// @dev Guarded by {Ownable} as a real registry would be (one cold SLOAD per call, as our
/// registries' department check costs one), so the comparison is like for like.
contract PeerERC721 is ERC721, Ownable {
    constructor() ERC721("Peer", "PEER") Ownable(msg.sender) {}

    /// @notice Mints token `id` to `to` with `_safeMint` (one record).
    /// @dev Requirements: the caller is the owner; `id` is not minted yet.
    /// Emits a {Transfer} event.
    function mint(address to, uint256 id) external onlyOwner {
        _safeMint(to, id);
    }

    /// @notice Mints `ids[i]` to `to[i]` with `_safeMint`, one by one: the batched path.
    /// @dev Requirements: the caller is the owner; the arrays have the same length; no id is
    /// minted yet. Emits a {Transfer} event per token.
    function mintBatch(address[] calldata to, uint256[] calldata ids) external onlyOwner {
        for (uint256 i; i < ids.length; ++i) {
            _safeMint(to[i], ids[i]);
        }
    }
}
