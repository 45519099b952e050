"""The city dashboard's figures, from the registries' events: each poll reads only the blocks
since the last (kept in memory), so the page can ask every few seconds. Nothing personal is
kept: units, company codes and department codes, never an owner's hash."""

from __future__ import annotations

import threading
from collections import Counter, deque
from datetime import datetime

from chaincity.chain.deployment import City
from chaincity.chain.enums import SubjectKind
from chaincity.formats import CHINA
from chaincity.formats import unit_code_of

# (contract, event) -> the dashboard's counter it adds to (None: shown in the live feed only).
WATCHED = {
    ("PropertyRegistry", "TitleRegistered"): "titles", ("PropertyRegistry", "TitleTransferred"): None,
    ("PropertyRegistry", "MortgageRegistered"): "mortgages", ("PropertyRegistry", "MortgageReleased"): None,
    ("PropertyRegistry", "TitleSeized"): "seizures", ("PropertyRegistry", "SeizureLifted"): None,
    ("PropertyRegistry", "CertificateRevoked"): None, ("PropertyRegistry", "TitleSoldJudicially"): None,
    ("CompanyRegistry", "CompanyRegistered"): "companies", ("CompanyRegistry", "CompanyStatusChanged"): None,
    ("CompanyRegistry", "TaxGradeAssessed"): "tax grades",
    ("CreditLists", "Listed"): "listings", ("CreditLists", "ListingEnded"): None,
    ("VoucherRegistry", "VoucherIssued"): "vouchers", ("VoucherRegistry", "VoucherRedeemed"): None,
    ("DataAccessGrants", "AccessGranted"): "grants", ("DataAccessGrants", "ReceiptRecorded"): "gateway reads",
}
REGISTRATIONS = ("TitleRegistered", "CompanyRegistered")
FEED = 30
WINDOW = 5_000  # blocks per get_logs: a city's whole history in one answer would be too large


def _subject(args) -> str:
    """What an event is about, in public words: a unit code, a company code, or nothing."""
    if "unit" in args:
        return unit_code_of(bytes(args["unit"]))
    if "uscc" in args:
        return bytes(args["uscc"]).decode("ascii", "replace")
    return ""


class Dashboard:
    def __init__(self, city: City, code_of):
        self.city, self.code_of = city, code_of
        self.next_block = min(city.block_of(name) for name, _ in WATCHED)
        self.counts: Counter = Counter()
        self.by_day: dict = {}  # day (China time) -> Counter: "today" stays right past midnight
        self.registered_at: list[int] = []  # block times of every title and company registration
        self.live_listings: dict[tuple, tuple[bytes, int]] = {}  # (subject, case, type) -> (subject, end)
        self.feed: deque = deque(maxlen=FEED)
        self.times: dict[int, int] = {}
        self.lock = threading.Lock()

    def _time(self, block: int) -> int:
        if block not in self.times:
            self.times[block] = self.city.w3.eth.get_block(block)["timestamp"]
        return self.times[block]

    def poll(self) -> None:
        """Read the events of the blocks mined since the last poll."""
        with self.lock:
            head = self.city.w3.eth.block_number
            if head < self.next_block:
                return
            for start in range(self.next_block, head + 1, WINDOW):
                self._read(start, min(start + WINDOW - 1, head))
                self.next_block = min(start + WINDOW, head + 1)

    def _read(self, start: int, end: int) -> None:
        logs = []
        for (contract, event), counter in WATCHED.items():
            found = getattr(self.city[contract].events, event)().get_logs(from_block=start, to_block=end)
            logs += [(log, contract, counter) for log in found]
        for log, contract, counter in sorted(logs, key=lambda e: (e[0]["blockNumber"], e[0]["logIndex"])):
            at = self._time(log["blockNumber"])
            if counter:
                self.counts[counter] += 1
                self.by_day.setdefault(datetime.fromtimestamp(at, CHINA).date(), Counter())[counter] += 1
            if log["event"] in REGISTRATIONS:
                self.registered_at.append(at)
            self._listing(log)
            department = next((log["args"][k] for k in ("departmentId", "lender", "court", "issuer", "server", "owner",
                                                         "holder") if k in log["args"]), None)
            self.feed.appendleft({"block": log["blockNumber"], "time": datetime.fromtimestamp(at, CHINA).strftime("%H:%M:%S"),
                                  "registry": contract, "event": log["event"], "subject": _subject(log["args"]),
                                  "department": self.code_of(bytes(department)) if department else ""})

    def _listing(self, log) -> None:
        args = log["args"]
        key = (bytes(args.get("subject", b"")), bytes(args.get("caseDigest", b"")), args.get("listType"))
        if log["event"] == "Listed" and args["subjectKind"] == SubjectKind.COMPANY:
            self.live_listings[key] = (key[0], args["end"])
        elif log["event"] == "ListingEnded":
            self.live_listings.pop(key, None)

    def listed_companies(self) -> int:
        """Companies with a credit listing live now (open-ended, or not past its last day)."""
        now = int(datetime.now(CHINA).timestamp())  # `end` is the first second of the last live day
        return len({subject for subject, end in self.live_listings.values() if not end or end + 86_400 > now})

    def figures(self) -> dict:
        self.poll()
        today = self.by_day.get(datetime.now(CHINA).date(), Counter())
        return {"counts": dict(self.counts), "today": dict(today), "listed_companies": self.listed_companies(),
                "head": self.next_block - 1, "feed": list(self.feed)}

    def chart(self, buckets: int = 24, width: int = 640, height: int = 180) -> str:
        """Registrations (titles and companies) over time as an inline SVG bar chart."""
        times = sorted(self.registered_at)
        if not times:
            return f'<svg width="{width}" height="40" role="img"><text x="0" y="25">no registration yet</text></svg>'
        start, span = times[0], max(times[-1] - times[0], 1)
        bins = [0] * buckets
        for at in times:
            bins[min(int((at - start) * buckets / span), buckets - 1)] += 1
        top, bar = max(bins), width / buckets
        bars = "".join(
            f'<rect x="{i * bar + 1:.1f}" y="{height - 20 - (n / top) * (height - 40):.1f}" width="{bar - 2:.1f}" '
            f'height="{(n / top) * (height - 40):.1f}" fill="#2a6f97"><title>{n}</title></rect>' for i, n in enumerate(bins))
        label = lambda at: datetime.fromtimestamp(at, CHINA).strftime("%m-%d %H:%M")  # noqa: E731
        return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
                f'aria-label="registrations over time">{bars}'
                f'<text x="0" y="{height - 4}" font-size="11">{label(start)}</text>'
                f'<text x="{width}" y="{height - 4}" font-size="11" text-anchor="end">{label(times[-1])}</text>'
                f'<text x="0" y="12" font-size="11">max {top} per bar, {len(times)} in all</text></svg>')
