"""Story 7: a court reads a title's owners through the registration centre's data gateway,
instead of a point-to-point interface ("new government departments can access … only by
obtaining authorisation for data use"). Without a grant the gateway refuses and sends nothing;
the court requests a grant, the centre approves it, and the court's second request is answered,
sealed to the court's key, with a read receipt (read id, query and answer digests) on chain
that the court checks the answer against. The owners' identity numbers stay between the two:
the story shows their count and whether they are the owners on chain (by their salted hashes)."""

from __future__ import annotations

from chaincity.demo.city import DemoCity, DemoError, department
from chaincity.demo.evidence import StoryResult
from chaincity.devnet import free_port

SERVER, COURT = "LD-REC", "LD-COURT-INT"
CATEGORY = "title-owners"
CASE = "(2026)湘13执123号"


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    centre, court = department(SERVER), department(COURT)
    unit = city.free_title(city.used_units)["unit_code"]
    url = city.start_gateway(centre, "real-estate", free_port())
    result.fact(f"{SERVER}'s gateway", f"`chaincity gateway serve real-estate` at {url} (its own process and key)",
                gateway_url=url)
    court_env = {"CHAINCITY_ENCRYPTION_KEY_FILE": str(city.root / "keys" / f"{COURT}.x25519")}
    key = city.command("gateway", "register-key", department=court, extra=court_env)
    result.fact(f"{COURT}'s encryption key", f"registered on chain ({key['publicKey'][:18]}…); the private half "
                "stays in its key file", court_key=key["publicKey"])

    ask = ("gateway", "ask", SERVER, CATEGORY, unit, "--url", url)
    refused = city.command(*ask, department=court, extra=court_env)
    result.fact("asked without a grant", f"refused ({refused.get('refused')}), no data sent",
                refused_code=refused.get("refused"), refused_answer="answer" in refused)

    requested = city.command("grant", "request", SERVER, CATEGORY, "--subject", unit, "--purpose",
                             f"enforcement of {CASE}", "--reference", f"{CASE}-协助查询", department=court)
    grant = requested["grantId"]
    approved = city.command("grant", "approve", grant, "--days", "30", department=centre)
    result.fact(f"{COURT} requests a grant for {unit}", f"{requested['stateName']} (grant {grant[:18]}…)",
                grant=grant, requested_state=requested["stateName"])
    result.fact(f"{SERVER} approves it for 30 days", approved["stateName"], approved_state=approved["stateName"])

    answered = city.command(*ask, department=court, extra=court_env)
    if "answer" not in answered:
        raise DemoError(f"the gateway refused the court with a grant: {answered}")
    owners = answered["answer"].get("owners", [])
    on_chain = sorted(o["holder"] for o in city.title(unit)["owners"])
    same = sorted("0x" + city.hasher.person(o["id_number"]).hex() for o in owners) == on_chain
    receipt = answered["receipt"]
    result.fact("asked with the grant", f"answered and opened with the court's key: {len(owners)} owner(s) of {unit}, "
                f"{'the owners on chain' if same else 'NOT the owners on chain'} (by their salted hashes); "
                "identity numbers not shown", owner_count=len(owners), owners_match_chain=same, unit=unit)
    result.fact("read receipt on chain", f"read {answered['readId'][:18]}…, answer digest {receipt['answerDigest'][:18]}… "
                "= the digest of the answer received", read_id=answered["readId"], receipt=receipt)
    record = next((r for r in city.records(centre, kind="read-receipt", status=None)
                   if r.payload["readId"] == answered["readId"]), None)
    if record is not None and record.tx_hash:
        # The gateway sends its receipts behind its answers: on a slow chain the answer comes
        # before the block with the receipt (Loudi's scale on Anvil: a block takes seconds).
        mined = city.w3.eth.wait_for_transaction_receipt(record.tx_hash, timeout=120)
        status = "confirmed" if mined["status"] == 1 else "reverted"
        result.tx(f"recordReceipts ({SERVER}'s gateway)", {"tx_hash": record.tx_hash, "block_number": mined["blockNumber"]})
        result.fact("the receipt's transaction", f"{status} in block {mined['blockNumber']}",
                    receipt_status=status, receipt_block=mined["blockNumber"])
    shown = city.command("grant", "show", grant)
    result.fact("the grant on chain", f"{shown['stateName']}, {shown['receiptCount']} read(s) recorded",
                receipt_count=shown["receiptCount"])
    return result
