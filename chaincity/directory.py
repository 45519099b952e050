"""The city administrators' work on the directory: proposals (k of n), departments, the pause.

Every power that grants rights goes through a proposal: one administrator proposes a call to
the directory or to an allow-listed city contract, others approve, and any of them executes it
once k have. One administrator alone may only take powers away (suspend a department, pause the
city). Each administrator signs from their own machine with their own key, through the one
transaction sender; the proposal's call travels in its event, so executing needs only its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from web3 import Web3
from web3.logs import DISCARD

from chaincity.chain.contracts import jsonable
from chaincity.chain.deployment import City
from chaincity.chain.enums import DepartmentKind, DepartmentStatus, ProposalState, department_id, reason_code
from chaincity.chain.sender import TransactionSender

DIRECTORY = "CityDirectory"


class NotInDirectory(LookupError):
    """No such proposal or department in this city's directory."""


@dataclass(frozen=True)
class Proposal:
    """A proposal as the chain has it, with the call it makes in words."""

    id: int
    target: str  # the contract's name in the deployment record (or its address)
    call: str
    data: str
    proposer: str
    expires_at: str
    state: str
    approvals: int
    threshold: int
    approved_by: tuple[str, ...]

    @property
    def still_needed(self) -> int:
        return max(self.threshold - self.approvals, 0)

    def as_dict(self) -> dict:
        return {**self.__dict__, "approved_by": list(self.approved_by), "still_needed": self.still_needed}


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    id: str
    kind: str
    status: str
    signers: tuple[str, ...]

    def as_dict(self) -> dict:
        return {**self.__dict__, "signers": list(self.signers)}


class Directory:
    """The city directory of one deployment, read by anyone, written with ``sender``'s key."""

    def __init__(self, city: City, sender: TransactionSender | None = None):
        self.city = city
        self.contract = city[DIRECTORY]
        self.sender = sender
        self._from_block = city.block_of(DIRECTORY)

    # ---- calls that proposals make ------------------------------------------------------

    def call(self, contract: str, function: str, *args) -> tuple[str, bytes]:
        """(target address, calldata) of a call to a city contract."""
        target = self.city[contract]
        return target.address, bytes.fromhex(target.encode_abi(function, args=list(args))[2:])

    def register_call(self, code: str, kind: DepartmentKind, name: str, signers: list[str]) -> tuple[str, bytes]:
        return self.call(DIRECTORY, "registerDepartment", code, int(kind), name,
                         [Web3.to_checksum_address(s) for s in signers])

    def allow_city_contracts_call(self) -> tuple[str, bytes]:
        """Let proposals call every registry of the deployment (their quorum-only setters)."""
        others = [c.address for name, c in self.city.contracts.items() if name != DIRECTORY]
        return self.call(DIRECTORY, "setCityContracts", others, True)

    # ---- proposals ------------------------------------------------------------------------

    def _send(self, function: str, *args) -> dict:
        if self.sender is None:
            raise RuntimeError("reading only: no signing key")
        return self.sender.transact(self.contract.address, bytes.fromhex(
            self.contract.encode_abi(function, args=list(args))[2:]))

    def propose(self, target: str, data: bytes) -> Proposal:
        receipt = self._send("propose", Web3.to_checksum_address(target), data)
        (created,) = self.contract.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)
        return self.proposal(created["args"]["proposalId"])

    def approve(self, proposal_id: int) -> Proposal:
        self._send("approve", proposal_id)
        return self.proposal(proposal_id)

    def execute(self, proposal_id: int) -> Proposal:
        created = self._created(proposal_id)
        self._send("execute", proposal_id, created["args"]["target"], bytes(created["args"]["data"]))
        return self.proposal(proposal_id)

    def cancel(self, proposal_id: int) -> Proposal:
        self._send("cancel", proposal_id)
        return self.proposal(proposal_id)

    def _created(self, proposal_id: int):
        logs = self.contract.events.ProposalCreated().get_logs(
            from_block=self._from_block, argument_filters={"proposalId": proposal_id})
        if not logs:
            raise NotInDirectory(f"no proposal {proposal_id} in this city's directory")
        return logs[0]

    def proposal(self, proposal_id: int) -> Proposal:
        created = self._created(proposal_id)
        stored = self.contract.functions.getProposal(proposal_id).call()
        target, data = created["args"]["target"], bytes(created["args"]["data"])
        return Proposal(
            id=proposal_id, target=self.city.name_of(target) or target, call=self.describe(target, data),
            data="0x" + data.hex(), proposer=created["args"]["proposer"],
            expires_at=datetime.fromtimestamp(stored[2], UTC).isoformat(timespec="seconds"),
            state=ProposalState(stored[3]).name.lower(),
            approvals=self.contract.functions.approvalCount(proposal_id).call(),
            threshold=self.contract.functions.threshold().call(),
            approved_by=tuple(a for a in self.admins() if self.contract.functions.hasApproved(proposal_id, a).call()),
        )

    def proposals(self, open_only: bool = True) -> list[Proposal]:
        count = self.contract.functions.proposalCount().call()
        found = [self.proposal(i) for i in range(1, count + 1)]
        now = self.city.w3.eth.get_block("latest")["timestamp"]
        if open_only:
            found = [p for p in found if p.state == "pending" and datetime.fromisoformat(p.expires_at).timestamp() > now]
        return found

    def describe(self, target: str, data: bytes) -> str:
        """A call in words: `CityDirectory.registerDepartment(code=LD-REC, kind=1, …)`."""
        name = self.city.name_of(target)
        if name is None:
            return f"{target}: 0x{data.hex()}"
        function, args = self.city[name].decode_function_input(data)
        shown = ", ".join(f"{k}={_show(k, v)}" for k, v in args.items())
        return f"{name}.{function.fn_name}({shown})"

    def admins(self) -> list[str]:
        role = self.contract.functions.CITY_ADMIN_ROLE().call()
        count = self.contract.functions.getRoleMemberCount(role).call()
        return [self.contract.functions.getRoleMember(role, i).call() for i in range(count)]

    # ---- departments ----------------------------------------------------------------------

    def departments(self) -> list[Department]:
        registered = self.contract.events.DepartmentRegistered().get_logs(from_block=self._from_block)
        return [self._department(log["args"]["code"], log["args"]["name"]) for log in registered]

    def department(self, code: str) -> Department:
        logs = self.contract.events.DepartmentRegistered().get_logs(
            from_block=self._from_block, argument_filters={"departmentId": department_id(code)})
        if not logs:
            raise NotInDirectory(f"no department {code} in this city's directory")
        return self._department(code, logs[0]["args"]["name"])

    def _department(self, code: str, name: str) -> Department:
        dept = department_id(code)
        stored = self.contract.functions.getDepartment(dept).call()
        signers: list[str] = []
        events = [*self.contract.events.DepartmentSignerAdded().get_logs(
                      from_block=self._from_block, argument_filters={"departmentId": dept}),
                  *self.contract.events.DepartmentSignerRemoved().get_logs(
                      from_block=self._from_block, argument_filters={"departmentId": dept})]
        for log in sorted(events, key=lambda e: (e["blockNumber"], e["logIndex"])):
            signer = log["args"]["signer"]
            signers = [*signers, signer] if log["event"] == "DepartmentSignerAdded" else [s for s in signers if s != signer]
        return Department(code, name, "0x" + dept.hex(), DepartmentKind(stored[0]).label,
                          DepartmentStatus(stored[1]).name.lower(), tuple(signers))

    def suspend(self, code: str, reason: str) -> Department:
        self._send("suspendDepartment", department_id(code), reason_code(reason))
        return self.department(code)

    def pause(self) -> bool:
        self._send("pause")
        return self.contract.functions.paused().call()

    def rotate_key(self, code: str, new_signer: str) -> Department:
        """A department's signer replaces its own key (the sender's) with ``new_signer``."""
        self._send("rotateSigner", department_id(code), self.sender.address, Web3.to_checksum_address(new_signer))
        return self.department(code)


def _show(name: str, value) -> str:
    """An argument in words: a kind by its label, a county code as its digits."""
    if name == "kind":
        return DepartmentKind(value).label
    if isinstance(value, bytes) and value.isascii() and value.isalnum():
        return value.decode()
    value = jsonable(value)
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def run_proposal(admins: list[Directory], target: str, data: bytes) -> Proposal:
    """Propose with the first administrator, approve with the next until the threshold, execute
    (a devnet or demo holds several administrators' keys; a city runs each step on its own)."""
    proposal = admins[0].propose(target, data)
    for admin in admins[1:]:
        if proposal.still_needed == 0:
            break
        proposal = admin.approve(proposal.id)
    return admins[0].execute(proposal.id)
