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


def _titles(status: str | None = "confirmed"):
    """How many of the registration centre's titles are in ``status`` (None: all loaded)."""
    query = select(func.count()).select_from(SourceRecord).where(SourceRecord.kind == "title")
    return query if status is None else query.where(SourceRecord.status == status)


def _events(city: DemoCity, registry, first: int, last: int, step: int = 20) -> int:
    """TitleRegistered events in blocks first..last, counted from the raw logs a few blocks at a
    time (at Loudi's scale, 345,758 events decoded at once held 2 GB)."""
    topic = registry.events.TitleRegistered().topic
    return sum(len(city.w3.eth.get_logs({"address": registry.address, "topics": [topic], "fromBlock": start,
                                         "toBlock": min(start + step - 1, last)}))
               for start in range(first, last + 1, step))


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    centre = department("LD-REC")
    confirmed = (SourceRecord.kind == "title", SourceRecord.status == "confirmed")
    with Session(city.engine(centre)) as session:  # counted by the database: Loudi's register is 345,758 records
        on_chain, loaded = session.scalar(_titles()), session.scalar(_titles(None))
        blocks = session.execute(select(SourceRecord.tx_hash, SourceRecord.block_number).where(*confirmed)
                                 .distinct().order_by(SourceRecord.block_number)).all()
        step = max(1, on_chain // SAMPLE)
        sample = [session.scalars(select(SourceRecord).where(*confirmed).order_by(SourceRecord.id)
                                  .offset(n * step).limit(1)).one() for n in range(min(SAMPLE, on_chain))]
    result.fact("titles on chain", f"{on_chain:,} of {loaded:,} loaded", titles_on_chain=on_chain, titles_loaded=loaded)
    for oracle, kind, what in (("bank", "mortgage.register", "mortgages"), ("court", "seizure.seize", "seizures")):
        count = _count(city, oracle, kind, "confirmed")
        writers = sum(1 for d in DEPARTMENTS if d.oracle == oracle)
        result.fact(f"{what} on chain ({writers} {oracle}s)", f"{count:,}", **{f"{what}_on_chain": count})
    # The registry's own word: one TitleRegistered event per title in the import's blocks.
    registry = city.city["PropertyRegistry"]
    events = _events(city, registry, blocks[0][1], blocks[-1][1])
    result.fact("TitleRegistered events in those blocks", f"{events:,}", title_events=events)
    result.fact("import transactions", f"{len(blocks)} (blocks {blocks[0][1]}-{blocks[-1][1]})", import_transactions=len(blocks))
    result.tx("first batch of titles", {"tx_hash": blocks[0][0], "block_number": blocks[0][1]})
    result.tx("last batch of titles", {"tx_hash": blocks[-1][0], "block_number": blocks[-1][1]})
    reader = ChainReader(registry)
    verified = []
    for record in sample:
        # From the paper certificate's number to the registry's digest, then ask the chain.
        digest = issued_certificate(reader, record.payload, city.hasher)
        answer = city.command("verify", "certificate", "0x" + digest.hex())
        verified.append({"certificate_no": record.payload["certificate_no"], "unit": record.payload["unit_code"],
                         "digest": "0x" + digest.hex(), "state": answer["state"],
                         "current": city.title(record.payload["unit_code"])["certificate"] == "0x" + digest.hex()})
        result.fact(f"certificate {record.payload['certificate_no']}", f"{answer['state']} (0x{digest.hex()[:16]}…)")
    result.data["verified"] = verified
    return result
