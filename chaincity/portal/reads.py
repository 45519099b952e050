"""What the portal's pages read from the chain (no key, no department database): a handed
document verified, a title as the bank counter sees it. People appear only as counts: the
registry holds salted hashes, and a page never shows even those."""

from __future__ import annotations

from datetime import datetime

from chaincity.certificates import Handed
from chaincity.chain.contracts import call_named
from chaincity.chain.deployment import City
from chaincity.chain.enums import CertificateState, TitleStatus
from chaincity.formats import CHINA
from chaincity.departments.real_estate import RIGHT_TYPES
from chaincity.departments.vouchers.documents import type_id
from chaincity.formats import unit_code_of, unit_key

ZERO = "0x" + "00" * 32
VOUCHER_STATES = ("unknown", "issued", "redeemed", "surrendered", "revoked", "expired")  # IVoucherRegistry.VoucherState
VOUCHER_TYPES = ("MORTGAGE_RELEASE", "COURT_ASSISTANCE", "HPF_WITHDRAWAL")  # named on the page; others as their id
RIGHTS = {code: name.replace("_", " ") for name, code in RIGHT_TYPES.items()}


def when(timestamp: int) -> str | None:
    """A chain time in China Standard Time, to the minute."""
    return datetime.fromtimestamp(timestamp, CHINA).strftime("%Y-%m-%d %H:%M (UTC+8)") if timestamp else None


class Reads:
    """The portal's chain reads over one deployment."""

    def __init__(self, city: City, codes: dict[bytes, str]):
        self.city, self.codes = city, codes
        self.registry, self.vouchers = city["PropertyRegistry"], city["VoucherRegistry"]
        self.type_names = {"0x" + type_id(name).hex(): name for name in VOUCHER_TYPES}

    def code(self, department: str | bytes) -> str:
        raw = bytes.fromhex(department[2:]) if isinstance(department, str) else department
        if raw not in self.codes:  # registered since the portal started
            self.codes.update(department_codes(self.city))
        return self.codes.get(raw, "a department unknown to the directory")

    def verify(self, handed: Handed) -> dict:
        """The handed document's standing: a certificate's (valid / superseded / revoked; a
        mortgage registration certificate's valid / released / transferred / revoked) or a
        voucher's (issued / nominated / redeemed / surrendered / revoked / expired); unknown when
        no registry issued it. A certificate file that disagrees with the chain is forged."""
        digest = "0x" + handed.digest.hex()
        if handed.kind != "voucher":
            view = call_named(self.registry, "verifyCertificate", handed.digest)
            state = CertificateState(view["state"]).name.lower()
            if state != "unknown" or handed.kind == "certificate":
                found = {"digest": digest, "state": state, "unit": unit_code_of(bytes.fromhex(view["unit"][2:])),
                         "issued": when(view["issuedAt"]),
                         "what": "title certificate" if view["proof"] == ZERO else "mortgage registration certificate"}
                return self._checked(found, handed.claims)
        stored = call_named(self.vouchers, "getVoucher", handed.digest)
        state = VOUCHER_STATES[self.vouchers.functions.voucherState(handed.digest).call()]
        if state == "unknown":
            return {"digest": digest, "state": "unknown", "what": "document", "forged": True,
                    "problems": ["no registry of this city issued this digest: forged, altered or mistyped"]}
        if state == "issued" and stored["nominee"] != ZERO:
            state = "nominated"
        return {"digest": digest, "state": state, "what": "voucher",
                "type": self.type_names.get(stored["typeId"], stored["typeId"]), "issuer": self.code(stored["issuer"]),
                "holder": self.code(stored["holder"]), "issued": when(stored["issuedAt"]),
                "nominee": self.code(stored["nominee"]) if stored["nominee"] != ZERO else None,
                "expires": when(stored["expiresAt"])}

    def _checked(self, found: dict, claims: dict) -> dict:
        """A certificate file's claims against the chain: another chain or registry, a unit or
        a digest other than the one issued, make the file a forgery whatever else it says."""
        problems = []
        if found["state"] == "unknown":
            problems.append("no registry of this city issued this digest: forged, altered or mistyped")
        if claims.get("chain_id") not in (None, self.city.w3.eth.chain_id):
            problems.append(f"it names chain {claims['chain_id']}, not this city's")
        if claims.get("registry") and claims["registry"].lower() != self.registry.address.lower():
            problems.append("it names another registry than this city's")
        if claims.get("digest_mismatch"):
            problems.append("its digest and its QR payload differ")
        if found["state"] != "unknown" and claims.get("unit_code") not in (None, found["unit"]):
            problems.append(f"it names unit {claims['unit_code']}, the registry issued it for {found['unit']}")
        return {**found, "forged": bool(problems), "problems": problems}

    def title(self, unit_code: str) -> dict:
        """A title as a bank officer reads it: status, owners as a count with their shares,
        mortgages in rank order (Civil Code Art. 414), seizures effective and queued, notices."""
        view = call_named(self.registry, "titleOf", unit_key(unit_code))
        notices = [{"kind": kind, "holder": self.code(view[key]["holder"]), "since": when(view[key]["registeredAt"]),
                    "lapses": when(view[key]["lapsesAt"])}
                   for key, kind in (("advanceNotice", "advance notice (预告登记)"), ("objection", "objection (异议登记)"))
                   if view[key]["registeredAt"]]
        return {
            "unit": unit_code, "status": TitleStatus(view["status"]).name.lower(), "right": RIGHTS.get(view["rightType"]),
            "registered": when(view["registeredAt"]), "updated": when(view["updatedAt"]), "certificate": view["certificate"],
            "shares": [owner["share"] / 100 for owner in view["owners"]],
            "mortgages": [{"rank": rank, "lender": self.code(m["lender"]), "amount": int(m["amount"]) / 100,
                           "registered": when(m["registeredAt"]), "term_end": when(m["termEnd"]),
                           "certificate": m["certificate"], "proof": m["proof"]}
                          for rank, m in enumerate(view["mortgages"], 1)],
            "seizures": [{"court": self.code(s["court"]), "effective": s["effective"], "registered": when(s["registeredAt"]),
                          "ends": when(s["endsAt"])} for s in view["seizures"]],
            "queued_total": int(view["queuedSeizureCount"]), "notices": notices,
            "transferable": self.registry.functions.isTransferable(unit_key(unit_code)).call(),
        }


def department_codes(city: City) -> dict[bytes, str]:
    """Department ids to codes, from the directory's registrations."""
    from chaincity.credit import Credit

    return Credit(city).departments()
