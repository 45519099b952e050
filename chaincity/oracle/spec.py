"""What a department declares to the oracle framework, and all it declares.

A department module gives one :class:`DepartmentSpec`: the columns of its export and how a row
becomes a record; how its records go on chain (:class:`Batched` registrations, and
:class:`OneByOne` changes whose :class:`Action` objects name the function, its arguments and
how to tell that the chain holds the act already); and what it follows on chain into which
read-model tables (:class:`Follows`); and what it answers through the data gateway
(:class:`Serves`). The framework (load, sync, follow) reads nothing else,
and never asks a department's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from chaincity.chain.enums import DepartmentKind
from chaincity.hashing import Hasher


class RowError(ValueError):
    """A row that cannot be loaded: which field, and why."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotOnChain(LookupError):
    """A chain fact a record needs is not there (e.g. the certificate a revocation names)."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class RowContext:
    """What reading a row may depend on besides the row: the city's own facts."""

    counties: frozenset[str]


@dataclass(frozen=True)
class ParsedRow:
    """A valid row: its idempotency key within the department, what it is, and its fields."""

    source_id: str
    kind: str
    payload: dict


class ChainView(Protocol):
    """The chain as a department's checks see it: the mapping's contract and its view calls."""

    contract: object  # web3 Contract

    def call(self, function: str, *args) -> dict | list:
        """A view call with its result named by the ABI."""


# A check that the chain's history holds a record already, though the state moved on.
History = Callable[[ChainView, dict, Hasher], bool]


@dataclass(frozen=True)
class Batched:
    """Records written many per transaction: each is one element of ``function``'s list argument."""

    kind: str  # the records' kind (ParsedRow.kind)
    contract: str  # name in the deployment record
    function: str
    element: Callable[[dict, Hasher], tuple]
    chain_key: Callable[[dict], bytes]  # the record's key on chain, as typed errors name it
    # The payload field naming the department a record belongs to (a bank's own contracts):
    # an oracle writes only its own department's records and rejects the others.
    owner_field: str | None = None
    # Asked for a record the contract refuses: whether its act is in the chain's history
    # (a registration resent after the title moved on); then it is confirmed, not rejected.
    written_before: History | None = None
    # The chain key when it needs the pepper (a voucher's id is the digest of a salted
    # document); used instead of ``chain_key`` to find the record a typed error names.
    hashed_key: Callable[[dict, Hasher], bytes] | None = None
    batched = True
    multicall = False

    def key_of(self, payload: dict, hasher: Hasher) -> bytes:
        return self.hashed_key(payload, hasher) if self.hashed_key else self.chain_key(payload)

    @property
    def functions(self) -> tuple[str, ...]:
        return (self.function,)

    def function_of(self, payload: dict) -> str:
        return self.function

    def written_before_of(self, payload: dict) -> History | None:
        return self.written_before


@dataclass(frozen=True)
class Action:
    """One kind of change, written alone: its function and arguments, and what it reads."""

    function: str
    arguments: Callable[[dict, Hasher], tuple]
    # Asked before sending: an earlier change resent would undo a later one.
    written_before: History | None = None
    # Chain facts the arguments need, merged into the payload first; raises NotOnChain.
    needs: Callable[[ChainView, dict, Hasher], dict] | None = None
    # Every chain key the call reads or writes, when more than the record's own (a split's parts).
    touches: Callable[[dict], Iterable[bytes]] | None = None


@dataclass(frozen=True)
class OneByOne:
    """Records written one per call in export order (a title's changes build on each other);
    ``payload["action"]`` picks the :class:`Action` when there are several.

    With ``multicall`` (the contract has OpenZeppelin's ``multicall(bytes[])``) many calls go in
    one transaction, no two of them touching the same key, each key's records in export order
    (a record whose key is in the transaction already waits for the next one): the calls of one
    transaction never build on each other, so a typed error names its record and a batch can be
    split to find it. Without it, one call per transaction (and per block, on a
    devnet that mines each one: what made Loudi's 8,000 market acts take half an hour)."""

    kind: str
    contract: str
    actions: Mapping[str, Action]
    chain_key: Callable[[dict], bytes]
    owner_field: str | None = None
    multicall: bool = False
    batched = False

    def action_of(self, payload: dict) -> Action:
        if len(self.actions) == 1:
            return next(iter(self.actions.values()))
        return self.actions[payload["action"]]

    @property
    def functions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(action.function for action in self.actions.values()))

    def function_of(self, payload: dict) -> str:
        return self.action_of(payload).function

    def written_before_of(self, payload: dict) -> History | None:
        return self.action_of(payload).written_before

    def key_of(self, payload: dict, hasher: Hasher) -> bytes:
        return self.chain_key(payload)

    def keys_of(self, payload: dict) -> frozenset[bytes]:
        touches = self.action_of(payload).touches
        return frozenset(touches(payload) if touches else (self.chain_key(payload),))


ChainMapping = Batched | OneByOne


@dataclass(frozen=True)
class Follows:
    """What a department follows on chain, and the read model it keeps of it."""

    contract: str
    # Events whose second indexed argument is a department id: only this department's are read.
    addressed: tuple[str, ...]
    # Events read whoever they name (e.g. every seizure, for the titles a bank lends on).
    every: tuple[str, ...] = ()
    # Applies one stored event to the read model (None: the events table is the read model).
    on_event: Callable[[Session, object], None] | None = None
    # The department's own read-model tables, emptied and replayed from the stored events
    # when a reorganisation drops some.
    tables: tuple[type, ...] = ()


class UnknownSubject(LookupError):
    """The department's database knows nothing of the subject a gateway request names."""


@dataclass(frozen=True)
class Serves:
    """A category of data the department answers through the data gateway, to a department
    holding a grant for it (IDataAccessGrants): its name (on chain as keccak256 of it), how a
    subject as the requester writes it becomes the grant's bytes32 subject (raises ValueError
    for a malformed one), and the answer from the department's own database (raises
    :class:`UnknownSubject` when there is none). The answer is JSON-serialisable and may carry
    personal data: it leaves the department only encrypted to the requester."""

    category: str
    subject_key: Callable[[str], bytes]
    answer: Callable[[Session, str], dict]
    description: str = ""
    # Database indexes the answer's lookups need (sqlalchemy.Index on a table of chaincity.db: a
    # new database has them; the gateway adds them to an older one when it starts), so an
    # answer never scans the department's records.
    indexes: tuple = ()


@dataclass(frozen=True)
class DepartmentSpec:
    """A department: the columns of its export, how a row is read, and how records go on
    chain (in the order they must be written)."""

    name: str
    kinds: tuple[DepartmentKind, ...]  # what it may sign as in the city directory
    columns: tuple[str, ...]
    parse: Callable[[dict[str, str], RowContext], ParsedRow]
    chains: tuple[ChainMapping, ...] = ()
    optional_columns: tuple[str, ...] = ()  # read when present (e.g. `action`), documented in the README
    follows: Follows | None = None
    serves: tuple[Serves, ...] = ()  # what the data gateway answers from its database
    # The columns that name a record as the department prints it (certificate, contract, order
    # number…): a row that cannot be read is named by them in the rejects report. Never a
    # person's identity number.
    record_columns: tuple[str, ...] = ()

    def chain_of(self, kind: str) -> ChainMapping:
        return next(mapping for mapping in self.chains if mapping.kind == kind)
