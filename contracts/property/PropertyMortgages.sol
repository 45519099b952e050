// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind, DepartmentStatus} from "../../interfaces/ICityDirectory.sol";
import {IPropertyRegistry, CertificateState} from "../../interfaces/IPropertyRegistry.sol";
import {PropertyTitles, TitleChange} from "./PropertyTitles.sol";

/**
 * @dev Mortgages (抵押权) of banks and the housing provident fund, ranked by registration
 * (Civil Code Art. 414); they follow a transferred title and their lenders are notified
 * (Art. 406) unless a registered no-transfer agreement holds the transfer; they pass with the
 * claim they secure to another lender (Art. 407), keeping their rank.
 *
 * A maximum-amount mortgage (最高额抵押, Art. 420) secures the claims arising until its
 * determination date up to its ceiling; it passes to another lender only once its claims are
 * determined (Art. 421).
 *
 * Each registration issues a mortgage registration certificate (不动产登记证明): the digest
 * `keccak256(abi.encode(registry, unit, proof, 2**31))`; at each transfer the new lender gets
 * `keccak256(abi.encode(registry, unit, previous certificate, 2**31))`. A released, cancelled or extinguished mortgage's proof is spent on its unit:
 * it can never be registered again (an oracle's resend would otherwise create a phantom mortgage).
 */
abstract contract PropertyMortgages is PropertyTitles {
    /// @notice Mortgages per title (bounds every walk of a title's mortgages).
    uint256 public constant MAX_MORTGAGES = 16;
    /// @dev The version of every mortgage certificate digest: never a title certificate's.
    uint32 private constant MORTGAGE_CERTIFICATE_VERSION = 2 ** 31;

    struct Mortgages {
        uint32 sequence;
        Mortgage[] ranked;
    }

    mapping(bytes32 unit => Mortgages) private _mortgages;
    mapping(bytes32 unit => mapping(bytes32 proof => bool)) private _spentProofs;
    mapping(bytes32 certificate => bytes32 proof) private _mortgageCertificates;
    mapping(bytes32 certificate => bool) private _transferredCertificates;

    /// @inheritdoc IPropertyRegistry
    function registerMortgages(MortgageInput[] calldata mortgages) external returns (uint256 registered) {
        bytes32 lender = _checkLender();
        for (uint256 i = 0; i < mortgages.length; ++i) {
            if (_registerMortgage(mortgages[i].unit, _ordinary(lender, mortgages[i]))) ++registered;
        }
    }

    /// @inheritdoc IPropertyRegistry
    function registerMaximumMortgages(MaximumMortgageInput[] calldata mortgages) external returns (uint256 registered) {
        bytes32 lender = _checkLender();
        for (uint256 i = 0; i < mortgages.length; ++i) {
            MaximumMortgageInput calldata input = mortgages[i];
            if (input.determinationDate == 0) revert PropertyRegistryInvalidMortgage(input.unit, input.proof);
            Mortgage memory mortgage = Mortgage(
                lender, input.proof, input.ceiling, input.termEnd, 0, 0, input.noTransfer, input.determinationDate, 0
            );
            if (_registerMortgage(input.unit, mortgage)) {
                emit MaximumMortgageRegistered(input.unit, input.proof, input.ceiling, input.determinationDate);
                ++registered;
            }
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
        if (block.timestamp < mortgage.determinationDate) {
            revert PropertyRegistryMortgageUndetermined(unit, proof);
        }
        ICityDirectory.Department memory receiving = directory().getDepartment(newLender);
        if (receiving.status != DepartmentStatus.Active || receiving.kind != DepartmentKind.Bank) {
            revert PropertyRegistryInvalidLender(unit, proof, newLender);
        }
        mortgage.lender = newLender;
        bytes32 previous = mortgage.certificate;
        _transferredCertificates[previous] = true;
        mortgage.certificate = _issueMortgageCertificate(unit, proof, previous, newLender);
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

    function _ordinary(bytes32 lender, MortgageInput calldata input) private pure returns (Mortgage memory) {
        return Mortgage(lender, input.proof, input.amount, input.termEnd, 0, 0, input.noTransfer, 0, 0);
    }

    /// @dev The single chokepoint of every mortgage registration: `input` carries the lender,
    /// proof, amount, term, agreement and maximum-amount terms; the rest is filled in here.
    function _registerMortgage(bytes32 unit, Mortgage memory input) private returns (bool) {
        bytes32 proof = input.proof;
        _requireRegistered(unit);
        if (proof == 0) revert PropertyRegistryInvalidMortgage(unit, proof);
        if (_spentProofs[unit][proof]) revert PropertyRegistryMortgageSpent(unit, proof);
        Mortgages storage mortgages = _mortgages[unit];
        (bool found, uint256 index) = _findMortgage(mortgages.ranked, proof);
        if (found) {
            Mortgage storage stored = mortgages.ranked[index];
            if (
                stored.lender == input.lender && stored.amount == input.amount && stored.termEnd == input.termEnd
                    && stored.noTransfer == input.noTransfer && stored.determinationDate == input.determinationDate
            ) return false;
            revert PropertyRegistryMortgageConflict(unit, proof);
        }
        // Checked after the resend test, so that a stored mortgage resent after its dates is a no-op.
        uint256 determination = input.determinationDate;
        if (
            input.amount == 0 || input.termEnd <= block.timestamp
                || (determination != 0 && (determination <= block.timestamp || determination > input.termEnd))
        ) revert PropertyRegistryInvalidMortgage(unit, proof);
        _beforeTitleChange(unit, TitleChange.Mortgage, new Owner[](0), 0);
        if (mortgages.ranked.length >= MAX_MORTGAGES) revert PropertyRegistryQueueFull(unit);
        uint32 sequence = mortgages.sequence + 1;
        mortgages.sequence = sequence;
        input.registeredAt = uint40(block.timestamp);
        input.sequence = sequence;
        emit MortgageRegistered(unit, input.lender, proof, input.amount, input.termEnd, input.noTransfer, sequence);
        input.certificate = _issueMortgageCertificate(unit, proof, proof, input.lender);
        mortgages.ranked.push(input);
        return true;
    }

    /// @dev Issues the certificate chained from `seed` (the proof, then the previous certificate).
    function _issueMortgageCertificate(bytes32 unit, bytes32 proof, bytes32 seed, bytes32 lender)
        private
        returns (bytes32 certificate)
    {
        certificate = _issue(unit, seed, MORTGAGE_CERTIFICATE_VERSION);
        _mortgageCertificates[certificate] = proof;
        emit MortgageCertificateIssued(unit, certificate, lender, proof);
    }

    /// @dev A mortgage registration certificate is transferred once its mortgage passed on,
    /// released once the mortgage is spent, else valid; other certificates are the titles'.
    function _certificateState(bytes32 unit, bytes32 certificate)
        internal
        view
        virtual
        override
        returns (CertificateState, bytes32)
    {
        bytes32 proof = _mortgageCertificates[certificate];
        if (proof == 0) return super._certificateState(unit, certificate);
        if (_transferredCertificates[certificate]) return (CertificateState.Transferred, proof);
        if (_spentProofs[unit][proof]) return (CertificateState.Released, proof);
        return (CertificateState.Valid, proof);
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
            _copyMortgage(ranked[i], ranked[i + 1]);
        }
        ranked.pop();
    }

    /// @dev Copies a stored mortgage slot by slot ({Mortgage} is five whole slots): much
    /// smaller code than the field-by-field copy solc makes of a packed struct.
    function _copyMortgage(Mortgage storage to, Mortgage storage from) private {
        assembly ("memory-safe") {
            let src := from.slot
            let dst := to.slot
            for { let k := 0 } lt(k, 5) { k := add(k, 1) } { sstore(add(dst, k), sload(add(src, k))) }
        }
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
