"""A company's credit, read from the chain alone: may it bid (finance/procurement, the
Government Procurement Law Art. 22 and its Implementing Regulations Art. 19), and its credit
picture (the credit office's; a bank reads the same before lending to a small firm).

Bidding is one `biddingBarsOfBatch` call per 500 bidders; the picture is the registry's and the
credit lists' views plus the company's events (its status history). The CLI, the portal and
the demo all read through here.
"""

from __future__ import annotations

from datetime import datetime

from chaincity.chain.contracts import call_named, jsonable
from chaincity.chain.deployment import City
from chaincity.chain.enums import CompanyStatus, CreditListType, ListingEnding, TaxGrade, bars_of_mask
from chaincity.formats import CHINA, validate_uscc

BIDDERS_PER_CALL = 500  # IBiddingEligibility: 500 bidders fit one eth_call's gas cap
HISTORY = ("CompanyRegistered", "CompanyAmended", "CompanyListedAbnormal", "CompanyRemovedAbnormal",
           "CompanyStatusChanged")


def label(member) -> str:
    """An enum member as the CLI spells it: `license-revoked`, `dishonest-judgment-debtor`."""
    return member.name.lower().replace("_", "-")


def day(timestamp: int) -> str | None:
    """A chain time as its day in China (the registry's calendar)."""
    return datetime.fromtimestamp(timestamp, CHINA).date().isoformat() if timestamp else None


def bidders_of(lines) -> list[str]:
    """Bidders from a pasted list or an uploaded file: one USCC per line (or a CSV's first
    column; a `uscc` header is skipped), each once, in order. Not validated (see company_key)."""
    codes = [line.split(",")[0].strip() for line in lines if line.strip()]
    return list(dict.fromkeys(code for code in codes if code and code.lower() != "uscc"))


def company_key(uscc: str) -> bytes:
    """The registry's key of a code, which must be a valid USCC (FormatError otherwise)."""
    validate_uscc(uscc)
    return uscc.encode("ascii")


class Credit:
    """Credit reads of one deployment (no key needed)."""

    def __init__(self, city: City):
        self.city = city
        self.registry, self.lists = city["CompanyRegistry"], city["CreditLists"]
        self.bidding_view = city["BiddingEligibility"]

    def bidding(self, usccs: list[str]) -> dict[str, list[str]]:
        """Every bidder's bars now (an empty list: eligible), in batched calls."""
        keys = [company_key(code) for code in usccs]
        masks: list[int] = []
        for start in range(0, len(keys), BIDDERS_PER_CALL):
            masks += self.bidding_view.functions.biddingBarsOfBatch(keys[start:start + BIDDERS_PER_CALL]).call()
        return {code: [label(bar) for bar in bars_of_mask(mask)] for code, mask in zip(usccs, masks)}

    def departments(self) -> dict[bytes, str]:
        """Department ids to codes, from the directory's registrations."""
        directory = self.city["CityDirectory"]
        logs = directory.events.DepartmentRegistered().get_logs(from_block=self.city.block_of("CityDirectory"))
        return {bytes(log["args"]["departmentId"]): log["args"]["code"] for log in logs}

    def history(self, key: bytes, codes: dict[bytes, str]) -> list[dict]:
        """The company's registry events in chain order: what happened, on which day, by whom."""
        events = []
        for name in HISTORY:
            events += getattr(self.registry.events, name)().get_logs(
                from_block=self.city.block_of("CompanyRegistry"), argument_filters={"uscc": key})
        steps = []
        for log in sorted(events, key=lambda e: (e["blockNumber"], e["logIndex"])):
            args = log["args"]
            act = {"CompanyRegistered": "registered", "CompanyAmended": "amended",
                   "CompanyListedAbnormal": "listed-abnormal", "CompanyRemovedAbnormal": "removed-abnormal"}.get(log["event"])
            steps.append({"act": act or label(CompanyStatus(args["status"])),
                          "day": day(args.get("establishedAt") or args.get("actedAt", 0)),
                          "department": codes.get(bytes(args["departmentId"]), "0x" + bytes(args["departmentId"]).hex()),
                          "block": log["blockNumber"]})
        return steps

    def picture(self, uscc: str) -> dict:
        """Everything the chain says about a company's credit (see the module docstring)."""
        key = company_key(uscc)
        codes = self.departments()
        company = call_named(self.registry, "getCompany", key)
        abnormal = call_named(self.registry, "abnormalListingOf", key)
        serious = self.registry.functions.seriousViolationSince(key).call()
        grades = {}
        for year in self.registry.functions.taxYearsOf(key).call():
            history = self.registry.functions.taxGradeHistoryOf(key, year).call()
            grades[str(year)] = [{"grade": TaxGrade(g).name, "day": day(at), "corrected": bool(int.from_bytes(r, "big"))}
                                 for g, at, r in history]
        subject = self.lists.functions.companySubject(key).call()
        keys, stored = self.lists.functions.listingsOf(subject).call()
        listings = []
        for (list_type, case), listing in zip(keys, stored):
            department, _, _, _, start, end, ended_on, _, ending = listing
            listings.append({
                "list_type": label(CreditListType(list_type)), "case": jsonable(bytes(case)),
                "department": codes.get(bytes(department), jsonable(bytes(department))),
                "from": day(start), "until": day(end), "ended": label(ListingEnding(ending)) if ending else None,
                "ended_on": day(ended_on), "live": self.lists.functions.isLive(list_type, subject, case).call()})
        return {
            "uscc": uscc, "status": label(CompanyStatus(company["status"])), "established": day(company["establishedAt"]),
            "status_since": day(company["statusSince"]),
            "division": bytes.fromhex(company["data"]["division"][2:]).decode("ascii", "replace").strip("\0"),
            "registered_capital_yuan": company["data"]["registeredCapital"] / 100 if company["status"] else None,
            "history": self.history(key, codes) if company["status"] else [],
            "abnormal": {"listed": day(abnormal["listedAt"]), "removed": day(abnormal["removedAt"])} if abnormal["listedAt"] else None,
            "serious_violation_since": day(serious),
            "tax_grades": grades, "listings": listings, "bidding_bars": self.bidding([uscc])[uscc],
        }

