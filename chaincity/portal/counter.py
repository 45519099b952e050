"""The bank counter: a bank's officers sign in to the portal their bank started with its own
key, database and pepper, and register a mortgage at the desk (Civil Code Arts. 395, 402: a
mortgage of real property is created on registration) through the bank's oracle — the row
loaded and synced as `chaincity db load` / `oracle sync` do (chaincity.desk).

Officers share one password, kept in the bank's .env only as a scrypt hash
(`CHAINCITY_PORTAL_PASSWORD_HASH`, written by `chaincity portal hash-password`); hashlib's
scrypt is OpenSSL's, so no further dependency. Signed-in sessions live in a signed cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from datetime import date

from eth_account.signers.local import LocalAccount
from sqlalchemy.engine import Engine
from web3 import Web3

from chaincity.chain.contracts import call_named
from chaincity.chain.deployment import City
from chaincity.chain.enums import CertificateState
from chaincity.config import OracleConfig, city_counties
from chaincity.departments import bank
from chaincity.formats import unit_key
from chaincity.hashing import Hasher
from chaincity.desk import ActRefused, act
from chaincity.oracle.spec import RowContext

SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # ~16 MiB and ~50 ms a check: slow for a guesser, quick for an officer
LOUDI_BEFORE = "5 working days"  # Loudi's mortgage registration before the chain


def hash_password(password: str) -> str:
    """`scrypt$<salt hex>$<hash hex>` for the bank's .env."""
    salt = secrets.token_bytes(16)
    return f"scrypt${salt.hex()}${hashlib.scrypt(password.encode(), salt=salt, **SCRYPT).hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
        expected = bytes.fromhex(digest)
        salt_bytes = bytes.fromhex(salt)
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(hashlib.scrypt(password.encode(), salt=salt_bytes, **SCRYPT), expected)


class BankCounter:
    """One bank's counter: its configuration, database, key and officers' password hash."""

    def __init__(self, w3: Web3, city: City, engine: Engine, config: OracleConfig, signer: LocalAccount,
                 password_hash: str):
        self.w3, self.city, self.engine, self.config, self.signer = w3, city, engine, config, signer
        self.code, self.password_hash = config.department_code, password_hash
        self.hasher = Hasher(config.pepper)
        self.lock = threading.Lock()  # one sender per key: one registration at a time

    def sign_in(self, password: str) -> bool:
        return password_matches(password, self.password_hash)

    def register_mortgage(self, unit_code: str, contract_no: str, amount: str, term_months: str) -> dict:
        """Register the mortgage and read back its registration certificate (不动产登记证明).

        Raises :class:`chaincity.desk.ActRefused` naming the field or the chain's error."""
        started = time.monotonic()
        row = {"unit_code": unit_code.strip(), "bank": self.code, "contract_no": contract_no.strip(),
               "amount": amount.strip(), "term_months": term_months.strip(), "registered_at": date.today().isoformat()}
        with self.lock:
            record = act(self.w3, self.engine, bank.SPEC, self.config, self.signer, row,
                         RowContext(frozenset(city_counties())), "portal bank counter")
        registry = self.city["PropertyRegistry"]
        proof = "0x" + self.hasher.document(row["contract_no"]).hex()
        title = call_named(registry, "titleOf", unit_key(row["unit_code"]))
        mortgage = next((m for m in title["mortgages"] if m["proof"] == proof), None)
        if mortgage is None:  # the contract was registered before, and released or transferred since
            raise ActRefused(f"contract_no: {row['contract_no']} was registered before and is no mortgage of this title now")
        view = call_named(registry, "verifyCertificate", bytes.fromhex(mortgage["certificate"][2:]))
        return {"unit": row["unit_code"], "contract_no": row["contract_no"], "certificate": mortgage["certificate"],
                "state": CertificateState(view["state"]).name.lower(), "tx_hash": record.tx_hash,
                "block": record.block_number, "seconds": time.monotonic() - started, "before": LOUDI_BEFORE,
                "rank": [m["proof"] for m in title["mortgages"]].index(proof) + 1}
