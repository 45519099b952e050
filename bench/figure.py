"""One measured figure, reported the way Hyperledger Caliper reports a round on a permissioned
chain: throughput or cost, latency percentiles and success rate, with the record count and the
chain, beside its goal and the ratio to it."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    """A figure of the benchmark (``number`` is its line in BENCHMARKS.md, 1-8)."""

    number: int
    name: str  # what was measured, e.g. "titles, batch of 500"
    chain: str  # "anvil", "ganache", "qbft" (the consortium profile)
    records: int  # how many records (reads, answers...) the figure is over
    value: float
    unit: str  # "gas/record", "records/s", "checks/s", "s", "MB", "x" (a ratio)
    goal: float | None = None
    goal_is_max: bool = False  # True: the value must stay at or under the goal (gas, time, memory)
    p50: float | None = None  # latency percentiles, seconds
    p95: float | None = None
    p99: float | None = None
    success_rate: float | None = None  # share of the records that succeeded, 0-1
    note: str = ""  # where the time goes, the peer's figure, the command that reproduces it

    @property
    def ratio_to_goal(self) -> float | None:
        """Above 1 meets the goal, either way round."""
        if self.goal is None or not self.value:
            return None
        return self.goal / self.value if self.goal_is_max else self.value / self.goal

    @property
    def meets_goal(self) -> bool | None:
        ratio = self.ratio_to_goal
        return None if ratio is None else ratio >= 1

    def as_dict(self) -> dict:
        return asdict(self) | {"ratio_to_goal": self.ratio_to_goal, "meets_goal": self.meets_goal}


def percentiles(latencies: list[float]) -> dict[str, float | None]:
    """p50, p95 and p99 of some latencies (seconds), for a Figure's keyword arguments."""
    if len(latencies) < 2:
        only = latencies[0] if latencies else None
        return {"p50": only, "p95": only, "p99": only}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}
