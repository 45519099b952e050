"""The demo city's departments: Loudi's registration centre, banks, courts and the
departments whose registries later stories bring, with their keys and oracles."""

from __future__ import annotations

from dataclasses import dataclass

from chaincity import company_data, datagen


@dataclass(frozen=True)
class Department:
    """One of the city's departments: its directory entry, key and (when it has one) oracle."""

    code: str
    kind: str  # as the CLI spells it
    name: str
    account: int  # test-mnemonic index of its signing key (devnet only)
    oracle: str | None = None  # the CLI's department of its first export, None if it has no export
    export: str | None = None  # its first export in datagen's folder
    more: tuple[tuple[str, str], ...] = ()  # further exports as (the CLI's department, file): a court's listings
    gateway_account: int | None = None  # a second key, for its data gateway's read receipts


# The last funded devnet account (of chaincity.devnet.ACCOUNTS): the registration centre's gateway key.
GATEWAY_ACCOUNT = 19


def _loudi() -> tuple[Department, ...]:
    """Loudi's departments. Banks and courts are datagen's, so every export has its oracle."""
    names = {"LD-BANK-ICBC": "ICBC Loudi branch", "LD-BANK-CCB": "CCB Loudi branch", "LD-BANK-ABC": "ABC Loudi branch",
             "LD-HPF": "Loudi Housing Provident Fund Centre", "LD-COURT-INT": "Loudi Intermediate People's Court",
             "LD-COURT-LX": "Louxing District People's Court", "LD-COURT-SF": "Shuangfeng County People's Court"}
    listed = [Department("LD-REC", "real-estate-registration", "娄底市不动产登记中心", 3, "real-estate", "real_estate.csv",
                         gateway_account=GATEWAY_ACCOUNT)]
    for code in datagen.BANKS:
        kind = "housing-provident-fund" if code == "LD-HPF" else "bank"
        listed.append(Department(code, kind, names[code], 3 + len(listed), "bank", f"bank_{code}.csv"))
    for code in datagen.COURTS:
        # A court's seizures, the assistance notices it sends the centre with them, its listings.
        listed.append(Department(code, "court", names[code], 3 + len(listed), "court", f"court_{code}.csv",
                                 more=(("voucher", f"vouchers_{code}.csv"), *_listings(code))))
    # The company side: each export as datagen's company data writes it, listings per keeper.
    for code, kind, name, oracle, export in (
            ("LD-AMR", "market-regulation", "Loudi Administration for Market Regulation", "market", "market.csv"),
            ("LD-TAX", "tax-bureau", "Loudi Tax Bureau", "tax", "tax.csv"),
            ("LD-CREDIT", "credit-office", "Loudi Credit Office", None, None),  # reads the credit picture only
            ("LD-FIN", "finance", "Loudi Finance Bureau", None, None)):
        more = _listings(code)
        if oracle is None and more:  # finance keeps only its procurement-dishonesty listings
            (oracle, export), more = more[0], ()
        listed.append(Department(code, kind, name, 3 + len(listed), oracle, export, more=more))
    return tuple(listed)


def _listings(code: str) -> tuple[tuple[str, str], ...]:
    """The department's credit-listings export, if datagen's company data writes one."""
    oracle = company_data.LISTINGS_DEPARTMENT.get(code)
    return ((oracle, f"listings_{code}.csv"),) if oracle else ()


DEPARTMENTS = _loudi()


def exports(dept: Department) -> tuple[tuple[str, str], ...]:
    """Every export of the department as (the CLI's department, file), the first first."""
    return ((dept.oracle, dept.export),) + dept.more if dept.oracle and dept.export else dept.more


def department(code: str) -> Department:
    return next(d for d in DEPARTMENTS if d.code == code)
