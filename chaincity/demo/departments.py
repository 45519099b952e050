"""The demo city's departments: Loudi's registration centre, banks, courts and the
departments whose registries later stories bring, with their keys and oracles."""

from __future__ import annotations

from dataclasses import dataclass

from chaincity import datagen


@dataclass(frozen=True)
class Department:
    """One of the city's departments: its directory entry, key and (when it has one) oracle."""

    code: str
    kind: str  # as the CLI spells it
    name: str
    account: int  # test-mnemonic index of its signing key (devnet only)
    oracle: str | None = None  # the CLI's department, None until its registry's story is built
    export: str | None = None  # its first export in datagen's folder
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
        listed.append(Department(code, "court", names[code], 3 + len(listed), "court", f"court_{code}.csv"))
    # Registered now; their oracles arrive with the company, credit and voucher stories.
    for code, kind, name in (("LD-AMR", "market-regulation", "Loudi Administration for Market Regulation"),
                             ("LD-TAX", "tax-bureau", "Loudi Tax Bureau"),
                             ("LD-CREDIT", "credit-office", "Loudi Credit Office"),
                             ("LD-FIN", "finance", "Loudi Finance Bureau")):
        listed.append(Department(code, kind, name, 3 + len(listed)))
    return tuple(listed)


DEPARTMENTS = _loudi()


def department(code: str) -> Department:
    return next(d for d in DEPARTMENTS if d.code == code)
