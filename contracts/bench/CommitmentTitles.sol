// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title CommitmentTitles
/// @notice The gas benchmark's answer to its own question (issue 16, figure 1): what a title
/// costs in the layout that would meet the ERC721 peer goal. The chain keeps one commitment a
/// title, keccak256 of the very record the registration centre's oracle sends
/// `PropertyRegistry.registerTitles`, and the record itself only in the event that carries it.
/// Never deployed by the city; `bench/gas.py` deploys it on its private devnet only.
/// @dev What the layout gives up against PropertyRegistry, for the benchmark's reader: no read
/// of a title (no `titleOf` for the bank's and the court's one-call check: a reader rebuilds
/// every title from the events), no certificate record, and no rule the contract itself can
/// enforce without the caller presenting the whole record again (a seizure against a transfer
/// or a mortgage, mortgages in rank order, spent proofs). Guarded by {Ownable} as PeerERC721 is,
/// so the three are measured alike.
contract CommitmentTitles is Ownable {
    /// @notice The commitment of each unit's title: keccak256 of its record; zero when none.
    mapping(bytes32 unit => bytes32 commitment) public commitmentOf;

    /// @notice A title committed: its unit, its commitment and the record it commits to.
    event TitleCommitted(bytes32 indexed unit, bytes32 commitment, bytes record);

    /// @notice The unit has a title committed already.
    error CommitmentTitlesAlreadyCommitted(bytes32 unit);

    /// @notice The two arrays differ in length.
    error CommitmentTitlesLengthMismatch(uint256 units, uint256 records);

    constructor() Ownable(msg.sender) {}

    /// @notice Commits `records[i]` as the title of `units[i]`, one by one.
    /// @dev Requirements: the caller is the owner; the arrays have the same length; no unit has
    /// a title committed yet. Emits a {TitleCommitted} event per title.
    function commitTitles(bytes32[] calldata units, bytes[] calldata records) external onlyOwner {
        if (units.length != records.length) revert CommitmentTitlesLengthMismatch(units.length, records.length);
        for (uint256 i; i < units.length; ++i) {
            bytes32 unit = units[i];
            if (commitmentOf[unit] != bytes32(0)) revert CommitmentTitlesAlreadyCommitted(unit);
            bytes32 commitment = keccak256(records[i]);
            commitmentOf[unit] = commitment;
            emit TitleCommitted(unit, commitment, records[i]);
        }
    }
}
