"""The department database: what the department loaded, what reached the chain, what was rejected.

A real SQL database through SQLAlchemy: a SQLite file by default, any SQLAlchemy URL (such as
PostgreSQL) by configuration. Personal data stays here; only salted hashes go on chain.
The schema is created by the tool and versioned in ``schema_version``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint, create_engine, event, exc, make_url, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

SCHEMA_VERSION = 1
DEFAULT_URL = "sqlite:///chaincity.db"


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "schema_version"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)


class SourceRecord(Base):
    """One department record, as loaded from its export; ``status`` follows it to the chain."""

    __tablename__ = "source_records"
    __table_args__ = (UniqueConstraint("department", "source_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department: Mapped[str] = mapped_column(String(32), index=True)
    source_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    source_file: Mapped[str] = mapped_column(Text)
    row_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    block_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Reject(Base):
    """A record that cannot go on chain, with the field and the reason."""

    __tablename__ = "rejects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department: Mapped[str] = mapped_column(String(32), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # "load" (validation) or "chain" (contract error)
    source_file: Mapped[str] = mapped_column(Text)
    row_number: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    field: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass
class Summary:
    """What a load or a sync did for a department, with the rejects it made."""

    department: str
    rejects: list[dict] = field(default_factory=list, kw_only=True)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "rejects"}


def reject_row(department: str, stage: str, source_file: str, row_number: int, source_id: str | None,
               field: str, reason: str) -> dict:
    """A row of the rejects table (and of the rejects report): what failed, where, and why."""
    return {"department": department, "stage": stage, "source_file": source_file, "row_number": row_number,
            "source_id": source_id, "field": field, "reason": reason}


class Checkpoint(Base):
    """Where a sync or a follower stopped: block number and hash (to detect reorganisations)."""

    __tablename__ = "checkpoints"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    block_number: Mapped[int] = mapped_column(Integer)
    block_hash: Mapped[str] = mapped_column(String(66))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)


class ChainEvent(Base):
    """An event read from the chain: the read model's raw material. (tx, log index) is its
    identity, so reading a block twice stores nothing twice."""

    __tablename__ = "chain_events"
    __table_args__ = (UniqueConstraint("follower", "tx_hash", "log_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    follower: Mapped[str] = mapped_column(String(64), index=True)
    contract: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(64), index=True)
    key: Mapped[str | None] = mapped_column(String(66), index=True, nullable=True)  # first indexed argument
    args: Mapped[dict] = mapped_column(JSON)
    block_number: Mapped[int] = mapped_column(Integer, index=True)
    block_hash: Mapped[str] = mapped_column(String(66))
    tx_hash: Mapped[str] = mapped_column(String(66))
    log_index: Mapped[int] = mapped_column(Integer)


class FollowedBlock(Base):
    """Hashes of the last blocks a follower read, to find where a reorganisation forked."""

    __tablename__ = "followed_blocks"

    follower: Mapped[str] = mapped_column(String(64), primary_key=True)
    block_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_hash: Mapped[str] = mapped_column(String(66))


def _sqlite_settings(connection, _record) -> None:
    """A write-ahead log, synced at checkpoints rather than at every commit: an oracle commits
    each record twice (sent, then confirmed), and a full sync per commit cost a one-by-one
    record 17 ms of its 78 (measured). A commit still survives the process being killed; only
    an operating-system crash may lose the last ones, and then their records are sent again,
    which every registry write allows (idempotent, or checked against the chain's history).
    Readers (the demo's progress bar, a gateway's answers) no longer block the writer either."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SchemaError(RuntimeError):
    """The database holds a schema this version of the tool does not know."""


class DatabaseUnavailable(RuntimeError):
    """The department's database cannot be opened: a malformed URL, an unknown driver, a path
    that cannot be created, a file that is not a database, a server that does not answer."""


def open_database(url: str = DEFAULT_URL) -> Engine:
    """Connect, create the schema when the database is new, and check its version."""
    try:
        engine = create_engine(url, future=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_settings)
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            versions = session.scalars(select(SchemaVersion.version)).all()
            if not versions:
                session.add(SchemaVersion(version=SCHEMA_VERSION))
                session.commit()
    except (exc.ArgumentError, exc.DBAPIError, ImportError) as error:
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        if "psycopg2" in reason:
            reason += " (this tool's PostgreSQL driver is psycopg 3: postgresql+psycopg://…)"
        raise DatabaseUnavailable(f"cannot open the department database {_shown(url)}: {reason}") from None
    if versions and max(versions) != SCHEMA_VERSION:
        raise SchemaError(f"database schema version {max(versions)}, this tool knows {SCHEMA_VERSION}")
    return engine


def _shown(url: str) -> str:
    """The URL without its password, for an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return "(a malformed URL)"


class PayloadField(ColumnElement):
    """A top-level text field of a record's JSON payload, as an index can hold it: the same
    SQL in the index and in the query (SQLite's json_extract with a literal path, PostgreSQL's
    ->>), so the database looks it up through the index instead of reading every payload."""

    inherit_cache = True
    _traverse_internals = [("key", InternalTraversal.dp_string)]
    type = String()

    def __init__(self, key: str):
        if not key.isidentifier():
            raise ValueError(f"a payload field name, not {key!r}")
        self.key = key


@compiles(PayloadField, "sqlite")
def _payload_field_sqlite(element: PayloadField, compiler, **kw) -> str:
    return f"json_extract({compiler.process(SourceRecord.__table__.c.payload, **kw)}, '$.{element.key}')"


@compiles(PayloadField)
def _payload_field(element: PayloadField, compiler, **kw) -> str:
    return f"({compiler.process(SourceRecord.__table__.c.payload, **kw)} ->> '{element.key}')"
