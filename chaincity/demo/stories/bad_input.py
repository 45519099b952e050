"""Story 8: bad input. Every row of every export ends in exactly one place: on chain, or
rejected with the row, the field and the reason (by the loader's checks: identity-number and
unit-code check characters, the city's counties, shares summing to the whole; or by the
registry, with its decoded error). Nothing is lost: loaded = on chain + rejected + pending."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chaincity.db import Reject, SourceRecord
from chaincity.demo.city import DEPARTMENTS, DemoCity, readable
from chaincity.demo.evidence import StoryResult

SHOWN = 2  # bad rows shown per department


def run(city: DemoCity, story) -> StoryResult:
    result = StoryResult(story.number, story.title)
    counts = {}
    for dept in DEPARTMENTS:
        if dept.oracle is None:
            continue
        with Session(city.engine(dept)) as session:
            status = dict(session.execute(select(SourceRecord.status, func.count()).group_by(SourceRecord.status)).all())
            bad = dict(session.execute(select(Reject.stage, func.count()).group_by(Reject.stage)).all())
            examples = session.scalars(select(Reject).order_by(Reject.id).limit(SHOWN)).all()
            count = {"loaded": sum(status.values()), "on_chain": status.get("confirmed", 0),
                     "rejected": status.get("rejected", 0), "pending": status.get("pending", 0) + status.get("sent", 0),
                     "bad_rows": bad.get("load", 0), "refused_by_chain": bad.get("chain", 0)}
            counts[dept.code] = count
            rows = "1 bad row" if count["bad_rows"] == 1 else f"{count['bad_rows']} bad rows"
            result.fact(dept.code, f"{rows}; loaded {count['loaded']:,} = {count['on_chain']:,} "
                        f"on chain + {count['rejected']} rejected + {count['pending']} pending")
            for reject in examples:
                where = reject.source_file.rsplit("/", 1)[-1]
                result.fact(f"  {where} row {reject.row_number}", f"{reject.field}: {readable(reject.reason)}")
    result.data["counts"] = counts
    return result
