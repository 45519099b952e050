"""One oracle per department and database: a second `oracle sync` started by mistake refuses
to run instead of signing with the same key beside the first (nonces taken, batches twice).

The lock lives with the department's database and dies with the process that holds it, so a
killed oracle (SIGKILL, a power cut) never leaves it behind: on PostgreSQL a session advisory
lock, held by a connection of its own (the server drops it when the connection closes); on a
SQLite file an OS lock (``flock``) on ``<database>.<CODE>.oracle-lock`` beside it (the kernel drops it
when the process exits). A row of ``oracle_locks`` names the holder for the refusal's message;
it is only information, overwritten by the next holder, never the lock itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from chaincity.db import Base
from chaincity.oracle.stops import OracleStopped, StopCause

logger = logging.getLogger(__name__)


class OracleLock(Base):
    """Who holds a department's oracle lock (information for the refusal; not the lock)."""

    __tablename__ = "oracle_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(255))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _holder(engine: Engine, name: str) -> str:
    with Session(engine) as session:
        row = session.get(OracleLock, name)
    return f"process {row.pid} on {row.host} since {row.since:%Y-%m-%d %H:%M:%S}" if row else "another process"


def _refused(engine: Engine, name: str) -> OracleStopped:
    return OracleStopped(StopCause.ALREADY_RUNNING, (
        f"another oracle of {name.removeprefix('oracle:')} runs on this database ({_holder(engine, name)}): "
        "one oracle per department; stop it, or wait for it to finish"))


def _record(engine: Engine, name: str) -> None:
    with Session(engine) as session:
        session.merge(OracleLock(name=name, pid=os.getpid(), host=socket.gethostname(), since=datetime.now(UTC)))
        session.commit()


@contextlib.contextmanager
def _sqlite_lock(engine: Engine, name: str) -> Iterator[None]:
    database = engine.url.database
    if not database or database == ":memory:":
        yield  # a private in-memory database: no other process can open it
        return
    path = Path(f"{database}.{name.removeprefix('oracle:')}.oracle-lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _refused(engine, name) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _postgres_lock(engine: Engine, name: str) -> Iterator[None]:
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    with engine.connect() as connection:
        if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
            raise _refused(engine, name)
        connection.commit()  # the lock belongs to the session, not to a transaction left open
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@contextlib.contextmanager
def oracle_lock(engine: Engine, department_code: str) -> Iterator[None]:
    """Hold the department's oracle lock while the block runs; raises :class:`OracleStopped`
    (ALREADY_RUNNING) when another live process holds it."""
    name = f"oracle:{department_code}"
    OracleLock.__table__.create(engine, checkfirst=True)
    dialect = engine.dialect.name
    if dialect == "sqlite":
        held = _sqlite_lock(engine, name)
    elif dialect == "postgresql":
        held = _postgres_lock(engine, name)
    else:
        logger.warning("no oracle lock on %s: make sure one oracle per department runs", dialect)
        held = contextlib.nullcontext()
    with held:
        _record(engine, name)
        yield
