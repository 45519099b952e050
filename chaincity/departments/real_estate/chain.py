"""How the registration centre's records go on chain: first registrations in batches, then
each change alone, in the order of the export (a later change of a title builds on the earlier)."""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak

from chaincity.chain.enums import CertificateState, TitleStatus, reason_code
from chaincity.departments.real_estate.rows import RIGHT_TYPES
from chaincity.departments.rows import unit_of
from chaincity.formats import unit_key
from chaincity.hashing import Hasher
from chaincity.oracle.spec import Action, Batched, ChainView, NotOnChain, OneByOne

# More certificates than any title is given: the bound of the search for its current version.
MAX_VERSIONS = 100_000


def title_input(payload: dict, hasher: Hasher) -> tuple:
    """IPropertyRegistry.TitleInput: (unit, rightType, documents, owners[(holder, share)])."""
    return (unit_of(payload), RIGHT_TYPES[payload["right_type"]],
            hasher.document(payload["certificate_no"]), _holders(payload, hasher))


def _holders(payload: dict, hasher: Hasher) -> list[tuple[bytes, int]]:
    return [(hasher.person(id_number), share) for id_number, share in zip(payload["owner_id_numbers"], payload["shares"])]


def _digest(chain: ChainView, unit: bytes, documents: bytes, version: int) -> bytes:
    """A title certificate's digest as the registry makes it: keccak256(abi.encode(registry,
    unit, documents, version)), the version counting the title's certificates from 1."""
    return keccak(encode(["address", "bytes32", "bytes32", "uint32"], [chain.contract.address, unit, documents, version]))


def _known(chain: ChainView, unit: bytes, documents: bytes, version: int) -> bool:
    """Whether the registry ever issued that certificate (valid, superseded or revoked since)."""
    return chain.call("verifyCertificate", _digest(chain, unit, documents, version))["state"] != CertificateState.UNKNOWN


def issued_certificate(chain: ChainView, payload: dict, hasher: Hasher) -> bytes | None:
    """The certificate the registry issued for the record's unit under the record's documents
    (certificate numbers are unique, so their digests name one act), or None.

    Read from the registry's own certificate record, not its event log: the title's current
    certificate gives its version (found by hashing), and each earlier version is one call.
    """
    unit, documents = unit_of(payload), hasher.document(payload["certificate_no"])
    title = chain.call("titleOf", unit)
    if title["status"] == TitleStatus.NONE:
        return None
    current = (bytes.fromhex(title["documents"][2:]), bytes.fromhex(title["certificate"][2:]))
    versions = next(v for v in range(1, MAX_VERSIONS) if _digest(chain, unit, current[0], v) == current[1])
    return next((_digest(chain, unit, documents, v) for v in range(versions, 0, -1)
                 if _known(chain, unit, documents, v)), None)


def certificate_issued(chain: ChainView, payload: dict, hasher: Hasher) -> bool:
    """Whether the act that issues the record's certificate happened (see issued_certificate)."""
    return issued_certificate(chain, payload, hasher) is not None


def _registered(chain: ChainView, payload: dict, hasher: Hasher) -> bool:
    """Whether the record's unit was registered (first, or by a merge) under its documents."""
    return _known(chain, unit_of(payload), hasher.document(payload["certificate_no"]), 1)


def _split_done(chain: ChainView, payload: dict, hasher: Hasher) -> bool:
    """Whether the split happened: its first part was registered under its certificate."""
    first = payload["certificate_no"].split(";")[0]
    return _known(chain, unit_key(payload["part_unit_codes"][0]), hasher.document(first), 1)


def _certificate_digest(chain: ChainView, payload: dict, hasher: Hasher) -> dict:
    """The digest of the certificate a revocation names."""
    digest = issued_certificate(chain, payload, hasher)
    if digest is None:
        raise NotOnChain("certificate_no", f"the registry issued no certificate {payload['certificate_no']} for {payload['unit_code']}")
    return {"certificate": digest.hex()}


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
    written_before=_registered,
)

# Every function is idempotent on chain; the history check keeps an earlier change resent
# from undoing a later one. A cancellation needs none: nothing follows it, and again it is a no-op.
CHANGES = OneByOne(kind="title.change", contract="PropertyRegistry", chain_key=unit_of, multicall=True, actions={
    "transfer": Action("transferTitle", lambda p, h: (unit_of(p), _holders(p, h), h.document(p["certificate_no"])),
                       written_before=certificate_issued),
    "reissue": Action("reissueCertificate", lambda p, h: (unit_of(p), h.document(p["certificate_no"])),
                      written_before=certificate_issued),
    "cancel": Action("cancelTitle", lambda p, h: (unit_of(p), h.document(p["certificate_no"]), reason_code(p["reason"]))),
    # A revocation again is a no-op on chain (same certificate, same reason): no history check.
    "revoke": Action("revokeCertificate", lambda p, h: (bytes.fromhex(p["certificate"]), reason_code(p["reason"])),
                     needs=_certificate_digest),
    "split": Action("splitTitle", lambda p, h: (unit_of(p), _parts(p, h), h.document(p["certificate_no"])),
                    written_before=_split_done, needs=_parent, touches=_with("part_unit_codes")),
    "merge": Action("mergeTitles", lambda p, h: ([unit_key(u) for u in p["source_unit_codes"]], title_input(p, h),
                                                 h.document(p["certificate_no"])),
                    written_before=_registered, touches=_with("source_unit_codes")),
})
