"""What a story leaves behind: its outcome, the facts it read back from the chain and the
department databases, and the transactions that did it. The log, the summary and the HTML
report are all drawn from these, and the end-to-end test asserts on them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Transaction:
    """One act of the story on chain: what it did, its hash and block."""

    what: str
    tx_hash: str
    block: int


@dataclass
class StoryResult:
    """One story's evidence. ``facts`` are shown in order as (label, value); ``data`` holds the
    raw values (units, digests, counts) a test or a later story reads."""

    number: int
    title: str
    status: str = "played"  # played | skipped
    note: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    seconds: float = 0.0

    def fact(self, label: str, value, **data) -> None:
        """Record a fact as shown, and its raw values under their names."""
        self.facts.append((label, str(value)))
        self.data.update(data)

    def tx(self, what: str, record: dict | None) -> None:
        """A transaction from a department database's record (its tx hash and block)."""
        if record and record.get("tx_hash"):
            self.transactions.append(Transaction(what, record["tx_hash"], record["block_number"]))
