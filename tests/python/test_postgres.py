"""The department database on PostgreSQL: the same load and sync as on SQLite."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chaincity.datagen import generate
from chaincity.db import Reject, SourceRecord, open_database
from chaincity.cli import DEPARTMENTS
from chaincity.load import load_csv
from conftest import LOUDI


def test_load_and_sync_on_postgresql(anvil, city, oracles, tmp_path, postgres_url):
    assert postgres_url.startswith("postgresql")
    files = generate(tmp_path / "data", households=60, bad_share=0.1, seed=9)
    engine = open_database(postgres_url)
    load = load_csv(engine, DEPARTMENTS["real-estate"], files.real_estate, LOUDI)
    assert load.rejected == files.bad_rows["real-estate"] > 0
    again = load_csv(engine, DEPARTMENTS["real-estate"], files.real_estate, LOUDI)
    assert (again.loaded, again.unchanged) == (0, load.loaded)
    summary, _ = oracles.sync("real-estate", "LD-REC", engine=engine, database_url=postgres_url, batch_size=20, pipeline=3)
    assert (summary.confirmed, summary.rejected, summary.pending) == (load.loaded, 0, 0)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Reject)) == 2 * load.rejected  # both loads reported them
        assert session.scalar(select(func.count()).select_from(SourceRecord).where(SourceRecord.status == "confirmed")) == load.loaded
    assert open_database(postgres_url).url.get_backend_name() == "postgresql"  # reopening keeps the schema
