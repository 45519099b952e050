// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICityDirectory, DepartmentKind} from "../../interfaces/ICityDirectory.sol";
import {ICreditLists, CreditListType, SubjectKind, ListingEnding} from "../../interfaces/ICreditLists.sol";
import {USCCProblem} from "../../interfaces/IUSCC.sol";
import {DepartmentGated} from "../access/DepartmentGated.sol";
import {USCC} from "../company/USCC.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";

/**
 * @dev The credit lists, one listing per (list type, subject, case): listed by departments of
 * the list type's owning kind, lifted or repaired by the listing's maker or the
 * administrators' quorum. See {ICreditLists}.
 *
 * {Multicall-multicall} runs many lifts and repairs (信用修复) in one transaction, in order, each
 * with its own guard, checks, event and typed error, all or nothing: a department's endings go
 * many to a block instead of one.
 */
contract CreditLists is ICreditLists, DepartmentGated, Multicall {
    /// @dev `end` and `endedOn` name a listing's last live day (inclusive): it is live until a day after.
    uint256 private constant DAY = 1 days;

    mapping(bytes32 subject => mapping(CreditListType listType => mapping(bytes32 caseDigest => Listing))) private
        _listings;
    /// @dev Every key of a subject, in the order listed: a subject has few listings, and the
    /// credit picture and the bidding check read them all.
    mapping(bytes32 subject => ListingKey[]) private _keys;

    constructor(ICityDirectory directory_) DepartmentGated(directory_) {}

    /// @inheritdoc ICreditLists
    function list(ListingInput calldata listing) external returns (bool) {
        return _list(_checkOwner(listing.listType), listing);
    }

    /// @inheritdoc ICreditLists
    function listBatch(ListingInput[] calldata listings) external returns (uint256 count) {
        // Ask the directory once per run of one list type (None is never owned: the first entry asks).
        CreditListType checked = CreditListType.None;
        bytes32 departmentId = bytes32(0);
        for (uint256 i = 0; i < listings.length; ++i) {
            if (i == 0 || listings[i].listType != checked) {
                checked = listings[i].listType;
                departmentId = _checkOwner(checked);
            }
            if (_list(departmentId, listings[i])) ++count;
        }
    }

    /// @inheritdoc ICreditLists
    function lift(CreditListType listType, bytes32 subject, bytes32 caseDigest, bytes32 reasonDigest, uint64 endedOn)
        external
        returns (bool)
    {
        return _end(listType, subject, caseDigest, ListingEnding.Lifted, reasonDigest, endedOn);
    }

    /// @inheritdoc ICreditLists
    function repair(CreditListType listType, bytes32 subject, bytes32 caseDigest, bytes32 reasonDigest, uint64 endedOn)
        external
        returns (bool)
    {
        return _end(listType, subject, caseDigest, ListingEnding.Repaired, reasonDigest, endedOn);
    }

    /// @inheritdoc ICreditLists
    function getListing(CreditListType listType, bytes32 subject, bytes32 caseDigest)
        external
        view
        returns (Listing memory)
    {
        return _listings[subject][listType][caseDigest];
    }

    /// @inheritdoc ICreditLists
    function listingsOf(bytes32 subject) external view returns (ListingKey[] memory keys, Listing[] memory listings) {
        keys = _keys[subject];
        listings = new Listing[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            listings[i] = _listings[subject][keys[i].listType][keys[i].caseDigest];
        }
    }

    /// @inheritdoc ICreditLists
    function isLive(CreditListType listType, bytes32 subject, bytes32 caseDigest) external view returns (bool) {
        return _live(_listings[subject][listType][caseDigest]);
    }

    /// @inheritdoc ICreditLists
    function hasLiveListing(CreditListType listType, bytes32 subject) external view returns (bool) {
        return liveListTypesOf(subject) & (uint256(1) << uint8(listType)) != 0;
    }

    /// @inheritdoc ICreditLists
    function liveListTypesOf(bytes32 subject) public view returns (uint256 mask) {
        ListingKey[] storage keys = _keys[subject];
        for (uint256 i = 0; i < keys.length; ++i) {
            ListingKey storage key = keys[i];
            if (_live(_listings[subject][key.listType][key.caseDigest])) mask |= uint256(1) << uint8(key.listType);
        }
    }

    /// @inheritdoc ICreditLists
    function isListed(bytes32 subject) external view returns (bool) {
        return liveListTypesOf(subject) != 0;
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
    function listingIdOf(CreditListType listType, bytes32 subject, bytes32 caseDigest) public pure returns (bytes32) {
        return keccak256(abi.encode(listType, subject, caseDigest));
    }

    /// @inheritdoc ICreditLists
    function companySubject(bytes18 uscc) external pure returns (bytes32) {
        return bytes32(uscc);
    }

    /// @dev The one place a listing is written: checks, idempotency, the subject's key list, event.
    function _list(bytes32 departmentId, ListingInput calldata input) private returns (bool) {
        CreditListType listType = input.listType;
        (bytes32 subject, bytes32 caseDigest) = (input.subject, input.caseDigest);
        bytes32 id = listingIdOf(listType, subject, caseDigest); // errors name the listing by it
        _checkSubject(input.subjectKind, subject);
        if (caseDigest == bytes32(0)) revert CreditListsMissingCase(id, listType, subject);
        if (input.reasonDigest == bytes32(0)) revert CreditListsMissingReason(id, listType, subject, caseDigest);
        if (input.legalBasisDigest == bytes32(0)) {
            revert CreditListsMissingLegalBasis(id, listType, subject, caseDigest);
        }
        if (input.start == 0 || (input.end != 0 && input.end < input.start)) {
            revert CreditListsInvalidPeriod(id, listType, subject, caseDigest, input.start, input.end);
        }
        Listing storage stored = _listings[subject][listType][caseDigest];
        if (stored.start != 0) {
            if (
                stored.departmentId == departmentId && stored.subjectKind == input.subjectKind
                    && stored.reasonDigest == input.reasonDigest && stored.legalBasisDigest == input.legalBasisDigest
                    && stored.start == input.start && stored.end == input.end
            ) return false; // a resend, even of a listing lifted or expired since
            revert CreditListsConflictingListing(id, listType, subject, caseDigest);
        }
        _listings[subject][listType][caseDigest] = Listing({
            departmentId: departmentId,
            reasonDigest: input.reasonDigest,
            legalBasisDigest: input.legalBasisDigest,
            endingReasonDigest: bytes32(0),
            start: input.start,
            end: input.end,
            endedOn: 0,
            subjectKind: input.subjectKind,
            ending: ListingEnding.None
        });
        _keys[subject].push(ListingKey(listType, caseDigest));
        emit Listed(
            subject,
            caseDigest,
            departmentId,
            listType,
            input.subjectKind,
            input.reasonDigest,
            input.legalBasisDigest,
            input.start,
            input.end
        );
        return true;
    }

    /// @dev The one place a listing ends early (lift or repair): the maker or the quorum only.
    function _end(
        CreditListType listType,
        bytes32 subject,
        bytes32 caseDigest,
        ListingEnding ending,
        bytes32 reasonDigest,
        uint64 endedOn
    ) private returns (bool) {
        // The administrators' quorum (the directory running a proposal) acts as department 0.
        bytes32 departmentId = msg.sender == address(directory()) ? bytes32(0) : _checkOwner(listType);
        bytes32 id = listingIdOf(listType, subject, caseDigest);
        Listing storage stored = _listings[subject][listType][caseDigest];
        if (stored.start == 0) revert CreditListsNotListed(id, listType, subject, caseDigest);
        if (departmentId != bytes32(0) && departmentId != stored.departmentId) {
            revert CreditListsNotListingMaker(id, listType, subject, caseDigest, stored.departmentId);
        }
        if (stored.ending != ListingEnding.None) return false; // lifted or repaired already
        if (reasonDigest == bytes32(0)) revert CreditListsMissingReason(id, listType, subject, caseDigest);
        if (endedOn == 0 || (stored.end != 0 && endedOn > stored.end)) {
            revert CreditListsInvalidPeriod(id, listType, subject, caseDigest, stored.start, endedOn);
        }
        stored.ending = ending;
        stored.endedOn = endedOn;
        stored.endingReasonDigest = reasonDigest;
        emit ListingEnded(subject, caseDigest, departmentId, listType, ending, reasonDigest, endedOn);
        return true;
    }

    /// @dev Reverts unless the list type is real and the sender signs for a department of its owning kind.
    function _checkOwner(CreditListType listType) private view returns (bytes32 departmentId) {
        DepartmentKind owner = ownerKindOf(listType);
        if (owner == DepartmentKind.None) revert CreditListsInvalidListType(listType);
        (departmentId,) = _checkDepartment(kindBit(owner));
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

    /// @dev Live now: started, and neither its last day nor its lift's last day is over.
    function _live(Listing storage listing) private view returns (bool) {
        uint256 start = listing.start;
        if (start == 0 || block.timestamp < start) return false;
        if (listing.end != 0 && block.timestamp >= listing.end + DAY) return false;
        return listing.ending == ListingEnding.None || block.timestamp < listing.endedOn + DAY;
    }
}
