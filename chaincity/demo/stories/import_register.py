"""Story 1: the property register imported in bulk (Loudi, 2018: 350,000 titles of 150,000
households on chain); every title certificate issued by the registry, and certificates
verified against the chain from their printed numbers, as anyone holding one may."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chaincity.db import SourceRecord
from chaincity.demo.city import DEPARTMENTS, DemoCity, department
from chaincity.demo.evidence import StoryResult
from chaincity.departments.real_estate.chain import issued_certificate
from chaincity.oracle.history import ChainReader

SAMPLE = 5  # certificates verified, spread over the register


def _count(city: DemoCity, oracle: str, kind: str, status: str) -> int:
    total = 0
    for dept in DEPARTMENTS:
        if dept.oracle == oracle:
            with Session(city.engine(dept)) as session:
                total += session.scalar(select(func.count()).select_from(SourceRecord).where(
                    SourceRecord.kind == kind, SourceRecord.status == status))
    return total


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    centre = department("LD-REC")
    titles = city.records(centre, kind="title")
    loaded = len(city.records(centre, kind="title", status=None))
    result.fact("titles on chain", f"{len(titles):,} of {loaded:,} loaded", titles_on_chain=len(titles), titles_loaded=loaded)
    for oracle, kind, what in (("bank", "mortgage.register", "mortgages"), ("court", "seizure.seize", "seizures")):
        count = _count(city, oracle, kind, "confirmed")
        writers = sum(1 for d in DEPARTMENTS if d.oracle == oracle)
        result.fact(f"{what} on chain ({writers} {oracle}s)", f"{count:,}", **{f"{what}_on_chain": count})
    blocks = sorted({(t.tx_hash, t.block_number) for t in titles}, key=lambda b: b[1])
    # The registry's own word: one TitleRegistered event per title in the import's blocks.
    registry = city.city["PropertyRegistry"]
    events = len(registry.events.TitleRegistered().get_logs(from_block=blocks[0][1], to_block=blocks[-1][1]))
    result.fact("TitleRegistered events in those blocks", f"{events:,}", title_events=events)
    result.fact("import transactions", f"{len(blocks)} (blocks {blocks[0][1]}-{blocks[-1][1]})", import_transactions=len(blocks))
    result.tx("first batch of titles", {"tx_hash": blocks[0][0], "block_number": blocks[0][1]})
    result.tx("last batch of titles", {"tx_hash": blocks[-1][0], "block_number": blocks[-1][1]})
    reader = ChainReader(registry)
    verified = []
    for record in titles[:: max(1, len(titles) // SAMPLE)][:SAMPLE]:
        # From the paper certificate's number to the registry's digest, then ask the chain.
        digest = issued_certificate(reader, record.payload, city.hasher)
        answer = city.command("verify", "certificate", "0x" + digest.hex())
        verified.append({"certificate_no": record.payload["certificate_no"], "unit": record.payload["unit_code"],
                         "digest": "0x" + digest.hex(), "state": answer["state"],
                         "current": city.title(record.payload["unit_code"])["certificate"] == "0x" + digest.hex()})
        result.fact(f"certificate {record.payload['certificate_no']}", f"{answer['state']} (0x{digest.hex()[:16]}…)")
    result.data["verified"] = verified
    return result
