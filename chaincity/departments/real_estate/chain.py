"""How the registration centre's records go on chain: first registrations in batches, then
each change alone, in the order of the export (a later change of a title builds on the earlier)."""

from __future__ import annotations

from web3 import Web3

from chaincity.chain.enums import TitleStatus
from chaincity.departments.real_estate.rows import RIGHT_TYPES
from chaincity.departments.rows import unit_of
from chaincity.formats import unit_key
from chaincity.hashing import Hasher
from chaincity.oracle.spec import Action, Batched, ChainView, NotOnChain, OneByOne

# Events that issue a certificate: each names the certificate digest and its documents.
ISSUING_EVENTS = ("TitleRegistered", "TitleTransferred", "CertificateReissued")


def title_input(payload: dict, hasher: Hasher) -> tuple:
    """IPropertyRegistry.TitleInput: (unit, rightType, documents, owners[(holder, share)])."""
    return (unit_of(payload), RIGHT_TYPES[payload["right_type"]],
            hasher.document(payload["certificate_no"]), _holders(payload, hasher))


def _holders(payload: dict, hasher: Hasher) -> list[tuple[bytes, int]]:
    return [(hasher.person(id_number), share) for id_number, share in zip(payload["owner_id_numbers"], payload["shares"])]


def reason_code(reason: str) -> bytes:
    """A cancellation or revocation reason as the registry records it: keccak256 of the
    upper-case name, like the registry's own SPLIT and MERGED codes."""
    return Web3.keccak(text=reason.upper())


def _logged_act(chain: ChainView, events: tuple[str, ...], payload: dict, hasher: Hasher):
    """The first of `events` the registry logged for the record's unit with the record's
    documents (certificate numbers are unique, so their digests name one registration act)."""
    documents = hasher.document(payload["certificate_no"])
    for event in events:
        for log in chain.logs(event, unit_of(payload)):
            if bytes(log["args"]["documents"]) == documents:
                return log
    return None


def _logged(event: str):
    """Whether the registry logged `event` for this record (see _logged_act)."""
    return lambda chain, payload, hasher: _logged_act(chain, (event,), payload, hasher) is not None


def _certificate_digest(chain: ChainView, payload: dict, hasher: Hasher) -> dict:
    """The digest of the certificate a revocation names: the one the registry issued for the
    unit with the digest of `certificate_no` as its documents."""
    log = _logged_act(chain, ISSUING_EVENTS, payload, hasher)
    if log is None:
        raise NotOnChain("certificate_no", f"the registry issued no certificate {payload['certificate_no']} for {payload['unit_code']}")
    return {"certificate": bytes(log["args"]["certificate"]).hex()}


def _parent(chain: ChainView, payload: dict, hasher: Hasher) -> dict:
    """What a split's parts keep of their parent as the registry holds it: owners, right type."""
    title = chain.call("titleOf", unit_of(payload))
    if title["status"] != TitleStatus.REGISTERED:
        raise NotOnChain("unit_code", f"{payload['unit_code']} is not a registered title, so it cannot be split")
    return {"right_type_code": title["rightType"], "owners": [(o["holder"], o["share"]) for o in title["owners"]]}


def _parts(payload: dict, hasher: Hasher) -> list[tuple]:
    """A split's parts (TitleInput each): the parent's owners and right type under a certificate of their own."""
    owners = [(bytes.fromhex(holder.removeprefix("0x")), share) for holder, share in payload["owners"]]
    return [(unit_key(part), payload["right_type_code"], hasher.document(certificate), owners)
            for part, certificate in zip(payload["part_unit_codes"], payload["certificate_no"].split(";"))]


def _with(field: str):
    """The titles a split or merge writes: its own, and those listed in `field`."""
    return lambda payload: [unit_of(payload)] + [unit_key(u) for u in payload[field]]


REGISTRATIONS = Batched(
    kind="title", contract="PropertyRegistry", function="registerTitles", element=title_input, chain_key=unit_of,
    written_before=_logged("TitleRegistered"),
)

# Every function is idempotent on chain; the history check keeps an earlier change resent
# from undoing a later one.
CHANGES = OneByOne(kind="title.change", contract="PropertyRegistry", chain_key=unit_of, actions={
    "transfer": Action("transferTitle", lambda p, h: (unit_of(p), _holders(p, h), h.document(p["certificate_no"])),
                       written_before=_logged("TitleTransferred")),
    "reissue": Action("reissueCertificate", lambda p, h: (unit_of(p), h.document(p["certificate_no"])),
                      written_before=_logged("CertificateReissued")),
    "cancel": Action("cancelTitle", lambda p, h: (unit_of(p), h.document(p["certificate_no"]), reason_code(p["reason"])),
                     written_before=_logged("TitleCancelled")),
    # A revocation again is a no-op on chain (same certificate, same reason): no history check.
    "revoke": Action("revokeCertificate", lambda p, h: (bytes.fromhex(p["certificate"]), reason_code(p["reason"])),
                     needs=_certificate_digest),
    "split": Action("splitTitle", lambda p, h: (unit_of(p), _parts(p, h), h.document(p["certificate_no"])),
                    written_before=_logged("TitleSplit"), needs=_parent, touches=_with("part_unit_codes")),
    "merge": Action("mergeTitles", lambda p, h: ([unit_key(u) for u in p["source_unit_codes"]], title_input(p, h),
                                                 h.document(p["certificate_no"])),
                    written_before=_logged("TitleMerged"), touches=_with("source_unit_codes")),
})
