// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {ICreditLists, CreditListType, SubjectKind} from "../../interfaces/ICreditLists.sol";
import {USCCProblem} from "../../interfaces/IUSCC.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";
import {USCC} from "../company/USCC.sol";

/**
 * @dev The credit lists: one listing per (list type, subject) at a time, written and lifted
 * only by departments of the list type's owning kind. See {ICreditLists}.
 */
contract CreditLists is ICreditLists, DepartmentGated {
    mapping(CreditListType listType => mapping(bytes32 subject => Listing)) private _listings;

    constructor(ICityDirectory directory_) DepartmentGated(directory_) {}

    /// @inheritdoc ICreditLists
    function list(ListingInput calldata listing) external returns (bool listed) {
        return _list(listing);
    }

    /// @inheritdoc ICreditLists
    function listBatch(ListingInput[] calldata listings) external returns (uint256 count) {
        for (uint256 i = 0; i < listings.length; ++i) {
            if (_list(listings[i])) ++count;
        }
    }

    /// @inheritdoc ICreditLists
    function lift(CreditListType listType, bytes32 subject, bytes32 reasonCode) external returns (bool lifted) {
        (bytes32 departmentId,) = _checkOwner(listType);
        Listing storage stored = _listings[listType][subject];
        if (stored.start == 0) revert CreditListsNotListed(listType, subject);
        if (stored.liftedAt != 0 || _expired(stored)) return false;
        stored.liftedAt = uint64(block.timestamp);
        stored.liftReasonCode = reasonCode;
        emit Lifted(listType, subject, departmentId, reasonCode);
        return true;
    }

    /// @inheritdoc ICreditLists
    function getListing(CreditListType listType, bytes32 subject) external view returns (Listing memory) {
        return _listings[listType][subject];
    }

    /// @inheritdoc ICreditLists
    function isEffective(CreditListType listType, bytes32 subject) public view returns (bool) {
        return _effective(_listings[listType][subject]);
    }

    /// @inheritdoc ICreditLists
    function isListed(bytes32 subject) external view returns (bool) {
        uint256 last = uint256(CreditListType.ProcurementDishonesty);
        for (uint256 t = uint256(CreditListType.DishonestJudgmentDebtor); t <= last; ++t) {
            if (isEffective(CreditListType(t), subject)) return true;
        }
        return false;
    }

    /// @inheritdoc ICreditLists
    function ownerKindOf(CreditListType listType) public pure returns (DepartmentKind) {
        if (listType == CreditListType.DishonestJudgmentDebtor) return DepartmentKind.Court;
        if (listType == CreditListType.MajorTaxViolation) return DepartmentKind.TaxBureau;
        if (listType == CreditListType.SeriousViolation) return DepartmentKind.MarketRegulation;
        if (listType == CreditListType.ProcurementDishonesty) return DepartmentKind.Finance;
        return DepartmentKind.None;
    }

    /// @inheritdoc ICreditLists
    function companySubject(bytes18 uscc) external pure returns (bytes32) {
        return bytes32(uscc);
    }

    /// @dev The one place a listing is written: checks, idempotency, replacement, event.
    function _list(ListingInput calldata input) private returns (bool) {
        (bytes32 departmentId,) = _checkOwner(input.listType);
        _checkSubject(input.subjectKind, input.subject);
        if (input.start == 0 || (input.end != 0 && input.end <= input.start)) {
            revert CreditListsInvalidPeriod(input.listType, input.subject, input.start, input.end);
        }
        Listing storage stored = _listings[input.listType][input.subject];
        if (
            stored.departmentId == departmentId && stored.subjectKind == input.subjectKind
                && stored.reasonCode == input.reasonCode && stored.legalBasisDigest == input.legalBasisDigest
                && stored.start == input.start && stored.end == input.end
        ) return false; // a resend, even of a listing lifted or expired since
        if (stored.start != 0 && stored.liftedAt == 0 && !_expired(stored)) {
            revert CreditListsConflictingListing(input.listType, input.subject);
        }
        _listings[input.listType][input.subject] = Listing({
            departmentId: departmentId,
            reasonCode: input.reasonCode,
            legalBasisDigest: input.legalBasisDigest,
            liftReasonCode: bytes32(0),
            start: input.start,
            end: input.end,
            liftedAt: 0,
            subjectKind: input.subjectKind
        });
        emit Listed(
            input.listType,
            input.subject,
            departmentId,
            input.subjectKind,
            input.reasonCode,
            input.legalBasisDigest,
            input.start,
            input.end
        );
        return true;
    }

    /// @dev Reverts unless the list type is real and the sender signs for a department of its owning kind.
    function _checkOwner(CreditListType listType) private view returns (bytes32 departmentId, DepartmentKind kind) {
        DepartmentKind owner = ownerKindOf(listType);
        if (owner == DepartmentKind.None) revert CreditListsInvalidListType(listType);
        return _checkDepartment(kindBit(owner));
    }

    function _checkSubject(SubjectKind subjectKind, bytes32 subject) private pure {
        if (subjectKind == SubjectKind.Company) {
            if (uint256(subject) & type(uint112).max != 0) revert CreditListsInvalidSubject(subjectKind, subject);
            USCCProblem problem = USCC.problemOf(bytes18(subject));
            if (problem != USCCProblem.None) revert CreditListsInvalidCompanyCode(bytes18(subject), problem);
        } else if (subjectKind != SubjectKind.Person || subject == bytes32(0)) {
            revert CreditListsInvalidSubject(subjectKind, subject);
        }
    }

    function _expired(Listing storage listing) private view returns (bool) {
        return listing.end != 0 && listing.end <= block.timestamp;
    }

    function _effective(Listing storage listing) private view returns (bool) {
        return listing.start != 0 && listing.start <= block.timestamp && listing.liftedAt == 0 && !_expired(listing);
    }
}
