// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind, DepartmentStatus} from "../../interfaces/ICityDirectory.sol";
import {IPropertyRegistry} from "../../interfaces/IPropertyRegistry.sol";
import {PropertyTitles, TitleChange} from "./PropertyTitles.sol";

/**
 * @dev Mortgages (抵押权) of banks and the housing provident fund, ranked by registration
 * (Civil Code Art. 414); they follow a transferred title and their lenders are notified
 * (Art. 406) unless a registered no-transfer agreement holds the transfer; they pass with the
 * claim they secure to another lender (Art. 407), keeping their rank.
 *
 * A released, cancelled or extinguished mortgage's proof is spent on its unit: it can never
 * be registered again (an oracle's resend would otherwise create a phantom mortgage).
 */
abstract contract PropertyMortgages is PropertyTitles {
    /// @notice Mortgages per title (bounds every walk of a title's mortgages).
    uint256 public constant MAX_MORTGAGES = 16;

    struct Mortgages {
        uint32 sequence;
        Mortgage[] ranked;
    }

    mapping(bytes32 unit => Mortgages) private _mortgages;
    mapping(bytes32 unit => mapping(bytes32 proof => bool)) private _spentProofs;

    /// @inheritdoc IPropertyRegistry
    function registerMortgage(MortgageInput calldata mortgage) external returns (bool registered) {
        return _registerMortgage(_checkLender(), mortgage);
    }

    /// @inheritdoc IPropertyRegistry
    function registerMortgages(MortgageInput[] calldata mortgages) external returns (uint256 registered) {
        bytes32 lender = _checkLender();
        for (uint256 i = 0; i < mortgages.length; ++i) {
            if (_registerMortgage(lender, mortgages[i])) ++registered;
        }
    }

    /// @inheritdoc IPropertyRegistry
    function releaseMortgage(bytes32 unit, bytes32 proof) external {
        bytes32 department = _checkLender();
        uint256 index = _findLive(unit, proof);
        if (_mortgages[unit].ranked[index].lender != department) {
            revert PropertyRegistryNotMortgagee(unit, proof, department);
        }
        _removeMortgage(unit, index);
        emit MortgageReleased(unit, department, proof);
    }

    /// @inheritdoc IPropertyRegistry
    function transferMortgage(bytes32 unit, bytes32 proof, bytes32 newLender, bytes32 documents)
        external
        returns (bool transferred)
    {
        bytes32 department = _checkLender();
        if (documents == 0) revert PropertyRegistryInvalidDocuments(unit);
        uint256 index = _findLive(unit, proof);
        Mortgage storage mortgage = _mortgages[unit].ranked[index];
        bytes32 lender = mortgage.lender;
        if (lender == newLender) return false;
        if (lender != department) revert PropertyRegistryNotMortgagee(unit, proof, department);
        ICityDirectory.Department memory receiving = directory().getDepartment(newLender);
        if (receiving.status != DepartmentStatus.Active || receiving.kind != DepartmentKind.Bank) {
            revert PropertyRegistryInvalidLender(unit, proof, newLender);
        }
        mortgage.lender = newLender;
        emit MortgageTransferred(unit, lender, newLender, proof, documents);
        return true;
    }

    /// @inheritdoc IPropertyRegistry
    function cancelMortgageByDecision(bytes32 unit, bytes32 proof, bytes32 decision) external {
        _checkRegistrar();
        if (decision == 0) revert PropertyRegistryInvalidDocuments(unit);
        uint256 index = _findLive(unit, proof);
        bytes32 lender = _mortgages[unit].ranked[index].lender;
        _removeMortgage(unit, index);
        emit MortgageCancelledByDecision(unit, lender, proof, decision);
    }

    // ---- hooks ------------------------------------------------------------------------------

    /// @dev A no-transfer agreement (Art. 406) holds a transfer; any mortgage holds a
    /// cancellation, split or merge; a judicial sale extinguishes every mortgage (SPC rules on
    /// auction and sale in civil enforcement, Art. 28), each lender told by {MortgageReleased}.
    function _beforeTitleChange(bytes32 unit, TitleChange change, Owner[] memory to, bytes32 authority)
        internal
        virtual
        override
    {
        Mortgage[] storage ranked = _mortgages[unit].ranked;
        if (change == TitleChange.Transfer) {
            for (uint256 i = 0; i < ranked.length; ++i) {
                if (ranked[i].noTransfer) revert PropertyRegistryNoTransferAgreement(unit, ranked[i].proof);
            }
        } else if (change == TitleChange.JudicialSale) {
            for (uint256 i = 0; i < ranked.length; ++i) {
                _spentProofs[unit][ranked[i].proof] = true;
                emit MortgageReleased(unit, ranked[i].lender, ranked[i].proof);
            }
            delete _mortgages[unit].ranked;
        } else if (change != TitleChange.Mortgage && ranked.length != 0) {
            revert PropertyRegistryTitleEncumbered(unit);
        }
        super._beforeTitleChange(unit, change, to, authority);
    }

    /// @dev Art. 406: one {MortgageeNotified} per mortgagee department, in rank order.
    function _afterTitleTransfer(bytes32 unit, bytes32 certificate) internal virtual override {
        super._afterTitleTransfer(unit, certificate);
        Mortgage[] storage ranked = _mortgages[unit].ranked;
        for (uint256 i = 0; i < ranked.length; ++i) {
            bytes32 lender = ranked[i].lender;
            bool seen = false;
            for (uint256 j = 0; j < i && !seen; ++j) {
                seen = ranked[j].lender == lender;
            }
            if (!seen) emit MortgageeNotified(unit, lender, certificate);
        }
    }

    // ---- internals ----------------------------------------------------------------------------

    /// @dev The single chokepoint of single and batch mortgage registration.
    function _registerMortgage(bytes32 lender, MortgageInput calldata input) private returns (bool) {
        bytes32 unit = input.unit;
        bytes32 proof = input.proof;
        _requireRegistered(unit);
        if (proof == 0 || input.amount == 0 || input.termEnd <= block.timestamp) {
            revert PropertyRegistryInvalidMortgage(unit, proof);
        }
        if (_spentProofs[unit][proof]) revert PropertyRegistryMortgageSpent(unit, proof);
        Mortgages storage mortgages = _mortgages[unit];
        (bool found, uint256 index) = _findMortgage(mortgages.ranked, proof);
        if (found) {
            Mortgage storage stored = mortgages.ranked[index];
            if (
                stored.lender == lender && stored.amount == input.amount && stored.termEnd == input.termEnd
                    && stored.noTransfer == input.noTransfer
            ) return false;
            revert PropertyRegistryMortgageConflict(unit, proof);
        }
        _beforeTitleChange(unit, TitleChange.Mortgage, new Owner[](0), 0);
        if (mortgages.ranked.length >= MAX_MORTGAGES) revert PropertyRegistryQueueFull(unit);
        uint32 sequence = mortgages.sequence + 1;
        mortgages.sequence = sequence;
        mortgages.ranked.push(
            Mortgage(lender, proof, input.amount, input.termEnd, uint40(block.timestamp), sequence, input.noTransfer)
        );
        emit MortgageRegistered(unit, lender, proof, input.amount, input.termEnd, input.noTransfer, sequence);
        return true;
    }

    /// @dev The rank of the live mortgage `proof` on `unit`; reverts if spent or unknown.
    function _findLive(bytes32 unit, bytes32 proof) private view returns (uint256) {
        (bool found, uint256 index) = _findMortgage(_mortgages[unit].ranked, proof);
        if (found) return index;
        if (_spentProofs[unit][proof]) revert PropertyRegistryMortgageSpent(unit, proof);
        revert PropertyRegistryUnknownMortgage(unit, proof);
    }

    /// @dev Removes the mortgage at `index`, moving the later ones up; its proof is spent.
    function _removeMortgage(bytes32 unit, uint256 index) private {
        Mortgage[] storage ranked = _mortgages[unit].ranked;
        _spentProofs[unit][ranked[index].proof] = true;
        uint256 last = ranked.length - 1;
        for (uint256 i = index; i < last; ++i) {
            ranked[i] = ranked[i + 1];
        }
        ranked.pop();
    }

    function _findMortgage(Mortgage[] storage ranked, bytes32 proof) private view returns (bool, uint256) {
        for (uint256 i = 0; i < ranked.length; ++i) {
            if (ranked[i].proof == proof) return (true, i);
        }
        return (false, 0);
    }

    function _hasNoTransferAgreement(bytes32 unit) internal view returns (bool) {
        Mortgage[] storage ranked = _mortgages[unit].ranked;
        for (uint256 i = 0; i < ranked.length; ++i) {
            if (ranked[i].noTransfer) return true;
        }
        return false;
    }

    function _mortgageViews(bytes32 unit) internal view returns (Mortgage[] memory) {
        return _mortgages[unit].ranked;
    }

    function _isSpentProof(bytes32 unit, bytes32 proof) internal view returns (bool) {
        return _spentProofs[unit][proof];
    }
}
